import { execFile } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mountPathOf } from './emulator/mount-folder.js';
import { runOnHost } from '../hosts/index.js';
import type { LabJson, LabWorkload } from '../lab-json.js';
import { readLabJson } from '../lab.js';
import { labUuid } from './lab-ids.js';
import { generateWorkloads, readWorld } from './workload-generator.js';
import type { WorldWorkload } from './world-types.js';

/**
 * The generated workloads on the real shares: Trilio's layout and JSON files, real qcow2 chains whose
 * incrementals name ABSOLUTE backing paths under A1's mount path, so they fail to open on the machine
 * and on a compute node until that path is bind-mounted there (the runbook's mount-path step).
 */

let lab: LabJson;
let world: WorldWorkload[];
const a1Mount = mountPathFor('10.10.2.20:/upstream_source');

const qemuInfo = (file: string): Promise<{ code: number; stdout: string; stderr: string }> =>
  new Promise((resolve) =>
    execFile('qemu-img', ['info', '--backing-chain', file], (error, stdout, stderr) =>
      resolve({ code: error ? 1 : 0, stdout, stderr }),
    ),
  );

const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;

const workload = (name: string): LabWorkload => {
  const found = lab.workloads.find((w) => w.name === name);
  if (!found) throw new Error(`no workload ${name} in lab.json`);
  return found;
};

beforeAll(async () => {
  lab = await readLabJson();
  world = readWorld().workloads;
});

describe('lab.json workloads', () => {
  it('lists six cloud A workloads on A1 and one managed cloud B workload on B1, with seeded ids', () => {
    const sources = lab.workloads.filter((w) => !w.managed);
    expect(sources).toHaveLength(6);
    expect(new Set(sources.map((w) => w.share))).toEqual(new Set(['A1']));
    expect(new Set(sources.map((w) => w.sourceProjectName))).toEqual(
      new Set(['finance', 'engineering', 'research']),
    );
    for (const w of sources) {
      expect(w.sourceProject).toBe(lab.clouds.A.projects[w.sourceProjectName]);
      expect(w.targetProject).toBe(`${w.sourceProjectName}-dr`);
      expect(w.snapshots.length).toBeGreaterThanOrEqual(4);
    }
    const managed = lab.workloads.filter((w) => w.managed);
    expect(managed).toMatchObject([{ name: 'fin-dr-reports', share: 'B1', sourceProjectName: 'finance-dr' }]);
    expect(workload('fin-erp').id).toBe(labUuid('workload', 'fin-erp'));
    // Multi-VM and multi-disk workloads exist.
    expect(workload('eng-ci').vms).toHaveLength(3);
    expect(workload('res-hpc').vms.find((vm) => vm.name === 'hpc-store')?.disks).toBe(4);
  });
});

describe('Trilio layout on A1 and B2', () => {
  it('has workload_db, workload_vms_db and per snapshot snapshot_db, snapshot_vms_db and qcow2 disks', () => {
    const w = workload('fin-erp');
    const dir = path.join(lab.sharesDir.A1, `workload_${w.id}`);
    const db = readJson<Record<string, unknown>>(path.join(dir, 'workload_db'));
    expect(db).toMatchObject({
      id: w.id,
      display_name: 'fin-erp',
      project_id: lab.clouds.A.projects.finance,
      user_id: lab.clouds.A.users.alice!.id,
      status: 'available',
    });
    for (const key of ['display_description', 'created_at', 'metadata', 'jobschedule'])
      expect(db).toHaveProperty(key);
    const vms = readJson<{ vm_id: string; vm_name: string; metadata: unknown }[]>(
      path.join(dir, 'workload_vms_db'),
    );
    expect(vms.map((vm) => vm.vm_name)).toEqual(['erp-app', 'erp-db']);
    w.snapshots.forEach((sid, n) => {
      const snap = readJson<Record<string, unknown>>(path.join(dir, `snapshot_${sid}`, 'snapshot_db'));
      expect(snap).toMatchObject({
        id: sid,
        snapshot_type: n === 0 ? 'full' : 'incremental',
        status: 'available',
        workload_id: w.id,
        project_id: lab.clouds.A.projects.finance,
      });
      expect(snap.size).toBeGreaterThan(0);
      const instances = snap.instances as {
        nics: { network: { name: string } }[];
        vdisks: { volume_type: string }[];
      }[];
      expect(instances[1]!.nics.map((nic) => nic.network.name)).toEqual(['finance-net', 'finance-backend']);
      expect(instances[1]!.vdisks.map((d) => d.volume_type)).toEqual(['ceph-hdd', 'ceph-ssd']);
      expect(readJson<unknown[]>(path.join(dir, `snapshot_${sid}`, 'snapshot_vms_db'))).toHaveLength(2);
    });
    // Owned by nova (uid/gid 162) as on a real backup target, on A1 and on its synced copy B2.
    for (const share of [lab.sharesDir.A1, lab.sharesDir.B2]) {
      const info = statSync(path.join(share, `workload_${w.id}`, 'workload_db'));
      expect([info.uid, info.gid]).toEqual([162, 162]);
    }
  });

  it('B2 holds the same workload folders as A1', () => {
    for (const w of lab.workloads.filter((x) => x.share === 'A1')) {
      const a = readFileSync(path.join(lab.sharesDir.A1, `workload_${w.id}`, '.lab-complete'), 'utf8');
      const b = readFileSync(path.join(lab.sharesDir.B2, `workload_${w.id}`, '.lab-complete'), 'utf8');
      expect(b).toBe(a);
    }
  });

  it('is idempotent: a second generation writes and copies nothing, quickly', async () => {
    const again = await generateWorkloads({
      sharesDir: lab.sharesDir,
      projects: { A: lab.clouds.A.projects, B: lab.clouds.B.projects },
      users: { A: lab.clouds.A.users, B: lab.clouds.B.users },
    });
    expect(again.generated).toEqual([]);
    expect(again.synced).toEqual([]);
    expect(again.ms).toBeLessThan(3_000);
    expect(again.world.workloads.map((w) => w.id)).toEqual(world.map((w) => w.id));
  });
});

describe('qcow2 chains with absolute backing paths', () => {
  const hostMount = `${a1Mount}`;
  /** The newest incremental's file of fin-web's only disk, relative to the share. */
  const newestDisk = (): { rel: string; backing: string; chain: number } => {
    const w = world.find((x) => x.key === 'fin-web')!;
    const snap = readJson<{ instances: { vdisks: { vault_path: string }[] }[] }>(
      path.join(lab.sharesDir.A1, `workload_${w.id}`, `snapshot_${w.snapshots.at(-1)!.id}`, 'snapshot_db'),
    );
    const previous = readJson<{ instances: { vdisks: { vault_path: string }[] }[] }>(
      path.join(lab.sharesDir.A1, `workload_${w.id}`, `snapshot_${w.snapshots.at(-2)!.id}`, 'snapshot_db'),
    );
    return {
      rel: snap.instances[0]!.vdisks[0]!.vault_path,
      backing: `${a1Mount}/${previous.instances[0]!.vdisks[0]!.vault_path}`,
      chain: w.snapshots.length,
    };
  };

  afterAll(async () => {
    await runOnHost('compute-1', ['umount', hostMount]);
    await runOnHost('compute-1', ['rmdir', hostMount]);
  });

  it('an incremental names the previous snapshot by its absolute A1 mount path and fails to open here', async () => {
    const disk = newestDisk();
    const file = path.join(lab.sharesDir.A1, disk.rel);
    const json = await new Promise<string>((resolve, reject) =>
      execFile('qemu-img', ['info', '--output=json', file], (error, stdout) =>
        error ? reject(error) : resolve(stdout),
      ),
    );
    expect(JSON.parse(json)).toMatchObject({
      format: 'qcow2',
      'backing-filename': disk.backing,
      'backing-filename-format': 'qcow2',
    });
    const chain = await qemuInfo(file);
    expect(chain.code).not.toBe(0);
    expect(chain.stderr).toContain(`Could not open '${disk.backing}'`);
    expect(chain.stderr).toContain('No such file or directory');
  });

  it('fails on compute-1 until A1’s mount path is bound there, then the whole chain opens', async () => {
    const disk = newestDisk();
    const onCompute = `${a1Mount}/${disk.rel}`;
    const before = await runOnHost('compute-1', ['qemu-img', 'info', '--backing-chain', onCompute]);
    expect(before.code).not.toBe(0);
    expect(before.stderr).toContain('Could not open');
    // The runbook's step: create the old mount path and bind the share's copy (B2) onto it.
    expect((await runOnHost('compute-1', ['mkdir', '-p', hostMount])).code).toBe(0);
    expect((await runOnHost('compute-1', ['mount', '--bind', lab.sharesDir.B2, hostMount])).code).toBe(0);
    const after = await runOnHost('compute-1', ['qemu-img', 'info', '--backing-chain', onCompute]);
    expect(after.stderr).toBe('');
    expect(after.code).toBe(0);
    expect(after.stdout.match(/^image: /gm)).toHaveLength(disk.chain);
    // The machine itself still cannot open it: the bind exists only in compute-1's namespace.
    expect(
      (await qemuInfo(path.join(lab.sharesDir.B2, disk.rel.slice(disk.rel.indexOf('/') + 1)))).code,
    ).not.toBe(0);
  });
});
