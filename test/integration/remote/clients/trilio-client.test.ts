import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openstackCliEnv } from '../../../lab/clouds/index.js';
import type { KeystoneSession } from '../../../../electron/core/clients/keystone-session.js';
import { TrilioClient } from '../../../../electron/core/clients/trilio-client.js';
import type {
  TrilioRestore,
  TrilioSnapshot,
  TrilioWorkload,
} from '../../../../electron/core/clients/trilio-types.js';
import {
  adminSession,
  labClouds,
  must,
  RequestLog,
  userSession,
  type LabClouds,
} from './support/lab-clouds.js';
import { clearFaults, injectFault, pollUntil, resetTrilio } from './support/trilio-lab.js';

/**
 * Every Trilio call of the client against the lab's workloadmgr emulator (catalog type `workloads`,
 * tokens checked against the real Keystone): workloads, snapshots, restores, reassignment, trusts,
 * settings and appliance status, plus 5xx retries and timeouts through the emulator's fault injection.
 * The emulator is reset to the generated world before and after.
 */

let world: LabClouds;
let admin: KeystoneSession;
let alice: KeystoneSession;
let asAdmin: TrilioClient;
let asAlice: TrilioClient;
const adminLog = new RequestLog();
const aliceLog = new RequestLog();
let managed: TrilioWorkload;
const run = promisify(execFile);

beforeAll(async () => {
  world = await labClouds();
  await resetTrilio();
  admin = adminSession(world.lab, adminLog);
  alice = userSession(world.lab, 'alice-dr', aliceLog);
  asAdmin = new TrilioClient(admin);
  asAlice = new TrilioClient(alice);
  const financeDr = world.lab.clouds.B.projects['finance-dr'];
  const [found] = must(await asAdmin.listWorkloads({ allWorkloads: true, projectId: financeDr }));
  if (!found) throw new Error('the lab has no managed workload in finance-dr');
  managed = found;
});

afterEach(async () => {
  await clearFaults();
  adminLog.clear();
  aliceLog.clear();
});

afterAll(async () => {
  admin.close();
  alice.close();
  await resetTrilio();
});

const project = (name: string): string => world.lab.clouds.B.projects[name] ?? '';
const finalStates = ['available', 'error', 'cancelled'];

/** Grants or revokes the lab admin's admin role on a cloud B project with the real openstack CLI. */
async function adminRole(verb: 'add' | 'remove', name: string): Promise<void> {
  const B = world.lab.clouds.B;
  const args = ['role', verb, '--project', name, '--project-domain', B.domain, '--user', 'admin'];
  await run('openstack', [...args, '--user-domain', 'Default', 'admin'], { env: openstackCliEnv(B) }).catch(
    (error: unknown) => {
      if (verb === 'add') throw error;
    },
  );
}

describe('workloads', () => {
  it("lists a project user's own workloads and, for an admin, another project's", async () => {
    const own = must(await asAlice.listWorkloads());
    expect(own.map((w) => w.id)).toEqual([managed.id]);
    expect(managed).toMatchObject({ project_id: project('finance-dr'), status: 'available' });
    expect(aliceLog.entries.at(-1)?.url).toBe(`http://127.0.0.1:8780/v1/${project('finance-dr')}/workloads`);
    // Without all_workloads an admin sees the workloads of its own project (admin) only.
    expect(must(await asAdmin.listWorkloads())).toEqual([]);
    const detail = must(
      await asAdmin.listWorkloads({ detail: true, allWorkloads: true, projectId: project('finance-dr') }),
    );
    expect(detail[0]?.instances?.length).toBeGreaterThan(0);
  });

  it("shows one workload, and an unknown id is a 404 with Trilio's message", async () => {
    const shown = must(await asAlice.getWorkload(managed.id));
    expect(shown.name).toBe(managed.name);
    const missing = await asAlice.getWorkload('00000000-0000-4000-8000-000000000000');
    expect(missing.ok).toBe(false);
    if (missing.ok) return;
    expect(missing.error).toMatchObject({
      code: 'http',
      httpStatus: 404,
      request: `GET http://127.0.0.1:8780/v1/${project('finance-dr')}/workloads/00000000-0000-4000-8000-000000000000`,
    });
    expect(missing.error.message).toMatch(
      /Workload 00000000-0000-4000-8000-000000000000 could not be found\.$/,
    );
  });

  it('lists orphaned workloads (the emulator needs migrate_cloud, which the client always sends)', async () => {
    const orphans = must(await asAdmin.listOrphanedWorkloads());
    expect(Array.isArray(orphans)).toBe(true);
    expect(adminLog.entries.at(-1)?.url).toMatch(/\/workloads\/orphan_workloads\/\?migrate_cloud=True$/);
    expect(orphans.map((w) => w.id)).not.toContain(managed.id);
  });
});

describe('snapshots and restores', () => {
  let snapshots: TrilioSnapshot[];

  beforeAll(async () => {
    snapshots = must(await asAlice.listSnapshots(managed.id));
  });

  it('lists snapshots oldest first and shows one with its VMs, NICs and disks', async () => {
    expect(snapshots.length).toBeGreaterThanOrEqual(4);
    expect(snapshots[0]?.snapshot_type).toBe('full');
    expect(snapshots.slice(1).every((s) => s.snapshot_type === 'incremental')).toBe(true);
    const latest = snapshots.at(-1)!;
    const nested = must(await asAlice.getSnapshot(latest.id, { workloadId: managed.id }));
    const flat = must(await asAlice.getSnapshot(latest.id));
    expect(flat.id).toBe(nested.id);
    const vm = nested.instances?.[0];
    expect(vm?.nics?.[0]?.network?.name).toBe('finance-dr-net');
    expect(vm?.vdisks?.length).toBeGreaterThan(0);
    expect(vm?.vdisks?.[0]).toMatchObject({ volume_type: expect.any(String), availability_zone: 'nova' });
  });

  it('restores a snapshot with a network mapping, follows it to the end, and deletes the record', async () => {
    const latest = must(await asAlice.getSnapshot(snapshots.at(-1)!.id));
    const restore = must(
      await asAlice.restoreSnapshot(latest.id, restoreRequest(latest, 'clients-test restore')),
    );
    expect(restore.status).toBe('restoring');
    const done = await pollUntil(
      async () => must(await asAlice.getRestore(restore.id)),
      (r) => finalStates.includes(r.status),
    );
    expect(done.status, done.error_msg ?? '').toBe('available');
    expect(done.progress_percent).toBe(100);
    must(await asAlice.deleteRestore(restore.id));
    const gone = await asAlice.getRestore(restore.id);
    expect(gone).toMatchObject({ ok: false, error: { httpStatus: 404 } });
  });

  it('cancels a running restore', async () => {
    const latest = must(await asAlice.getSnapshot(snapshots.at(-1)!.id));
    const restore = must(
      await asAlice.restoreSnapshot(latest.id, restoreRequest(latest, 'clients-test cancel')),
    );
    must(await asAlice.cancelRestore(restore.id));
    const done = await pollUntil(
      async () => must(await asAlice.getRestore(restore.id)),
      (r: TrilioRestore) => r.status !== 'restoring' && r.status !== 'cancelling',
    );
    expect(done.status).toBe('cancelled');
    const again = await asAlice.cancelRestore(restore.id);
    expect(again).toMatchObject({ ok: false, error: { httpStatus: 400 } });
    must(await asAlice.deleteRestore(restore.id));
  });

  it('a restore with an unmapped network is accepted and ends in error with Trilio’s reason', async () => {
    // workloadmgr checks only the shape of restore.json when the restore is posted; the network match
    // fails while the restore runs (vmtasks_openstack: "Could not find the network that matches").
    const latest = must(await asAlice.getSnapshot(snapshots.at(-1)!.id));
    const request = restoreRequest(latest, 'clients-test unmapped');
    const openstack = request.options.openstack as { networks_mapping: { networks: unknown[] } };
    openstack.networks_mapping.networks = [];
    const restore = must(await asAlice.restoreSnapshot(latest.id, request));
    const done = await pollUntil(
      async () => must(await asAlice.getRestore(restore.id)),
      (r) => finalStates.includes(r.status),
    );
    expect(done.status).toBe('error');
    expect(done.error_msg).toMatch(/Could not find the network that matches the restore options/);
    must(await asAlice.deleteRestore(restore.id));
  });

  it('never retries a restore on 503: a repeat would start a second restore', async () => {
    const latest = must(await asAlice.getSnapshot(snapshots.at(-1)!.id));
    await injectFault({ method: 'POST', pathRegex: '/snapshots/', status: 503, count: 1 });
    aliceLog.clear();
    const result = await asAlice.restoreSnapshot(latest.id, restoreRequest(latest, 'clients-test 503'));
    expect(result).toMatchObject({ ok: false, error: { httpStatus: 503 } });
    expect(aliceLog.count('POST', /\/snapshots\//)).toBe(1);
  });
});

describe('reassignment', () => {
  it('checks the body before sending: both id lists in one map are refused locally', async () => {
    adminLog.clear();
    const result = await asAdmin.reassignWorkloads([
      {
        workload_ids: [managed.id],
        old_tenant_ids: ['x'],
        new_tenant_id: project('engineering-dr'),
        user_id: 'u',
        migrate_cloud: true,
      },
    ]);
    expect(result).toMatchObject({ ok: false, error: { code: 'validation' } });
    expect(adminLog.entries).toEqual([]);
  });

  // The calling admin needs a role in every target project (runbook: "provide this user access to
  // the desired Target Project"); Trilio passes over a project it cannot act in.
  const targets = ['engineering-dr', 'ops', 'finance-dr'];
  const moveBack = () =>
    asAdmin.reassignWorkloads([
      {
        workload_ids: [managed.id],
        new_tenant_id: project('finance-dr'),
        user_id: world.lab.clouds.B.users['alice-dr']!.id,
        migrate_cloud: false,
      },
    ]);
  beforeAll(async () => {
    for (const name of targets) await adminRole('add', name);
  });
  afterAll(async () => {
    // Whatever the test did, the workload goes home so later tests (and later runs) find it.
    await moveBack();
    for (const name of targets) await adminRole('remove', name);
  });

  it("moves a workload to another project and user, and reports Trilio's refusal of a user without the trustee role", async () => {
    const bob = world.lab.clouds.B.users['bob-dr']!;
    const moved = must(
      await asAdmin.reassignWorkloads([
        {
          workload_ids: [managed.id],
          new_tenant_id: project('engineering-dr'),
          user_id: bob.id,
          migrate_cloud: true,
        },
      ]),
    );
    expect(moved.failed_workloads, JSON.stringify(moved)).toEqual([]);
    expect(moved.reassigned_workloads.map((w) => [w.id, w.project_id, w.user_id])).toEqual([
      [managed.id, project('engineering-dr'), bob.id],
    ]);
    const ops = world.lab.clouds.B.users['ops-member']!;
    const refused = await asAdmin.reassignWorkloads([
      { workload_ids: [managed.id], new_tenant_id: project('ops'), user_id: ops.id, migrate_cloud: true },
    ]);
    expect(refused.ok).toBe(false);
    // workloadmgr raises RoleNotFound for a user without the trustee role there (a 500 with its text).
    if (!refused.ok) expect(refused.error.message).toMatch(/does not have role/);
    // Back by id: moving by old_tenant_ids would also take any workload another test put there.
    const back = must(await moveBack());
    expect(back.reassigned_workloads.map((w) => w.id)).toEqual([managed.id]);
  });
});

describe('trusts, settings, appliance', () => {
  it('creates a trust with the trustee role and lists it; a role the user lacks is refused', async () => {
    const made = must(await asAlice.createTrust({ role_name: world.lab.trusteeRole }));
    expect(made).toHaveLength(1);
    const listed = must(await asAlice.listTrusts());
    expect(listed.map((t) => t.name)).toContain(made[0]?.name);
    const refused = await asAlice.createTrust({ role_name: 'admin' });
    expect(refused).toMatchObject({ ok: false, error: { httpStatus: 400 } });
    expect(await asAlice.createTrust({ role_name: ' ' })).toMatchObject({
      ok: false,
      error: { code: 'validation' },
    });
  });

  it('reads settings, license, appliance nodes and datamover status', async () => {
    const settings = must(await asAdmin.listSettings());
    expect(settings.find((s) => s.name === 'trustee_role')?.value).toBe(world.lab.trusteeRole);
    expect(must(await asAdmin.getLicense())).toMatchObject({ Licensed: 'True' });
    const nodes = must(await asAdmin.listNodes());
    expect(nodes.map((n) => n.node)).toEqual(['tvm-1']);
    const contego = must(await asAdmin.contegoStatus());
    const computes = world.lab.hosts
      .filter((h) => h.role === 'compute')
      .map((h) => h.name)
      .sort();
    expect(contego.map((c) => c.host).sort()).toEqual(computes);
  });

  it("uses the profile's Trilio URL override instead of the catalog, completing it with /v1/<project>", async () => {
    const log = new RequestLog();
    const session = userSession(world.lab, 'alice-dr', log);
    try {
      const viaOverride = new TrilioClient(session, { url: 'http://127.0.0.1:8780' });
      expect(must(await viaOverride.listWorkloads()).map((w) => w.id)).toEqual([managed.id]);
      const wrong = new TrilioClient(session, { url: 'http://127.0.0.1:9/' });
      const refused = await wrong.listWorkloads();
      expect(refused.ok).toBe(false);
      if (!refused.ok)
        expect(refused.error.message).toMatch(
          /^Trilio refused the connection for GET http:\/\/127\.0\.0\.1:9\/v1\//,
        );
    } finally {
      session.close();
    }
  });
});

describe('faults', () => {
  it('retries a GET through two 503s and succeeds', async () => {
    await injectFault({ method: 'GET', pathRegex: '/workloads$', status: 503, count: 2 });
    const result = await asAlice.listWorkloads();
    expect(must(result).map((w) => w.id)).toEqual([managed.id]);
    expect(aliceLog.entries.filter((e) => /\/workloads$/.test(e.url)).map((e) => e.status)).toEqual([
      503, 503, 200,
    ]);
  });

  it('gives up after three 503s with the status, the attempts and a hint', async () => {
    await injectFault({ method: 'GET', pathRegex: '/workloads$', status: 503, count: 3 });
    const result = await asAlice.listWorkloads();
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.httpStatus).toBe(503);
    expect(result.error.message).toContain('(after 3 attempts)');
    expect(result.error.hint).toMatch(/unhealthy/);
  });

  it('stops waiting for a slow Trilio at the timeout', async () => {
    await injectFault({ method: 'GET', pathRegex: '/workloads/metrics/nodes', delayMs: 3000, count: 1 });
    const log = new RequestLog();
    const impatient = adminSession(world.lab, log, undefined, { timeoutMs: 500 });
    try {
      must(await impatient.tokenInfo());
      const started = Date.now();
      const result = await new TrilioClient(impatient).listNodes();
      expect(Date.now() - started).toBeLessThan(2500);
      expect(result.ok).toBe(false);
      if (!result.ok)
        expect(result.error.message).toMatch(
          /^Trilio did not answer GET .*\/workloads\/metrics\/nodes within 500 ms\.$/,
        );
      expect(log.count('GET', /metrics\/nodes$/)).toBe(1);
    } finally {
      impatient.close();
    }
  });
});

describe('deleting (last: the emulator is reset afterwards)', () => {
  it('deletes a workload from the database only, keeping its backup data', async () => {
    must(await asAdmin.deleteWorkload(managed.id, { databaseOnly: true }));
    expect(adminLog.entries.at(-1)).toMatchObject({ method: 'DELETE', status: 202 });
    expect(adminLog.entries.at(-1)?.url).toMatch(
      new RegExp(`/workloads/${managed.id}\\?database_only=True$`),
    );
    expect(await asAdmin.getWorkload(managed.id)).toMatchObject({ ok: false, error: { httpStatus: 404 } });
    const again = await asAdmin.deleteWorkload(managed.id, { databaseOnly: true });
    expect(again).toMatchObject({ ok: false, error: { httpStatus: 404 } });
  });
});

/** A selective restore of every VM in place, each snapshot network mapped to finance-dr's by name. */
function restoreRequest(snapshot: TrilioSnapshot, name: string) {
  const b = world.lab.clouds.B;
  // One mapping per (snapshot network, snapshot subnet) pair, as Trilio matches them: a same-named
  // network of cloud B, and its same-named subnet or else its first.
  const mappings = new Map<string, { network: string; subnet: string; target: string; targetSubnet: string }>();
  for (const vm of snapshot.instances ?? [])
    for (const nic of vm.nics ?? []) {
      const net = nic.network;
      const target = b.networks[net?.name ?? ''];
      if (!net?.id || !target) continue;
      const subnets = target.subnets as Record<string, string>;
      const targetSubnet = subnets[net.subnet?.name ?? ''] ?? Object.values(subnets)[0] ?? '';
      const subnet = net.subnet?.id ?? '';
      mappings.set(`${net.id}/${subnet}`, { network: net.id, subnet, target: target.id, targetSubnet });
    }
  return {
    name,
    description: 'clients integration test',
    options: {
      name,
      description: 'clients integration test',
      type: 'openstack',
      restore_type: 'selective',
      oneclickrestore: false,
      openstack: {
        instances: (snapshot.instances ?? []).map((vm) => ({
          id: vm.id,
          include: true,
          name: `${vm.name}-restored`,
          availability_zone: 'nova',
          // Volume-backed disks only; an image-backed boot disk comes back with the instance.
          restore_boot_disk: true,
          vdisks: (vm.vdisks ?? [])
            .filter((d) => d.volume_id)
            .map((d) => ({ id: d.volume_id, new_volume_type: '', availability_zone: 'nova' })),
        })),
        networks_mapping: {
          networks: [...mappings.values()].map((m) => ({
            snapshot_network: { id: m.network, subnet: { id: m.subnet } },
            target_network: { id: m.target, name: '', subnet: { id: m.targetSubnet } },
          })),
        },
        restore_topology: false,
      },
    },
  };
}
