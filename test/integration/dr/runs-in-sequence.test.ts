import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { cp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { mountPathFor } from '../../../shared/nfs/mount-path.js';
import { readLabJson } from '../../lab/lab.js';
import type { LabJson } from '../../lab/lab-json.js';
import { cli, type CliRun } from './support/dr-cli.js';
import { failureOf, FullWorld, runIdOf, summaryOf } from './support/full-crash.js';

/**
 * Issue 17 item 5 / issue 23: runs on one cloud must not trip over each other. A single-workload DR
 * and its clean-up (with and without --remove-mounts), then a full-cloud DR of the same lab with
 * revert and clean-up: each must succeed. The single run's leftovers (its bind mount and fstab line on
 * A1's mount path, kept without --remove-mounts) are re-pointed by the full run after it said so; its
 * workload copy on B1 is gone, so no workload id sits on two shares of Trilio B.
 */
let lab: LabJson;
let world: FullWorld;
let dir = '';

const ok = (run: CliRun, what: string) => {
  expect(run.code, `${what}: ${failureOf(run)}`).toBe(0);
  return run;
};

beforeAll(async () => {
  lab = await readLabJson();
  world = new FullWorld(lab);
}, 60_000);

afterAll(async () => {
  await world.reset();
  if (dir) await world.dispose(dir);
}, 300_000);

/** A fresh DR world and a single-workload DR of fin-erp in it; its run id. */
async function freshSingleDr(): Promise<string> {
  dir = await world.fresh();
  const erp = world.sources.find((w) => w.name === 'fin-erp')!;
  const single = ok(
    await cli(dir, [
      'run',
      'single',
      '--profile',
      'lab',
      '--workload',
      erp.id,
      '--target-project',
      erp.targetProject,
      '--yes',
      '--json',
    ]),
    'single DR',
  );
  return runIdOf(single)!;
}

async function singleThenFull(removeMounts: boolean): Promise<void> {
  const singleId = await freshSingleDr();
  const erp = world.sources.find((w) => w.name === 'fin-erp')!;
  ok(
    await cli(dir, [
      'cleanup',
      '--run',
      singleId,
      ...(removeMounts ? ['--remove-mounts'] : []),
      '--yes',
      '--json',
    ]),
    'single clean-up',
  );
  expect(existsSync(join(lab.sharesDir.B1, `workload_${erp.id}`)), 'the copy on B1 is removed').toBe(false);

  const full = ok(await cli(dir, ['run', 'full', '--profile', 'lab', '--yes', '--json']), 'full DR after it');
  const fullId = runIdOf(full)!;
  if (!removeMounts) expect(full.stderr).toMatch(/re-pointed to /);
  expect((await world.midState()).workloads).toEqual(world.expectedWorkloads());
  ok(await cli(dir, ['revert', '--run', fullId, '--yes', '--json']), 'revert');
  const cleaned = ok(await cli(dir, ['cleanup', '--run', fullId, '--yes', '--json']), 'full clean-up');
  const end = await world.endState(summaryOf(cleaned)!);
  expect(end.adminOn).toEqual([]);
  expect(end.db).toEqual(Object.fromEntries(world.sources.map((w) => [w.name, 'purged, 0 restore(s)'])));
  // One bind of A1's path per node, one fstab line: the full run's (the single run's was taken over).
  const a1 = mountPathFor(lab.nfs.A1);
  for (const n of world.nodes()) {
    const host = end.hosts[n.name]!;
    expect(
      host.mounts.filter((m) => m === a1),
      n.name,
    ).toEqual([a1]);
    expect(
      host.fstab.filter((l) => l.split(/\s+/)[1] === a1),
      n.name,
    ).toHaveLength(1);
  }
  // The single run's clean-up, run again, leaves the full run's mounts alone.
  ok(
    await cli(dir, ['cleanup', '--run', singleId, '--remove-mounts', '--yes', '--json']),
    'single clean-up again',
  );
  const after = await world.hostState();
  for (const n of world.nodes())
    expect(
      after[n.name]!.mounts.filter((m) => m === a1),
      n.name,
    ).toEqual([a1]);
  await world.dispose(dir);
  dir = '';
}

describe('a single DR and its clean-up, then a full DR of the same lab (lab)', () => {
  it('succeeds when the clean-up kept the bind mounts (they are re-pointed)', async () => {
    await singleThenFull(false);
  }, 400_000);

  it('succeeds when the clean-up removed the bind mounts', async () => {
    await singleThenFull(true);
  }, 400_000);

  it('stops a full DR at pre-flight while a workload id is on both B1 and B2, saying which copy to remove', async () => {
    const singleId = await freshSingleDr();
    // Its clean-up not run yet: the copy on B1 is Trilio B's workload now.
    const blocked = await cli(dir, ['run', 'full', '--profile', 'lab', '--yes', '--json']);
    expect(blocked.code).toBe(1);
    expect(blocked.stderr + blocked.stdout).toContain(`workload id(s) on both shares`);
    expect(blocked.stderr + blocked.stdout).toContain(`trilio-dr cleanup --run ${singleId} --yes`);
    ok(await cli(dir, ['cleanup', '--run', singleId, '--yes', '--json']), 'single clean-up');
    // A copy nobody recorded: named, with the folder to remove.
    const hpc = world.sources.find((w) => w.name === 'res-hpc')!;
    await cp(join(lab.sharesDir.B2, `workload_${hpc.id}`), join(lab.sharesDir.B1, `workload_${hpc.id}`), {
      recursive: true,
    });
    const again = await cli(dir, ['run', 'full', '--profile', 'lab', '--yes', '--json']);
    expect(again.code).toBe(1);
    expect(again.stderr + again.stdout).toContain(
      `${hpc.id}: remove the copy on B1, ${mountPathFor(lab.nfs.B1)}/workload_${hpc.id} (the original stays on B2)`,
    );
    await rm(join(lab.sharesDir.B1, `workload_${hpc.id}`), { recursive: true, force: true });
    await world.dispose(dir);
    dir = '';
  }, 400_000);

  it('stops a second full DR of a share the first one reassigned at Find, naming the import as next step', async () => {
    dir = await world.fresh();
    const first = ok(await cli(dir, ['run', 'full', '--profile', 'lab', '--yes', '--json']), 'full DR');
    const firstId = runIdOf(first)!;
    ok(await cli(dir, ['revert', '--run', firstId, '--yes', '--json']), 'revert');
    ok(await cli(dir, ['cleanup', '--run', firstId, '--yes', '--json']), 'clean-up');
    // Reassign rewrote the project ids in B2's workload_db files: they name target-cloud projects now.
    const second = await cli(dir, ['run', 'full', '--profile', 'lab', '--yes', '--json']);
    expect(second.code).toBe(1);
    const text = second.stderr + second.stdout;
    expect(text).toContain('workloads on ' + lab.nfs.B2 + ' are orphaned');
    expect(text).toContain('workload-importworkloads');
    expect(text).not.toContain('not among the');
    const summary = summaryOf(second)!;
    expect(summary.steps.find((s) => s.key === 'find')?.status).toBe('failed');
    expect(summary.changes.filter((c) => !c.undone && c.kind !== 'staging-mount')).toEqual([]);
    await world.dispose(dir);
    dir = '';
  }, 400_000);
});
