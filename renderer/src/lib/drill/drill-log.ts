import type { LogRecord } from '../../../../shared/contract.js';

/**
 * A drill's log is the lines of several runs (the drill's own, each workload's run) read from the
 * store one run at a time, plus lines that arrived before the screen knew their run belongs to the
 * drill. Merging keeps them in time order; equal times keep their order (the store's, then arrival).
 */
export function mergeByTime(a: readonly LogRecord[], b: readonly LogRecord[]): LogRecord[] {
  if (b.length === 0) return [...a];
  if (a.length === 0) return [...b];
  const out: LogRecord[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) out.push(b[j]!.ts < a[i]!.ts ? b[j++]! : a[i++]!);
  while (i < a.length) out.push(a[i++]!);
  while (j < b.length) out.push(b[j++]!);
  return out;
}

/** Lines of one run are already in time order; several runs' lines are merged into one. */
export function mergeRuns(runs: readonly (readonly LogRecord[])[]): LogRecord[] {
  return runs.reduce<LogRecord[]>((all, lines) => mergeByTime(all, lines), []);
}

/** Identity of a line without its store id (a live event has none): the same line read twice is dropped. */
export const logLineKey = (r: LogRecord): string =>
  `${r.runId}\u0000${r.ts}\u0000${r.step}\u0000${r.host}\u0000${r.stream}\u0000${r.text}`;
