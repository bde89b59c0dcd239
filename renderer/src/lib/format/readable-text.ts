import { namedSegments, type NameEntry, type NameMap } from '../../../../shared/names/name-book.js';
import { formatBytes, formatLocalTime, formatUtcTime, isoTimePattern } from './display-format.js';

/**
 * A text from the core (a summary, a verification detail, a plan line) cut into pieces the UI shows
 * in an admin's terms: a known id gets its name beside it, "4755991 bytes" reads "4.5 MiB", an ISO time
 * reads in the user's zone. The exact original stays in a tooltip, so nothing is lost.
 */
export type ReadablePiece =
  | { kind: 'text'; text: string }
  | { kind: 'id'; text: string; entry: NameEntry }
  | { kind: 'size'; text: string; exact: string }
  | { kind: 'time'; text: string; exact: string };

const bytesPattern = /\b(\d{4,}) bytes\b/g;

function splitBy(
  pieces: ReadablePiece[],
  pattern: RegExp,
  make: (match: RegExpMatchArray) => ReadablePiece | null,
): ReadablePiece[] {
  const out: ReadablePiece[] = [];
  for (const piece of pieces) {
    if (piece.kind !== 'text') {
      out.push(piece);
      continue;
    }
    let last = 0;
    for (const match of piece.text.matchAll(pattern)) {
      const made = make(match);
      if (!made) continue;
      if (match.index > last) out.push({ kind: 'text', text: piece.text.slice(last, match.index) });
      out.push(made);
      last = match.index + match[0].length;
    }
    if (last < piece.text.length) out.push({ kind: 'text', text: piece.text.slice(last) });
  }
  return out;
}

export function readablePieces(text: string, names: NameMap = {}): ReadablePiece[] {
  let pieces: ReadablePiece[] = namedSegments(text, names).map((s) =>
    s.id === undefined ? { kind: 'text', text: s.text } : { kind: 'id', text: s.text, entry: s.entry },
  );
  pieces = splitBy(pieces, bytesPattern, (m) => ({
    kind: 'size',
    text: formatBytes(Number(m[1])),
    exact: m[0],
  }));
  pieces = splitBy(pieces, isoTimePattern, (m) => {
    const local = formatLocalTime(m[0]);
    return local === m[0] ? null : { kind: 'time', text: local, exact: `${m[0]} (${formatUtcTime(m[0])})` };
  });
  return pieces;
}

/** The same as plain text (for titles, aria labels and copying). */
export function readableText(text: string, names: NameMap = {}): string {
  return readablePieces(text, names)
    .map((p) => (p.kind === 'id' ? `${p.text} (${p.entry.name})` : p.text))
    .join('');
}
