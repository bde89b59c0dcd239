import type { MachineInfo } from './machine.js';
import { type BenchRow, markdownTable, notMeasured } from './rows.js';

/**
 * bench/results.json (what each part's last successful run measured, with the commit, the machine and
 * the date) and bench/RESULTS.md rendered from it. Parts run one at a time on a shared 2-core machine
 * (`npm run bench -- --only logs`), so each part keeps its own run record; a part that failed never
 * replaces the record (run-all writes nothing then). Pure: the file I/O is in run-all.ts.
 */

/** The parts of `npm run bench`, in the table's order. */
export const PARTS = ['fanout', 'discovery', 'logs', 'renderer', 'copy'] as const;
export type Part = (typeof PARTS)[number];

export interface PartRun {
  part: Part;
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
  runs: Partial<Record<Part, PartRun>>;
}

export const emptyResults = (): ResultsFile => ({ version: 1, runs: {} });

/** Parses results.json; anything else starts empty (the table then says `not measured`). */
export function parseResults(text: string | undefined): ResultsFile {
  if (!text) return emptyResults();
  try {
    const parsed = JSON.parse(text) as ResultsFile;
    return parsed.version === 1 && typeof parsed.runs === 'object' ? parsed : emptyResults();
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
  for (const run of runs) next.runs[run.part] = run;
  return next;
}

/** Rows of the issue no run here measures, with the reason (never claimed). */
export const UNMEASURED: readonly BenchRow[] = [
  notMeasured(
    'Full-cloud DR at scale (500 workloads / 50 projects / 2,000 VMs, loaded emulator)',
    'within 1.3× of the lower bound, ≥ 5× faster than serial',
    'not built: the emulator has no load model yet (restore-time distribution, concurrency limit with 429/503 and ' +
      'Retry-After, slow calls), the lab generator makes 7 workloads, and a run at this size plus the serial ' +
      'reference would take hours of the shared 2-core machine. No figure is claimed.',
  ),
  notMeasured(
    'Soak (1 h, 20k lines/s from 100 hosts, UI open)',
    'RSS and heap: no growth > 10 % after the first 10 minutes',
    'not run: one hour of the shared 2-core machine at full load did not fit the time given to this work. ' +
      'No figure is claimed.',
  ),
];

const placeholder = (part: Part): BenchRow =>
  notMeasured(`${part} (no successful run recorded)`, '—', `run \`npm run bench -- --only ${part}\`.`);

const short = (commit: string) => commit.slice(0, 12);

/** The run line for a part: command, commit (clean or not), date, machine, load. */
function runLine(run: PartRun): string {
  const tree = run.dirty.length === 0 ? 'clean tree' : `tree NOT clean: ${run.dirty.join(', ')}`;
  const m = run.machine;
  return (
    `- **${run.part}**: \`${run.command}\` at commit \`${run.commit}\` (${tree}), ` +
    `${run.date.slice(0, 16).replace('T', ' ')} UTC, ${run.seconds.toFixed(0)} s; ` +
    `${m.cpus} CPUs × ${m.cpuModel}, ${m.memoryGiB} GiB; load average ${m.loadAverage} at start, ${run.loadEnd} at the end.`
  );
}

/** bench/RESULTS.md from the results: the runs, the table, the notes (each saying which run). */
export function renderResults(file: ResultsFile): string {
  const rows: { row: BenchRow; part?: Part }[] = [];
  for (const part of PARTS) {
    const run = file.runs[part];
    if (!run) rows.push({ row: placeholder(part) });
    else for (const row of run.rows) rows.push({ row, part });
  }
  for (const row of UNMEASURED) rows.push({ row });
  const runs = PARTS.flatMap((p) => (file.runs[p] ? [runLine(file.runs[p])] : []));
  const commits = new Set(PARTS.flatMap((p) => (file.runs[p] ? [short(file.runs[p].commit)] : [])));
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
    ...(commits.size > 1 ? ['', `Parts were measured at ${commits.size} different commits (listed above).`] : []),
    '',
    '## Results',
    '',
    markdownTable(rows.map((r) => r.row)),
    '',
    '## Notes',
    '',
    ...rows
      .filter((r) => r.row.note)
      .map((r) => `- **${r.row.benchmark}**${r.part ? ` (run: ${r.part})` : ''}: ${r.row.note}`),
    '',
    'Reproduce: `npm run lab -- up` (the discovery part runs its SSH rows through the lab\'s tvm-1), then ' +
      '`npm run bench` (all parts) or `npm run bench -- --only PART` (PART: ' +
      `${PARTS.join(', ')}). A failed build or row exits non-zero and leaves both files as they were.`,
    '',
  ].join('\n');
}
