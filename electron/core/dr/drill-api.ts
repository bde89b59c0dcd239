import type { ApiAction } from '../../../shared/run/plan-types.js';
import { fail, ok, type Result } from '../../../shared/result.js';
import type { CloudClients } from '../clients/index.js';
import { runApiAction } from './api-action.js';
import type { DrContext } from './remote-action.js';

/**
 * Reads for the drill steps (lists of what is in a drill project), sent and logged like every planned
 * action: a read-only GET the plan's verification names.
 */
export async function apiGet<T>(
  ctx: DrContext,
  clients: CloudClients,
  service: ApiAction['service'],
  path: string,
  description: string,
): Promise<Result<T>> {
  const read = await runApiAction(ctx, clients, {
    kind: 'api',
    id: `read:${path}`,
    service,
    method: 'GET',
    path,
    description,
    readOnly: true,
  });
  return read.ok ? ok(read.value.body as T) : read;
}

/** Sends a planned action; a DELETE of something already gone (404) counts as done. */
export async function sendAction(
  ctx: DrContext,
  clients: CloudClients,
  action: ApiAction,
): Promise<Result<unknown>> {
  const sent = await runApiAction(ctx, clients, action);
  if (sent.ok) return ok(sent.value.body);
  if (action.method === 'DELETE' && sent.error.httpStatus === 404) return ok(undefined);
  return fail({ ...sent.error, message: `${action.description}: ${sent.error.message}` });
}

/** Polls `check` every `everyMs` until it says done or `timeoutMs` passes (then the last answer). */
export async function pollUntil<T>(
  ctx: DrContext,
  check: () => Promise<Result<{ done: boolean; value: T }>>,
  options: { everyMs?: number; timeoutMs?: number } = {},
): Promise<Result<{ done: boolean; value: T }>> {
  const every = options.everyMs ?? 1000;
  const until = Date.now() + (options.timeoutMs ?? 120_000);
  for (;;) {
    const answer = await check();
    if (!answer.ok || answer.value.done || Date.now() >= until) return answer;
    if (ctx.signal.aborted) return fail({ code: 'cancelled', message: 'Cancelled while waiting.' });
    await new Promise((r) => setTimeout(r, every));
  }
}
