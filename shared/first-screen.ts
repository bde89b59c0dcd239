import type { CallArgs, CallName, CallResult } from './contract.js';
import { byName } from './profile/profile-order.js';
import type { Result } from './result.js';

/**
 * The calls the app's first screen needs, in the one order both ends use: `app.info` and
 * `profiles.list` together, then `profiles.get` of the profile the workspace opens first (the first by
 * name) once the list is in. The renderer sends them the moment its first script runs
 * (renderer/src/lib/app/boot-calls.ts); browser mode answers them while it serves the page and puts
 * the answers in it (electron/serve/first-screen-page.ts), so the page waits for no call at all.
 */
export type FirstScreenCall = 'app.info' | 'profiles.list' | 'profiles.get';

export type FirstScreenSend = <N extends FirstScreenCall>(
  name: N,
  args: CallArgs<N>,
) => Promise<Result<CallResult<N>>>;

/** Sends the first screen's calls; settles once the last of them is on its way. */
export function sendFirstScreenCalls(send: FirstScreenSend): Promise<void> {
  void send('app.info', {});
  return send('profiles.list', {}).then((list) => {
    const first = list.ok ? byName(list.value)[0] : undefined;
    if (first) void send('profiles.get', { id: first.id });
  });
}

/** One answered call, as browser mode puts it in the page. */
export interface FirstScreenAnswer {
  name: FirstScreenCall;
  args: unknown;
  result: Result<unknown>;
}

/** The id of the page's `<script type="application/json">` element that carries the answers. */
export const FIRST_SCREEN_ELEMENT_ID = 'first-screen-answers';

const callNames = new Set<CallName>(['app.info', 'profiles.list', 'profiles.get']);

/**
 * The answers as the text of a JSON data block inside the page. A data block is never executed (the
 * page's Content-Security-Policy allows no inline script, and needs not to), but the HTML parser ends
 * the element at the first `</script`, so every `<`, `>` and `&` is written as a JSON escape, and so
 * are U+2028/U+2029: the block then holds no markup whatever a profile's name or note contains.
 */
export function firstScreenBlock(answers: readonly FirstScreenAnswer[]): string {
  const json = JSON.stringify(answers).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return `<script type="application/json" id="${FIRST_SCREEN_ELEMENT_ID}">${json}</script>`;
}

/** The page with the answers' block placed just before `</head>`; unchanged when it has none. */
export function withFirstScreenBlock(html: string, answers: readonly FirstScreenAnswer[]): string {
  const at = html.indexOf('</head>');
  if (at < 0 || answers.length === 0) return html;
  return html.slice(0, at) + firstScreenBlock(answers) + html.slice(at);
}

/**
 * The answers read back from the block's text; anything that is not a well-formed list of the first
 * screen's answers gives none (the page then sends the calls itself, as the desktop app does).
 */
export function readFirstScreenAnswers(text: string | null | undefined): FirstScreenAnswer[] {
  if (!text) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  const answers: FirstScreenAnswer[] = [];
  for (const item of parsed as unknown[]) {
    if (typeof item !== 'object' || item === null) return [];
    const { name, args, result } = item as Record<string, unknown>;
    if (typeof name !== 'string' || !callNames.has(name as CallName)) return [];
    if (typeof result !== 'object' || result === null || typeof (result as { ok?: unknown }).ok !== 'boolean')
      return [];
    answers.push({ name: name as FirstScreenCall, args, result: result as Result<unknown> });
  }
  return answers;
}
