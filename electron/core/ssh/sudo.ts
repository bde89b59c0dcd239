import type { AppError } from '../../../shared/result.js';

/** `sudo -n -- argv…`: never prompts (there is no terminal); fails at once if a password is needed. */
export function withSudo(argv: readonly string[], useSudo: boolean): string[] {
  return useSudo ? ['sudo', '-n', '--', ...argv] : [...argv];
}

/** What sudo prints when it would need a password (sudo 1.8/1.9 wordings, and old `requiretty`). */
const sudoPasswordPattern =
  /sudo: (a password is required|a terminal is required to read the password|no tty present and no askpass program specified|sorry, you must have a tty to run sudo)/;

/**
 * Recognises a refused `sudo -n` in a command's stderr and explains what to configure.
 * Returns undefined when the failure was something else.
 */
export function sudoPasswordError(
  stderr: string,
  host: string,
  user: string,
  command: string,
): AppError | undefined {
  if (!sudoPasswordPattern.test(stderr)) return undefined;
  return {
    code: 'sudo-password-required',
    message: `${host}: sudo asked for a password for ${user}; the wizard runs privileged commands with \`sudo -n\` and cannot answer.`,
    hint:
      `Give ${user} passwordless sudo on ${host} (a file in /etc/sudoers.d with "${user} ALL=(root) NOPASSWD: ALL"), ` +
      'or connect as root. Multi-command steps run as `sh -c`, so a narrower command list would still have to allow /bin/sh.',
    host,
    command,
    output: stderr,
  };
}
