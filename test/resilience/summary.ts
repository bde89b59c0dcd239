import { pathToFileURL } from 'node:url';
import { figureLine, figuresFile, readFigures, type FigureEntry } from './figures.js';

/**
 * One line for all reliability figures (issue 8): `resilience: N passed, N failed`, then each suite's
 * own `suite: N passed, N failed`, from `.lab/resilience-figures.json` (written by `recordFigure`).
 * Each suite counts with its newest entry. Two ways to use it:
 *
 * - as a vitest `globalSetup` of the resilience project: the teardown prints the figures recorded
 *   during that vitest run;
 * - as a script, `tsx test/resilience/summary.ts`: the newest figures of every suite.
 */

export interface Summary {
  passed: number;
  failed: number;
  suites: FigureEntry[];
}

/** The newest entry of each suite (entries written at or after `since`, when given), by suite name. */
export function summarize(entries: readonly FigureEntry[], since?: string): Summary {
  const newest = new Map<string, FigureEntry>();
  for (const e of entries) {
    if (since && e.at < since) continue;
    const seen = newest.get(e.suite);
    if (!seen || seen.at <= e.at) newest.set(e.suite, e);
  }
  const suites = [...newest.values()].sort((a, b) => a.suite.localeCompare(b.suite));
  return {
    passed: suites.reduce((n, s) => n + s.passed, 0),
    failed: suites.reduce((n, s) => n + s.failed, 0),
    suites,
  };
}

/** `resilience: 99 passed, 1 failed`, then one indented line per suite. */
export function summaryLines(summary: Summary): string[] {
  return [
    figureLine('resilience', summary.passed, summary.failed),
    ...summary.suites.map((s) => `  ${figureLine(s.suite, s.passed, s.failed)} (${s.at})`),
  ];
}

async function print(since?: string): Promise<void> {
  const summary = summarize(await readFigures(), since);
  if (summary.suites.length === 0) {
    console.log(`resilience: no figures${since ? ' recorded by this run' : ''} in ${figuresFile()}`);
    return;
  }
  for (const line of summaryLines(summary)) console.log(line);
}

let startedAt: string | undefined;

/** vitest globalSetup: remember when the run started… */
export function setup(): void {
  startedAt = new Date().toISOString();
}

/** …and print the figures the run's suites recorded. */
export async function teardown(): Promise<void> {
  await print(startedAt);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await print();
