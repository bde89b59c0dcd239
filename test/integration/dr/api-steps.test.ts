import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mountPathFor } from '../../../shared/nfs/mount-path.js';
import { readRestoreOutcomeData } from '../../../shared/report/restore-outcome.js';
import type { ApiAction } from '../../../shared/run/plan-types.js';
import type { ChangeView, RunView } from '../../../shared/run/run-types.js';
import { accessStep, runApiAction } from '../../../electron/core/dr/steps/access-step.js';
import { reassignStep } from '../../../electron/core/dr/steps/reassign-step.js';
import { createRestoreStep, type RestoreStepData } from '../../../electron/core/dr/steps/restore-step.js';
import { openClouds } from '../../../electron/core/clients/index.js';
import type { StepDefinition } from '../../../electron/core/runs/step-definition.js';
import type { RunServices } from '../../../electron/core/dr/run-services.js';
import type { LabJson, LabWorkload } from '../../lab/lab-json.js';
import { readLabJson } from '../../lab/lab.js';
import { adminToken, call, scopedToken } from '../../lab/trilio/trilio-test-kit.js';
import {
  adminRoles,
  cliRolesOn,
  type AdminRoles,
  bindA1OntoB1,
  clearFaults,
  copyToB1,
  injectFault,
  labControl,
  pendingFaults,
  removeFromB1,
  resetEmulator,
  unbindA1,
} from './support/api-lab.js';
import { apiRunWorld, type ApiRunWorld } from './support/api-run-world.js';

// Access, Reassign and Restore of a single-workload DR through a real RunEngine against the lab: real
// Keystone (checked with the `openstack` CLI), the Trilio emulator reading the copy on B1 and the
// compute node's disks. eng-git (one VM, two disks, three incrementals written on A1) goes to
// engineering-dr; the earlier steps are stand-ins and the test does their work (copy, bind mount).

let lab: LabJson;
let world: ApiRunWorld;
let eng: LabWorkload;
let runId: string;
let roles: AdminRoles;
const preGranted = 'research-dr';

const changesOf = (id: string, kind: string): ChangeView[] =>
  world.engine.get(id).ok
    ? (world.engine.get(id) as { value: RunView }).value.changes.filter((c) => c.kind === kind)
    : [];
const must = <T>(r: { ok: true; value: T } | { ok: false; error: unknown }): T => {
  if (!r.ok) throw new Error(`expected ok, got ${JSON.stringify(r.error, null, 2)}`);
  return r.value;
};

beforeAll(async () => {
  lab = await readLabJson();
  eng = lab.workloads.find((w) => w.name === 'eng-git')!;
  roles = await adminRoles(lab);
  await resetEmulator();
  await unbindA1(lab, 'compute-1');
  await copyToB1(lab, eng.id);
  world = await apiRunWorld({
    access: accessStep as StepDefinition<unknown, RunServices>,
    reassign: reassignStep as StepDefinition<unknown, RunServices>,
    restore: createRestoreStep({ pollMs: 200 }) as StepDefinition<unknown, RunServices>,
  });
  runId = await world.startRun({ workloadId: eng.id, targetProject: 'engineering-dr' });
});

afterAll(async () => {
  await clearFaults().catch(() => undefined);
  for (const project of ['engineering-dr', preGranted]) await roles.revoke(project);
  roles.close();
  await unbindA1(lab, 'compute-1');
  await removeFromB1(lab, eng.id);
  await resetEmulator();
});

describe('access', () => {
  it('grants the admin role once, recorded with its revoke, and the openstack CLI sees it', async () => {
    expect(await roles.has('engineering-dr')).toBe(false);
    const planned = must(await world.engine.plan(runId, 'access'));
    expect(planned.plan!.actions).toHaveLength(1);
    const first = must(await world.engine.execute(runId, 'access'));
    expect(first.status).toBe('succeeded');
    expect(first.outcome!.verify).toEqual([expect.objectContaining({ ok: true })]);
    expect(await cliRolesOn(lab, 'engineering-dr', roles.userId)).toEqual(['admin']);

    // The same plan again (a resumed run), then a fresh plan: still one recorded grant.
    must(await world.engine.execute(runId, 'access'));
    const replanned = must(await world.engine.plan(runId, 'access'));
    expect(replanned.plan!.actions).toEqual([]);
    must(await world.engine.execute(runId, 'access'));
    const grants = changesOf(runId, 'role-grant');
    expect(grants).toHaveLength(1);
    expect(grants[0]!.undo).toEqual([
      expect.objectContaining({ kind: 'api', service: 'identity', method: 'DELETE' }),
    ]);
  });

  it('records nothing for a role the admin already held (clean-up must not remove it)', async () => {
    await roles.grant(preGranted);
    const other = await world.startRun({ workloadId: eng.id, targetProject: preGranted });
    const done = must(await world.engine.execute(other, 'access'));
    expect(done.plan!.actions).toEqual([]);
    expect(done.outcome!.summary).toContain('nothing changed');
    expect(done.outcome!.verify.every((v) => v.ok)).toBe(true);
    expect(changesOf(other, 'role-grant')).toEqual([]);
    expect(await roles.has(preGranted)).toBe(true);
  });
});

describe('reassign', () => {
  it('refuses a project where nobody holds the trustee role, naming role and project', async () => {
    const ops = await world.startRun({ workloadId: eng.id, targetProject: 'ops' });
    const planned = await world.engine.plan(ops, 'reassign');
    expect(planned.ok).toBe(false);
    if (planned.ok) return;
    expect(planned.error.code).toBe('precondition');
    expect(planned.error.message).toContain('trustee role creator');
    expect(planned.error.message).toContain('project ops');
    expect(planned.error.hint).toContain('openstack role add');
  });

  it('moves the orphan to engineering-dr and its trustee, and the verification holds', async () => {
    const admin = await adminToken(lab);
    const orphans = await call<{ workloads: { id: string }[] }>(
      'GET',
      `/v1/${admin.projectId}/workloads/orphan_workloads/?migrate_cloud=True`,
      { token: admin.token },
    );
    expect(orphans.body.workloads.map((w) => w.id)).toContain(eng.id);
    const done = must(await world.engine.execute(runId, 'reassign'));
    expect(done.plan!.actions).toHaveLength(1);
    expect(done.outcome!.verify.map((v) => [v.check.replace(/ \(backups (on|off)\)$/, ''), v.ok])).toEqual([
      ['eng-git is in project engineering-dr', true],
      ['eng-git belongs to user bob-dr', true],
      // Shown, not required: the run did not ask to re-enable it.
      ['The job schedule of eng-git', true],
    ]);
    const shown = await call<{ workload: { project_id: string; user_id: string } }>(
      'GET',
      `/v1/${admin.projectId}/workloads/${eng.id}`,
      { token: admin.token },
    );
    expect(shown.body.workload).toMatchObject({
      project_id: lab.clouds.B.projects['engineering-dr'],
      user_id: lab.clouds.B.users['bob-dr']!.id,
    });
    expect(changesOf(runId, 'reassign')).toHaveLength(1);
  });

  it('does not reassign a second time when run again', async () => {
    // Any reassign request would now fail: the step must not send one.
    await injectFault({ method: 'POST', pathRegex: 'reasign_workloads', status: 500, count: 1 });
    const again = must(await world.engine.execute(runId, 'reassign'));
    expect(again.outcome!.verify.every((v) => v.ok)).toBe(true);
    expect(await pendingFaults()).toHaveLength(1);
    await clearFaults();
    expect(world.logOf(runId, 'reassign').join('\n')).toContain('not reassigned again');
    expect(changesOf(runId, 'reassign')).toHaveLength(1);
    // A fresh plan sees it in the project already and plans nothing; running that changes nothing.
    expect(must(await world.engine.plan(runId, 'reassign')).plan!.actions).toEqual([]);
    expect(must(await world.engine.execute(runId, 'reassign')).outcome!.summary).toContain('nothing changed');
    expect(changesOf(runId, 'reassign')).toHaveLength(1);
  });
});

describe('restore', () => {
  const a1Path = () => mountPathFor(lab.nfs.A1);

  it('fails with qemu-img’s message while the old share’s mount path is missing on the compute node', async () => {
    // The lab is shared: make sure no bind of A1's path is left on the node the restore reads on.
    await unbindA1(lab, 'compute-1');
    const planned = must(await world.engine.plan(runId, 'restore'));
    const post = planned.plan!.actions[0] as ApiAction;
    expect(post).toMatchObject({ method: 'POST', path: `/snapshots/${eng.snapshots.at(-1)}` });
    const failed = await world.engine.execute(runId, 'restore');
    expect(failed.ok).toBe(false);
    if (failed.ok) return;
    expect(failed.error.message).toContain('ended in error');
    expect(failed.error.message).toContain(`Could not open '${a1Path()}/workload_${eng.id}/snapshot_`);
    expect(failed.error.hint).toContain('Mount paths');
    expect(changesOf(runId, 'restore')).toHaveLength(1);
  });

  it('reaches available once the mount path is bound, with progress and the report’s data', async () => {
    await bindA1OntoB1(lab, 'compute-1');
    const before = world.progress.length;
    const done = must(await world.engine.execute(runId, 'restore'));
    expect(done.status).toBe('succeeded');
    const data = done.outcome!.data as RestoreStepData;
    expect(data).toMatchObject({ status: 'available', snapshotId: eng.snapshots.at(-1) });
    expect(data.instances.map((i) => i.name)).toEqual(['git-1']);
    expect(Date.parse(data.availableAt)).toBeGreaterThan(Date.now() - 120_000);
    expect(data.restoreJson.openstack.networks_mapping.networks[0]!.target_network.name).toBe(
      'engineering-dr-net',
    );
    const report = readRestoreOutcomeData(data);
    expect(report?.workloads).toEqual([
      expect.objectContaining({
        workloadId: eng.id,
        name: 'eng-git',
        targetProject: 'engineering-dr',
        restoreId: data.restoreId,
        status: 'available',
        sourceProject: eng.sourceProject,
      }),
    ]);
    expect(done.outcome!.verify.every((v) => v.ok)).toBe(true);
    const fractions = world.progress
      .slice(before)
      .filter((p) => p.step === 'restore' && p.fraction !== undefined);
    expect(fractions.some((p) => p.fraction! > 0 && p.fraction! < 1)).toBe(true);
    // The earlier restore ended in error: this one is new, and recorded.
    expect(changesOf(runId, 'restore')).toHaveLength(2);
    const log = world.logOf(runId, 'restore').join('\n');
    expect(log).toMatch(new RegExp(`HTTP POST \\S+/snapshots/${eng.snapshots.at(-1)} -> 202 in \\d+ ms`));
    const admin = await adminToken(lab);
    const restores = await call<{ restores: { id: string; status: string; project_id: string }[] }>(
      'GET',
      `/v1/${admin.projectId}/restores?snapshot_id=${eng.snapshots.at(-1)}`,
      { token: admin.token },
    );
    expect(restores.body.restores.find((r) => r.id === data.restoreId)).toMatchObject({
      status: 'available',
      project_id: lab.clouds.B.projects['engineering-dr'],
    });
  });

  it('follows the same restore when run again instead of starting another', async () => {
    const firstId = changesOf(runId, 'restore').at(-1)!.actionId.split(':')[2]!;
    const again = must(await world.engine.execute(runId, 'restore'));
    expect((again.outcome!.data as RestoreStepData).restoreId).toBe(firstId);
    expect(changesOf(runId, 'restore')).toHaveLength(2);
    expect(world.logOf(runId, 'restore').join('\n')).toContain(`Following restore ${firstId}`);
  });
});

describe('restore on a busy appliance', () => {
  it('waits while Trilio refuses the request as busy (429, Retry-After), checks nothing was started, then starts one restore', async () => {
    const admin = await adminToken(lab);
    const project = lab.clouds.B.projects['engineering-dr']!;
    const firstId = changesOf(runId, 'restore').at(-1)!.actionId.split(':')[2]!;
    const first = await call<{ restore: { snapshot_id: string; restore_options: unknown } }>(
      'GET',
      `/v1/${admin.projectId}/restores/${firstId}`,
      { token: admin.token },
    );
    // A new run of the same workload: access and reassign find their work done.
    const busyRun = await world.startRun({ workloadId: eng.id, targetProject: 'engineering-dr' });
    must(await world.engine.execute(busyRun, 'access'));
    must(await world.engine.execute(busyRun, 'reassign'));
    // At most one restore at once; each takes 3 s. Another restore takes the only slot first.
    await labControl('POST', 'load', {
      maxConcurrentRestores: 1,
      busyStatus: 429,
      retryAfterSeconds: 1,
      restoreMs: { median: 3000, sigma: 0 },
    });
    const engDr = await scopedToken(
      lab,
      {
        name: lab.clouds.B.admin.username,
        password: lab.clouds.B.admin.password,
        domain: lab.clouds.B.admin.userDomain,
      },
      { name: 'engineering-dr', domain: lab.clouds.B.domain },
    );
    const occupying = await call<{ restore: { id: string } }>(
      'POST',
      `/v1/${project}/snapshots/${first.body.restore.snapshot_id}`,
      {
        token: engDr.token,
        body: {
          restore: {
            name: 'slot taker',
            description: 'not the run’s',
            options: first.body.restore.restore_options,
          },
        },
      },
    );
    expect(occupying.status).toBe(202);
    const done = must(await world.engine.execute(busyRun, 'restore'));
    expect(done.status).toBe('succeeded');
    const data = done.outcome!.data as RestoreStepData;
    expect(data.status).toBe('available');
    const log = world.logOf(busyRun, 'restore').join('\n');
    expect(log).toMatch(
      /Trilio is busy: it answered the restore request with HTTP 429 .*and started nothing \(checked: GET \/restores\/detail\?snapshot_id=/,
    );
    expect(log).toMatch(/Sending it again in [\d.]+ s \(Trilio asked to retry after 1 s; refusal 1/);
    expect(log).toMatch(/Trilio started restore \S+ \(restoring\) after \d+ busy refusal\(s\)\./);
    // One restore of this run, recorded once; the appliance counted the refusals.
    expect(changesOf(busyRun, 'restore')).toHaveLength(1);
    const load = (await labControl('GET', 'load')) as { refusals: number; restores: { restoreId: string }[] };
    expect(load.refusals).toBeGreaterThanOrEqual(1);
    expect(load.restores.map((r) => r.restoreId)).toEqual([occupying.body.restore.id, data.restoreId]);
    await labControl('DELETE', 'load');
  }, 120_000);
});

describe('clean-up of access', () => {
  it('runs the recorded undo: the role this run granted is revoked, the pre-existing one stays', async () => {
    const [grant] = changesOf(runId, 'role-grant');
    const clouds = openClouds(world.profile, world.getSecret);
    try {
      const clients = must(await clouds.target());
      for (const action of grant!.undo)
        expect(must(await runApiAction(clients, action as ApiAction))).toBe(204);
      // A repeat finds nothing to revoke and still succeeds.
      expect(must(await runApiAction(clients, grant!.undo[0] as ApiAction))).toBe(404);
    } finally {
      clouds.close();
    }
    expect(await cliRolesOn(lab, 'engineering-dr', roles.userId)).toEqual([]);
    expect(await roles.has(preGranted)).toBe(true);
  });
});
