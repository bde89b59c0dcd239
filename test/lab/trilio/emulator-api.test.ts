import { cpSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabJson, LabWorkload } from '../lab-json.js';
import { readLabJson } from '../lab.js';
import { nfsExports } from '../topology.js';
import { trilioBaseUrl } from './trilio-paths.js';
import { pickleLoads } from './emulator/python-pickle.js';
import {
  adminToken,
  call,
  configureShares,
  editShares,
  grantAdminOn,
  memberToken,
  onHost,
  resetTrilioWorld,
  setApplianceOption,
  type Scoped,
} from './trilio-test-kit.js';

/**
 * The workloadmgr API emulator against the real Keystone, Neutron and lab hosts: authentication,
 * the catalog, which workloads the appliance knows (its database plus the shares the TVM really
 * mounted after a restart), admin policy, reassign with workloadmgr's validation and its effects on
 * the share (owner, job schedule), workload modify, a workload id on two shares, the import calls,
 * snapshot views, fault injection, and the Nova/Cinder reads. Response fields are checked against
 * trilio-api.md / FACTS.md.
 */

let lab: LabJson;
let admin: Scoped;
let alice: Scoped;
const workloadFields = [
  'created_at',
  'updated_at',
  'id',
  'user_id',
  'project_id',
  'availability_zone',
  'workload_type_id',
  'name',
  'description',
  'interval',
  'storage_usage',
  'instances',
  'metadata',
  'jobschedule',
  'status',
  'error_msg',
  'links',
].sort();
const summaryFields = [
  'project_id',
  'user_id',
  'created_at',
  'id',
  'name',
  'snapshots_info',
  'description',
  'workload_type_id',
  'status',
  'updated_at',
  'links',
].sort();

const workload = (name: string): LabWorkload => lab.workloads.find((w) => w.name === name)!;
const v1 = (s: Scoped, rest: string): string => `/v1/${s.projectId}${rest}`;
type Workloads = { workloads: Record<string, unknown>[] };

let revokeAdmin: () => Promise<void> = async () => undefined;

beforeAll(async () => {
  lab = await readLabJson();
  await resetTrilioWorld(lab);
  admin = await adminToken(lab);
  alice = await memberToken(lab, 'alice-dr');
  // As the wizard's access step does: workloadmgr passes over a target project the caller has no role on.
  revokeAdmin = await grantAdminOn(lab, [
    lab.clouds.B.projects['finance-dr']!,
    lab.clouds.B.projects['engineering-dr']!,
  ]);
});

afterAll(async () => {
  await revokeAdmin();
  await resetTrilioWorld(lab);
});

describe('authentication against the real Keystone', () => {
  it('answers 401 without a token and with a bad or revoked one', async () => {
    const none = await fetch(`${trilioBaseUrl}${v1(admin, '/workloads')}`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe(`Keystone uri="${lab.clouds.B.authUrl}"`);
    expect(await none.json()).toEqual({
      error: {
        code: 401,
        title: 'Unauthorized',
        message: 'The request you have made requires authentication.',
      },
    });
    expect((await call('GET', v1(admin, '/workloads'), { token: 'not-a-token' })).status).toBe(401);
    const revoked = await memberToken(lab, 'bob-dr');
    const revoke = await fetch(`${lab.clouds.B.authUrl}/auth/tokens`, {
      method: 'DELETE',
      headers: { 'X-Auth-Token': admin.token, 'X-Subject-Token': revoked.token },
    });
    expect(revoke.status).toBe(204);
    expect((await call('GET', v1(revoked, '/workloads'), { token: revoked.token })).status).toBe(401);
  });

  it('refuses a URL project other than the token’s, and admin-only calls for a member', async () => {
    const other = await call('GET', `/v1/${admin.projectId}/workloads`, { token: alice.token });
    expect(other.status).toBe(400);
    expect(other.body).toHaveProperty('badRequest.code', 400);
    const orphans = await call('GET', v1(alice, '/workloads/orphan_workloads/?migrate_cloud=True'), {
      token: alice.token,
    });
    expect(orphans).toEqual({
      status: 403,
      body: {
        forbidden: {
          code: 403,
          message: "Policy doesn't allow workload:get_orphaned_workloads_list to be performed.",
        },
      },
    });
  });

  it('refuses every admin call to a member with workloadmgr’s policy message', async () => {
    const calls: [string, string, string, unknown?][] = [
      ['GET', '/workloads/orphan_workloads/?migrate_cloud=True', 'workload:get_orphaned_workloads_list'],
      ['POST', '/workloads/reasign_workloads', 'workload:workloads_reassign', []],
      ['GET', '/settings', 'workload:settings_get'],
      ['GET', '/workloads/metrics/nodes', 'workload:get_nodes'],
      ['GET', '/workloads/metrics/contego_status', 'workload:get_contego_status'],
      ['GET', '/workloads/metrics/license', 'workload:license_list'],
      ['GET', '/workloads/metrics/license_check', 'workload:license_check'],
      ['GET', '/workloads/get_list/import_workloads', 'workload:get_import_workloads_list'],
      [
        'POST',
        '/workloads/import_workloads',
        'workload:import_workloads',
        { workload_ids: [], upgrade: false },
      ],
      ['POST', '/global_job_scheduler/enable', 'workload:workload_enable_global_job_scheduler'],
      [
        'DELETE',
        `/workloads/${workload('fin-dr-reports').id}?database_only=True`,
        'workload:workload_delete',
      ],
    ];
    for (const [method, rest, policy, body] of calls) {
      const answer = await call(method, v1(alice, rest), {
        token: alice.token,
        ...(body !== undefined ? { body } : {}),
      });
      expect([rest, answer]).toEqual([
        rest,
        {
          status: 403,
          body: { forbidden: { code: 403, message: `Policy doesn't allow ${policy} to be performed.` } },
        },
      ]);
      expect(
        (
          await call(method, v1(admin, rest.replace(/\/workloads\/[0-9a-f-]{36}\?.*/, '/workloads')), {
            token: admin.token,
            ...(body !== undefined ? { body } : {}),
          })
        ).status,
      ).not.toBe(403);
    }
    // The refused database-only delete changed nothing.
    expect(
      (await call('GET', v1(alice, `/workloads/${workload('fin-dr-reports').id}`), { token: alice.token }))
        .status,
    ).toBe(200);
  });

  it('is in Keystone’s catalog for RegionB with Nova and Cinder reads', async () => {
    const response = await fetch(`${lab.clouds.B.authUrl}/auth/catalog`, {
      headers: { 'X-Auth-Token': admin.token },
    });
    const { catalog } = (await response.json()) as {
      catalog: {
        type: string;
        name: string;
        endpoints: { region_id: string; interface: string; url: string }[];
      }[];
    };
    const url = (type: string) =>
      catalog
        .find((s) => s.type === type)
        ?.endpoints.find((e) => e.region_id === 'RegionB' && e.interface === 'public')?.url;
    expect(catalog.find((s) => s.type === 'workloads')?.name).toBe('TrilioVaultWLM');
    expect(url('workloads')).toBe(`${trilioBaseUrl}/v1/${admin.projectId}`);
    expect(url('compute')).toBe(`${trilioBaseUrl}/compute/v2.1`);
    expect(url('volumev3')).toBe(`${trilioBaseUrl}/volume/v3/${admin.projectId}`);
  });
});

describe('workloads the appliance knows', () => {
  it('lists its own managed workload with the summary and detail fields of workloadmgr', async () => {
    const list = await call<Workloads>('GET', v1(admin, '/workloads?all_workloads=True'), {
      token: admin.token,
    });
    expect(list.status).toBe(200);
    expect(list.body.workloads.map((w) => w.name)).toEqual(['fin-dr-reports']);
    expect(Object.keys(list.body.workloads[0]!).sort()).toEqual(summaryFields);
    const own = await call<Workloads>('GET', v1(alice, '/workloads/detail'), { token: alice.token });
    expect(own.body.workloads).toHaveLength(1);
    const detail = own.body.workloads[0]!;
    expect(Object.keys(detail).sort()).toEqual(workloadFields);
    expect(detail).toMatchObject({
      id: workload('fin-dr-reports').id,
      project_id: lab.clouds.B.projects['finance-dr'],
      status: 'available',
      storage_usage: { full: { snap_count: 1 }, incremental: { snap_count: 3 } },
    });
    // Without all_workloads the admin sees its own project only.
    expect(
      (await call<Workloads>('GET', v1(admin, '/workloads'), { token: admin.token })).body.workloads,
    ).toEqual([]);
  });

  it('sees orphans only on shares in the TVM’s active configuration, after wlm-workloads restarts', async () => {
    const orphans = () =>
      call<Workloads>('GET', v1(admin, '/workloads/orphan_workloads/?migrate_cloud=True'), {
        token: admin.token,
      });
    expect((await orphans()).body.workloads).toEqual([]);
    await editShares('tvm-1', 'tvm', [nfsExports.B1, nfsExports.B2]);
    expect((await orphans()).body.workloads).toEqual([]); // edited, not yet restarted
    await onHost('tvm-1', ['systemctl', 'restart', 'wlm-workloads']);
    const found = (await orphans()).body.workloads;
    expect(found.map((w) => w.name).sort()).toEqual([
      'eng-ci',
      'eng-git',
      'fin-erp',
      'fin-web',
      'res-hpc',
      'res-notebook',
    ]);
    const cloudA = new Set(Object.values(lab.clouds.A.projects));
    for (const w of found) {
      expect(Object.keys(w).sort()).toEqual(workloadFields);
      expect(cloudA.has(String(w.project_id))).toBe(true);
    }
    // Cloud A's projects exist in this Keystone (other domain): not orphans without migrate_cloud.
    const sameCloud = await call<Workloads>(
      'GET',
      v1(admin, '/workloads/orphan_workloads/?migrate_cloud=False'),
      {
        token: admin.token,
      },
    );
    expect(sameCloud.body.workloads).toEqual([]);
    expect(
      (await call('GET', v1(admin, '/workloads/orphan_workloads/'), { token: admin.token })).status,
    ).toBe(500);
  });
});

describe('reassign (POST /workloads/reasign_workloads)', () => {
  const reassign = (body: unknown) =>
    call('POST', v1(admin, '/workloads/reasign_workloads'), { token: admin.token, body });
  const map = (over: Record<string, unknown>) => ({
    workload_ids: [workload('fin-web').id],
    old_tenant_ids: [],
    new_tenant_id: lab.clouds.B.projects['finance-dr'],
    user_id: lab.clouds.B.users['alice-dr']!.id,
    migrate_cloud: true,
    ...over,
  });
  const bad = (message: string) => ({ status: 400, body: { badRequest: { code: 400, message } } });
  type Reassigned = {
    workloads: { reassigned_workloads: Record<string, unknown>[]; failed_workloads: string[] };
  };

  beforeAll(async () => {
    await configureShares('tvm-1', 'tvm', [nfsExports.B1, nfsExports.B2]);
  });

  it('refuses the old `migrate` key, an unknown key and every missing key with 400', async () => {
    const { migrate_cloud: _dropped, ...withoutMigrateCloud } = map({});
    const old = await reassign([{ ...withoutMigrateCloud, migrate: true }]);
    expect(old.status).toBe(400);
    expect(JSON.stringify(old.body)).toContain("unknown key(s) 'migrate'");
    expect((await reassign([map({ extra: 1 })])).status).toBe(400);
    for (const key of ['workload_ids', 'old_tenant_ids', 'new_tenant_id', 'user_id', 'migrate_cloud']) {
      const partial: Record<string, unknown> = map({});
      delete partial[key];
      const answer = await reassign([partial]);
      expect([key, answer.status]).toEqual([key, 400]);
      expect(JSON.stringify(answer.body)).toContain(`missing key(s) '${key}'`);
    }
    // Nothing happened on the share.
    const file = path.join(lab.sharesDir.B2, `workload_${workload('fin-web').id}`, 'workload_db');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({
      project_id: lab.clouds.A.projects.finance,
    });
  });

  it('validates the maps with workloadmgr’s messages', async () => {
    expect(await reassign([map({ old_tenant_ids: [lab.clouds.A.projects.finance] })])).toEqual(
      bad('Please provide only one parameter among workload_ids and old_tenant_ids.'),
    );
    expect(await reassign([map({ new_tenant_id: null })])).toEqual(
      bad('Please provide required parameters: new_tenant_id.'),
    );
    expect(await reassign([map({ user_id: null })])).toEqual(
      bad('Please provide required parameters: user_id.'),
    );
    // Not in the database and migrate_cloud not true (a string is not True): refused whole.
    const notTrue = await reassign([map({ migrate_cloud: 'True' })]);
    expect(notTrue.status).toBe(500);
    expect(JSON.stringify(notTrue.body)).toContain("Workload id's doesn't belong to current cloud.");
  });

  it('wants the new owner to hold a trustee role (any of the list) or admin on the project', async () => {
    const ops = lab.clouds.B.projects.ops!;
    const revoke = await grantAdminOn(lab, [ops]);
    try {
      const opsMap = map({ new_tenant_id: ops, user_id: lab.clouds.B.users['ops-member']!.id });
      const refused = await reassign([opsMap]);
      expect(refused.status).toBe(500);
      expect(JSON.stringify(refused.body)).toContain(`does not have role 'creator' on project ${ops}`);
      // trustee_role as a list: ops-member's `member` role now qualifies (after wlm-workloads restarts).
      await setApplianceOption('trustee_role', '_member_, member');
      await onHost('tvm-1', ['systemctl', 'restart', 'wlm-workloads']);
      const accepted = await reassign([map({ ...opsMap, workload_ids: [workload('res-notebook').id] })]);
      expect(accepted.status).toBe(200);
      expect((accepted.body as Reassigned).workloads.reassigned_workloads.map((w) => w.name)).toEqual([
        'res-notebook',
      ]);
    } finally {
      await setApplianceOption('trustee_role', 'creator');
      await onHost('tvm-1', ['systemctl', 'restart', 'wlm-workloads']);
      await revoke();
    }
  });

  it('passes over a target project the calling admin has no role on', async () => {
    const research = lab.clouds.B.projects['research-dr']!;
    const answer = await reassign([
      map({
        workload_ids: [workload('res-hpc').id],
        new_tenant_id: research,
        user_id: lab.clouds.B.users['carol-dr']!.id,
      }),
    ]);
    expect(answer).toEqual({
      status: 200,
      body: { workloads: { reassigned_workloads: [], failed_workloads: [] } },
    });
  });

  it('imports a workload for its new owner: every snapshot_db rewritten, the job schedule off', async () => {
    const w = workload('fin-web');
    const done = await reassign([map({ workload_ids: [w.id, '00000000-0000-4000-8000-000000000000'] })]);
    expect(done.status).toBe(200);
    const body = done.body as Reassigned;
    expect(body.workloads.failed_workloads).toEqual(['00000000-0000-4000-8000-000000000000']);
    expect(body.workloads.reassigned_workloads).toHaveLength(1);
    const row = body.workloads.reassigned_workloads[0]!;
    expect(Object.keys(row).sort()).toEqual(workloadFields);
    const owner = {
      project_id: lab.clouds.B.projects['finance-dr'],
      user_id: lab.clouds.B.users['alice-dr']!.id,
    };
    expect(row).toMatchObject({
      id: w.id,
      name: 'fin-web',
      ...owner,
      status: 'available',
      jobschedule: { enabled: false },
    });
    const folder = path.join(lab.sharesDir.B2, `workload_${w.id}`);
    const db = JSON.parse(readFileSync(path.join(folder, 'workload_db'), 'utf8')) as Record<string, unknown>;
    expect(db).toMatchObject(owner);
    expect(pickleLoads(String(db.jobschedule))).toMatchObject({ enabled: false, interval: '24hr' });
    const snapshots = readdirSync(folder).filter((e) => e.startsWith('snapshot_'));
    expect(snapshots).toHaveLength(w.snapshots.length);
    for (const snap of snapshots)
      expect(JSON.parse(readFileSync(path.join(folder, snap, 'snapshot_db'), 'utf8'))).toMatchObject(owner);
    expect(statSync(path.join(folder, 'workload_db')).uid).toBe(
      statSync(path.join(folder, 'workload_vms_db')).uid,
    );
    // A1 (the source share) is untouched.
    expect(
      JSON.parse(readFileSync(path.join(lab.sharesDir.A1, `workload_${w.id}`, 'workload_db'), 'utf8')),
    ).toMatchObject({ project_id: lab.clouds.A.projects.finance });
    const mine = await call<Workloads>('GET', v1(alice, '/workloads'), { token: alice.token });
    expect(mine.body.workloads.map((x) => x.name).sort()).toEqual(['fin-dr-reports', 'fin-web']);
    const shown = await call<{ workload: Record<string, unknown> }>('GET', v1(alice, `/workloads/${w.id}`), {
      token: alice.token,
    });
    expect(shown.body.workload).toMatchObject({ jobschedule: { enabled: false, global_jobscheduler: true } });
    // backup_media_target is the share it was imported from, and hidden from a member.
    expect(shown.body.workload.metadata).not.toHaveProperty('backup_media_target');
    const asAdmin = await call<{ workload: { metadata: Record<string, string> } }>(
      'GET',
      v1(admin, `/workloads/${w.id}`),
      { token: admin.token },
    );
    expect(asAdmin.body.workload.metadata.backup_media_target).toBe(nfsExports.B2);
  });

  it('turns the job schedule back on with PUT /workloads/{id} and writes it to workload_db', async () => {
    const w = workload('fin-web');
    const put = (body: unknown) => call('PUT', v1(alice, `/workloads/${w.id}`), { token: alice.token, body });
    expect((await put({ jobschedule: { enabled: true } })).status).toBe(400);
    expect((await put({ workload: { jobschedule: { enabled: 'yes please' } } })).status).toBe(400);
    const badDate = await put({ workload: { jobschedule: { enabled: true, start_date: '2025-03-04' } } });
    expect(badDate.status).toBe(500);
    expect(JSON.stringify(badDate.body)).toContain("does not match format '%m/%d/%Y %I:%M %p'");
    expect((await put({ workload: { jobschedule: { enabled: 'True' } } })).status).toBe(202);
    const shown = await call<{ workload: Record<string, unknown> }>('GET', v1(alice, `/workloads/${w.id}`), {
      token: alice.token,
    });
    expect(shown.body.workload).toMatchObject({
      jobschedule: { enabled: true, interval: '24hr', start_time: '01:00 AM', global_jobscheduler: true },
    });
    const db = JSON.parse(
      readFileSync(path.join(lab.sharesDir.B2, `workload_${w.id}`, 'workload_db'), 'utf8'),
    ) as Record<string, unknown>;
    expect(pickleLoads(String(db.jobschedule))).toMatchObject({ enabled: true });
    expect(db.user_id).toBe(alice.userId);
  });

  it('reassigns every orphan of an old project with old_tenant_ids', async () => {
    const done = await reassign([
      map({
        workload_ids: [],
        old_tenant_ids: [lab.clouds.A.projects.engineering],
        new_tenant_id: lab.clouds.B.projects['engineering-dr'],
        user_id: lab.clouds.B.users['bob-dr']!.id,
      }),
    ]);
    const body = done.body as Reassigned;
    expect(body.workloads.reassigned_workloads.map((w) => w.name).sort()).toEqual(['eng-ci', 'eng-git']);
    expect(body.workloads.failed_workloads).toEqual([]);
  });
});

describe('a workload id on two shares of the appliance', () => {
  const orphans = async () =>
    (
      await call<Workloads>('GET', v1(admin, '/workloads/orphan_workloads/?migrate_cloud=True'), {
        token: admin.token,
      })
    ).body.workloads;
  const copy = () => path.join(lab.sharesDir.B1, `workload_${workload('res-hpc').id}`);

  beforeAll(async () => {
    // A leftover copy (an earlier single-workload DR) on B1, B1 first in the configuration.
    await configureShares('tvm-1', 'tvm', [nfsExports.B1, nfsExports.B2]);
    cpSync(path.join(lab.sharesDir.B2, `workload_${workload('res-hpc').id}`), copy(), {
      recursive: true,
      preserveTimestamps: true,
    });
  });
  afterAll(() => rmSync(copy(), { recursive: true, force: true }));

  it('is listed once per share by the orphan and import lists', async () => {
    const id = workload('res-hpc').id;
    expect((await orphans()).filter((w) => w.id === id)).toHaveLength(2);
    const importable = await call<Workloads>('GET', v1(admin, '/workloads/get_list/import_workloads'), {
      token: admin.token,
    });
    expect(importable.body.workloads.filter((w) => w.id === id)).toHaveLength(2);
    expect(importable.body.workloads.map((w) => w.name)).toContain('fin-dr-reports');
    const ofProject = await call<Workloads>(
      'GET',
      v1(admin, `/workloads/get_list/import_workloads?project_id=${lab.clouds.A.projects.research}`),
      { token: admin.token },
    );
    // res-notebook went to project ops earlier in this file.
    expect(ofProject.body.workloads.map((w) => w.name).sort()).toEqual(['res-hpc', 'res-hpc']);
  });

  it('is reassigned from the first share in the configuration; the other copy stays an orphan', async () => {
    const research = lab.clouds.B.projects['research-dr']!;
    const revoke = await grantAdminOn(lab, [research]);
    try {
      const id = workload('res-hpc').id;
      const done = await call<{ workloads: { reassigned_workloads: Record<string, unknown>[] } }>(
        'POST',
        v1(admin, '/workloads/reasign_workloads'),
        {
          token: admin.token,
          body: [
            {
              workload_ids: [id],
              old_tenant_ids: [],
              new_tenant_id: research,
              user_id: lab.clouds.B.users['carol-dr']!.id,
              migrate_cloud: true,
            },
          ],
        },
      );
      expect(done.body.workloads.reassigned_workloads).toMatchObject([
        { id, metadata: { backup_media_target: nfsExports.B1 } },
      ]);
      expect(JSON.parse(readFileSync(path.join(copy(), 'workload_db'), 'utf8'))).toMatchObject({
        project_id: research,
      });
      const other = JSON.parse(
        readFileSync(path.join(lab.sharesDir.B2, `workload_${id}`, 'workload_db'), 'utf8'),
      );
      expect(other).toMatchObject({ project_id: lab.clouds.A.projects.research });
      expect((await orphans()).filter((w) => w.id === id)).toHaveLength(1);
    } finally {
      await revoke();
    }
  });
});

describe('import (newer releases)', () => {
  it('imports by id from the shares, leaves known ones alone and fails a foreign project', async () => {
    const imp = (ids: string[]) =>
      call<{ workloads: { imported_workloads: { name: string }[]; failed_workloads: string[] } }>(
        'POST',
        v1(admin, '/workloads/import_workloads'),
        { token: admin.token, body: { workload_ids: ids, upgrade: false } },
      );
    const managed = workload('fin-dr-reports').id;
    expect((await imp([managed])).body).toEqual({
      workloads: { imported_workloads: [], failed_workloads: [] },
    });
    const foreign = workload('fin-erp').id;
    expect((await imp([foreign])).body.workloads.failed_workloads).toEqual([foreign]);
    expect((await imp(['00000000-0000-4000-8000-00000000abcd'])).body.workloads.failed_workloads).toEqual([
      '00000000-0000-4000-8000-00000000abcd',
    ]);
  });
});

describe('snapshots', () => {
  it('lists a workload’s snapshots oldest first and shows one with its networks and disks', async () => {
    const w = workload('fin-web');
    const list = await call<{ snapshots: Record<string, unknown>[] }>(
      'GET',
      v1(alice, `/snapshots?workload_id=${w.id}`),
      {
        token: alice.token,
      },
    );
    expect(list.body.snapshots.map((s) => s.id)).toEqual(w.snapshots);
    expect(list.body.snapshots.map((s) => s.snapshot_type)).toEqual([
      'full',
      'incremental',
      'incremental',
      'incremental',
    ]);
    const last = w.snapshots.at(-1)!;
    const shown = await call<{ snapshot: Record<string, unknown> }>('GET', v1(alice, `/snapshots/${last}`), {
      token: alice.token,
    });
    expect(shown.status).toBe(200);
    const snap = shown.body.snapshot;
    expect(snap).toMatchObject({
      id: last,
      workload_id: w.id,
      status: 'available',
      snapshot_type: 'incremental',
    });
    for (const key of [
      'created_at',
      'name',
      'description',
      'size',
      'restore_size',
      'progress_percent',
      'instances',
    ])
      expect(snap).toHaveProperty(key);
    const instance = (snap.instances as Record<string, unknown>[])[0]!;
    expect(instance).toMatchObject({
      name: 'fin-web-1',
      flavor: { vcpus: '1', ram: '2048', disk: '20', ephemeral: '0' },
      nics: [{ network: { name: 'finance-net', subnet: { name: 'finance-subnet', cidr: '10.1.1.0/24' } } }],
    });
    const vdisk = (instance.vdisks as Record<string, unknown>[])[0]!;
    expect(Object.keys(vdisk).sort()).toEqual(
      [
        'volume_id',
        'volume_name',
        'volume_size',
        'volume_type',
        'volume_mountpoint',
        'availability_zone',
        'resource_id',
        'vm_id',
        'label',
        'restore_size',
      ].sort(),
    );
    const nested = await call('GET', v1(alice, `/workloads/${w.id}/snapshots/${last}`), {
      token: alice.token,
    });
    expect(nested.body).toEqual(shown.body);
    const bob = await memberToken(lab, 'bob-dr');
    expect((await call('GET', v1(bob, `/snapshots/${last}`), { token: bob.token })).status).toBe(404);
  });
});

describe('fault injection', () => {
  it('fails, delays and clears as asked', async () => {
    const add = (fault: unknown) => call('POST', '/_lab/faults', { body: fault });
    expect((await add({ pathRegex: '/workloads$', count: 1 })).status).toBe(400);
    expect((await add({ method: 'GET', pathRegex: '/workloads$', status: 503, count: 1 })).status).toBe(201);
    expect(await call('GET', v1(alice, '/workloads'), { token: alice.token })).toEqual({
      status: 503,
      body: { serviceUnavailable: { code: 503, message: 'Fault injected by the DR lab.' } },
    });
    expect((await call('GET', v1(alice, '/workloads'), { token: alice.token })).status).toBe(200);
    await add({ pathRegex: '/snapshots', delayMs: 400, count: 1 });
    const started = Date.now();
    expect((await call('GET', v1(alice, '/snapshots'), { token: alice.token })).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    await add({ pathRegex: 'reasign', status: 500, count: 5, body: { custom: true } });
    expect(
      await call('POST', v1(admin, '/workloads/reasign_workloads'), { token: admin.token, body: [] }),
    ).toEqual({
      status: 500,
      body: { custom: true },
    });
    expect((await call('DELETE', '/_lab/faults')).body).toEqual({ cleared: 1 });
    expect((await call('GET', '/_lab/faults')).body).toEqual({ faults: [] });
  });
});

describe('appliance and cloud B reads', () => {
  it('reports the TVM node and every datamover, admin only', async () => {
    const nodes = await call<{ nodes: Record<string, unknown>[] }>(
      'GET',
      v1(admin, '/workloads/metrics/nodes'),
      {
        token: admin.token,
      },
    );
    expect(nodes.body.nodes).toMatchObject([{ node: 'tvm-1', ipaddress: '127.0.0.11', status: 'Up' }]);
    const contego = await call<{ contego_services: Record<string, unknown>[] }>(
      'GET',
      v1(admin, '/workloads/metrics/contego_status'),
      { token: admin.token },
    );
    const computes = lab.hosts.filter((h) => h.role === 'compute');
    expect(contego.body.contego_services.map((s) => s.host)).toEqual(computes.map((h) => h.name));
    expect(new Set(contego.body.contego_services.map((s) => s.state))).toEqual(new Set(['up']));
    expect((await call('GET', v1(alice, '/workloads/metrics/nodes'), { token: alice.token })).status).toBe(
      403,
    );
  });

  it('serves availability zones, flavors, volume types and one hypervisor per compute host', async () => {
    const zones = await call('GET', '/compute/v2.1/os-availability-zone', { token: alice.token });
    expect(zones.body).toEqual({
      availabilityZoneInfo: [{ zoneName: 'nova', zoneState: { available: true }, hosts: null }],
    });
    const flavors = await call<{ flavors: { name: string; vcpus: number }[] }>(
      'GET',
      '/compute/v2.1/flavors/detail',
      {
        token: alice.token,
      },
    );
    expect(flavors.body.flavors.map((f) => f.name)).toEqual(['m1.tiny', 'm1.small', 'm1.medium', 'm1.large']);
    const types = await call<{ volume_types: { name: string }[] }>(
      'GET',
      `/volume/v3/${alice.projectId}/types`,
      {
        token: alice.token,
      },
    );
    expect(types.body.volume_types.map((t) => t.name)).toEqual(['__DEFAULT__', 'standard', 'fast-ssd']);
    const hypervisors = await call<{ hypervisors: Record<string, unknown>[] }>(
      'GET',
      '/compute/v2.1/os-hypervisors/detail',
      {
        token: admin.token,
      },
    );
    const computes = lab.hosts.filter((h) => h.role === 'compute');
    expect(hypervisors.body.hypervisors.map((h) => [h.hypervisor_hostname, h.host_ip])).toEqual(
      computes.map((h) => [h.name, h.address]),
    );
    expect((await call('GET', '/compute/v2.1/os-hypervisors', { token: alice.token })).status).toBe(403);
  });
});
