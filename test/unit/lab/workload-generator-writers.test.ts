import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mountFolderName } from '../../lab/trilio/emulator/mount-folder.js';
import { pickleLoads } from '../../lab/trilio/emulator/python-pickle.js';
import { readSnapshotInstances } from '../../lab/trilio/emulator/snapshot-files.js';
import { generateWorkloads } from '../../lab/trilio/workload-generator.js';

/**
 * The generator writes for a given Trilio: an upgrade DR's backups (written by 4.1, whole-export
 * folders under /var/triliovault-mounts) for a live 5.2 Kolla appliance (path-only folders under
 * /var/trilio/triliovault-mounts, nova 42436). Generated aside in a temp folder with made-up owner
 * ids (no lab needed, only qemu-img), then read back with the emulator's own readers.
 */

let dir: string;
const shares = () => ({ A1: path.join(dir, 'A1'), B1: path.join(dir, 'B1'), B2: path.join(dir, 'B2') });
const ids = (names: string[]) =>
  Object.fromEntries(names.map((n, i) => [n, `00000000-0000-4000-8000-00000000000${i}`]));
const projects = {
  A: ids(['finance', 'engineering', 'research']),
  B: ids(['finance-dr', 'engineering-dr', 'research-dr']),
};
const users = {
  A: Object.fromEntries(['alice', 'bob', 'carol'].map((n, i) => [n, { id: `u-a-${i}` }])),
  B: Object.fromEntries(['alice-dr'].map((n) => [n, { id: 'u-b-0' }])),
};

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'generator-writers-'));
  for (const share of Object.values(shares())) mkdirSync(share);
  await generateWorkloads({
    sharesDir: shares(),
    projects,
    users,
    backups: { release: '4.1' },
    appliance: { release: '5.2', installer: 'kolla' },
    worldFile: path.join(dir, 'world.json'),
    only: ['res-hpc', 'fin-dr-reports'],
  });
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const folderOf = (share: string) =>
  path.join(
    share,
    readdirSync(share).find((e) => e.startsWith('workload_'))!,
  );
const snapshotsOf = (folder: string) =>
  readdirSync(folder)
    .filter((e) => e.startsWith('snapshot_'))
    .map((e) => path.join(folder, e))
    .sort((a, b) =>
      JSON.parse(readFileSync(path.join(a, 'snapshot_db'), 'utf8')).created_at.localeCompare(
        JSON.parse(readFileSync(path.join(b, 'snapshot_db'), 'utf8')).created_at,
      ),
    );

describe('backups written by another Trilio than the live one', () => {
  it('names cloud A’s backing files by the 4.1 writer’s whole-export folder', async () => {
    const folder = folderOf(shares().A1);
    const snaps = snapshotsOf(folder);
    const last = snaps.at(-1)!;
    const [, store] = await readSnapshotInstances(last, path.basename(last).slice('snapshot_'.length));
    const disk = store!.vdisks[0]!;
    const info = JSON.parse(
      execFileSync('/usr/bin/qemu-img', [
        'info',
        '--output=json',
        `${shares().A1}${disk.vault_url}`,
      ]).toString(),
    ) as { 'backing-filename': string };
    expect(info['backing-filename']).toMatch(
      new RegExp(
        `^/var/triliovault-mounts/${mountFolderName('10.10.2.20:/upstream_source', 'export').replace(/[+/=]/g, '\\$&')}/workload_`,
      ),
    );
    expect(statSync(path.join(folder, 'workload_db')).uid).toBe(162);
  });

  it('names the live appliance’s own backups by its path-only folder under Kolla’s root, owned by 42436', async () => {
    const folder = folderOf(shares().B1);
    const last = snapshotsOf(folder).at(-1)!;
    const [reports] = await readSnapshotInstances(last, path.basename(last).slice('snapshot_'.length));
    const file = `${shares().B1}${reports!.vdisks[0]!.vault_url}`;
    const info = JSON.parse(
      execFileSync('/usr/bin/qemu-img', ['info', '--output=json', file]).toString(),
    ) as {
      'backing-filename': string;
    };
    expect(
      info['backing-filename'].startsWith(
        `/var/trilio/triliovault-mounts/${mountFolderName('10.20.3.22:/upstream_target', 'path')}/`,
      ),
    ).toBe(true);
    expect([statSync(file).uid, statSync(file).gid]).toEqual([42436, 42436]);
  });

  it('writes the full layout: pickled job schedule, resources, networks and disks read back as snapshot show', async () => {
    const folder = folderOf(shares().A1);
    const db = JSON.parse(readFileSync(path.join(folder, 'workload_db'), 'utf8')) as { jobschedule: string };
    expect(typeof db.jobschedule).toBe('string');
    expect(pickleLoads(db.jobschedule)).toMatchObject({
      enabled: true,
      interval: '24hr',
      start_time: '01:00 AM',
    });
    const snap = snapshotsOf(folder)[0]!;
    for (const file of ['snapshot_db', 'snapshot_vms_db', 'resources_db'])
      expect(statSync(path.join(snap, file)).isFile()).toBe(true);
    expect(JSON.parse(readFileSync(path.join(snap, 'snapshot_db'), 'utf8'))).not.toHaveProperty('instances');
    const [head, store] = await readSnapshotInstances(snap, path.basename(snap).slice('snapshot_'.length));
    expect(head).toMatchObject({
      name: 'hpc-head',
      flavor: { name: 'm1.large', vcpus: '4', ram: '8192', disk: '80', ephemeral: '0' },
      nics: [
        {
          ip_address: '10.1.3.10',
          network: { name: 'research-net', subnet: { name: 'research-subnet', cidr: '10.1.3.0/24' } },
        },
      ],
      vdisks: [{ label: 'vda', image_name: 'ubuntu-22.04-hpc' }],
      security_group: [{ name: 'default', security_group_type: 'neutron' }],
    });
    expect(head!.vdisks[0]).not.toHaveProperty('volume_id');
    expect(store).toMatchObject({
      name: 'hpc-store',
      nics: [
        {
          ip_address: '10.1.13.11',
          network: {
            name: 'research-net',
            subnet: { name: 'research-storage-subnet', cidr: '10.1.13.0/24' },
          },
        },
      ],
    });
    expect(store!.vdisks.map((d) => [d.label, d.volume_type])).toEqual([
      ['vda', 'ceph-hdd'],
      ['vdb', 'ceph-ssd'],
      ['vdc', 'ceph-ssd'],
      ['vdd', 'ceph-hdd'],
    ]);
    // Each disk's disk_db names its qcow2 file beside it.
    for (const disk of store!.vdisks) expect(statSync(`${shares().A1}${disk.vault_url}`).isFile()).toBe(true);
  });

  it('keeps the writers when a later call gives none (a test’s reset)', async () => {
    const again = await generateWorkloads({
      sharesDir: shares(),
      projects,
      users,
      worldFile: path.join(dir, 'world.json'),
      only: ['fin-dr-reports'],
    });
    expect(again.generated).toEqual([]);
    expect(again.world.writers?.B).toMatchObject({ release: '5.2', installer: 'kolla', folderForm: 'path' });
  });
});
