import { execFile } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pickleLoads } from './emulator/python-pickle.js';
import { readSnapshotInstances } from './emulator/snapshot-files.js';
import { runOnHost } from '../hosts/index.js';
import type { LabJson, LabWorkload } from '../lab-json.js';
import { readLabJson } from '../lab.js';
import { labUuid } from './lab-ids.js';
import { backupWriters, writerMountPath } from './trilio-test-kit.js';
import { generateWorkloads, readWorld } from './workload-generator.js';
import type { WorldWorkload } from './world-types.js';

/**
 * The generated workloads on the real shares: Trilio's layout and JSON files, real qcow2 chains whose
 * incrementals name ABSOLUTE backing paths under A1's mount path, so they fail to open on the machine
 * and on a compute node until that path is bind-mounted there (the runbook's mount-path step).
 */

let lab: LabJson;
let world: WorldWorkload[];
const a1Mount = (): string => writerMountPath('10.10.2.20:/upstream_source');

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
    expect(workload('res-hpc').vms.find((vm) => vm.name === 'hpc-head')?.disks).toBe(1);
  });
});

describe('Trilio layout on A1 and B2', () => {
  it('has workload_db (jobschedule pickled), workload_vms_db and per snapshot its db files and qcow2 disks', async () => {
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
    for (const key of ['display_description', 'created_at', 'metadata']) expect(db).toHaveProperty(key);
    expect(typeof db.jobschedule).toBe('string');
    expect(pickleLoads(String(db.jobschedule))).toMatchObject({ enabled: true, interval: '24hr' });
    const vms = readJson<{ vm_id: string; vm_name: string; metadata: unknown }[]>(
      path.join(dir, 'workload_vms_db'),
    );
    expect(vms.map((vm) => vm.vm_name)).toEqual(['erp-app', 'erp-db']);
    for (const [n, sid] of w.snapshots.entries()) {
      const snapDir = path.join(dir, `snapshot_${sid}`);
      const snap = readJson<Record<string, unknown>>(path.join(snapDir, 'snapshot_db'));
      expect(snap).toMatchObject({
        id: sid,
        snapshot_type: n === 0 ? 'full' : 'incremental',
        status: 'available',
        workload_id: w.id,
        project_id: lab.clouds.A.projects.finance,
      });
      expect(snap).not.toHaveProperty('instances');
      expect(snap.size).toBeGreaterThan(0);
      expect(readJson<unknown[]>(path.join(snapDir, 'snapshot_vms_db'))).toHaveLength(2);
      const types = readJson<{ resource_type: string }[]>(path.join(snapDir, 'resources_db')).map(
        (r) => r.resource_type,
      );
      expect(new Set(types)).toEqual(
        new Set(['network', 'subnet', 'flavor', 'security_group', 'nic', 'disk']),
      );
      const instances = await readSnapshotInstances(snapDir, sid);
      expect(instances[1]!.nics.map((nic) => nic.network.name)).toEqual(['finance-net', 'finance-backend']);
      expect(instances[1]!.vdisks.map((d) => d.volume_type)).toEqual(['ceph-hdd', 'ceph-ssd']);
    }
    // Owned by the writer's nova (162:162 by default) as on a real backup target, on A1 and on B2.
    const { owner } = backupWriters().A;
    for (const share of [lab.sharesDir.A1, lab.sharesDir.B2]) {
      const info = statSync(path.join(share, `workload_${w.id}`, 'workload_db'));
      expect([info.uid, info.gid]).toEqual([owner.uid, owner.gid]);
    }
  });

  it('has an image-backed boot disk and a network whose VMs sit on two subnets (res-hpc)', async () => {
    const w = workload('res-hpc');
    const sid = w.snapshots[0]!;
    const [head, store] = await readSnapshotInstances(
      path.join(lab.sharesDir.A1, `workload_${w.id}`, `snapshot_${sid}`),
      sid,
    );
    expect(head!.vdisks).toMatchObject([{ label: 'vda', image_name: 'ubuntu-22.04-hpc' }]);
    expect(head!.vdisks[0]).not.toHaveProperty('volume_id');
    expect([head!.nics[0]!.network.subnet?.name, store!.nics[0]!.network.subnet?.name]).toEqual([
      'research-subnet',
      'research-storage-subnet',
    ]);
    expect(head!.nics[0]!.network.id).toBe(store!.nics[0]!.network.id);
    // Cloud B has the matching target network with two subnets.
    expect(Object.keys(lab.clouds.B.networks['research-dr-net']!.subnets).sort()).toEqual([
      'research-dr-storage-subnet',
      'research-dr-subnet',
    ]);
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
  const hostMount = (): string => a1Mount();
  /** The newest incremental's file of fin-web's only disk, relative to the share. */
  const newestDisk = async (): Promise<{ rel: string; backing: string; chain: number }> => {
    const w = world.find((x) => x.key === 'fin-web')!;
    const vaultUrl = async (n: number) => {
      const sid = w.snapshots.at(n)!.id;
      const [vm] = await readSnapshotInstances(
        path.join(lab.sharesDir.A1, `workload_${w.id}`, `snapshot_${sid}`),
        sid,
      );
      return vm!.vdisks[0]!.vault_url;
    };
    return {
      rel: (await vaultUrl(-1)).slice(1),
      backing: `${a1Mount()}${await vaultUrl(-2)}`,
      chain: w.snapshots.length,
    };
  };

  afterAll(async () => {
    await runOnHost('compute-1', ['umount', hostMount()]);
    await runOnHost('compute-1', ['rmdir', hostMount()]);
  });

  it('an incremental names the previous snapshot by its absolute A1 mount path and fails to open here', async () => {
    const disk = await newestDisk();
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
    const disk = await newestDisk();
    const onCompute = `${a1Mount()}/${disk.rel}`;
    const before = await runOnHost('compute-1', ['qemu-img', 'info', '--backing-chain', onCompute]);
    expect(before.code).not.toBe(0);
    expect(before.stderr).toContain('Could not open');
    // The runbook's step: create the old mount path and bind the share's copy (B2) onto it.
    expect((await runOnHost('compute-1', ['mkdir', '-p', hostMount()])).code).toBe(0);
    expect((await runOnHost('compute-1', ['mount', '--bind', lab.sharesDir.B2, hostMount()])).code).toBe(0);
    const after = await runOnHost('compute-1', ['qemu-img', 'info', '--backing-chain', onCompute]);
    expect(after.stderr).toBe('');
    expect(after.code).toBe(0);
    expect(after.stdout.match(/^image: /gm)).toHaveLength(disk.chain);
    // The machine itself still cannot open it: the bind exists only in compute-1's namespace.
    const onMachine = await qemuInfo(path.join(lab.sharesDir.B2, disk.rel));
    expect(onMachine.code).not.toBe(0);
    expect(onMachine.stderr).toContain(`Could not open '${disk.backing}'`);
  });
});
