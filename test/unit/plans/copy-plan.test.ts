import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  compareManifests,
  describeDiff,
  manifestArgv,
  parseManifest,
} from '../../../shared/plans/copy-manifest.js';
import { isOwnEarlierCopy, planCopy, type CopyFacts } from '../../../shared/plans/copy-plan.js';
import { destructiveActionIds } from '../../../shared/run/plan-types.js';

const listing = {
  files: 15,
  bytes: 1196255,
  digest: '4ce4305c52777060341f9de1a3550767d3c7d7375e0a629c846f366dd869b0df',
};
const target = '/var/triliovault-mounts/MTAuMjAuMy4yMjovdXBzdHJlYW1fdGFyZ2V0/workload_w1';
const facts = (over: Partial<CopyFacts> = {}): CopyFacts => ({
  tvm: 'tvm-1',
  tvmName: 'tvm-1',
  workloadId: 'w1',
  source: '/mnt/trilio-dr/MTAuMjAuMy4yMzovdXBzdHJlYW1fc3luY2VkX2Ex/workload_w1',
  target,
  partial: '/var/triliovault-mounts/MTAuMjAuMy4yMjovdXBzdHJlYW1fdGFyZ2V0/.trilio-dr-partial-workload_w1',
  sourceListing: listing,
  targetListing: null,
  owner: 'nova:nova',
  ...over,
});

describe('isOwnEarlierCopy', () => {
  it('is this run’s copy when its earlier plan found no target, or already knew', () => {
    expect(isOwnEarlierCopy(facts(), target, listing)).toBe(true);
    expect(isOwnEarlierCopy(facts({ targetListing: listing, copiedByThisRun: true }), target, listing)).toBe(
      true,
    );
  });

  it('is not when there was no earlier plan, the target was there then, another target, or none now', () => {
    expect(isOwnEarlierCopy(undefined, target, listing)).toBe(false);
    expect(isOwnEarlierCopy(facts({ targetListing: listing }), target, listing)).toBe(false);
    expect(isOwnEarlierCopy(facts(), `${target}-other`, listing)).toBe(false);
    expect(isOwnEarlierCopy(facts(), target, null)).toBe(false);
  });
});

describe('planCopy of an identical target', () => {
  it('left alone when it was there before the run', () => {
    const plan = planCopy(facts({ targetListing: listing }));
    expect(plan.ok && plan.value.actions).toEqual([]);
  });

  it('recorded as this run’s copy and given to nova when this run made it', () => {
    const plan = planCopy(facts({ targetListing: listing, copiedByThisRun: true }));
    if (!plan.ok) throw new Error(plan.error.message);
    expect(plan.value.actions.map((a) => a.id)).toEqual(['copy:tvm-1', 'chown:tvm-1', 'chmod:tvm-1']);
    expect(plan.value.actions[0]).toMatchObject({
      argv: ['test', '-d', target],
      change: { kind: 'workload-copy' },
    });
  });
});

describe('planCopy of a target that differs from the synced copy', () => {
  const differs = { identical: false, summary: '1 metadata file(s) differ (workload_db)' };

  it('replaces it, as the one action that asks first, saying what differs', () => {
    const plan = planCopy(facts({ targetListing: listing, targetDiff: differs }));
    if (!plan.ok) throw new Error(plan.error.message);
    expect(plan.value.actions.map((a) => a.id)).toEqual([
      'replace:tvm-1',
      'copy:tvm-1',
      'chown:tvm-1',
      'chmod:tvm-1',
    ]);
    expect(destructiveActionIds(plan.value)).toEqual(['replace:tvm-1']);
    expect(plan.value.summary).toContain('workload_db');
  });

  it('takes over an earlier run’s record of the copy it replaces', () => {
    const plan = planCopy(
      facts({ targetListing: listing, targetDiff: differs, earlierCopy: { runId: 'run-0', changeId: 4 } }),
    );
    if (!plan.ok) throw new Error(plan.error.message);
    expect(plan.value.actions[0]).toMatchObject({
      id: 'replace:tvm-1',
      takesOver: [{ runId: 'run-0', changeId: 4 }],
    });
    expect(plan.value.actions[0]!.kind === 'remote' && plan.value.actions[0]!.destructive).toContain('run-0');
  });

  it('leaves an identical copy of an earlier run alone, unclaimed', () => {
    const plan = planCopy(
      facts({
        targetListing: listing,
        targetDiff: { identical: true, summary: 'identical' },
        earlierCopy: { runId: 'run-0', changeId: 4 },
      }),
    );
    expect(plan.ok && plan.value.actions).toEqual([]);
  });
});

describe('copy manifests, in a shell', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'trilio-dr-manifest-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const manifest = (d: string) => {
    const argv = manifestArgv(d);
    return parseManifest(execFileSync(argv[0]!, argv.slice(1), { encoding: 'utf8' }));
  };
  const workload = async (name: string, db: string, disk: Buffer) => {
    const root = join(dir, name);
    await mkdir(join(root, 'snapshot_s1', 'vm_id_v', 'vm_res_id_r_vda'), { recursive: true });
    await writeFile(join(root, 'workload_db'), db);
    await writeFile(join(root, 'snapshot_s1', 'snapshot_db'), '{"id": "s1"}');
    await writeFile(join(root, 'snapshot_s1', 'vm_id_v', 'vm_res_id_r_vda', 'disk 1'), disk);
    return root;
  };
  const disk = Buffer.concat([Buffer.from('QFI\xfb'), Buffer.alloc(70_000, 1)]);

  it('is identical for a byte copy; differs on a *_db byte, a disk header, a new snapshot', async () => {
    const a = manifest(await workload('a', '{"project_id": "p-a"}', disk))!;
    expect(compareManifests(a, manifest(await workload('b', '{"project_id": "p-a"}', disk))!).identical).toBe(
      true,
    );
    // Same size, one byte of the JSON changed: a listing of names and sizes says identical.
    const c = compareManifests(a, manifest(await workload('c', '{"project_id": "p-b"}', disk))!);
    expect(c).toMatchObject({ identical: false, changedDb: ['workload_db'] });
    const header = Buffer.from(disk);
    header[100] = 7;
    const d = compareManifests(a, manifest(await workload('d', '{"project_id": "p-a"}', header))!);
    expect(d.changedDisks).toEqual(['snapshot_s1/vm_id_v/vm_res_id_r_vda/disk 1']);
    // A byte past the header of a disk of the same size is not read: the header decides.
    const tail = Buffer.from(disk);
    tail[69_000] = 7;
    expect(compareManifests(a, manifest(await workload('e', '{"project_id": "p-a"}', tail))!).identical).toBe(
      true,
    );
    const f = await workload('f', '{"project_id": "p-a"}', disk);
    await mkdir(join(f, 'snapshot_s2'));
    await writeFile(join(f, 'snapshot_s2', 'snapshot_db'), '{}');
    const extra = compareManifests(a, manifest(f)!);
    expect(extra.extra).toEqual(['snapshot_s2/snapshot_db']);
    expect(describeDiff(extra)).toContain('only there');
    expect(manifest(join(dir, 'none'))).toBeNull();
  });
});

describe('ownership', () => {
  it('gives the copy to the target Trilio’s nova: by name on packages, 42436 on Kolla and director', () => {
    for (const owner of ['nova:nova', '42436:42436']) {
      const plan = planCopy(facts({ owner }));
      if (!plan.ok) throw new Error(plan.error.message);
      const chown = plan.value.actions.find((a) => a.id.startsWith('chown:'));
      expect(chown?.kind === 'remote' && chown.argv).toEqual(['chown', '-R', '--', owner, target]);
      expect(plan.value.summary).toContain(owner);
    }
  });
});
