import type { Api, CallArgs, CallName, CallResult, EventName, Events } from '../../../../shared/contract.js';
import { eventNames } from '../../../../shared/event-names.js';
import type { Result } from '../../../../shared/result.js';

/**
 * Browser mode: calls are `POST api/call/<name>` with JSON arguments, events arrive over one
 * Server-Sent Events stream. The session cookie the server set when the tokened URL was opened
 * authenticates both; the page itself never sees the token.
 */
export function createHttpApi(base: string = './'): Api {
  const listeners = new Map<EventName, Set<(payload: never) => void>>();
  let source: EventSource | null = null;

  function ensureStream(): void {
    if (source) return;
    source = new EventSource(`${base}api/events`, { withCredentials: true });
    for (const name of eventNames) {
      source.addEventListener(name, (message) => {
        const payload = JSON.parse((message as MessageEvent<string>).data) as never;
        for (const listener of listeners.get(name) ?? []) listener(payload);
      });
    }
  }

  return {
    async call<N extends CallName>(name: N, args: CallArgs<N>): Promise<Result<CallResult<N>>> {
      try {
        const response = await fetch(`${base}api/call/${encodeURIComponent(name)}`, {
          method: 'POST',
          credentials: 'same-origin',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(args ?? {}),
        });
        if (response.status === 401 || response.status === 403) {
          return {
            ok: false,
            error: {
              code: 'precondition',
              message: 'This browser session is not authorised by the wizard (HTTP ' + response.status + ').',
              hint: 'Open the exact URL the wizard printed when it started (it carries the access token).',
            },
          };
        }
        return (await response.json()) as Result<CallResult<N>>;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        return {
          ok: false,
          error: {
            code: 'internal',
            message: `The wizard's server did not answer ${name}: ${message}`,
            hint: 'Check that `npm run serve` (or the SSH tunnel to it) is still running.',
          },
        };
      }
    },
    on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
      ensureStream();
      const set = listeners.get(event) ?? new Set();
      set.add(listener as (payload: never) => void);
      listeners.set(event, set);
      return () => set.delete(listener as (payload: never) => void);
    },
  };
}
