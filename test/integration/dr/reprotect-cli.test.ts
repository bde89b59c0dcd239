import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLabJson } from '../../lab/lab.js';
import type { LabJson, LabWorkload } from '../../lab/lab-json.js';
import { adminToken, call } from '../../lab/trilio/trilio-test-kit.js';
import { adminRoles } from './support/api-lab.js';
import { resetDrWorld, startCli, type CliRun } from './support/dr-cli.js';

/**
 * Re-protect after DR, against the lab: a full-cloud DR (without --reenable-schedules) leaves every
 * reassigned workload's job schedule off (Trilio's migrate_cloud); `trilio-dr reprotect` shows them and
 * changes nothing without --yes, turns every one on with --yes — checked through the emulator's
 * Trilio API — and plans nothing the second time.
 */
let lab: LabJson;
let dataDir: string;
let runId = '';
const targetProjects = ['finance-dr', 'engineering-dr', 'research-dr'];
const sources = (): LabWorkload[] => lab.workloads.filter((w) => !w.managed);
const cli = (args: string[]): Promise<CliRun> => startCli(dataDir, args).done;
const why = (run: CliRun): string => `${run.stdout.slice(0, 3000)}\n${run.stderr.slice(-3000)}`;

interface Reprotect {
  workloads: { workloadId: string; name: string; schedule: string; backupTarget: string; planned: boolean }[];
  actions: { method: string; path: string; body: unknown }[];
  executed: boolean;
  after?: { workloadId: string; schedule: string }[];
}
const valueOf = (run: CliRun): Reprotect => (JSON.parse(run.stdout) as { value: Reprotect }).value;

/** Each workload's job schedule `enabled` as Trilio B's API shows it (admin view). */
async function schedulesOn(ids: string[]): Promise<(boolean | number)[]> {
  const admin = await adminToken(lab);
  return Promise.all(
    ids.map(async (id) => {
      const got = await call<{ workload?: { jobschedule?: { enabled?: unknown } } }>(
        'GET',
        `/v1/${admin.projectId}/workloads/${id}`,
        { token: admin.token },
      );
      return got.status === 200 ? got.body.workload?.jobschedule?.enabled === true : got.status;
    }),
  );
}

beforeAll(async () => {
  lab = await readLabJson();
  dataDir = await mkdtemp(join(tmpdir(), 'trilio-dr-reprotect-'));
  const imported = await cli(['profile', 'import', lab.profileFile]);
  expect(imported.stderr).toBe('');
  await resetDrWorld(lab);
  const result = await cli(['run', 'full', '--profile', 'lab', '--concurrency', '2', '--yes', '--json']);
  expect(result.code, why(result)).toBe(0);
  runId = (JSON.parse(result.stdout) as { value: { runId: string } }).value.runId;
}, 600_000);

afterAll(async () => {
  // Leave the lab as the next file expects it: no admin role on the projects, first-boot hosts.
  if (runId) await cli(['revert', '--run', runId, '--yes', '--json']);
  const roles = await adminRoles(lab);
  for (const p of targetProjects) await roles.revoke(p).catch(() => undefined);
  roles.close();
  await resetDrWorld(lab);
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
}, 300_000);

describe('trilio-dr reprotect (lab)', () => {
  it('turns every restored workload’s job schedule on after a full-cloud DR', async () => {
    const ids = sources().map((w) => w.id);
    // The reassign (migrate_cloud) turned them off; the run did not turn them on.
    expect(await schedulesOn(ids)).toEqual(ids.map(() => false));

    const planned = await cli(['reprotect', '--run', runId, '--json']);
    expect(planned.code, why(planned)).toBe(0);
    const plan = valueOf(planned);
    expect(plan.executed).toBe(false);
    expect(plan.workloads.map((w) => [w.workloadId, w.schedule, w.planned]).sort()).toEqual(
      ids.map((id) => [id, 'off', true]).sort(),
    );
    for (const w of plan.workloads) expect(w.backupTarget, w.name).not.toBe('');
    expect(plan.actions.map((a) => [a.method, a.path, a.body]).sort()).toEqual(
      ids.map((id) => ['PUT', `/workloads/${id}`, { workload: { jobschedule: { enabled: true } } }]).sort(),
    );
    // Without --yes nothing changed.
    expect(await schedulesOn(ids)).toEqual(ids.map(() => false));

    const done = await cli(['reprotect', '--run', runId, '--yes', '--json']);
    expect(done.code, why(done)).toBe(0);
    const executed = valueOf(done);
    expect(executed.executed).toBe(true);
    expect(executed.after?.map((w) => w.schedule)).toEqual(ids.map(() => 'on'));
    // Checked through Trilio's API, not the command's word.
    expect(await schedulesOn(ids)).toEqual(ids.map(() => true));

    const again = await cli(['reprotect', '--run', runId, '--yes', '--json']);
    expect(again.code, why(again)).toBe(0);
    expect(valueOf(again).actions).toEqual([]);
    expect(valueOf(again).workloads.map((w) => w.schedule)).toEqual(ids.map(() => 'on'));
  }, 120_000);
});
