/**
 * POSIX shell quoting for the lab's own commands (ssh clients, boot scripts). Kept apart from the
 * product's quoting on purpose: the lab must not share code with what it tests.
 */
const bareWord = /^[A-Za-z0-9_\-./:@%+,]+$/;

export function shQuote(arg: string): string {
  if (arg.includes('\0')) throw new Error('a shell argument cannot contain NUL');
  if (bareWord.test(arg)) return arg;
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

export function shellCommand(argv: readonly string[]): string {
  if (argv.length === 0) throw new Error('a command needs at least a program name');
  return argv.map(shQuote).join(' ');
}
