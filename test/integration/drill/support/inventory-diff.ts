import { isDeepStrictEqual } from 'node:util';

/**
 * Differences between two inventories as sentences, one per difference, empty when identical.
 * Inventories are plain JSON: objects are keyed by readable labels (an entry only on one side is
 * `added`/`removed`, one on both is compared field by field), arrays are multisets of lines (a mount
 * stacked twice counts twice), multi-line strings are files compared line by line (and byte for byte:
 * a file whose lines are all there but differs in order or trailing newline says so).
 */

const short = (value: unknown): string => {
  const text = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value);
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function countLines(items: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1);
  return counts;
}

/** Multiset difference: what `a` has more of (removed) and `b` has more of (added). */
function multisetDiff(a: string[], b: string[]): { removed: string[]; added: string[] } {
  const ca = countLines(a);
  const cb = countLines(b);
  const removed: string[] = [];
  const added: string[] = [];
  for (const [item, n] of ca) for (let i = cb.get(item) ?? 0; i < n; i++) removed.push(item);
  for (const [item, n] of cb) for (let i = ca.get(item) ?? 0; i < n; i++) added.push(item);
  return { removed, added };
}

export function diffJson(path: string, a: unknown, b: unknown, out: string[]): void {
  if (isDeepStrictEqual(a, b)) return;
  if (typeof a === 'string' && typeof b === 'string' && (a.includes('\n') || b.includes('\n'))) {
    const { removed, added } = multisetDiff(a.split('\n'), b.split('\n'));
    for (const line of removed) out.push(`${path}: line removed: ${short(line)}`);
    for (const line of added) out.push(`${path}: line added: ${short(line)}`);
    if (removed.length + added.length === 0)
      out.push(`${path}: same lines, different bytes (order or line endings): ${short(a)} → ${short(b)}`);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const text = (x: unknown) => (typeof x === 'string' ? x : JSON.stringify(x));
    const { removed, added } = multisetDiff(a.map(text), b.map(text));
    for (const item of removed) out.push(`${path}: removed ${short(item)}`);
    for (const item of added) out.push(`${path}: added ${short(item)}`);
    if (removed.length + added.length === 0) out.push(`${path}: same items in another order`);
    return;
  }
  if (isRecord(a) && isRecord(b)) {
    for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      if (!(key in b)) out.push(`${path}: ${key} removed (was ${short(a[key])})`);
      else if (!(key in a)) out.push(`${path}: ${key} added: ${short(b[key])}`);
      else diffJson(`${path} › ${key}`, a[key], b[key], out);
    }
    return;
  }
  out.push(`${path}: ${short(a)} → ${short(b)}`);
}
