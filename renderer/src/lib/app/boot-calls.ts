import type { Api, CallArgs, CallName, CallResult } from '../../../../shared/contract.js';
import type { Result } from '../../../../shared/result.js';
import { byName } from '../profiles/profile-order.js';

/** How long an early answer may be handed out: the app asks for it while it mounts, well within this. */
const FRESH_MS = 10_000;

interface Early {
  answer: Promise<Result<unknown>>;
  sentAt: number;
}

const keyOf = (name: CallName, args: unknown) => `${name} ${JSON.stringify(args ?? {})}`;

/**
 * The calls the first screen needs, sent the moment the page's script starts instead of one after
 * another once the app has mounted: `app.info` and `profiles.list` together, then `profiles.get` of
 * the profile the workspace opens first (the first by name) as soon as the list is in. The app still
 * makes the same calls in the same order; each is answered once from what was sent early, so the
 * first screen waits for no round trip that could have run while the app's code was loading.
 *
 * An early answer is used once, only if it succeeded and only within FRESH_MS of being asked for; any
 * other call (a second read, a call after an unlock, every write) goes to the core as before.
 */
export interface BootApi extends Api {
  /**
   * Settles once every early call is on its way (profiles.get sent, or the list answered without a
   * profile to read): main.ts evaluates the app's chunk only then, so the last call does not wait for
   * that evaluation to free the page's thread.
   */
  sent: Promise<void>;
}

export function withBootCalls(api: Api, now: () => number = () => performance.now()): BootApi {
  const early = new Map<string, Early>();
  const send = <N extends CallName>(name: N, args: CallArgs<N>): Promise<Result<CallResult<N>>> => {
    const answer = api.call(name, args);
    early.set(keyOf(name, args), { answer: answer as Promise<Result<unknown>>, sentAt: now() });
    return answer;
  };

  void send('app.info', {});
  const sent = send('profiles.list', {}).then((list) => {
    const first = list.ok ? byName(list.value)[0] : undefined;
    if (first) void send('profiles.get', { id: first.id });
  });

  return {
    async call<N extends CallName>(name: N, args: CallArgs<N>): Promise<Result<CallResult<N>>> {
      const key = keyOf(name, args);
      const sent = early.get(key);
      if (sent) {
        early.delete(key);
        if (now() - sent.sentAt <= FRESH_MS) {
          const answer = (await sent.answer) as Result<CallResult<N>>;
          if (answer.ok) return answer;
        }
      }
      return api.call(name, args);
    },
    on: (event, listener) => api.on(event, listener),
    sent,
  };
}
