import fc from 'fast-check';

/**
 * Strings built to break naive shell quoting: quotes, command substitution, backticks, newlines,
 * globs, redirections, comments, history expansion, leading dashes, empty strings and unicode.
 * No NUL and no lone surrogates: those are refused by `shQuote` (tested separately).
 */
const nasty = [
  "'",
  '"',
  "'\\''",
  '\\',
  '$(id)',
  '$(echo pwned >&2)',
  '`id`',
  '${HOME}',
  '$HOME',
  '$0',
  '$1',
  '$@',
  '$*',
  '$$',
  '\n',
  '\r\n',
  '\t',
  ' ',
  '  ',
  ';',
  ';;',
  '|',
  '||',
  '&',
  '&&',
  '<',
  '>',
  '>>',
  '2>&1',
  '*',
  '?',
  '[a-z]',
  '~',
  '~root',
  '#',
  '!',
  '!!',
  '!$',
  '-',
  '--',
  '-rf',
  '-n',
  '-e',
  '--help',
  '=',
  'a=b',
  '%s',
  '%n',
  '%%',
  '{a,b}',
  '(',
  ')',
  '{',
  '}',
  '\x1b[31m',
  '\x7f',
  '\u0085',
  '\u00a0',
  '\u2028',
  '\u202e',
  'é',
  'ß',
  '日本',
  '😀',
  '\u{10FFFF}',
  'EOF',
  "'\n'",
  '"$(id)"',
  "'$(id)'",
];

const validUnicode = fc
  .string({ unit: 'binary', maxLength: 12 })
  .map((s) => s.replaceAll('\0', '').replace(/\p{Cs}/gu, ''));

const fragment = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...nasty) },
  { weight: 1, arbitrary: validUnicode },
  {
    weight: 1,
    arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 8 }).map((s) => s.replaceAll('\0', '')),
  },
);

/** One hostile argument (may be empty). */
export const hostileString = fc.array(fragment, { maxLength: 6 }).map((parts) => parts.join(''));

/** A list of hostile arguments, for one command. */
export const hostileArgs = (maxLength = 20) => fc.array(hostileString, { maxLength });

export { nasty as nastyFragments };
