/**
 * One line of the results table (`benchmark | ours | peer | ratio | target | met`) and how it is
 * printed. A benchmark that cannot run here still gets a row, `met: false`, with the reason as a note.
 */
export interface BenchRow {
  benchmark: string;
  ours: string;
  peer: string;
  ratio: string;
  target: string;
  met: boolean;
  /** Printed under the table: how it was measured, the gap, or why it was not. */
  note?: string;
}

/** A row for a benchmark that failed or could not run on this machine. */
export function notMeasured(benchmark: string, target: string, reason: string): BenchRow {
  return { benchmark, ours: 'not measured', peer: '—', ratio: '—', target, met: false, note: reason };
}

export const secs = (ms: number): string =>
  ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${(ms / 1000).toFixed(2)} s`;
export const millis = (ms: number): string => `${ms.toFixed(ms < 10 ? 1 : 0)} ms`;
export const times = (x: number): string => `${x >= 10 ? x.toFixed(0) : x.toFixed(2)}×`;

const cells = (r: BenchRow): string[] => [
  r.benchmark,
  r.ours,
  r.peer,
  r.ratio,
  r.target,
  r.met ? 'yes' : 'no',
];

/** The table as Markdown, one row per benchmark (also readable as plain text on a terminal). */
export function markdownTable(rows: readonly BenchRow[]): string {
  const head = ['benchmark', 'ours', 'peer', 'ratio', 'target', 'met'];
  const escape = (s: string) => s.replace(/\|/g, '\\|');
  return [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${cells(r).map(escape).join(' | ')} |`),
  ].join('\n');
}

/** Notes numbered by row, for under the table. */
export function notes(rows: readonly BenchRow[]): string[] {
  return rows.filter((r) => r.note).map((r) => `- **${r.benchmark}**: ${r.note}`);
}

/** Median of a non-empty list. */
export function median(values: readonly number[]): number {
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

/** Runs a benchmark; a throw becomes a not-measured row naming the error. */
export async function guarded(
  benchmark: string,
  target: string,
  body: () => Promise<BenchRow[]>,
): Promise<BenchRow[]> {
  try {
    return await body();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return [notMeasured(benchmark, target, `failed here: ${message.split('\n').slice(0, 3).join(' ')}`)];
  }
}
