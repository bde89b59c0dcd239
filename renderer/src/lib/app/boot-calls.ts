import type { Api, CallArgs, CallName, CallResult } from '../../../../shared/contract.js';
import { type FirstScreenAnswer, sendFirstScreenCalls } from '../../../../shared/first-screen.js';
import type { Result } from '../../../../shared/result.js';

/** How long an early answer may be handed out: the app asks for it while it mounts, well within this. */
const FRESH_MS = 10_000;

interface Early {
  answer: Promise<Result<unknown>>;
  sentAt: number;
}

const keyOf = (name: CallName, args: unknown) => `${name} ${JSON.stringify(args ?? {})}`;

/**
 * The calls the first screen needs (shared/first-screen.ts), sent the moment the page's script starts
 * instead of one after another once the app has mounted. The app still makes the same calls in the
 * same order; each is answered once from what was sent early, so the first screen waits for no round
 * trip that could have run while the app's code was loading.
 *
 * Browser mode answers them while it serves the page and puts the answers in it (`served`): a call
 * answered there is not sent at all. The same order decides what is still needed, so a page whose
 * answers are missing or incomplete sends the rest itself.
 *
 * An early answer is used once, only if it succeeded and only within FRESH_MS of being asked for (or
 * of the page's start, for a served one); any other call (a second read, a call after an unlock, every
 * write) goes to the core as before.
 */
export interface BootApi extends Api {
  /**
   * Settles once every early call is on its way or answered (profiles.get sent, or the list answered
   * without a profile to read): main.ts evaluates the app's chunk only then, so the last call does not
   * wait for that evaluation to free the page's thread.
   */
  sent: Promise<void>;
}

export function withBootCalls(
  api: Api,
  now: () => number = () => performance.now(),
  served: readonly FirstScreenAnswer[] = [],
): BootApi {
  const early = new Map<string, Early>();
  const inPage = new Map(served.filter((a) => a.result.ok).map((a) => [keyOf(a.name, a.args), a.result]));
  const sent = sendFirstScreenCalls(<N extends CallName>(name: N, args: CallArgs<N>) => {
    const key = keyOf(name, args);
    const given = inPage.get(key);
    const answer = (given ? Promise.resolve(given) : api.call(name, args)) as Promise<Result<CallResult<N>>>;
    early.set(key, { answer, sentAt: now() });
    return answer;
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
