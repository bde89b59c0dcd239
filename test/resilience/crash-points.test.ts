import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mountPathFor } from '../../shared/nfs/mount-path.js';
import { openstackCliEnv } from '../lab/clouds/index.js';
import { runOnHost } from '../lab/hosts/index.js';
import { readLabJson } from '../lab/lab.js';
import type { LabJson, LabWorkload } from '../lab/lab-json.js';
import { cli, resetDrWorld, startCli } from '../integration/dr/support/dr-cli.js';
import { isLogLine } from '../integration/dr/support/full-crash.js';
import { figureLine, recordFigure } from './figures.js';

/**
 * Crash points (issue 8): a single-workload DR in the lab, killed with SIGKILL at N points spread over
 * the run (by the count of lines it printed: step and command boundaries, jittered), then resumed until
 * it ends; each end state is compared with an uninterrupted run's: mounts and fstab lines on every node,
 * the copy on B1, Trilio's view of the workload and the restore, the change log without duplicates,
 * and the last log line printed before the kill found in the store. N = CRASH_POINTS (default 50).
 */
const run = promisify(execFile);
const N = Number(process.env.CRASH_POINTS ?? 50);
/** CRASH_SEED repeats the jitter of a set of points; CRASH_RANGE=a-b runs points a..b only (pieces). */
const seed = Number(process.env.CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
const [first, last] = (process.env.CRASH_RANGE ?? `1-${N}`).split('-').map(Number) as [number, number];
/** A piece of the set records its own figure (`crash-points a-b`), so the summary adds the pieces up. */
const figureSuite = first === 1 && last >= N ? 'crash-points' : `crash-points ${first}-${Math.min(last, N)}`;
const jitter = ((start: number) => {
  let a = start >>> 0;
  const rand = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Array.from({ length: N }, rand);
})(seed);
const results: { point: number; line: number; ok: boolean; why?: string }[] = [];
let lab: LabJson;
let workload: LabWorkload;
let baseline: EndState;
let baselineLines = 0;

interface EndState {
  nodes: Record<string, { mounted: boolean; fstabLines: number }>;
  copyFiles: number;
  steps: Record<string, string>;
  changes: string[];
}

interface Summary {
  value: {
    runId: string;
    steps: { key: string; status: string }[];
    changes: { step: string; host: string; kind: string }[];
  };
}

async function endState(summary: Summary): Promise<EndState> {
  const live = mountPathFor(lab.nfs.B1);
  const old = mountPathFor(lab.nfs.A1);
  const nodes: EndState['nodes'] = {};
  for (const h of lab.hosts.filter((x) => x.role !== 'jump')) {
    const fstab = await runOnHost(h.name, ['cat', '/etc/fstab']);
    nodes[h.name] = {
      mounted: (await runOnHost(h.name, ['findmnt', '-n', old])).code === 0,
      fstabLines: fstab.stdout.split('\n').filter((l) => l.startsWith(`${live} ${old} `)).length,
    };
  }
  const files = await runOnHost('tvm-1', [
    'sh',
    '-c',
    `find ${live}/workload_${workload.id} -type f | wc -l`,
  ]);
  return {
    nodes,
    copyFiles: Number(files.stdout.trim()),
    steps: Object.fromEntries(summary.value.steps.map((s) => [s.key, s.status])),
    changes: summary.value.changes.map((c) => `${c.step}|${c.host}|${c.kind}`).sort(),
  };
}

async function revokeAdmin(): Promise<void> {
  await run(
    'openstack',
    [
      'role',
      'remove',
      '--project',
      workload.targetProject,
      '--project-domain',
      lab.clouds.B.domain,
      '--user',
      'admin',
      '--user-domain',
      'Default',
      'admin',
    ],
    { env: openstackCliEnv(lab.clouds.B) },
  ).catch(() => undefined);
}

async function freshWorld(): Promise<string> {
  await resetDrWorld(lab);
  await revokeAdmin();
  const dir = await mkdtemp(join(tmpdir(), 'trilio-dr-crash-'));
  expect((await cli(dir, ['profile', 'import', lab.profileFile])).code).toBe(0);
  return dir;
}

const runArgs = () => [
  'run',
  'single',
  '--profile',
  'lab',
  '--workload',
  workload.id,
  '--target-project',
  workload.targetProject,
  '--yes',
];

beforeAll(async () => {
  lab = await readLabJson();
  workload = lab.workloads.find((w) => w.name === 'fin-web') ?? lab.workloads[0]!;
  const dir = await freshWorld();
  const uninterrupted = startCli(dir, [...runArgs(), '--json']);
  const done = await uninterrupted.done;
  expect(done.code, done.stderr.slice(-2000)).toBe(0);
  baselineLines = done.stderr.split('\n').length;
  baseline = await endState(JSON.parse(done.stdout) as Summary);
  console.log(
    `crash-points: seed ${seed} (CRASH_SEED=${seed} repeats the points), points ${first}..${Math.min(last, N)} of ${N}`,
  );
  await rm(dir, { recursive: true, force: true });
}, 600_000);

afterAll(async () => {
  const passed = results.filter((r) => r.ok).length;
  const failures = results.filter((x) => !x.ok).map((r) => ({ point: r.point, line: r.line, why: r.why }));
  if (results.length > 0)
    await recordFigure(figureSuite, passed, results.length - passed, {
      points: N,
      seed,
      range: `${first}-${Math.min(last, N)}`,
      linesPerRun: baselineLines,
      failures,
    });
  console.log(
    `${figureLine(figureSuite, passed, results.length - passed)} (points ${first}..${Math.min(last, N)} of ${N}, seed ${seed}, ${baselineLines} output lines per run)`,
  );
  for (const r of results.filter((x) => !x.ok))
    console.log(`  point ${r.point} (after line ${r.line}): ${r.why}`);
  await resetDrWorld(lab);
  await revokeAdmin();
}, 600_000);

describe(`crash points: SIGKILL at ${N} points of a single-workload DR, then resume`, () => {
  for (let point = first - 1; point < Math.min(last, N); point++) {
    it(`point ${point + 1}`, async () => {
      // Evenly spread over the run's output, jittered by up to half a slot (seeded).
      const slot = baselineLines / N;
      const line = Math.max(1, Math.round(slot * (point + 0.5 + (jitter[point]! - 0.5) * 0.5)));
      const dir = await freshWorld();
      try {
        let seen = 0;
        let lastLog = '';
        const first = startCli(dir, runArgs(), {
          onStderr: (all, child) => {
            const lines = all.split('\n');
            seen = lines.length;
            if (seen >= line && child.exitCode === null && !child.killed) {
              // Log records only (steps named with 11 letters, mount-paths, have one space after).
              const logLines = lines.slice(0, -1).filter(isLogLine);
              lastLog = logLines.at(-1) ?? '';
              child.kill('SIGKILL');
            }
          },
        });
        const crashed = await first.done;
        const runId = /Run (run-\S+) created/.exec(crashed.stderr)?.[1];
        expect(runId, crashed.stderr.slice(0, 500)).toBeDefined();
        let final = crashed;
        for (let attempt = 0; attempt < 3 && (final.code !== 0 || final.signal); attempt++)
          final = await cli(dir, ['resume', '--run', runId!, '--yes', '--json']);
        if (crashed.code === 0 && !crashed.signal)
          final = await cli(dir, ['resume', '--run', runId!, '--yes', '--json']);
        expect(final.code, final.stderr.slice(-2000)).toBe(0);
        const state = await endState(JSON.parse(final.stdout) as Summary);
        expect(state).toEqual(baseline);
        if (lastLog) {
          const stored = await cli(dir, ['logs', '--run', runId!]);
          const text = lastLog.replace(/^[a-z-]+\s+\S+\s+/, '');
          expect(stored.stdout, `last line before the kill: ${lastLog}`).toContain(text);
        }
        expect((await cli(dir, ['cleanup', '--run', runId!, '--yes'])).code).toBe(0);
        results.push({ point: point + 1, line, ok: true });
      } catch (error) {
        results.push({ point: point + 1, line, ok: false, why: (error as Error).message.split('\n')[0] });
        throw error;
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  }
});
