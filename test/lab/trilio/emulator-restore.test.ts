import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mountPathOf } from './emulator/mount-folder.js';
import { runOnHost } from '../hosts/index.js';
import type { LabJson, LabWorkload } from '../lab-json.js';
import { exportsRegistryPath, readLabJson } from '../lab.js';
import { nfsExports } from '../topology.js';
import { ensureTrilio, stopTrilio } from './trilio-service.js';
import {
  adminToken,
  call,
  configureShares,
  memberToken,
  onHost,
  resetTrilioWorld,
  waitForRestore,
  type Scoped,
} from './trilio-test-kit.js';

/**
 * Selective restores through the emulator, read for real on the compute hosts: an incremental of a
 * workload moved from A1 (found on B2) fails with qemu-img's backing-file message until A1's mount
 * path is bound on every compute node the restore uses, then ends `available`. Also: restore.json
 * validation against real Neutron, cancel, delete, soft delete + the TVM's purge script, and state
 * that survives an emulator restart.
 */

let lab: LabJson;
let admin: Scoped;
let alice: Scoped;
const a1Path = mountPathFor(nfsExports.A1);
const b2Path = mountPathFor(nfsExports.B2);
const workload = (name: string): LabWorkload => lab.workloads.find((w) => w.name === name)!;
const v1 = (s: Scoped, rest: string): string => `/v1/${s.projectId}${rest}`;

interface SnapshotInstance {
  id: string;
  name: string;
  nics: { network: { id: string; name: string; subnet: { id: string } } }[];
  vdisks: { id: string }[];
}

async function snapshotInstances(snapshotId: string): Promise<SnapshotInstance[]> {
  const got = await call<{ snapshot: { instances: SnapshotInstance[] } }>(
    'GET',
    v1(alice, `/snapshots/${snapshotId}`),
    {
      token: alice.token,
    },
  );
  return got.body.snapshot.instances;
}

/** restore.json as trilio-api.md documents it, mapping each snapshot network by name (`x` → `x-dr…`). */
function restoreJson(
  instances: SnapshotInstance[],
  mapping: Record<string, string>,
  overrides: { topology?: boolean; include?: (i: SnapshotInstance) => boolean } = {},
): Record<string, unknown> {
  const networks = new Map(instances.flatMap((i) => i.nics.map((n) => [n.network.id, n.network] as const)));
  return {
    name: 'DR restore',
    description: 'lab test',
    type: 'openstack',
    restore_type: 'selective',
    oneclickrestore: false,
    openstack: {
      instances: instances.map((i) => ({
        id: i.id,
        include: overrides.include ? overrides.include(i) : true,
        name: `${i.name}-restored`,
        availability_zone: 'nova',
        vdisks: i.vdisks.map((d) => ({ id: d.id, new_volume_type: 'standard', availability_zone: 'nova' })),
      })),
      networks_mapping: {
        networks: [...networks.values()]
          .filter((n) => mapping[n.name])
          .map((n) => {
            const target = lab.clouds.B.networks[mapping[n.name]!]!;
            return {
              snapshot_network: { id: n.id, subnet: { id: n.subnet.id } },
              target_network: {
                id: target.id,
                name: mapping[n.name],
                subnet: { id: Object.values(target.subnets)[0] },
              },
            };
          }),
      },
      restore_topology: overrides.topology ?? false,
    },
  };
}

const startRestore = (snapshotId: string, options: Record<string, unknown>) =>
  call<{ restore: Record<string, unknown> }>('POST', v1(alice, `/snapshots/${snapshotId}`), {
    token: alice.token,
    body: { restore: { name: 'DR restore', description: 'lab test', options } },
  });

async function restoreToEnd(snapshotId: string, options: Record<string, unknown>) {
  const started = await startRestore(snapshotId, options);
  expect(started.status).toBe(202);
  expect(started.body.restore).toMatchObject({ status: 'restoring', snapshot_id: snapshotId });
  return waitForRestore(alice.projectId, alice.token, String(started.body.restore.id));
}

const bindA1 = async (host: string): Promise<void> => {
  await onHost(host, ['mkdir', '-p', a1Path]);
  await onHost(host, ['mount', '--bind', b2Path, a1Path]);
};

beforeAll(async () => {
  lab = await readLabJson();
  await resetTrilioWorld(lab);
  admin = await adminToken(lab);
  alice = await memberToken(lab, 'alice-dr');
  await configureShares('tvm-1', 'tvm', [nfsExports.B1, nfsExports.B2]);
  const reassigned = await call<{ workloads: { reassigned_workloads: unknown[] } }>(
    'POST',
    v1(admin, '/workloads/reasign_workloads'),
    {
      token: admin.token,
      body: [
        {
          workload_ids: [workload('fin-web').id, workload('fin-erp').id],
          old_tenant_ids: [],
          new_tenant_id: lab.clouds.B.projects['finance-dr'],
          user_id: lab.clouds.B.users['alice-dr']!.id,
          migrate_cloud: true,
        },
      ],
    },
  );
  expect(reassigned.body.workloads.reassigned_workloads).toHaveLength(2);
});

afterAll(async () => {
  await resetTrilioWorld(lab);
});

describe('restore.json validation', () => {
  it('refuses an unmapped network, a network of another project and an instance not in the snapshot', async () => {
    const last = workload('fin-web').snapshots.at(-1)!;
    const instances = await snapshotInstances(last);
    const unmapped = await startRestore(last, restoreJson(instances, {}));
    expect(unmapped.status).toBe(400);
    expect(JSON.stringify(unmapped.body)).toContain('finance-net');
    expect(JSON.stringify(unmapped.body)).toContain('is not mapped');
    const foreign = await startRestore(last, restoreJson(instances, { 'finance-net': 'engineering-dr-net' }));
    expect(foreign.status).toBe(400);
    expect(JSON.stringify(foreign.body)).toContain('does not exist in project finance-dr');
    const stranger = restoreJson([{ ...instances[0]!, id: '11111111-1111-4111-8111-111111111111' }], {});
    expect((await startRestore(last, stranger)).status).toBe(400);
    // restore_topology recreates the networks: no mapping needed (accepted, then cancelled here).
    const topology = await startRestore(last, restoreJson(instances, {}, { topology: true }));
    expect(topology.status).toBe(202);
    const id = String(topology.body.restore.id);
    expect((await call('GET', v1(alice, `/restores/${id}/cancel`), { token: alice.token })).status).toBe(200);
    const { restore } = await waitForRestore(alice.projectId, alice.token, id);
    expect(restore.status).toBe('cancelled');
  });
});

describe('selective restore of a moved incremental', () => {
  it('fails while compute-1 lacks B2, then with the backing-file message until A1’s path is bound', async () => {
    const w = workload('fin-web');
    const last = w.snapshots.at(-1)!;
    const options = restoreJson(await snapshotInstances(last), { 'finance-net': 'finance-dr-net' });
    const noShare = await restoreToEnd(last, options);
    expect(noShare.seen[0]).toBe('restoring');
    expect(noShare.restore.status).toBe('error');
    expect(String(noShare.restore.error_msg)).toContain(
      `Could not open '${b2Path}/workload_${w.id}/snapshot_${last}/`,
    );

    await configureShares('compute-1', 'compute', [nfsExports.B1, nfsExports.B2]);
    const noBind = await restoreToEnd(last, options);
    expect(noBind.restore.status).toBe('error');
    const previous = w.snapshots.at(-2)!;
    expect(String(noBind.restore.error_msg)).toContain(
      `Could not open '${a1Path}/workload_${w.id}/snapshot_${previous}/`,
    );
    expect(String(noBind.restore.error_msg)).toContain('No such file or directory');
    expect(noBind.restore).toMatchObject({ workload_id: w.id, snapshot_id: last, instances: [] });

    await bindA1('compute-1');
    const ok = await restoreToEnd(last, options);
    expect(ok.seen).toEqual(['restoring', 'available']);
    expect(ok.restore).toMatchObject({
      status: 'available',
      progress_percent: 100,
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
    const options = restoreJson(await snapshotInstances(last), {
      'finance-net': 'finance-dr-net',
      'finance-backend': 'finance-dr-backend',
    });
    const onlyOne = await restoreToEnd(last, options);
    expect(onlyOne.restore.status).toBe('error');
    expect(String(onlyOne.restore.error_msg)).toContain('on compute-2');
    await configureShares('compute-2', 'compute', [nfsExports.B1, nfsExports.B2]);
    await bindA1('compute-2');
    const both = await restoreToEnd(last, options);
    expect(both.restore.status).toBe('available');
    const instances = both.restore.instances as { name: string; metadata: { host: string } }[];
    expect(instances.map((i) => [i.name, i.metadata.host])).toEqual([
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

describe('soft delete and the TVM’s purge script', () => {
  it('keeps the row until purged; a purged workload can be reassigned again', async () => {
    const w = workload('fin-web');
    const reassign = () =>
      call<{ workloads: { reassigned_workloads: unknown[]; failed_workloads: string[] } }>(
        'POST',
        v1(admin, '/workloads/reasign_workloads'),
        {
          token: admin.token,
          body: [
            {
              workload_ids: [w.id],
              old_tenant_ids: [],
              new_tenant_id: lab.clouds.B.projects['finance-dr'],
              user_id: lab.clouds.B.users['alice-dr']!.id,
              migrate_cloud: true,
            },
          ],
        },
      );
    const purge = (...ids: string[]) => runOnHost('tvm-1', [lab.trilio.purgeCommand!.split(' ')[0]!, ...ids]);

    expect(
      (await call('DELETE', v1(alice, `/workloads/${w.id}?database_only=True`), { token: alice.token }))
        .status,
    ).toBe(202);
    expect((await call('GET', v1(alice, `/workloads/${w.id}`), { token: alice.token })).status).toBe(404);
    expect(existsSync(path.join(lab.sharesDir.B2, `workload_${w.id}`, 'workload_db'))).toBe(true);
    // The deleted row still holds the id: importing the workload again fails until the purge.
    expect((await reassign()).body.workloads.failed_workloads).toEqual([w.id]);

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
    // Repeated (a clean-up resumed after a crash mid-purge): nothing left to delete, and no error.
    const again = await purge(w.id);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/DELETE FROM workloads +0 row\(s\)/);

    expect((await reassign()).body.workloads.reassigned_workloads).toHaveLength(1);
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
