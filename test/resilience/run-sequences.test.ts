import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { shareMountPaths } from '../../shared/trilio/trilio-facts.js';
import { profileSchema } from '../../shared/profile/profile.js';
import { upgradeLegacyProfile } from '../../shared/profile/profile-legacy.js';
import { readLabJson } from '../lab/lab.js';
import type { LabJson, LabWorkload } from '../lab/lab-json.js';
import { trilioStateFile } from '../lab/trilio/trilio-paths.js';
import { syncShareCopy } from '../lab/trilio/share-sync.js';
import { completeMarker } from '../lab/trilio/workload-generator.js';
import { adminRoles } from '../integration/dr/support/api-lab.js';
import { cli } from '../integration/dr/support/dr-cli.js';
import { driveCli, failureOf, FullWorld, runIdOf, type Phase } from '../integration/dr/support/full-crash.js';
import { figureLine, recordFigure } from './figures.js';
import { mulberry32 as generator } from '../lab/seeded-random.js';

/**
 * Run sequences (issue 23 item 3): any sequence of runs on one cloud works. Random sequences of 4–6
 * operations on the lab profile, one data folder per sequence (so the wizard's journal spans its runs):
 * a single-workload DR and its clean-up (with or without --remove-mounts), a full-cloud DR with revert
 * and clean-up, or one of those killed with SIGKILL at a random line and resumed until done. After each
 * operation the cloud and hosts must be clean: no admin role on a target project, no Trilio record or
 * restore of a recovered workload, no copy on B1, Trilio's configuration byte for byte as it was, no B2
 * or staging mount, and on the source share's mount path only what the user chose to keep (clean-up
 * without --remove-mounts) — exactly the bind mounts and fstab lines the journal still holds open, one
 * per node, never stacked; every other change of every run undone. The next operation starting is the
 * other half of the check.
 *
 * A full-cloud DR's Reassign rewrites the project ids in B2's workload_db files (Trilio does, with
 * migrate_cloud): a later DR of that share is refused at Find with the import as next step (tested in
 * runs-in-sequence.test.ts). Here, as the share replication would, B2 is synced from A1 again after one.
 *
 * SEQ_SEED repeats a set of sequences (the seed is printed); SEQ_COUNT (default 20) sequences;
 * SEQ_RANGE=a-b runs only sequences a..b of the set (to run the suite in pieces).
 */
const COUNT = Number(process.env.SEQ_COUNT ?? 20);
const seed = Number(process.env.SEQ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const [first, last] = (process.env.SEQ_RANGE ?? `1-${COUNT}`).split('-').map(Number) as [number, number];
/** A piece of the set records its own figure (`run-sequences a-b`), so the summary adds the pieces up. */
const figureSuite =
  first === 1 && last >= COUNT ? 'run-sequences' : `run-sequences ${first}-${Math.min(last, COUNT)}`;

type Op =
  | { kind: 'single'; workload: string; removeMounts: boolean }
  | { kind: 'full'; removeMounts: boolean }
  /** A DR drill of one workload (issue 21): leaves the cloud and hosts as it found them. */
  | { kind: 'drill'; workload: string }
  | {
      kind: 'kill';
      of: 'single' | 'full';
      workload: string;
      phase: Phase;
      lines: number;
      removeMounts: boolean;
    };

function chooseSequences(rand: () => number, sources: LabWorkload[]): Op[][] {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  const sequences: Op[][] = [];
  for (let s = 0; s < COUNT; s++) {
    const ops: Op[] = [];
    const length = 4 + Math.floor(rand() * 3);
    for (let i = 0; i < length; i++) {
      const r = rand();
      const removeMounts = rand() < 0.5;
      const workload = pick(sources).name;
      if (r < 0.4) ops.push({ kind: 'single', workload, removeMounts });
      else if (r < 0.55) ops.push({ kind: 'full', removeMounts });
      else if (r < 0.7) ops.push({ kind: 'drill', workload });
      else {
        const of = rand() < 0.6 ? 'single' : 'full';
        const phase: Phase =
          of === 'single'
            ? rand() < 0.75
              ? 'run'
              : 'cleanup'
            : pick(['run', 'run', 'revert', 'cleanup'] as const);
        ops.push({
          kind: 'kill',
          of,
          workload,
          phase,
          lines: 3 + Math.floor(rand() * (phase === 'run' ? 150 : 40)),
          removeMounts,
        });
      }
    }
    sequences.push(ops);
  }
  return sequences;
}

const label = (op: Op): string =>
  op.kind === 'kill'
    ? `kill ${op.of}${op.of === 'single' ? ` ${op.workload}` : ''} at line ${op.lines} of ${op.phase}${op.removeMounts ? ' (--remove-mounts)' : ''}`
    : op.kind === 'drill'
      ? `drill ${op.workload}`
      : `${op.kind}${op.kind === 'single' ? ` ${op.workload}` : ''}${op.removeMounts ? ' --remove-mounts' : ''}`;

let lab: LabJson;
let world: FullWorld;
let pristine: Record<string, string>;
let a1 = '';
let b2 = '';
const results: { seq: number; ops: string[]; ok: boolean; why?: string; ms: number }[] = [];
const opMs: Record<string, number[]> = {};

beforeAll(async () => {
  lab = await readLabJson();
  world = new FullWorld(lab);
  const file = JSON.parse(await readFile(lab.profileFile, 'utf8')) as { profile: unknown };
  const profile = profileSchema.parse(upgradeLegacyProfile(file.profile));
  const paths = shareMountPaths(profile.trilio, profile.nfs);
  a1 = paths.source!;
  b2 = paths.syncedCopy;
  await world.reset();
  pristine = await world.confHashes();
  console.log(
    `run sequences: seed ${seed}, ${COUNT} sequences, running ${first}..${last} (SEQ_SEED=${seed} repeats them)`,
  );
}, 300_000);

afterAll(async () => {
  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed;
  const avg = (xs: number[]) => Math.round(xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length));
  const detail = {
    seed,
    sequences: results.length,
    operations: results.reduce((n, r) => n + r.ops.length, 0),
    msPerOperation: Object.fromEntries(
      Object.entries(opMs).map(([k, v]) => [k, { n: v.length, avg: avg(v) }]),
    ),
    failures: results.filter((r) => !r.ok).map((r) => ({ seq: r.seq, ops: r.ops, why: r.why })),
  };
  if (results.length > 0) await recordFigure(figureSuite, passed, failed, detail);
  console.log(figureLine(figureSuite, passed, failed));
  console.log(
    `  seed ${seed}; ${detail.operations} operations; ms per operation ${JSON.stringify(detail.msPerOperation)}`,
  );
  for (const f of detail.failures) console.log(`  sequence ${f.seq} (${f.ops.join(' → ')}): ${f.why}`);
  if (world) await world.reset();
}, 300_000);

/** Runs one CLI command that must succeed. */
async function must(dir: string, args: string[], what: string): Promise<string> {
  const run = await cli(dir, args);
  if (run.code !== 0) throw new Error(`${what}: ${failureOf(run)}`);
  return runIdOf(run) ?? '';
}

/**
 * A drill must pass and leave no trace, or — when an earlier run kept bind mounts on the source share's
 * path that point elsewhere — fail that workload at Mount paths, saying so, and still leave no trace.
 */
async function drillOp(dir: string, workload: string): Promise<void> {
  const w = world.sources.find((x) => x.name === workload)!;
  const run = await cli(dir, ['drill', '--profile', 'lab', '--workload', w.id, '--json']);
  const out = JSON.parse(run.stdout || '{}') as {
    value?: {
      status: string;
      inventory: { differences: unknown[] };
      workloads: { failedStep?: string; error?: { message: string } }[];
    };
  };
  const drill = out.value;
  if (!drill) throw new Error(`drill: ${failureOf(run)}`);
  if (drill.inventory.differences.length > 0)
    throw new Error(`drill left traces: ${JSON.stringify(drill.inventory.differences)}`);
  if (run.code === 0 && drill.status === 'passed') return;
  const keptElsewhere = drill.workloads.every(
    (x) => x.failedStep === 'mount-paths' && /bound elsewhere by run/.test(x.error?.message ?? ''),
  );
  if (run.code === 1 && keptElsewhere) return;
  throw new Error(`drill ${drill.status}: ${drill.workloads.map((x) => x.error?.message ?? '').join('; ')}`);
}

async function runOp(dir: string, op: Op): Promise<void> {
  if (op.kind === 'drill') return drillOp(dir, op.workload);
  const mounts = (removeMounts: boolean) => (removeMounts ? ['--remove-mounts'] : []);
  const w = world.sources.find((x) => x.name === (op.kind === 'full' ? '' : op.workload));
  const start =
    op.kind === 'full' || (op.kind === 'kill' && op.of === 'full')
      ? ['run', 'full', '--profile', 'lab', '--yes', '--json']
      : [
          'run',
          'single',
          '--profile',
          'lab',
          '--workload',
          w!.id,
          '--target-project',
          w!.targetProject,
          '--yes',
          '--json',
        ];
  const full = start[1] === 'full';
  if (op.kind !== 'kill') {
    const runId = await must(dir, start, `${op.kind} DR`);
    if (full) await must(dir, ['revert', '--run', runId, '--yes', '--json'], 'revert');
    await must(dir, ['cleanup', '--run', runId, ...mounts(op.removeMounts), '--yes', '--json'], 'clean-up');
    if (full) await resyncB2();
    return;
  }
  // The killed phase, then every phase to the end as an operator would (resume, revert, clean-up).
  let runId = '';
  const phases: Phase[] = full ? ['run', 'revert', 'cleanup'] : ['run', 'cleanup'];
  for (const phase of phases) {
    const args = (): string[] =>
      phase === 'run'
        ? runId
          ? ['resume', '--run', runId, '--yes', '--json']
          : start
        : [phase, '--run', runId, ...(phase === 'cleanup' ? mounts(op.removeMounts) : []), '--yes', '--json'];
    if (phase === op.phase) {
      const driven = await driveCli(lab, dir, args(), phase, { lines: op.lines });
      runId ||= runIdOf(driven.run) ?? '';
      if (!driven.kill?.killed && driven.run.code !== 0)
        throw new Error(`${phase} before its kill: ${failureOf(driven.run)}`);
    }
    const done = await cli(dir, args());
    runId ||= runIdOf(done) ?? '';
    if (done.code !== 0)
      throw new Error(`${phase}${phase === op.phase ? ' after the kill' : ''}: ${failureOf(done)}`);
  }
  if (full) await resyncB2();
}

/** The share replication of the lab: B2 again the copy of A1 (a full DR's Reassign rewrote it). */
async function resyncB2(): Promise<void> {
  const folders = world.sources.map((w) => `workload_${w.id}`);
  await syncShareCopy(lab.sharesDir.A1, lab.sharesDir.B2, folders, { fresh: true, marker: completeMarker });
}

/** What must hold after every operation; returns the problems found ([] when clean). */
async function problems(dir: string): Promise<string[]> {
  const found: string[] = [];
  const roles = await adminRoles(lab);
  try {
    for (const p of world.targets) if (await roles.has(p)) found.push(`admin role left on ${p}`);
  } finally {
    roles.close();
  }
  const db = JSON.parse(await readFile(trilioStateFile, 'utf8')) as {
    workloads: Record<string, { deleted?: boolean }>;
    restores: Record<string, { workload_id: string }>;
  };
  for (const w of world.sources) {
    if (db.workloads[w.id])
      found.push(`Trilio record of ${w.name} left (${db.workloads[w.id]!.deleted ? 'deleted' : 'active'})`);
    const restores = Object.values(db.restores).filter((r) => r.workload_id === w.id).length;
    if (restores > 0) found.push(`${restores} restore record(s) of ${w.name} left`);
  }
  const onB1 = (await readdir(lab.sharesDir.B1)).filter(
    (f) => f.startsWith('.trilio-dr') || world.sources.some((w) => f === `workload_${w.id}`),
  );
  if (onB1.length > 0) found.push(`left on B1: ${onB1.join(', ')}`);
  const store = new Database(join(dir, 'trilio-dr-wizard.db'), { readonly: true, fileMustExist: true });
  const open = store
    .prepare<[], { run_id: string; kind: string; host: string; action_id: string }>(
      'SELECT run_id, kind, host, action_id FROM changes WHERE undone_at IS NULL',
    )
    .all();
  store.close();
  // Kept by choice (mount paths without --remove-mounts), or records of what happened (moves, restores
  // and purges stay open: the database purge is what undid them, checked above).
  const kept = new Set(['mkdir', 'bind-mount', 'fstab-line', 'purge', 'reassign', 'restore']);
  for (const c of open.filter((x) => !kept.has(x.kind)))
    found.push(`open ${c.kind} change of ${c.run_id} on ${c.host || 'the cloud'}: ${c.action_id}`);
  const state = await world.hostState();
  const confs = await world.confHashes();
  for (const n of world.nodes()) {
    const host = state[n.name]!;
    if (confs[n.name] !== pristine[n.name]) found.push(`${n.name}: Trilio config differs from the original`);
    const stray = host.mounts.filter((m) => m === b2 || m.startsWith('/mnt/trilio-dr/'));
    if (stray.length > 0) found.push(`${n.name}: mounted ${stray.join(', ')}`);
    const binds = host.mounts.filter((m) => m === a1).length;
    const lines = host.fstab.filter((l) => l.split(/\s+/)[1] === a1).length;
    const keptBind = open.some(
      (c) => c.kind === 'bind-mount' && c.host === n.name && c.action_id.endsWith(`:${a1}`),
    );
    const keptLine = open.some(
      (c) => c.kind === 'fstab-line' && c.host === n.name && c.action_id.endsWith(`:${a1}`),
    );
    if (binds > 1) found.push(`${n.name}: ${a1} mounted ${binds} times (stacked)`);
    if (lines > 1) found.push(`${n.name}: ${lines} fstab lines on ${a1}`);
    if (binds > 0 !== keptBind)
      found.push(
        `${n.name}: ${a1} ${binds > 0 ? 'mounted, and no run keeps it' : 'not mounted, though a run keeps it'}`,
      );
    if (lines > 0 !== keptLine)
      found.push(
        `${n.name}: fstab line on ${a1} ${lines > 0 ? 'that no run keeps' : 'missing, though a run keeps it'}`,
      );
  }
  return found;
}

describe(`run sequences: ${COUNT} random sequences of 4–6 operations on one lab`, () => {
  const sequences: Op[][] = [];
  beforeAll(() => {
    sequences.push(...chooseSequences(generator(seed), world.sources));
  });

  for (let n = first; n <= Math.min(last, COUNT); n++) {
    it(`sequence ${n}`, async () => {
      const ops = sequences[n - 1]!;
      const started = Date.now();
      const done: string[] = [];
      const dir = await world.fresh();
      try {
        for (const op of ops) {
          done.push(label(op));
          const t = Date.now();
          await runOp(dir, op);
          (opMs[op.kind === 'kill' ? `kill-${op.of}` : op.kind] ??= []).push(Date.now() - t);
          const left = await problems(dir);
          if (left.length > 0) throw new Error(`after ${label(op)}: ${left.join('; ')}`);
        }
        results.push({ seq: n, ops: done, ok: true, ms: Date.now() - started });
      } catch (error) {
        const why = (error as Error).message.split('\n')[0]!;
        results.push({ seq: n, ops: done, ok: false, why, ms: Date.now() - started });
        throw new Error(`sequence ${n} (${done.join(' → ')}): ${why}`);
      } finally {
        await world.dispose(dir);
      }
    });
  }
});
