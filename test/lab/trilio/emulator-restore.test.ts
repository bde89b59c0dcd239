import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOnHost } from '../hosts/index.js';
import type { LabJson, LabWorkload } from '../lab-json.js';
import { exportsRegistryPath, readLabJson } from '../lab.js';
import { nfsExports } from '../topology.js';
import { cleanDbConnection, cleanDbScriptDir } from './clean-db-script.js';
import { ensureTrilio, stopTrilio } from './trilio-service.js';
import {
  adminToken,
  call,
  configureShares,
  grantAdminOn,
  liveMountPath,
  memberToken,
  onHost,
  resetTrilioWorld,
  waitForRestore,
  writerMountPath,
  type Scoped,
} from './trilio-test-kit.js';

/**
 * Restores through the emulator, acted on as workloadmgr does and read for real on the compute
 * hosts: the shape of restore.json checked at POST, everything else while the restore runs
 * (`restoring` → `executing` → `available` or `error`); NICs kept with `nics` or mapped on network
 * AND subnet, an image-backed boot disk with `restore_boot_disk`, flavors and volume types; a moved
 * incremental that fails with qemu-img's backing-file message until A1's mount path is bound on every
 * compute node the restore uses; cancel, delete, the purge (old command and the CleanWlmDatabase
 * script with its connection.json), and state that survives an emulator restart.
 */

let lab: LabJson;
let admin: Scoped;
let alice: Scoped;
let carol: Scoped;
let revokeAdmin: () => Promise<void> = async () => undefined;
const a1Path = (): string => writerMountPath(nfsExports.A1);
const b2Path = (): string => liveMountPath(nfsExports.B2);
const workload = (name: string): LabWorkload => lab.workloads.find((w) => w.name === name)!;
const v1 = (s: Scoped, rest: string): string => `/v1/${s.projectId}${rest}`;

interface SnapshotNic {
  mac_address: string;
  ip_address: string;
  network: { id: string; name: string; subnet: { id: string; name: string } };
}
interface SnapshotInstance {
  id: string;
  name: string;
  nics: SnapshotNic[];
  vdisks: { label: string; resource_id: string; volume_id?: string; image_id?: string }[];
}
interface RestoredInstance {
  name: string;
  status: string;
  metadata: { host: string };
  flavor: { id: string; name: string; vcpus: number; created: boolean };
  nics: {
    mac_address: string;
    ip_address: string;
    network_id: string;
    subnet_id: string;
    source: string;
    snapshot_mac_address: string;
  }[];
  volumes: { source_volume_id: string; volume_type: string }[];
  boot: { from: string; image_id?: string } | null;
}

async function snapshotInstances(who: Scoped, snapshotId: string): Promise<SnapshotInstance[]> {
  const got = await call<{ snapshot: { instances: SnapshotInstance[] } }>(
    'GET',
    v1(who, `/snapshots/${snapshotId}`),
    {
      token: who.token,
    },
  );
  return got.body.snapshot.instances;
}

/** Cloud B's subnet id by name. */
function targetSubnet(network: string, subnet: string): { id: string; subnetId: string } {
  const net = lab.clouds.B.networks[network]!;
  return { id: net.id, subnetId: net.subnets[subnet]! };
}

/** A networks_mapping entry for the snapshot subnet named `from`. */
function mapping(instances: SnapshotInstance[], from: string, network: string, subnet: string) {
  const nic = instances.flatMap((i) => i.nics).find((n) => n.network.subnet.name === from)!;
  const target = targetSubnet(network, subnet);
  return {
    snapshot_network: { id: nic.network.id, subnet: { id: nic.network.subnet.id } },
    target_network: { id: target.id, name: network, subnet: { id: target.subnetId } },
  };
}

interface InstanceOptions {
  include?: boolean;
  vdisks?: { id: string; new_volume_type: string; availability_zone?: string }[];
  nics?: unknown[];
  flavor?: Record<string, number>;
  restore_boot_disk?: boolean;
  name?: string;
}

/** restore.json as trilio-api.md documents it. */
function restoreJson(
  instances: SnapshotInstance[],
  networks: unknown[],
  perInstance: (i: SnapshotInstance) => InstanceOptions = (i) => ({
    vdisks: i.vdisks
      .filter((d) => d.volume_id)
      .map((d) => ({ id: d.volume_id!, new_volume_type: 'standard' })),
    restore_boot_disk: true,
  }),
  topology = false,
): Record<string, unknown> {
  return {
    name: 'DR restore',
    description: 'lab test',
    type: 'openstack',
    restore_type: 'selective',
    oneclickrestore: false,
    openstack: {
      instances: instances.map((i) => ({
        id: i.id,
        include: true,
        name: `${i.name}-restored`,
        availability_zone: 'nova',
        ...perInstance(i),
      })),
      networks_mapping: { networks },
      restore_topology: topology,
    },
  };
}

const startRestore = (who: Scoped, snapshotId: string, options: unknown) =>
  call<{ restore: Record<string, unknown> }>('POST', v1(who, `/snapshots/${snapshotId}`), {
    token: who.token,
    body: { restore: { name: 'DR restore', description: 'lab test', options } },
  });

async function restoreToEnd(who: Scoped, snapshotId: string, options: unknown) {
  const started = await startRestore(who, snapshotId, options);
  expect(started.status).toBe(202);
  expect(started.body.restore).toMatchObject({ status: 'restoring', snapshot_id: snapshotId });
  const done = await waitForRestore(who.projectId, who.token, String(started.body.restore.id));
  return { ...done, instances: done.restore.instances as RestoredInstance[] };
}

const bindA1 = async (host: string): Promise<void> => {
  await onHost(host, ['mkdir', '-p', a1Path()]);
  await onHost(host, ['mount', '--bind', b2Path(), a1Path()]);
};

const reassign = (ids: string[], project: string, user: string) =>
  call<{ workloads: { reassigned_workloads: unknown[]; failed_workloads: string[] } }>(
    'POST',
    v1(admin, '/workloads/reasign_workloads'),
    {
      token: admin.token,
      body: [
        { workload_ids: ids, old_tenant_ids: [], new_tenant_id: project, user_id: user, migrate_cloud: true },
      ],
    },
  );

beforeAll(async () => {
  lab = await readLabJson();
  await resetTrilioWorld(lab);
  admin = await adminToken(lab);
  alice = await memberToken(lab, 'alice-dr');
  carol = await memberToken(lab, 'carol-dr');
  revokeAdmin = await grantAdminOn(lab, [
    lab.clouds.B.projects['finance-dr']!,
    lab.clouds.B.projects['research-dr']!,
  ]);
  await configureShares('tvm-1', 'tvm', [nfsExports.B1, nfsExports.B2]);
  const finance = await reassign(
    [workload('fin-web').id, workload('fin-erp').id],
    lab.clouds.B.projects['finance-dr']!,
    lab.clouds.B.users['alice-dr']!.id,
  );
  expect(finance.body.workloads.reassigned_workloads).toHaveLength(2);
  const research = await reassign(
    [workload('res-hpc').id],
    lab.clouds.B.projects['research-dr']!,
    lab.clouds.B.users['carol-dr']!.id,
  );
  expect(research.body.workloads.reassigned_workloads).toHaveLength(1);
});

afterAll(async () => {
  await revokeAdmin();
  await resetTrilioWorld(lab);
});

describe('restore.json at POST and while the restore runs', () => {
  it('refuses a malformed restore.json with workloadmgr’s 400s', async () => {
    const full = workload('fin-web').snapshots[0]!;
    const shape = async (options: unknown) => (await startRestore(alice, full, options)).body;
    expect(await shape({ type: 'vmware', openstack: {} })).toEqual({
      badRequest: { code: 400, message: "'type' field in options is not set to 'openstack'" },
    });
    expect(await shape({ type: 'openstack', openstack: {}, restore_type: 'copy' })).toEqual({
      badRequest: {
        code: 400,
        message: "'restore_type' field must be one of 'inplace', 'selective', 'oneclick'",
      },
    });
    expect(await shape({ type: 'openstack', openstack: {}, restore_type: 'selective' })).toEqual({
      badRequest: { code: 400, message: "'instances' field is not in found in options['instances']" },
    });
  });

  it('accepts an unmapped network and fails the restore the way Trilio does', async () => {
    const full = workload('fin-web').snapshots[0]!;
    const instances = await snapshotInstances(alice, full);
    const unmapped = await restoreToEnd(alice, full, restoreJson(instances, []));
    expect(unmapped.seen).toEqual(['restoring', 'executing', 'error']);
    expect(unmapped.restore).toMatchObject({
      status: 'error',
      progress_percent: 100,
      error_msg: 'Failed restoring snapshot: Could not find the network that matches the restore options',
      instances: [],
    });
    // Mapped to a network of another project: Neutron does not show it to finance-dr.
    const foreign = await restoreToEnd(
      alice,
      full,
      restoreJson(instances, [
        mapping(instances, 'finance-subnet', 'engineering-dr-net', 'engineering-dr-subnet'),
      ]),
    );
    expect(foreign.restore.error_msg).toBe(
      'Failed restoring snapshot: Could not find the network that matches the restore options',
    );
    // The workload is unlocked again after a failed restore.
    const shown = await call<{ workload: { status: string } }>(
      'GET',
      v1(alice, `/workloads/${workload('fin-web').id}`),
      { token: alice.token },
    );
    expect(shown.body.workload.status).toBe('available');
  });

  it('restore_topology recreates the networks: no mapping needed (cancelled here)', async () => {
    const last = workload('fin-web').snapshots.at(-1)!;
    const topology = await startRestore(
      alice,
      last,
      restoreJson(await snapshotInstances(alice, last), [], undefined, true),
    );
    expect(topology.status).toBe(202);
    const id = String(topology.body.restore.id);
    expect((await call('GET', v1(alice, `/restores/${id}/cancel`), { token: alice.token })).status).toBe(200);
    const { restore } = await waitForRestore(alice.projectId, alice.token, id);
    expect(restore.status).toBe('cancelled');
  });
});

describe('what a restore makes (full snapshots, read on the computes from B2)', () => {
  beforeAll(async () => {
    await configureShares('compute-1', 'compute', [nfsExports.B1, nfsExports.B2]);
    await configureShares('compute-2', 'compute', [nfsExports.B1, nfsExports.B2]);
  });

  it('keeps the fixed IP and MAC given in nics, and honours the flavor', async () => {
    const full = workload('fin-web').snapshots[0]!;
    const instances = await snapshotInstances(alice, full);
    const nic = instances[0]!.nics[0]!;
    const target = targetSubnet('finance-dr-net', 'finance-dr-subnet');
    const options = restoreJson(instances, [], (i) => ({
      vdisks: i.vdisks.map((d) => ({ id: d.volume_id!, new_volume_type: 'fast-ssd' })),
      nics: [
        {
          mac_address: nic.mac_address,
          ip_address: '10.2.1.55',
          network: { id: target.id, subnet: { id: target.subnetId } },
        },
      ],
      flavor: { vcpus: 2, ram: 4096, disk: 40, ephemeral: 0, swap: 0 },
    }));
    const done = await restoreToEnd(alice, full, options);
    expect(done.seen).toEqual(['restoring', 'executing', 'available']);
    expect(done.instances).toMatchObject([
      {
        name: 'fin-web-1-restored',
        status: 'available',
        metadata: { host: 'compute-1' },
        flavor: { id: '3', name: 'm1.medium', vcpus: 2, created: false },
        nics: [
          {
            ip_address: '10.2.1.55',
            mac_address: nic.mac_address,
            network_id: target.id,
            subnet_id: target.subnetId,
            source: 'nics',
          },
        ],
        volumes: [{ source_volume_id: instances[0]!.vdisks[0]!.volume_id, volume_type: 'fast-ssd' }],
        boot: { from: 'volume' },
      },
    ]);
    // A fixed IP outside the target subnet: Neutron refuses the port.
    const outside = await restoreToEnd(
      alice,
      full,
      restoreJson(instances, [], () => ({
        vdisks: [{ id: instances[0]!.vdisks[0]!.volume_id!, new_volume_type: 'standard' }],
        nics: [
          {
            mac_address: nic.mac_address,
            ip_address: '10.9.9.9',
            network: { id: target.id, subnet: { id: target.subnetId } },
          },
        ],
      })),
    );
    expect(outside.restore.error_msg).toBe(
      'Failed restoring snapshot: Could not find the network that matches the restore options',
    );
  });

  it('gives a mapped NIC a new address and MAC, and makes a flavor when none matches', async () => {
    const full = workload('fin-web').snapshots[0]!;
    const instances = await snapshotInstances(alice, full);
    const nic = instances[0]!.nics[0]!;
    const done = await restoreToEnd(
      alice,
      full,
      restoreJson(
        instances,
        [mapping(instances, 'finance-subnet', 'finance-dr-net', 'finance-dr-subnet')],
        (i) => ({
          vdisks: i.vdisks.map((d) => ({ id: d.volume_id!, new_volume_type: 'standard' })),
          flavor: { vcpus: 3, ram: 3000, disk: 30 },
        }),
      ),
    );
    expect(done.restore.status).toBe('available');
    const restored = done.instances[0]!.nics[0]!;
    expect(restored.source).toBe('networks_mapping');
    expect(restored.subnet_id).toBe(targetSubnet('finance-dr-net', 'finance-dr-subnet').subnetId);
    expect(restored.ip_address).toMatch(/^10\.2\.1\.\d+$/);
    expect(restored.ip_address).not.toBe(nic.ip_address);
    expect(restored.mac_address).not.toBe(nic.mac_address);
    expect(done.instances[0]!.flavor).toMatchObject({ vcpus: 3, created: true });
    expect(done.restore.flavors).toEqual([
      { id: done.instances[0]!.flavor.id, name: done.instances[0]!.flavor.name },
    ]);
  });

  it('maps a network whose VMs sit on two subnets only with an entry per subnet', async () => {
    const full = workload('res-hpc').snapshots[0]!;
    const instances = await snapshotInstances(carol, full);
    const first = mapping(instances, 'research-subnet', 'research-dr-net', 'research-dr-subnet');
    const second = mapping(
      instances,
      'research-storage-subnet',
      'research-dr-net',
      'research-dr-storage-subnet',
    );
    const oneEntry = await restoreToEnd(carol, full, restoreJson(instances, [first]));
    expect(oneEntry.restore.error_msg).toBe(
      'Failed restoring snapshot: Could not find the network that matches the restore options',
    );
    const both = await restoreToEnd(carol, full, restoreJson(instances, [first, second]));
    expect(both.seen).toEqual(['restoring', 'executing', 'available']);
    const [head, store] = both.instances;
    expect(head!.nics[0]!.subnet_id).toBe(targetSubnet('research-dr-net', 'research-dr-subnet').subnetId);
    expect(store!.nics[0]!.subnet_id).toBe(
      targetSubnet('research-dr-net', 'research-dr-storage-subnet').subnetId,
    );
    expect(store!.nics[0]!.network_id).toBe(head!.nics[0]!.network_id);
    // The image-booted VM came back from its image (restore_boot_disk), the other with its volumes.
    const image = instances[0]!.vdisks[0]!;
    expect(head).toMatchObject({ boot: { from: 'image', image_id: image.image_id }, volumes: [] });
    expect(store!.volumes.map((v) => v.volume_type)).toEqual([
      'standard',
      'standard',
      'standard',
      'standard',
    ]);
    expect([head!.metadata.host, store!.metadata.host]).toEqual(['compute-1', 'compute-2']);
  });

  it('refuses an image-backed disk in vdisks and wants restore_boot_disk for it', async () => {
    const full = workload('res-hpc').snapshots[0]!;
    const instances = await snapshotInstances(carol, full);
    const networks = [
      mapping(instances, 'research-subnet', 'research-dr-net', 'research-dr-subnet'),
      mapping(instances, 'research-storage-subnet', 'research-dr-net', 'research-dr-storage-subnet'),
    ];
    const asVolume = await restoreToEnd(
      carol,
      full,
      restoreJson(instances, networks, (i) => ({
        // What a client does that takes every disk for a volume: the image disk's resource id in vdisks.
        vdisks: i.vdisks.map((d) => ({ id: d.volume_id ?? d.resource_id, new_volume_type: 'standard' })),
        restore_boot_disk: true,
      })),
    );
    expect(asVolume.restore.status).toBe('error');
    expect(String(asVolume.restore.error_msg)).toContain(
      `names ${instances[0]!.vdisks[0]!.resource_id}, which is not a volume of the instance`,
    );
    const noBootDisk = await restoreToEnd(
      carol,
      full,
      restoreJson(instances, networks, (i) => ({
        vdisks: i.vdisks
          .filter((d) => d.volume_id)
          .map((d) => ({ id: d.volume_id!, new_volume_type: 'standard' })),
      })),
    );
    expect(String(noBootDisk.restore.error_msg)).toContain('boots from image ubuntu-22.04-hpc');
    expect(String(noBootDisk.restore.error_msg)).toContain('restore_boot_disk is not set');
    // A volume not listed in vdisks keeps its snapshot type, which cloud B does not have.
    const noTypes = await restoreToEnd(
      carol,
      full,
      restoreJson(instances, networks, () => ({ restore_boot_disk: true })),
    );
    expect(noTypes.restore.error_msg).toBe(
      'Failed restoring snapshot: Volume type with name ceph-hdd could not be found.',
    );
  });
});

describe('selective restore of a moved incremental', () => {
  beforeAll(async () => {
    // Computes back to B1 only: the moved workload is not reachable until the runbook's steps.
    await configureShares('compute-1', 'compute', [nfsExports.B1]);
    await configureShares('compute-2', 'compute', [nfsExports.B1]);
  });

  const financeMapping = async (snapshotId: string) => {
    const instances = await snapshotInstances(alice, snapshotId);
    const networks = [mapping(instances, 'finance-subnet', 'finance-dr-net', 'finance-dr-subnet')];
    if (instances.some((i) => i.nics.some((n) => n.network.subnet.name === 'finance-backend-subnet')))
      networks.push(
        mapping(instances, 'finance-backend-subnet', 'finance-dr-backend', 'finance-dr-backend-subnet'),
      );
    return restoreJson(instances, networks);
  };

  it('fails while compute-1 lacks B2, then with the backing-file message until A1’s path is bound', async () => {
    const w = workload('fin-web');
    const last = w.snapshots.at(-1)!;
    const options = await financeMapping(last);
    const noShare = await restoreToEnd(alice, last, options);
    expect(noShare.seen[0]).toBe('restoring');
    expect(noShare.restore.status).toBe('error');
    expect(String(noShare.restore.error_msg)).toContain(
      `Could not open '${b2Path()}/workload_${w.id}/snapshot_${last}/`,
    );

    await configureShares('compute-1', 'compute', [nfsExports.B1, nfsExports.B2]);
    const noBind = await restoreToEnd(alice, last, options);
    expect(noBind.restore.status).toBe('error');
    const previous = w.snapshots.at(-2)!;
    expect(String(noBind.restore.error_msg)).toContain(
      `Could not open '${a1Path()}/workload_${w.id}/snapshot_${previous}/`,
    );
    expect(String(noBind.restore.error_msg)).toContain('No such file or directory');
    expect(noBind.restore).toMatchObject({ workload_id: w.id, snapshot_id: last, instances: [] });

    await bindA1('compute-1');
    const ok = await restoreToEnd(alice, last, options);
    expect(ok.seen).toEqual(['restoring', 'executing', 'available']);
    expect(ok.restore).toMatchObject({
      status: 'available',
      progress_percent: 100,
      progress_msg: 'Restore from snapshot is complete',
      error_msg: null,
      instances: [{ name: 'fin-web-1-restored', status: 'available', metadata: { host: 'compute-1' } }],
    });
    for (const key of [
      'id',
      'created_at',
      'finished_at',
      'name',
      'description',
      'progress_msg',
      'restore_options',
      'time_taken',
    ])
      expect(ok.restore).toHaveProperty(key);
  });

  it('reads a two-VM restore on compute-1 and compute-2: every compute node needs the bind', async () => {
    const last = workload('fin-erp').snapshots.at(-1)!;
    const options = await financeMapping(last);
    const onlyOne = await restoreToEnd(alice, last, options);
    expect(onlyOne.restore.status).toBe('error');
    expect(String(onlyOne.restore.error_msg)).toContain('on compute-2');
    await configureShares('compute-2', 'compute', [nfsExports.B1, nfsExports.B2]);
    await bindA1('compute-2');
    const both = await restoreToEnd(alice, last, options);
    expect(both.restore.status).toBe('available');
    expect(both.instances.map((i) => [i.name, i.metadata.host])).toEqual([
      ['erp-app-restored', 'compute-1'],
      ['erp-db-restored', 'compute-2'],
    ]);
    const listed = await call<{ restores: { id: string; status: string }[] }>(
      'GET',
      v1(alice, `/restores?snapshot_id=${last}`),
      {
        token: alice.token,
      },
    );
    expect(listed.body.restores.map((r) => r.status)).toEqual(['error', 'available']);
    const id = listed.body.restores[0]!.id;
    expect((await call('DELETE', v1(alice, `/restores/${id}`), { token: alice.token })).status).toBe(202);
    expect((await call('GET', v1(alice, `/restores/${id}`), { token: alice.token })).status).toBe(404);
  });
});

describe('database clean-up on the TVM', () => {
  const deleteDbOnly = (id: string) =>
    call('DELETE', v1(admin, `/workloads/${id}?database_only=True`), { token: admin.token });
  const financeDr = () => lab.clouds.B.projects['finance-dr']!;
  const aliceDr = () => lab.clouds.B.users['alice-dr']!.id;

  it('old command: keeps the row until purged; a purged workload can be reassigned again', async () => {
    const w = workload('fin-web');
    const purge = (...ids: string[]) => runOnHost('tvm-1', [lab.trilio.purgeCommand!.split(' ')[0]!, ...ids]);
    expect((await deleteDbOnly(w.id)).status).toBe(202);
    expect((await call('GET', v1(alice, `/workloads/${w.id}`), { token: alice.token })).status).toBe(404);
    expect(existsSync(path.join(lab.sharesDir.B2, `workload_${w.id}`, 'workload_db'))).toBe(true);
    // The deleted row still holds the id: importing the workload again fails until the purge.
    expect((await reassign([w.id], financeDr(), aliceDr())).body.workloads.failed_workloads).toEqual([w.id]);

    const refused = await purge(workload('fin-erp').id);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('is not deleted');

    const purged = await purge(w.id);
    expect(purged.stderr).toBe('');
    expect(purged.code).toBe(0);
    const lines = purged.stdout.split('\n');
    expect(lines[0]).toBe(`Purging workload ${w.id} (fin-web)`);
    expect(lines[1]).toMatch(/^ {2}DELETE FROM taskdetails +\d+ row\(s\)$/);
    expect(purged.stdout).toMatch(/DELETE FROM snapshots +4 row\(s\)/);
    expect(purged.stdout).toMatch(/DELETE FROM workloads +1 row\(s\)/);
    expect(purged.stdout).toContain('1 of 1 workload(s) purged.');
    const again = await purge(w.id);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/DELETE FROM workloads +0 row\(s\)/);

    expect((await reassign([w.id], financeDr(), aliceDr())).body.workloads.reassigned_workloads).toHaveLength(
      1,
    );
  });

  it('the operator’s workloads_delete.py reads config/connection.json and config/workload_ids.txt', async () => {
    const w = workload('fin-erp');
    const write = async (name: string, text: string) => {
      const done = await runOnHost(
        'tvm-1',
        ['sh', '-c', 'cat > "$1"', 'sh', `${cleanDbScriptDir}/config/${name}`],
        { input: text },
      );
      expect(done.code).toBe(0);
    };
    const run = (cwd = cleanDbScriptDir) =>
      runOnHost('tvm-1', ['sh', '-c', 'cd "$1" && python3 workloads_delete.py', 'sh', cwd]);
    expect((await deleteDbOnly(w.id)).status).toBe(202);
    await write('workload_ids.txt', `${w.id}\n`);

    await write('connection.json', JSON.stringify({ ...cleanDbConnection, password: 'wrong' }));
    const denied = await run();
    expect(denied.code).toBe(1);
    expect(denied.stderr).toContain(
      "1045 (28000): Access denied for user 'workloadmgr'@'localhost' (using password: YES)",
    );
    await write('connection.json', JSON.stringify({ ...cleanDbConnection, database: 'nova' }));
    expect((await run()).stderr).toContain("1049 (42000): Unknown database 'nova'");
    // Like the published script it reads config/ relative to where it runs.
    const elsewhere = await run('/root');
    expect(elsewhere.code).not.toBe(0);

    await write('connection.json', JSON.stringify(cleanDbConnection));
    const purged = await run();
    expect(purged.stderr).toBe('');
    expect(purged.code).toBe(0);
    expect(purged.stdout.split('\n')[0]).toBe(`Purging workload ${w.id} (fin-erp)`);
    expect(purged.stdout).toMatch(/^ {2}DELETE FROM taskdetails +\d+ row\(s\)$/m);
    expect(purged.stdout).toMatch(/DELETE FROM workloads +1 row\(s\)/);
    expect(purged.stdout).toContain('1 of 1 workload(s) purged.');
    const tables = [...purged.stdout.matchAll(/DELETE FROM (\w+)/g)].map((m) => m[1]);
    expect(tables.indexOf('snapshots')).toBeLessThan(tables.indexOf('workloads'));
    expect(tables).toHaveLength(28);
    expect((await reassign([w.id], financeDr(), aliceDr())).body.workloads.reassigned_workloads).toHaveLength(
      1,
    );
  });
});

describe('persistence', () => {
  it('keeps the appliance database across an emulator restart', async () => {
    expect(await stopTrilio()).toBe(true);
    expect(await ensureTrilio({ hosts: lab.hosts, exportsRegistry: exportsRegistryPath })).toBe('started');
    const mine = await call<{ workloads: { name: string }[] }>('GET', v1(alice, '/workloads'), {
      token: alice.token,
    });
    expect(mine.body.workloads.map((x) => x.name).sort()).toEqual(['fin-dr-reports', 'fin-erp', 'fin-web']);
  });
});
