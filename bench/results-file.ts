import type { MachineInfo } from './machine.js';
import { type BenchRow, markdownTable, notMeasured } from './rows.js';

/**
 * bench/results.json (what each part's last successful run measured, with the commit, the machine and
 * the date) and bench/RESULTS.md rendered from it. Parts run one at a time on a shared 2-core machine
 * (`npm run bench -- --only logs`), so each part keeps its own run record; a part that failed never
 * replaces the record (run-all writes nothing then). Pure: the file I/O is in run-all.ts.
 */

/** The parts of `npm run bench`, in the table's order. */
export const PARTS = ['fanout', 'discovery', 'logs', 'renderer', 'copy', 'soak', 'scale'] as const;
export type Part = (typeof PARTS)[number];

export interface PartRun {
  part: Part;
  /** The record's key: the part, or `fanout@N` for one scale point of the fan-out. */
  key: string;
  /** Fan-out scale points: hosts and the medians (ms), for the per-host cost fitted over all points. */
  scale?: { hosts: number; oursMs: number; ansibleMs?: number };
  /** `git rev-parse HEAD` when the part ran. */
  commit: string;
  /** Paths `git status --porcelain` listed (bench/RESULTS.md and bench/results.json not counted). */
  dirty: string[];
  /** ISO time the part started. */
  date: string;
  seconds: number;
  machine: MachineInfo;
  loadEnd: string;
  command: string;
  rows: BenchRow[];
}

export interface ResultsFile {
  version: 1;
  /** By record key (the part, or `fanout@N`). */
  runs: Record<string, PartRun>;
}

export const emptyResults = (): ResultsFile => ({ version: 1, runs: {} });

/** Parses results.json; anything else starts empty (the table then says `not measured`). */
export function parseResults(text: string | undefined): ResultsFile {
  if (!text) return emptyResults();
  try {
    const parsed = JSON.parse(text) as ResultsFile;
    if (parsed.version !== 1 || typeof parsed.runs !== 'object') return emptyResults();
    // Records written before scale points had keys are keyed by their part.
    for (const [key, run] of Object.entries(parsed.runs)) run.key ??= key;
    return parsed;
  } catch {
    return emptyResults();
  }
}

/** Thrown when a part's rows are not all measured: run-all exits non-zero and writes nothing. */
export class BenchFailure extends Error {}

/**
 * A part's rows as they may enter the results: at least one row, and no row `not measured` (a row
 * that could not run is a failure of the run, not a line of the table).
 */
export function checkRows(part: Part, rows: readonly BenchRow[]): void {
  if (rows.length === 0) throw new BenchFailure(`${part}: no rows`);
  const missing = rows.filter((r) => r.ours === 'not measured' || r.ours === '');
  if (missing.length > 0)
    throw new BenchFailure(
      `${part}: ${missing.map((r) => `${r.benchmark} not measured (${r.note ?? 'no reason'})`).join('; ')}`,
    );
}

/** The results with these runs in place of the parts' earlier ones; the others kept. */
export function mergeRuns(file: ResultsFile, runs: readonly PartRun[]): ResultsFile {
  for (const run of runs) checkRows(run.part, run.rows);
  const next: ResultsFile = { version: 1, runs: { ...file.runs } };
  for (const run of runs) next.runs[run.key] = run;
  return next;
}

/** Rows of the issue no run here measures, with the reason (never claimed). */
export const UNMEASURED: readonly BenchRow[] = [];

/**
 * Causes found after a row was measured, by a diagnosis run outside the part (the part's run record
 * stays what it measured): keyed by the start of the row's benchmark name, printed after its note
 * and marked as found afterwards.
 */
export const FINDINGS: Readonly<Record<string, string>> = {
  'Soak (1 h,':
    'The run before this one (d6d1e48, 60 min, load 15–26 at minutes 49 and 55) missed on RSS too: 154→404 MiB, ' +
    "server heap 33→255 MiB. Cause: browser mode's event stream wrote every frame to every page whatever the page had " +
    "read, so a page that fell behind made the server keep its frames (heap-snapshot diff: +122 MiB in 346 `log` frame " +
    'strings; bench/stream-stall-probe.ts reproduced it: 177 MiB of heap after gc() during a 42 s stall, RSS 783 MiB). ' +
    "Fixed in a12ba31 (electron/serve/page-stream.ts): past 8 MiB unread on a page's stream its log lines " +
    'are counted instead of sent and the page is told how many it missed (the store has them); step, run and drill ' +
    'events always go through (test/unit/serve/page-stream.test.ts). This run is on the fix (1b80ca8): RSS 162→164 MiB; ' +
    'the heaps after a collection stay flat (server 19 MiB, page 10–11 MiB) and the heaps as they stand miss only by ' +
    'the garbage waiting for the collector at the sampling instant.',
};

const findingFor = (row: BenchRow): string | undefined =>
  Object.entries(FINDINGS).find(([prefix]) => row.benchmark.startsWith(prefix))?.[1];

const placeholder = (part: Part): BenchRow =>
  notMeasured(`${part} (no successful run recorded)`, '—', `run \`npm run bench -- --only ${part}\`.`);

const short = (commit: string) => commit.slice(0, 12);

/** The run line for a part: command, commit (clean or not), date, machine, load. */
function runLine(run: PartRun): string {
  const tree = run.dirty.length === 0 ? 'clean tree' : `tree NOT clean: ${run.dirty.join(', ')}`;
  const m = run.machine;
  return (
    `- **${run.key}**: \`${run.command}\` at commit \`${run.commit}\` (${tree}), ` +
    `${run.date.slice(0, 16).replace('T', ' ')} UTC, ${run.seconds.toFixed(0)} s; ` +
    `${m.cpus} CPUs × ${m.cpuModel}, ${m.memoryGiB} GiB; load average ${m.loadAverage} at start, ${run.loadEnd} at the end.`
  );
}

/** A part's records in table order (fan-out scale points by size). */
function recordsOf(file: ResultsFile, part: Part): PartRun[] {
  return Object.values(file.runs)
    .filter((r) => r.part === part)
    .sort((a, b) => (a.scale?.hosts ?? 0) - (b.scale?.hosts ?? 0));
}

/** Least-squares slope (ms per host) of wall time against hosts. */
export function perHostSlope(points: readonly { hosts: number; ms: number }[]): number {
  const n = points.length;
  const mx = points.reduce((a, p) => a + p.hosts, 0) / n;
  const my = points.reduce((a, p) => a + p.ms, 0) / n;
  const sxy = points.reduce((a, p) => a + (p.hosts - mx) * (p.ms - my), 0);
  const sxx = points.reduce((a, p) => a + (p.hosts - mx) ** 2, 0);
  return sxx === 0 ? Number.NaN : sxy / sxx;
}

/** The fan-out's cost per host, fitted over every stored scale point (two or more). */
function scaleLines(file: ResultsFile): string[] {
  const points = recordsOf(file, 'fanout').flatMap((r) => (r.scale ? [r.scale] : []));
  if (points.length < 2)
    return [
      `- Fan-out scale: ${points.length} point(s) measured (${points.map((p) => `${p.hosts} hosts`).join(', ') || 'none'}); ` +
        'a cost per host needs two or more.',
    ];
  // Ansible is not run at every point (BENCH_FANOUT_ANSIBLE=no at the largest): its fit uses its own points.
  const withAnsible = points.flatMap((p) => (p.ansibleMs === undefined ? [] : [{ hosts: p.hosts, ms: p.ansibleMs }]));
  const fit = (series: { hosts: number; ms: number }[]) =>
    series.length < 2
      ? 'not fitted (fewer than two points)'
      : `${perHostSlope(series).toFixed(1)} ms (over ${series.map((p) => p.hosts).join(', ')} hosts)`;
  return [
    `- Fan-out scale: cost per host fitted (least squares over the medians): ` +
      `ours ${fit(points.map((p) => ({ hosts: p.hosts, ms: p.oursMs })))}, Ansible (expert, best forks) ${fit(withAnsible)}. Points: ` +
      points
        .map(
          (p) =>
            `${p.hosts} hosts: ours ${(p.oursMs / 1000).toFixed(2)} s, ` +
            (p.ansibleMs === undefined ? 'Ansible not run' : `Ansible ${(p.ansibleMs / 1000).toFixed(1)} s`),
        )
        .join('; ') +
      '.',
  ];
}

/** bench/RESULTS.md from the results: the runs, the table, the notes (each saying which run). */
export function renderResults(file: ResultsFile): string {
  const rows: { row: BenchRow; key?: string }[] = [];
  const records = PARTS.flatMap((part) => recordsOf(file, part));
  for (const part of PARTS) {
    const mine = recordsOf(file, part);
    if (mine.length === 0) rows.push({ row: placeholder(part) });
    else for (const run of mine) for (const row of run.rows) rows.push({ row, key: run.key });
  }
  for (const row of UNMEASURED) rows.push({ row });
  const runs = records.map(runLine);
  const commits = new Set(records.map((r) => short(r.commit)));
  return [
    '# Benchmark results (issue 20)',
    '',
    'Written by `npm run bench` from `bench/results.json`. Every figure is the median of its rounds with the ' +
      'range (min–max) and the number of rounds; ratios and verdicts are taken from the medians. The machine ' +
      'is shared with other engineers, so absolute times carry that noise (load averages below).',
    '',
    '## Runs',
    '',
    ...runs,
    ...(commits.size > 1
      ? ['', `Parts were measured at ${commits.size} different commits (listed above).`]
      : []),
    '',
    '## Results',
    '',
    markdownTable(rows.map((r) => r.row)),
    '',
    '## Notes',
    '',
    ...rows
      .filter((r) => r.row.note)
      .map((r) => {
        const finding = findingFor(r.row);
        const cause = finding ? ` **Found after the run** (not part of its record): ${finding}` : '';
        return `- **${r.row.benchmark}**${r.key ? ` (run: ${r.key})` : ''}: ${r.row.note}${cause}`;
      }),
    ...scaleLines(file),
    '',
    "Reproduce: `npm run lab -- up` (the discovery part runs its SSH rows through the lab's tvm-1), then " +
      '`npm run bench` (all parts) or `npm run bench -- --only PART` (PART: ' +
      `${PARTS.join(', ')}). The fan-out measures 200 computes unless \`BENCH_FANOUT_SCALE=50,100,200\` names the ` +
      'scale points (each its own record; `BENCH_FANOUT_ROUNDS` changes the rounds, 3 by default); it needs root, ' +
      'ansible-playbook, qemu-img and sshpass. The soak streams for an hour unless `BENCH_SOAK_MINUTES` says otherwise ' +
      '(fewer than 11 minutes cannot be judged and the row says so). The scale part needs the lab up and holds it for its whole run (it resets ' +
      'the DR world before and after); `BENCH_SCALE_PROJECTS`, `BENCH_SCALE_WORKLOADS_PER_PROJECT`, `BENCH_SCALE_K`, ' +
      '`BENCH_SCALE_RESTORE_MS` and `BENCH_SCALE_CONCURRENCY` change its shape (bench/scale-bench.ts). ' +
      'A failed build or row exits non-zero and leaves both files as they were; ' +
      '`-- --render-only` rewrites this file from results.json.',
    '',
  ].join('\n');
}
