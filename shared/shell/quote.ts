import { AppFailure } from '../result.js';

/**
 * POSIX shell quoting. Every remote command is an argument list; this module is the only place that
 * turns one into the single string an SSH exec request carries (the remote login shell re-splits it).
 *
 * Assumes the remote login shell is POSIX-like (sh, dash, bash, ksh, zsh): inside single quotes
 * nothing is special, and a single quote itself is written as `'\''`. csh/fish are not supported.
 */

/** Words made only of these characters need no quotes. `=` is left out so a word never reads as an assignment. */
const bareWord = /^[A-Za-z0-9_\-./:@%+,]+$/;

/**
 * NUL cannot travel in an argument (C strings end there), and a lone UTF-16 surrogate has no UTF-8
 * encoding (it would arrive as U+FFFD). Both are refused with a clear error instead of being changed.
 */
export function assertSendable(value: string, what = 'argument'): void {
  if (value.includes('\0'))
    throw new AppFailure({
      code: 'invalid-argument',
      message: `A command ${what} contains a NUL character, which no remote command can receive.`,
      hint: 'Remove the NUL character (\\0) from the value.',
    });
  if (loneSurrogate.test(value))
    throw new AppFailure({
      code: 'invalid-argument',
      message: `A command ${what} is not valid Unicode (it contains a lone surrogate).`,
      hint: 'Re-enter the value; it was probably damaged by copy and paste.',
    });
}

const loneSurrogate = /\p{Cs}/u;

/** Quotes one argument so the remote shell passes it to the program byte for byte. Throws on NUL. */
export function shQuote(arg: string): string {
  assertSendable(arg);
  if (bareWord.test(arg)) return arg;
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

/** The command line that runs `argv` exactly: each argument quoted, joined by spaces. Throws on NUL or an empty list. */
export function shellCommand(argv: readonly string[]): string {
  if (argv.length === 0)
    throw new AppFailure({
      code: 'invalid-argument',
      message: 'A remote command needs at least a program name.',
    });
  return argv.map(shQuote).join(' ');
}

/**
 * A small shell script with positional arguments: `sh -c '<script>' <name> arg1 arg2 …`.
 * The script text is a constant written by us; all data reaches it as `"$1"`, `"$2"`, … so it is
 * never parsed as shell code. This is how steps that need several commands stay one exec and stay
 * injection-safe.
 */
export function scriptArgv(script: string, args: readonly string[], name = 'sh'): string[] {
  return ['sh', '-c', script, name, ...args];
}

/**
 * The command as shown to the user in logs and error messages: the same words as `shellCommand`,
 * except that control characters (other than newline and tab) are shown as `$'\xNN'` so a log line
 * cannot carry terminal escapes or carriage returns that hide what ran.
 */
export function displayCommand(argv: readonly string[]): string {
  return argv.map(displayWord).join(' ');
}

// eslint-disable-next-line no-control-regex
const controlChar = /[\u0000-\u0008\u000b-\u001f\u007f]/;

function displayWord(arg: string): string {
  if (!controlChar.test(arg)) return shQuote(arg);
  // Split into printable runs (single-quoted) and control characters ($'\xNN'), concatenated.
  let out = '';
  let run = '';
  const flush = () => {
    if (run) out += `'${run.replaceAll("'", `'\\''`)}'`;
    run = '';
  };
  for (const ch of arg) {
    if (controlChar.test(ch)) {
      flush();
      out += `$'\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}'`;
    } else run += ch;
  }
  flush();
  return out;
}
