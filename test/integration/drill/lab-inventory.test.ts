import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { neutronUrl } from '../../lab/clouds/clouds-paths.js';
import { pollUntil } from '../../lab/clouds/poll-until.js';
import { runOnHost } from '../../lab/hosts/index.js';
import type { LabJson, LabWorkload } from '../../lab/lab-json.js';
import { exportsRegistryPath, readLabJson } from '../../lab/lab.js';
import { nfsExports } from '../../lab/topology.js';
import { ensureTrilio, resetTrilio, stopTrilio } from '../../lab/trilio/index.js';
import {
  adminToken,
  call,
  configureShares,
  grantAdminOn,
  memberToken,
  resetTrilioWorld,
  waitForRestore,
  type Scoped,
} from '../../lab/trilio/trilio-test-kit.js';
import { diffLabInventory, takeLabInventory, type LabInventory } from './support/lab-inventory.js';

/**
 * The drill tests' own inventory of the lab, and the emulator's Nova and Cinder it reads: two
 * inventories back to back are identical; every kind of trace a drill could leave (a Keystone project,
 * a role grant, a network, an fstab line, a bind mount, one byte of a Trilio config, a file on B1) is
 * seen, and once undone the lab is as it was; a restore leaves a server and its volume that Nova and
 * Cinder list, refuse and delete as the real services do; a restore made to fail ends in `error`.
 */

let lab: LabJson;
let admin: Scoped;
let baseline: LabInventory;
const probe = `inventory-probe-${process.pid}`;
const keystone = () => lab.clouds.B.authUrl.replace(/\/+$/, '');

async function keystoneCall(method: string, rest: string, body?: unknown): Promise<Response> {
  return fetch(`${keystone()}${rest}`, {
    method,
    headers: { 'X-Auth-Token': admin.token, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
}

async function onHostOk(host: string, argv: string[], input?: string): Promise<string> {
  const result = await runOnHost(host, argv, input === undefined ? {} : { input });
  if (result.code !== 0)
    throw new Error(`${host}: ${argv.join(' ')} failed (${result.code}): ${result.stderr}`);
  return result.stdout;
}

/** Python that rewrites a file in place (same inode, mode and owner) from base64 on stdin. */
const writeBackBytes =
  'import base64, sys; f = open(sys.argv[1], "r+b"); f.write(base64.b64decode(sys.stdin.read())); f.truncate(); f.close()';

beforeAll(async () => {
  lab = await readLabJson();
  admin = await adminToken(lab);
});

describe('the inventory', () => {
  it('is identical when taken twice in a row', async () => {
    const started = Date.now();
    baseline = await takeLabInventory(lab);
    const again = await takeLabInventory(lab);
    expect(diffLabInventory(baseline, again)).toEqual([]);
    // It covers what issue 21 names, on every host.
    expect(Object.keys(baseline.hosts).sort()).toEqual(lab.hosts.map((h) => h.name).sort());
    expect(Object.keys(baseline.keystone.projects).some((p) => p.startsWith('cloud_a/finance '))).toBe(true);
    expect(Object.keys(baseline.keystone.projects).some((p) => p.startsWith('cloud_b/finance-dr '))).toBe(
      true,
    );
    expect(baseline.keystone.roleAssignments.length).toBeGreaterThan(10);
    expect(Object.keys(baseline.neutron.networks).some((n) => n.startsWith('finance-dr-net '))).toBe(true);
    expect(Object.keys(baseline.trilio.workloads).some((w) => w.startsWith('fin-dr-reports '))).toBe(true);
    const tvm = baseline.hosts['tvm-1']!;
    for (const file of lab.trilio.applianceConfigs) expect(tvm.configs[file]).toMatch(/^[0-9a-f]{64}$/);
    expect(baseline.hosts['compute-1']!.configs[lab.trilio.datamoverConfig]).toMatch(/^[0-9a-f]{64}$/);
    expect(baseline.hosts['compute-1']!.mounts.some((m) => m.startsWith(`${lab.trilio.mountRoot}/`))).toBe(
      true,
    );
    expect(baseline.hosts['compute-1']!.services['tvault-contego']?.activeState).toBe('active');
    expect(Object.keys(baseline.shares.A1).length).toBeGreaterThan(100);
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  describe('sees every kind of trace, and nothing once it is undone', () => {
    const undo: (() => Promise<void>)[] = [];
    afterAll(async () => {
      for (const step of undo.reverse()) await step();
    });

    it('detects each change', async () => {
      // A Keystone project in cloud B's domain.
      const domains = (await (await keystoneCall('GET', `/domains?name=${lab.clouds.B.domain}`)).json()) as {
        domains: { id: string }[];
      };
      const created = await keystoneCall('POST', '/projects', {
        project: { name: probe, domain_id: domains.domains[0]!.id, description: 'inventory test' },
      });
      expect(created.status).toBe(201);
      const projectId = ((await created.json()) as { project: { id: string } }).project.id;
      undo.push(async () => void (await keystoneCall('DELETE', `/projects/${projectId}`)));

      // A role grant: reader for carol-dr on finance-dr (she has none there).
      const roles = (await (await keystoneCall('GET', '/roles?name=reader')).json()) as {
        roles: { id: string }[];
      };
      const grant = `/projects/${lab.clouds.B.projects['finance-dr']}/users/${lab.clouds.B.users['carol-dr']!.id}/roles/${roles.roles[0]!.id}`;
      expect((await keystoneCall('HEAD', grant)).status).toBe(404);
      expect((await keystoneCall('PUT', grant)).status).toBe(204);
      undo.push(async () => void (await keystoneCall('DELETE', grant)));

      // A network (in the admin's project).
      const net = await fetch(`${neutronUrl}/v2.0/networks`, {
        method: 'POST',
        headers: { 'X-Auth-Token': admin.token, 'Content-Type': 'application/json' },
        body: JSON.stringify({ network: { name: probe } }),
      });
      expect(net.status).toBe(201);
      const networkId = ((await net.json()) as { network: { id: string } }).network.id;
      undo.push(async () => {
        await fetch(`${neutronUrl}/v2.0/networks/${networkId}`, {
          method: 'DELETE',
          headers: { 'X-Auth-Token': admin.token },
        });
      });

      // An fstab line on compute-2.
      const fstab = await onHostOk('compute-2', ['base64', '-w0', '/etc/fstab']);
      const line = `10.20.3.23:/upstream_synced_a1 /mnt/${probe} nfs defaults,nofail 0 0`;
      await onHostOk('compute-2', ['sh', '-c', 'printf "%s\\n" "$1" >> /etc/fstab', 'sh', line]);
      undo.push(
        async () =>
          void (await onHostOk('compute-2', ['python3', '-c', writeBackBytes, '/etc/fstab'], fstab)),
      );

      // A bind mount on compute-1 (in its namespace only).
      await onHostOk('compute-1', ['mount', '--bind', '/etc/tdrlab', '/mnt']);
      undo.push(async () => void (await onHostOk('compute-1', ['umount', '/mnt'])));

      // One byte of the TVM's Trilio config (same length; the service is not restarted).
      const config = lab.trilio.applianceConfig;
      const original = await onHostOk('tvm-1', ['base64', '-w0', config]);
      const flip =
        'import sys; p = sys.argv[1]; b = bytearray(open(p, "rb").read()); b[-1] = 0x20 if b[-1] != 0x20 else 0x0a; f = open(p, "r+b"); f.write(b); f.close()';
      await onHostOk('tvm-1', ['python3', '-c', flip, config]);
      undo.push(
        async () => void (await onHostOk('tvm-1', ['python3', '-c', writeBackBytes, config], original)),
      );

      // A file on B1.
      const file = path.join(lab.sharesDir.B1, `${probe}.txt`);
      await writeFile(file, 'left behind\n');
      undo.push(async () => rm(file, { force: true }));

      const changed = diffLabInventory(baseline, await takeLabInventory(lab));
      const expected = [
        new RegExp(`^keystone › projects: cloud_b/${probe} ${projectId} added`),
        new RegExp(
          `^keystone › roleAssignments: added "reader for user cloud_b/carol-dr \\S+ on project cloud_b/finance-dr `,
        ),
        new RegExp(`^neutron › networks: ${probe} ${networkId} added`),
        new RegExp(
          `^hosts › compute-2 › fstab: line added: "10\\.20\\.3\\.23:/upstream_synced_a1 /mnt/${probe} `,
        ),
        /^hosts › compute-1 › mounts: added "\/mnt <- \S+\[\S*tdrlab\] \(overlay\)"$/,
        new RegExp(
          `^hosts › tvm-1 › configs › ${config.replace(/[.]/g, '\\.')}: "[0-9a-f]{64}" → "[0-9a-f]{64}"$`,
        ),
        new RegExp(`^shares › B1: ${probe}\\.txt added: "file 0644 \\d+:\\d+ 12 sha256:[0-9a-f]{64}"$`),
      ];
      for (const pattern of expected)
        expect(
          changed.some((l) => pattern.test(l)),
          `${pattern} in\n${changed.join('\n')}`,
        ).toBe(true);
      // Nothing else: each change is seen once, where it was made.
      expect(changed, changed.join('\n')).toHaveLength(expected.length);
    });

    it('is identical to the first once every change is undone', async () => {
      for (const step of undo.splice(0).reverse()) await step();
      expect(diffLabInventory(baseline, await takeLabInventory(lab))).toEqual([]);
    });
  });
});

describe('a restore’s server and volume in the emulator’s Nova and Cinder', () => {
  let alice: Scoped;
  let carol: Scoped;
  let revokeAdmin: () => Promise<void> = async () => undefined;
  const workload = (name: string): LabWorkload => lab.workloads.find((w) => w.name === name)!;
  const nova = (rest: string) => `/compute/v2.1${rest}`;
  const cinder = (who: Scoped, rest: string) => `/volume/v3/${who.projectId}${rest}`;
  const labControl = (method: string, rest: string, body?: unknown) =>
    call<Record<string, unknown>>(method, `/_lab${rest}`, body === undefined ? {} : { body });

  interface SnapshotInstance {
    id: string;
    name: string;
    nics: { mac_address: string }[];
    vdisks: { volume_id?: string }[];
  }

  /** restore.json for fin-web's full snapshot: its NIC kept on finance-dr-net with a fixed IP. */
  async function finWebRestore(ip: string): Promise<{ snapshot: string; options: unknown }> {
    const snapshot = workload('fin-web').snapshots[0]!;
    const shown = await call<{ snapshot: { instances: SnapshotInstance[] } }>(
      'GET',
      `/v1/${alice.projectId}/snapshots/${snapshot}`,
      { token: alice.token },
    );
    const net = lab.clouds.B.networks['finance-dr-net']!;
    return {
      snapshot,
      options: {
        name: 'inventory restore',
        description: 'lab test',
        type: 'openstack',
        restore_type: 'selective',
        oneclickrestore: false,
        openstack: {
          instances: shown.body.snapshot.instances.map((i) => ({
            id: i.id,
            include: true,
            name: `${i.name}-restored`,
            availability_zone: 'nova',
            vdisks: i.vdisks.map((d) => ({ id: d.volume_id!, new_volume_type: 'standard' })),
            nics: [
              {
                mac_address: i.nics[0]!.mac_address,
                ip_address: ip,
                network: { id: net.id, subnet: { id: net.subnets['finance-dr-subnet']! } },
              },
            ],
          })),
          networks_mapping: { networks: [] },
          restore_topology: false,
        },
      },
    };
  }

  async function restore(ip: string): Promise<{ seen: string[]; restore: Record<string, unknown> }> {
    const { snapshot, options } = await finWebRestore(ip);
    const started = await call<{ restore: { id: string } }>(
      'POST',
      `/v1/${alice.projectId}/snapshots/${snapshot}`,
      {
        token: alice.token,
        body: { restore: { name: 'inventory restore', description: 'lab test', options } },
      },
    );
    expect(started.status).toBe(202);
    return waitForRestore(alice.projectId, alice.token, started.body.restore.id);
  }

  beforeAll(async () => {
    await resetTrilioWorld(lab);
    alice = await memberToken(lab, 'alice-dr');
    carol = await memberToken(lab, 'carol-dr');
    revokeAdmin = await grantAdminOn(lab, [lab.clouds.B.projects['finance-dr']!]);
    await configureShares('tvm-1', 'tvm', [nfsExports.B1, nfsExports.B2]);
    await configureShares('compute-1', 'compute', [nfsExports.B1, nfsExports.B2]);
    const moved = await call<{ workloads: { reassigned_workloads: unknown[] } }>(
      'POST',
      `/v1/${admin.projectId}/workloads/reasign_workloads`,
      {
        token: admin.token,
        body: [
          {
            workload_ids: [workload('fin-web').id],
            old_tenant_ids: [],
            new_tenant_id: lab.clouds.B.projects['finance-dr'],
            user_id: lab.clouds.B.users['alice-dr']!.id,
            migrate_cloud: true,
          },
        ],
      },
    );
    expect(moved.body.workloads.reassigned_workloads).toHaveLength(1);
  });

  afterAll(async () => {
    await labControl('DELETE', '/restore-failures');
    await revokeAdmin();
    await resetTrilioWorld(lab);
  });

  it('a restore made to fail ends in error with the reason given, and leaves nothing in Nova', async () => {
    const armed = await labControl('POST', '/restore-failures', {
      workloadId: workload('fin-web').id,
      reason: 'Lab: the datamover on compute-1 stopped',
    });
    expect(armed.status).toBe(201);
    const failed = await restore('10.2.1.61');
    expect(failed.seen).toEqual(['restoring', 'executing', 'error']);
    expect(failed.restore).toMatchObject({
      status: 'error',
      error_msg: 'Failed restoring snapshot: Lab: the datamover on compute-1 stopped',
      instances: [],
    });
    expect((await labControl('GET', '/restore-failures')).body).toEqual({ restoreFailures: [] });
    const servers = await call<{ servers: unknown[] }>('GET', nova('/servers'), { token: alice.token });
    expect(servers.body.servers).toEqual([]);
    // Armed and cleared: the next restore is not failed.
    await labControl('POST', '/restore-failures', { workloadId: workload('fin-web').id, reason: 'x' });
    expect((await labControl('DELETE', '/restore-failures')).body).toEqual({ cleared: 1 });
  });

  it('lists the server and its volume, refuses to delete an attached volume, deletes as Nova and Cinder do', async () => {
    const before = await takeLabInventory(lab);
    const done = await restore('10.2.1.62');
    expect(done.restore.status).toBe('available');
    const instance = (
      done.restore.instances as { id: string; name: string; volumes: { id: string }[] }[]
    )[0]!;
    const volumeId = instance.volumes[0]!.id;

    // Nova: the project sees it; another project does not; all_tenants is the admin's.
    const mine = await call<{ servers: { id: string; name: string }[] }>('GET', nova('/servers'), {
      token: alice.token,
    });
    expect(mine.body.servers.map((s) => [s.id, s.name])).toEqual([[instance.id, 'fin-web-1-restored']]);
    const shown = await call<{ server: Record<string, unknown> }>('GET', nova(`/servers/${instance.id}`), {
      token: alice.token,
    });
    expect(shown.body.server).toMatchObject({
      status: 'ACTIVE',
      tenant_id: alice.projectId,
      'os-extended-volumes:volumes_attached': [{ id: volumeId }],
      addresses: { 'finance-dr-net': [{ addr: '10.2.1.62', 'OS-EXT-IPS:type': 'fixed' }] },
    });
    expect(shown.body.server).not.toHaveProperty('OS-EXT-SRV-ATTR:host');
    expect((await call('GET', nova(`/servers/${instance.id}`), { token: carol.token })).body).toEqual({
      itemNotFound: { code: 404, message: `Instance ${instance.id} could not be found.` },
    });
    expect((await call('GET', nova('/servers?all_tenants=1'), { token: carol.token })).body).toEqual({
      forbidden: {
        code: 403,
        message: "Policy doesn't allow os_compute_api:servers:index:get_all_tenants to be performed.",
      },
    });
    const all = await call<{ servers: Record<string, unknown>[] }>(
      'GET',
      nova(`/servers/detail?all_tenants=1&project_id=${alice.projectId}`),
      { token: admin.token },
    );
    expect(all.body.servers).toMatchObject([{ id: instance.id, 'OS-EXT-SRV-ATTR:host': 'compute-1' }]);
    expect(
      (await call<{ servers: unknown[] }>('GET', nova('/servers'), { token: admin.token })).body.servers,
    ).toEqual([]);

    // Cinder: the volume, in use and attached to it.
    const volume = await call<{ volume: Record<string, unknown> }>(
      'GET',
      cinder(alice, `/volumes/${volumeId}`),
      {
        token: alice.token,
      },
    );
    expect(volume.body.volume).toMatchObject({
      status: 'in-use',
      bootable: 'true',
      volume_type: 'standard',
      attachments: [{ server_id: instance.id, device: '/dev/vda' }],
    });
    const listed = await call<{ volumes: { id: string }[] }>('GET', cinder(alice, '/volumes/detail'), {
      token: alice.token,
    });
    expect(listed.body.volumes.map((v) => v.id)).toEqual([volumeId]);
    expect((await call('GET', cinder(carol, `/volumes/${volumeId}`), { token: carol.token })).status).toBe(
      404,
    );

    // The inventory sees the restore's traces.
    const changed = diffLabInventory(before, await takeLabInventory(lab));
    expect(changed.some((l) => l.startsWith(`nova › servers: fin-web-1-restored ${instance.id} added`))).toBe(
      true,
    );
    expect(changed.some((l) => l.startsWith(`cinder › volumes: `) && l.includes(`${volumeId} added`))).toBe(
      true,
    );
    expect(
      changed.some((l) => l.startsWith('trilio › restores: inventory restore ') && l.includes('added')),
    ).toBe(true);

    // Nova and Cinder keep them across an emulator restart (a lab `up` that restarts it).
    expect(await stopTrilio()).toBe(true);
    expect(await ensureTrilio({ hosts: lab.hosts, exportsRegistry: exportsRegistryPath })).toBe('started');
    expect(
      (await call<{ servers: { id: string }[] }>('GET', nova('/servers'), { token: alice.token })).body
        .servers,
    ).toEqual([{ id: instance.id, name: 'fin-web-1-restored', links: expect.any(Array) as unknown }]);

    // Trilio's restore delete removes the restore's record only (workloads/api.py restore_delete): the
    // server stays.
    const restoreId = String(done.restore.id);
    const restoreDeleted = await call('DELETE', `/v1/${alice.projectId}/restores/${restoreId}`, {
      token: alice.token,
    });
    expect(restoreDeleted.status).toBe(202);
    expect((await call('GET', nova(`/servers/${instance.id}`), { token: alice.token })).status).toBe(200);

    // Delete: the volume is attached (400), the server goes (204), then the volume is free and goes (202).
    const refused = await call('DELETE', cinder(alice, `/volumes/${volumeId}`), { token: alice.token });
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({
      badRequest: {
        code: 400,
        message:
          'Invalid volume: Volume status must be available or error or error_restoring or error_extending or error_managing and must not be migrating, attached, belong to a group, have snapshots or be disassociated from snapshots after volume transfer.',
      },
    });
    const deleted = await call('DELETE', nova(`/servers/${instance.id}`), { token: alice.token });
    expect(deleted.status).toBe(204);
    expect(deleted.body).toBeUndefined();
    const gone = async (url: string, token: string) =>
      pollUntil(async () => (await call('GET', url, { token })).status === 404, 10_000, 50);
    expect(await gone(nova(`/servers/${instance.id}`), alice.token)).toBe(true);
    const freed = await call<{ volume: { status: string; attachments: unknown[] } }>(
      'GET',
      cinder(alice, `/volumes/${volumeId}`),
      { token: alice.token },
    );
    expect(freed.body.volume).toMatchObject({ status: 'available', attachments: [] });
    expect((await call('DELETE', cinder(alice, `/volumes/${volumeId}`), { token: alice.token })).status).toBe(
      202,
    );
    expect(await gone(cinder(alice, `/volumes/${volumeId}`), alice.token)).toBe(true);
    const none = await call<{ volumes: unknown[] }>('GET', cinder(alice, '/volumes'), { token: alice.token });
    expect(none.body.volumes).toEqual([]);
  });

  it('forgets servers and volumes when the lab resets Trilio (up --reset)', async () => {
    const done = await restore('10.2.1.63');
    expect(done.restore.status).toBe('available');
    const all = () =>
      call<{ servers: unknown[] }>('GET', nova('/servers?all_tenants=1'), { token: admin.token });
    expect((await all()).body.servers).toHaveLength(1);
    await resetTrilio();
    expect((await all()).body.servers).toEqual([]);
    const volumes = await call<{ volumes: unknown[] }>('GET', cinder(admin, '/volumes?all_tenants=1'), {
      token: admin.token,
    });
    expect(volumes.body.volumes).toEqual([]);
  });
});
