import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StepKey } from '../../shared/run/plan-types.js';
import { readLabJson } from '../lab/lab.js';
import type { LabJson } from '../lab/lab-json.js';
import { cli } from '../integration/dr/support/dr-cli.js';
import {
  driveCli,
  duplicates,
  failureOf,
  FullWorld,
  fullSteps,
  plannedLine,
  runIdOf,
  succeededLine,
  summaryOf,
  type EndState,
  type KillReport,
  type KillTrigger,
  type MidState,
  type Phase,
  type RunSummary,
} from '../integration/dr/support/full-crash.js';
import { figureLine, recordFigure } from './figures.js';
import { mulberry32 as generator } from '../lab/seeded-random.js';

/**
 * Crash points over a FULL-CLOUD DR (issue 8): the lab's six workloads recovered by `trilio-dr run full`,
 * then `revert` and `cleanup`, killed with SIGKILL at N points (CRASH_POINTS_FULL, default 50) and run
 * again until done (`resume`, `revert`, `cleanup` once more). The points: first inside every step of the
 * run (a random line of its execution, the line where its plan is printed, a line of its planning —
 * reconfigure, revert and clean-up included), then spread over the printed lines and over time, some
 * with a second kill of the resumed process and kills in revert and clean-up as well. Each point starts
 * from a reset world (first-boot hosts and config files, regenerated shares, Trilio reset, no admin role)
 * and must end as the uninterrupted baseline did: the same mounts, fstab and config file bytes on every
 * node, every workload in its project and restored exactly once, no admin role left, the same change
 * log with no change twice — and the last log line printed before each kill in the store.
 * CRASH_SEED repeats a set of points.
 */
const N = Number(process.env.CRASH_POINTS_FULL ?? 50);
const seed = Number(process.env.CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
/** CRASH_RANGE=a-b runs points a..b of the set only: the suite in pieces, each with its own baseline. */
const [first, last] = (process.env.CRASH_RANGE ?? `1-${N}`).split('-').map(Number) as [number, number];
/** A piece of the set records its own figure (`crash-full a-b`), so the summary adds the pieces up. */
const figureSuite = first === 1 && last >= N ? 'crash-full' : `crash-full ${first}-${Math.min(last, N)}`;

let lab: LabJson;
let world: FullWorld;

/** What the uninterrupted run printed and left: the yardstick of every point. */
interface Baseline {
  pristine: Record<string, string>;
  lines: Record<Phase, string[]>;
  /** When each line was printed (ms from the start of its process). */
  times: Record<Phase, number[]>;
  ms: Record<Phase, number>;
  mid: MidState;
  end: EndState;
}
let baseline: Baseline;

interface Point {
  n: number;
  label: string;
  /** The step a boundary point aims at (coverage is checked on where the kills really landed). */
  aim?: StepKey;
  kills: Partial<Record<Phase, KillTrigger[]>>;
}

interface PointResult {
  n: number;
  label: string;
  ok: boolean;
  why?: string;
  ms: number;
  phaseMs: Record<string, number>;
  kills: { phase: Phase; step?: StepKey; atLine: number; killed: boolean }[];
}
const results: PointResult[] = [];

const between = (rand: () => number, low: number, high: number): number =>
  Math.max(low, Math.min(high, Math.floor(low + rand() * (high - low + 1))));

function indexOf(lines: string[], line: string): number {
  return lines.findIndex((l) => l.startsWith(line));
}

/**
 * The N points, in order: inside each step's execution (random line), at each step's plan line, inside
 * each step's planning; then alternately by printed-line count and by time over the whole baseline.
 */
function choosePoints(b: Baseline, rand: () => number): Point[] {
  const points: Point[] = [];
  const add = (p: Omit<Point, 'n'>) => points.length < N && points.push({ n: points.length + 1, ...p });
  const spans = fullSteps.map(({ key, phase }, i) => {
    const lines = b.lines[phase];
    const planned = indexOf(lines, plannedLine(key));
    const succeeded = indexOf(lines, succeededLine(key));
    if (planned < 0 || succeeded < planned) throw new Error(`baseline: no plan/success line for ${key}`);
    const before = fullSteps[i - 1];
    const prev = before && before.phase === phase ? before.key : undefined;
    return { key, phase, planned, succeeded, prev };
  });
  for (const s of spans)
    add({
      label: `inside ${s.key}`,
      aim: s.key,
      kills: {
        [s.phase]: [{ anchor: plannedLine(s.key), lines: between(rand, 2, s.succeeded - s.planned) }],
      },
    });
  for (const s of spans)
    add({
      label: `at ${s.key}'s plan`,
      aim: s.key,
      kills: { [s.phase]: [{ anchor: plannedLine(s.key), lines: 1 }] },
    });
  // Planning (discovery) prints little: these kills are timed from the previous step's end.
  for (const s of spans) {
    const times = b.times[s.phase];
    const from = s.prev ? (times[indexOf(b.lines[s.phase], succeededLine(s.prev))] ?? 0) : 0;
    const ms = Math.round((times[s.planned]! - from) * (0.1 + 0.8 * rand()));
    add({
      label: `planning ${s.key} (+${ms} ms)`,
      aim: s.key,
      kills: { [s.phase]: [s.prev ? { anchor: succeededLine(s.prev), ms } : { ms: from + ms }] },
    });
  }
  const phases: Phase[] = ['run', 'revert', 'cleanup'];
  const totalLines = phases.reduce((n, p) => n + b.lines[p].length, 0);
  const totalMs = phases.reduce((n, p) => n + b.ms[p], 0);
  const spread = Math.max(0, N - points.length);
  for (let i = 0; i < spread; i++) {
    const byTime = i % 2 === 1;
    const slot = (byTime ? totalMs : totalLines) / spread;
    let at = Math.max(1, Math.round(slot * (i + 0.5 + (rand() - 0.5) * 0.8)));
    let phase: Phase = 'run';
    for (const p of phases) {
      phase = p;
      const size = byTime ? b.ms[p] : b.lines[p].length - 1;
      if (at < size || p === 'cleanup') {
        at = Math.min(at, size - 1);
        break;
      }
      at -= size;
    }
    const kills: Point['kills'] = { [phase]: [byTime ? { ms: at } : { lines: at }] };
    // Some points kill the resumed process too, or revert and clean-up after a killed run.
    if (i % 3 === 2) kills[phase]!.push({ lines: between(rand, 5, Math.max(5, b.lines[phase].length / 2)) });
    if (phase === 'run' && i % 4 === 1) {
      kills.revert = [{ lines: between(rand, 2, b.lines.revert.length - 2) }];
      kills.cleanup = [{ lines: between(rand, 2, b.lines.cleanup.length - 2) }];
    }
    add({ label: `${byTime ? `${at} ms` : `line ${at}`} of ${phase}`, kills });
  }
  return points;
}

interface Phased {
  summary: RunSummary;
  kills: KillReport[];
  ms: number;
}

/**
 * One phase with its kills: the first process (run full, or revert / cleanup), then one resume per
 * further kill, then one more that must end well. A run killed before it printed its id is started
 * again, as an operator would.
 */
async function phase(
  dir: string,
  which: Phase,
  triggers: KillTrigger[],
  runId: string,
): Promise<Phased & { runId: string }> {
  const started = Date.now();
  const kills: KillReport[] = [];
  const args = (): string[] =>
    which !== 'run'
      ? [which, '--run', runId, '--yes', '--json']
      : runId
        ? ['resume', '--run', runId, '--yes', '--json']
        : ['run', 'full', '--profile', 'lab', '--yes', '--json'];
  for (const trigger of triggers) {
    const driven = await driveCli(lab, dir, args(), which, trigger);
    runId ||= runIdOf(driven.run) ?? '';
    if (driven.kill) kills.push(driven.kill);
    if (!driven.kill?.killed) {
      if (driven.run.code !== 0) throw new Error(`${which} failed before its kill: ${failureOf(driven.run)}`);
      return { runId, summary: summaryOf(driven.run)!, kills, ms: Date.now() - started };
    }
  }
  const last = await driveCli(lab, dir, args(), which);
  runId ||= runIdOf(last.run) ?? '';
  if (last.run.code !== 0) throw new Error(`${which} after the kill failed: ${failureOf(last.run)}`);
  return { runId, summary: summaryOf(last.run)!, kills, ms: Date.now() - started };
}

/** Dotted paths where two JSON values differ (the point's "why", short enough for one line). */
function differences(a: unknown, b: unknown, path = ''): string[] {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].flatMap((k) =>
      differences((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`),
    );
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    // Lists (mounts, fstab lines, changes): what the point has that the baseline has not, and back.
    const count = (list: unknown[]) => {
      const m = new Map<string, number>();
      for (const x of list) m.set(JSON.stringify(x), (m.get(JSON.stringify(x)) ?? 0) + 1);
      return m;
    };
    const [mine, theirs] = [count(a), count(b)];
    const extra = [...mine].flatMap(([k, n]) => Array<string>(Math.max(0, n - (theirs.get(k) ?? 0))).fill(k));
    const missing = [...theirs].flatMap(([k, n]) =>
      Array<string>(Math.max(0, n - (mine.get(k) ?? 0))).fill(k),
    );
    return [`${path}: extra ${extra.join(', ') || '-'}; missing ${missing.join(', ') || '-'}`];
  }
  return [`${path || '.'}: ${JSON.stringify(a)?.slice(0, 300)} ≠ ${JSON.stringify(b)?.slice(0, 300)}`];
}

beforeAll(async () => {
  lab = await readLabJson();
  world = new FullWorld(lab);
  const dir = await world.fresh();
  try {
    const pristine = await world.confHashes();
    const lines = {} as Record<Phase, string[]>;
    const times = {} as Record<Phase, number[]>;
    const ms = {} as Record<Phase, number>;
    const run = await driveCli(lab, dir, ['run', 'full', '--profile', 'lab', '--yes', '--json'], 'run');
    expect(run.run.code, failureOf(run.run)).toBe(0);
    const runId = runIdOf(run.run)!;
    [lines.run, times.run, ms.run] = [run.run.stderr.split('\n'), run.times, run.ms];
    const mid = await world.midState();
    // The baseline itself must be right, or every point would be compared with a wrong state.
    expect(mid.workloads).toEqual(world.expectedWorkloads());
    expect(mid.adminOn).toEqual(world.targets);
    const revert = await driveCli(lab, dir, ['revert', '--run', runId, '--yes', '--json'], 'revert');
    expect(revert.run.code, failureOf(revert.run)).toBe(0);
    [lines.revert, times.revert, ms.revert] = [revert.run.stderr.split('\n'), revert.times, revert.ms];
    const cleanup = await driveCli(lab, dir, ['cleanup', '--run', runId, '--yes', '--json'], 'cleanup');
    expect(cleanup.run.code, failureOf(cleanup.run)).toBe(0);
    [lines.cleanup, times.cleanup, ms.cleanup] = [cleanup.run.stderr.split('\n'), cleanup.times, cleanup.ms];
    const end = await world.endState(summaryOf(cleanup.run)!);
    for (const [host, state] of Object.entries(end.hosts))
      expect(state.confSha, `${host}: config back to its original bytes`).toBe(pristine[host]);
    expect(end.adminOn).toEqual([]);
    expect(end.db).toEqual(Object.fromEntries(world.sources.map((w) => [w.name, 'purged, 0 restore(s)'])));
    expect(duplicates(end.changes)).toEqual([]);
    baseline = { pristine, lines, times, ms, mid, end };
    console.log(
      `crash-full baseline: run ${ms.run} ms / ${lines.run.length} lines, revert ${ms.revert} ms / ${lines.revert.length}, cleanup ${ms.cleanup} ms / ${lines.cleanup.length}; seed ${seed}`,
    );
  } finally {
    await world.dispose(dir);
  }
}, 900_000);

afterAll(async () => {
  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed;
  const times = results.map((r) => r.ms);
  const phaseAvg = (k: string) =>
    Math.round(results.reduce((n, r) => n + (r.phaseMs[k] ?? 0), 0) / Math.max(1, results.length));
  const detail = {
    points: N,
    seed,
    range: `${first}-${Math.min(last, N)}`,
    msPerPoint: {
      avg: Math.round(times.reduce((a, b) => a + b, 0) / Math.max(1, times.length)),
      max: Math.max(0, ...times),
      phases: Object.fromEntries(
        ['reset', 'run', 'mid', 'revert', 'cleanup', 'end'].map((k) => [k, phaseAvg(k)]),
      ),
    },
    stepsKilled: [
      ...new Set(results.flatMap((r) => r.kills.filter((k) => k.killed).map((k) => k.step ?? '?'))),
    ],
    failures: results.filter((r) => !r.ok).map((r) => ({ n: r.n, label: r.label, why: r.why })),
  };
  if (results.length > 0) await recordFigure(figureSuite, passed, failed, detail);
  console.log(figureLine(figureSuite, passed, failed));
  console.log(`  ${JSON.stringify(detail.msPerPoint)}; steps killed: ${detail.stepsKilled.join(', ')}`);
  for (const f of detail.failures) console.log(`  point ${f.n} (${f.label}): ${f.why}`);
  if (world) await world.reset();
}, 900_000);

describe(`crash points: SIGKILL at ${N} points of a full-cloud DR, then resume, revert, clean up`, () => {
  const points: Point[] = [];
  beforeAll(() => {
    points.push(...choosePoints(baseline, generator(seed)));
  });

  for (let n = first; n <= Math.min(last, N); n++) {
    it(`point ${n}`, async () => {
      const point = points[n - 1]!;
      const started = Date.now();
      const phaseMs: Record<string, number> = {};
      const kills: KillReport[] = [];
      const dir = await world.fresh();
      phaseMs.reset = Date.now() - started;
      try {
        expect(await world.confHashes(), 'config files restored by the reset').toEqual(baseline.pristine);
        const ran = await phase(dir, 'run', point.kills.run ?? [], '');
        kills.push(...ran.kills);
        phaseMs.run = ran.ms;
        let t = Date.now();
        const mid = await world.midState();
        phaseMs.mid = Date.now() - t;
        const midDiff = differences(mid, baseline.mid);
        if (midDiff.length > 0) throw new Error(`after the run: ${midDiff.join('; ')}`);
        const reverted = await phase(dir, 'revert', point.kills.revert ?? [], ran.runId);
        kills.push(...reverted.kills);
        phaseMs.revert = reverted.ms;
        const cleaned = await phase(dir, 'cleanup', point.kills.cleanup ?? [], ran.runId);
        kills.push(...cleaned.kills);
        phaseMs.cleanup = cleaned.ms;
        t = Date.now();
        const end = await world.endState(cleaned.summary);
        const twice = duplicates(end.changes);
        if (twice.length > 0) throw new Error(`changes recorded twice: ${twice.join('; ')}`);
        const endDiff = differences(end, baseline.end);
        if (endDiff.length > 0) throw new Error(`end state: ${endDiff.join('; ')}`);
        const stored = await cli(dir, ['logs', '--run', ran.runId]);
        for (const k of kills.filter((x) => x.lastLog))
          if (!stored.stdout.includes(k.lastLog))
            throw new Error(
              `the last line printed before the kill in ${k.phase} is not in the store: ${k.lastLog}`,
            );
        phaseMs.end = Date.now() - t;
        results.push({
          n,
          label: point.label,
          ok: true,
          ms: Date.now() - started,
          phaseMs,
          kills: kills.map(brief),
        });
      } catch (error) {
        const why = (error as Error).message.split('\n')[0]!;
        results.push({
          n,
          label: point.label,
          ok: false,
          why,
          ms: Date.now() - started,
          phaseMs,
          kills: kills.map(brief),
        });
        throw error;
      } finally {
        await world.dispose(dir);
      }
    });
  }

  it.runIf(first === 1 && last >= N)('killed a process inside every step of the full run', () => {
    const killedIn = new Set(results.flatMap((r) => r.kills.filter((k) => k.killed).map((k) => k.step)));
    const expected = N >= fullSteps.length ? fullSteps.map((s) => s.key) : points.map((p) => p.aim);
    expect(fullSteps.map((s) => s.key).filter((k) => expected.includes(k) && !killedIn.has(k))).toEqual([]);
  });
});

const brief = (k: KillReport) => ({
  phase: k.phase,
  ...(k.step ? { step: k.step } : {}),
  atLine: k.atLine,
  killed: k.killed,
});
