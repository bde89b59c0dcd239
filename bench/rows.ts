/**
 * One line of the results table (`benchmark | ours | peer | ratio | target | met`), the figures in it
 * (every measured figure carries its rounds: median, min–max) and the verdict. Pure: no I/O, so the
 * table writer and the verdicts are unit-tested (test/unit/bench/results-file.test.ts).
 */
export interface BenchRow {
  benchmark: string;
  ours: string;
  peer: string;
  ratio: string;
  target: string;
  /** true/false against the target; null when the row has no target (reported only). */
  met: boolean | null;
  /** Printed under the table: how it was measured, the gap, or why it was not. */
  note?: string;
}

/** A row the run did not measure (e.g. beyond this machine); `met` shows `not measured`, never yes. */
export function notMeasured(benchmark: string, target: string, reason: string): BenchRow {
  return { benchmark, ours: 'not measured', peer: '—', ratio: '—', target, met: false, note: reason };
}

export const secs = (ms: number): string =>
  ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${(ms / 1000).toFixed(2)} s`;
export const millis = (ms: number): string => `${ms.toFixed(ms < 10 ? 1 : 0)} ms`;
export const times = (x: number): string => `${x >= 10 ? x.toFixed(0) : x.toFixed(2)}×`;
export const rate = (perSecond: number): string => `${Math.round(perSecond).toLocaleString('en-US')} lines/s`;

/** Median of a non-empty list. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The p-th percentile (0–100), nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/**
 * A measured figure with its rounds: `71.0 s (69.6–78.4, 3 rounds)`; one round says so
 * (`703 s (1 round)`), so a single sample never passes for a median.
 */
export function spread(values: readonly number[], format: (n: number) => string): string {
  const n = values.length;
  if (n === 1) return `${format(values[0]!)} (1 round)`;
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const [low, high] = [format(lo), format(hi)];
  // `405,514–453,730 lines/s`: the unit once, when both ends carry the same one.
  const unit = / [^\d\s]+$/.exec(high)?.[0];
  const from = unit && low.endsWith(unit) ? low.slice(0, -unit.length) : low;
  return `${format(median(values))} (${from}–${high}, ${n} rounds)`;
}

/** Verdicts against a target, from the medians: lower is better (`atMost`) or higher is (`atLeast`). */
export const atMost = (value: number, limit: number): boolean => Number.isFinite(value) && value <= limit;
export const atLeast = (value: number, limit: number): boolean => Number.isFinite(value) && value >= limit;

const verdict = (r: BenchRow): string =>
  r.ours === 'not measured' ? 'not measured' : r.met === null ? '—' : r.met ? 'yes' : 'no';

/** The table as Markdown, one row per benchmark (also readable as plain text on a terminal). */
export function markdownTable(rows: readonly BenchRow[]): string {
  const head = ['benchmark', 'ours', 'peer', 'ratio', 'target', 'met'];
  const escape = (s: string) => s.replace(/\|/g, '\\|');
  const cells = (r: BenchRow) => [r.benchmark, r.ours, r.peer, r.ratio, r.target, verdict(r)];
  return [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${cells(r).map(escape).join(' | ')} |`),
  ].join('\n');
}
