import type { CallName } from '../../shared/contract.js';
import {
  type FirstScreenAnswer,
  type FirstScreenSend,
  sendFirstScreenCalls,
  withFirstScreenBlock,
} from '../../shared/first-screen.js';
import { fail, type Result } from '../../shared/result.js';
import type { Core } from '../core/core-types.js';

/**
 * The app's page with its first screen's answers in it (shared/first-screen.ts). Browser mode asks the
 * core the same calls the page would send, while it serves the page, so the page makes no round trip
 * before its first screen (at 90036a7 those calls, the list then the profile, were answered 141 ms
 * after the page sent them).
 *
 * Only answers that succeeded go in: the page sends every call it finds no answer for itself (a failed
 * one it would have asked again anyway), so a core that fails here leaves the page as it always was.
 */
export async function pageWithFirstScreen(html: string, core: Pick<Core, 'handle'>): Promise<string> {
  return withFirstScreenBlock(html, await firstScreenAnswers(core));
}

/** The first screen's calls asked of the core in the page's order; the answers that succeeded. */
export async function firstScreenAnswers(core: Pick<Core, 'handle'>): Promise<FirstScreenAnswer[]> {
  const answers: FirstScreenAnswer[] = [];
  const pending: Promise<unknown>[] = [];
  const send = ((name: CallName, args: unknown) => {
    const answer = core.handle(name, args).then(
      (result: Result<unknown>) => {
        if (result.ok) answers.push({ name: name as FirstScreenAnswer['name'], args, result });
        return result;
      },
      (): Result<unknown> => fail({ code: 'internal', message: `${name} failed while the page was served.` }),
    );
    pending.push(answer);
    return answer;
  }) as FirstScreenSend;
  await sendFirstScreenCalls(send);
  await Promise.all(pending);
  return answers;
}
