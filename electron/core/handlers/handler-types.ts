import type { CallName, CallResult, ParsedArgs } from '../../../shared/contract.js';
import type { Result } from '../../../shared/result.js';

/** One handler per contract call; arguments arrive already validated against the contract's schema. */
export type Handler<N extends CallName> = (
  args: ParsedArgs<N>,
) => Promise<Result<CallResult<N>>> | Result<CallResult<N>>;

export type HandlerMap = { [N in CallName]: Handler<N> };
export type PartialHandlers<K extends CallName> = { [N in K]: Handler<N> };
