import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The reliability figures of issue 8, kept for a later summary (README): every suite (crash points,
 * faults, …) appends one entry per run to `.lab/resilience-figures.json`, an array, newest last.
 *
 *     await recordFigure('faults', passed, failed, { scenarios: ['ssh-host-unreachable', …] });
 *
 * `suite` names the suite (`faults`, `faults-fast`, `crash-points`); `detail` is anything JSON that
 * explains the figure (failed case names, N, durations). `FIGURES_FILE` overrides the file (tests).
 */
export interface FigureEntry {
  suite: string;
  passed: number;
  failed: number;
  /** ISO time the entry was written. */
  at: string;
  detail?: unknown;
}

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** `.lab/resilience-figures.json` at the repository root, or `$FIGURES_FILE`. */
export const figuresFile = (): string =>
  process.env.FIGURES_FILE ?? join(repoRoot, '.lab', 'resilience-figures.json');

/** The recorded entries, oldest first; [] when there is no file yet. */
export async function readFigures(file = figuresFile()): Promise<FigureEntry[]> {
  const text = await readFile(file, 'utf8').catch(() => '[]');
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? (parsed as FigureEntry[]) : [];
  } catch {
    return [];
  }
}

/**
 * Appends one entry (write to a temp file, then rename: a crash never leaves half a file). Suites
 * run one at a time (the lab lock), so read-modify-write needs no further locking. Returns the entry.
 */
export async function recordFigure(
  suite: string,
  passed: number,
  failed: number,
  detail?: unknown,
): Promise<FigureEntry> {
  const file = figuresFile();
  const entry: FigureEntry = {
    suite,
    passed,
    failed,
    at: new Date().toISOString(),
    ...(detail !== undefined ? { detail } : {}),
  };
  const all = [...(await readFigures(file)), entry];
  await mkdir(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(all, null, 2)}\n`);
  await rename(temp, file);
  return entry;
}

/** The one summary line a suite prints: `faults: 24 passed, 0 failed`. */
export const figureLine = (suite: string, passed: number, failed: number): string =>
  `${suite}: ${passed} passed, ${failed} failed`;
