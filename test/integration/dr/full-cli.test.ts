import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path, { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mountPathFor } from '../../../shared/nfs/mount-path.js';
import { validateRunReport } from '../../../shared/report/report-schema.js';
import { runOnHost } from '../../lab/hosts/index.js';
import { readLabJson } from '../../lab/lab.js';
import type { LabJson, LabWorkload } from '../../lab/lab-json.js';
import { adminToken, call } from '../../lab/trilio/trilio-test-kit.js';
import { readEml } from '../../unit/notify/support/read-eml.js';
import { adminRoles, injectFault, openstackB, pendingFaults } from './support/api-lab.js';
import { resetDrWorld, startCli, type CliRun } from './support/dr-cli.js';

/**
 * The runbook's full-cloud DR, headless, against the lab: B2 added to Trilio B's configuration on
 * every node, every workload of cloud A reassigned by the by-name mapping and restored (or its owners
 * told), then revert and clean-up — checked on the hosts, in the Trilio emulator, with the real
 * `openstack` CLI and in the SMTP sink's Maildir.
 */
let lab: LabJson;
let dataDir: string;
let adminUserId: string;
const targetProjects = ['finance-dr', 'engineering-dr', 'research-dr'];

const sources = (): LabWorkload[] => lab.workloads.filter((w) => !w.managed);
const nodes = () => lab.hosts.filter((h) => h.role !== 'jump');
const confOf = (role: string) =>
  role === 'tvm' ? '/etc/workloadmgr/workloadmgr.conf' : '/etc/tvault-contego/tvault-contego.conf';

/** The CLI; the SMTP sink's private CA comes from the lab profile's mail settings (smtp.caFile). */
const cli = (args: string[]): Promise<CliRun> => startCli(dataDir, args).done;

interface Row {
  workloadId: string;
  name: string;
  targetProject: string;
  status: string;
  sourceProject: string;
  sourceProjectName?: string;
  restoreId?: string;
  instances?: { name: string; id: string }[];
  error?: string;
}
interface Summary {
  runId: string;
  status: string;
  steps: { key: string; status: string; summary?: string; error?: string; workloads?: Row[] }[];
  changes: { step: string; host: string; kind: string; description: string; undone: boolean }[];
}

function summaryOf(run: CliRun): Summary {
  const parsed = JSON.parse(run.stdout) as { ok: boolean; value?: Summary; run?: Summary };
  const summary = parsed.value ?? parsed.run;
  if (!summary) throw new Error(`no run summary in ${run.stdout.slice(0, 2000)}`);
  return summary;
}

/** What a failed command said: its JSON answer, then the end of its log. */
const why = (run: CliRun): string => `${run.stdout.slice(0, 3000)}\n${run.stderr.slice(-3000)}`;

const stepOf = (s: Summary, key: string) => s.steps.find((x) => x.key === key)!;

async function confs(): Promise<Map<string, string>> {
  const read = nodes().map(async (n) => [n.name, (await runOnHost(n.name, ['cat', confOf(n.role)])).stdout]);
  return new Map((await Promise.all(read)) as [string, string][]);
}

/** Whether each node has a mount at `path` (findmnt), by node name. */
async function mountedOn(path: string): Promise<Record<string, boolean>> {
  const found = nodes().map(async (n) => [
    n.name,
    (await runOnHost(n.name, ['findmnt', '-n', path])).code === 0,
  ]);
  return Object.fromEntries(await Promise.all(found)) as Record<string, boolean>;
}

const everyNode = (value: boolean) => Object.fromEntries(nodes().map((n) => [n.name, value]));

/** Cloud B projects on which the admin user holds the admin role directly, by the real `openstack` CLI. */
async function adminRoleProjects(): Promise<string[]> {
  const rows = await openstackB(lab, ['role', 'assignment', 'list', '--user', adminUserId, '--names']);
  return rows
    .filter((r) => r.Role === 'admin' && String(r.Project).endsWith(`@${lab.clouds.B.domain}`))
    .map((r) => String(r.Project).split('@')[0]!);
}

/** Where Trilio B now lists each workload (project id), or the HTTP status when it does not. */
async function trilioProjects(ids: string[]): Promise<(string | number)[]> {
  const admin = await adminToken(lab);
  return Promise.all(
    ids.map(async (id) => {
      const got = await call<{ workload?: { project_id: string; status: string } }>(
        'GET',
        `/v1/${admin.projectId}/workloads/${id}`,
        { token: admin.token },
      );
      return got.status === 200 && got.body.workload?.status !== 'deleted'
        ? got.body.workload!.project_id
        : got.status;
    }),
  );
}

beforeAll(async () => {
  lab = await readLabJson();
  const roles = await adminRoles(lab);
  adminUserId = roles.userId;
  roles.close();
  dataDir = await mkdtemp(join(tmpdir(), 'trilio-dr-full-'));
  const imported = await startCli(dataDir, ['profile', 'import', lab.profileFile]).done;
  expect(imported.stderr).toBe('');
}, 300_000);

afterAll(async () => {
  // Leave the lab as the next file expects it: no admin role on the projects, first-boot hosts.
  const roles = await adminRoles(lab);
  for (const p of targetProjects) await roles.revoke(p).catch(() => undefined);
  roles.close();
  await resetDrWorld(lab);
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
}, 300_000);

describe('trilio-dr run full (lab)', () => {
  it('recovers every workload of cloud A into its mapped project, then reverts and cleans up', async () => {
    await resetDrWorld(lab);
    const before = await confs();
    const result = await cli(['run', 'full', '--profile', 'lab', '--concurrency', '2', '--yes', '--json']);
    expect(result.code, why(result)).toBe(0);
    const summary = summaryOf(result);
    const runId = summary.runId;
    expect(summary.steps.filter((s) => s.status !== 'succeeded').map((s) => s.key)).toEqual([
      'revert',
      'cleanup',
    ]);
    // The mapping was suggested by name from the source cloud's project names, and printed.
    expect(result.stderr).toContain('Project mapping (suggested by name)');
    for (const w of sources())
      expect(result.stderr).toContain(`${w.sourceProject},${w.sourceProjectName},${w.targetProject},`);

    // Every workload reassigned into its project and restored available, with its instances.
    const rows = stepOf(summary, 'restore').workloads!;
    expect(rows.map((r) => [r.name, r.targetProject, r.status]).sort()).toEqual(
      sources()
        .map((w) => [w.name, w.targetProject, 'available'])
        .sort(),
    );
    for (const w of sources()) {
      const row = rows.find((r) => r.workloadId === w.id)!;
      expect(row).toMatchObject({ sourceProject: w.sourceProject, sourceProjectName: w.sourceProjectName });
      expect(row.instances?.map((i) => i.name).sort()).toEqual(w.vms.map((vm) => vm.name).sort());
    }
    expect(await trilioProjects(sources().map((w) => w.id))).toEqual(
      sources().map((w) => lab.clouds.B.projects[w.targetProject]),
    );
    expect(summary.changes.filter((c) => c.kind === 'reassign')).toHaveLength(sources().length);
    expect(summary.changes.filter((c) => c.kind === 'restore')).toHaveLength(sources().length);
    // One reassign call per target project (its trustee), not one per workload.
    expect(result.stderr.match(/POST \/workloads\/reasign_workloads:/g)).toHaveLength(targetProjects.length);

    // During the run: B2 in every node's configuration and mounted; A1's path bound on every node.
    const b2 = mountPathFor(lab.nfs.B2);
    const a1 = mountPathFor(lab.nfs.A1);
    const during = await confs();
    for (const n of nodes()) expect(during.get(n.name), n.name).toContain(lab.nfs.B2);
    expect(await mountedOn(b2)).toEqual(everyNode(true));
    expect(await mountedOn(a1)).toEqual(everyNode(true));
    expect(await adminRoleProjects()).toEqual(expect.arrayContaining(targetProjects));

    const reverted = await cli(['revert', '--run', runId, '--yes', '--json']);
    expect(reverted.code, why(reverted)).toBe(0);
    const after = await confs();
    for (const n of nodes())
      expect(after.get(n.name), `${n.name} byte-identical after revert`).toBe(before.get(n.name));
    expect(await mountedOn(b2)).toEqual(everyNode(false));

    const cleaned = await cli(['cleanup', '--run', runId, '--yes', '--json']);
    expect(cleaned.code, why(cleaned)).toBe(0);
    expect((await adminRoleProjects()).filter((p) => targetProjects.includes(p))).toEqual([]);
    expect(await trilioProjects(sources().map((w) => w.id))).toEqual(sources().map(() => 404));
    // One purge call with every workload id.
    const purgeLines = cleaned.stderr.split('\n').filter((l) => l.includes('trilio-lab-purge-workloads'));
    expect(purgeLines.length).toBeGreaterThan(0);
    for (const w of sources()) expect(purgeLines[0]).toContain(w.id);
    expect(summaryOf(cleaned).changes.filter((c) => c.kind === 'purge')).toHaveLength(sources().length);

    // The run report of the whole full-cloud DR: valid against its schema, every workload with its
    // measured RTO, the configuration edits shown as undone by the revert, every node on the timeline.
    const reportFile = join(dataDir, `${runId}.json`);
    const exported = await cli(['report', '--run', runId, '--format', 'json', '--out', reportFile]);
    expect(exported.code, why(exported)).toBe(0);
    const report = validateRunReport(JSON.parse(await readFile(reportFile, 'utf8')));
    if (!report.ok) throw new Error(report.problems.join('\n'));
    const r = report.report;
    expect(r.run).toMatchObject({ id: runId, kind: 'full', status: 'succeeded' });
    expect(r.summary).toMatchObject({ workloads: sources().length, available: sources().length, failed: 0 });
    expect(r.workloads.map((w) => w.name).sort()).toEqual(
      sources()
        .map((w) => w.name)
        .sort(),
    );
    for (const w of r.workloads) {
      expect(w, w.name).toMatchObject({ deliveredBy: 'restore', status: 'available' });
      expect(w.rtoFromRunStartMs!, w.name).toBeGreaterThanOrEqual(w.rtoFromStepStartMs!);
      expect(w.rtoFromStepStartMs!, w.name).toBeGreaterThan(0);
    }
    const configEdits = r.changes.filter((c) => c.step === 'reconfigure' && c.kind === 'config-edit');
    expect(configEdits.map((c) => c.host).sort()).toEqual(
      nodes()
        .map((n) => n.name)
        .sort(),
    );
    expect(configEdits.every((c) => c.undone && c.undoneAt)).toBe(true);
    expect(r.steps.map((s) => s.key)).toEqual(
      expect.arrayContaining(['reconfigure', 'restore', 'revert', 'cleanup']),
    );
    const onTimeline = new Set(r.timeline.entries.filter((e) => e.step === 'reconfigure').map((e) => e.host));
    for (const n of nodes()) expect(onTimeline.has(n.name), `${n.name} on the timeline`).toBe(true);
  });

  it('with --notify-only, mails each target project’s owners the list of their workloads', async () => {
    await resetDrWorld(lab);
    const result = await cli(['run', 'full', '--profile', 'lab', '--notify-only', '--yes', '--json']);
    expect(result.code, why(result)).toBe(0);
    const summary = summaryOf(result);
    expect(summary.steps.map((s) => s.key)).toContain('notify');
    expect(summary.steps.map((s) => s.key)).not.toContain('restore');
    expect(summary.changes.filter((c) => c.kind === 'restore')).toEqual([]);
    expect(stepOf(summary, 'notify').workloads!.every((r) => r.status === 'notified')).toBe(true);

    // Owners: the users holding the trustee role on the project, with their Keystone e-mail.
    const users = await openstackB<{ Name: string; Email: string }[]>(lab, [
      'user',
      'list',
      '--domain',
      lab.clouds.B.domain,
      '--long',
    ]);
    const email = new Map(users.map((u) => [u.Name, u.Email]));
    const owners = (project: string) =>
      Object.entries(lab.clouds.B.users)
        .filter(([, u]) => u.project === project && u.roles.includes(lab.trusteeRole))
        .map(([name]) => email.get(name)!);

    const mails = await delivered(summary.runId, targetProjects.length);
    expect(mails).toHaveLength(targetProjects.length);
    for (const mail of mails) {
      const parsed = readEml(mail);
      const project = parsed.headers.get('x-trilio-dr-project')!;
      expect(targetProjects).toContain(project);
      expect(parsed.headers.get('x-lab-envelope-to')).toBe(owners(project).join(', '));
      expect(owners(project).length).toBeGreaterThan(0);
      for (const w of sources()) {
        if (w.targetProject === project) expect(parsed.body).toContain(`  - ${w.name} (workload ${w.id}`);
        else expect(parsed.body).not.toContain(w.id);
      }
      expect(parsed.body).toContain('How to restore a workload');
      // Trilio turned each reassigned workload's job schedule off (migrate_cloud); the run did not
      // re-enable them, so every owner learns that and how to turn them on.
      expect(parsed.body).toContain('Scheduled backups (Trilio job schedule):');
      for (const w of sources().filter((x) => x.targetProject === project)) {
        expect(parsed.body).toContain(`  - ${w.name}: OFF - no new backups are taken until you turn them on`);
        expect(parsed.body).toContain(`workloadmgr workload-modify ${w.id} --jobschedule 'enabled=True'`);
      }
    }
    expect(summary.changes.filter((c) => c.kind === 'notify')).toHaveLength(targetProjects.length);
  });

  it('a restore failing for one workload does not stop the others, and resume retries only it', async () => {
    await resetDrWorld(lab);
    const victim = sources().find((w) => w.name === 'res-notebook')!;
    const snapshot = victim.snapshots.at(-1)!;
    await injectFault({ method: 'POST', pathRegex: `/snapshots/${snapshot}$`, status: 500, count: 1 });
    const failed = await cli(['run', 'full', '--profile', 'lab', '--concurrency', '3', '--yes', '--json']);
    expect(failed.code, why(failed)).toBe(1);
    expect(await pendingFaults()).toEqual([]);
    const body = JSON.parse(failed.stdout) as { error: { message: string } };
    expect(body.error.message).toContain(`res-notebook (${victim.id})`);
    const first = summaryOf(failed);
    expect(stepOf(first, 'restore').status).toBe('failed');
    const rows = stepOf(first, 'restore').workloads!;
    expect(
      rows
        .filter((r) => r.status === 'available')
        .map((r) => r.name)
        .sort(),
    ).toEqual(
      sources()
        .filter((w) => w !== victim)
        .map((w) => w.name)
        .sort(),
    );
    expect(rows.find((r) => r.workloadId === victim.id)).toMatchObject({ status: 'error' });
    expect(first.changes.filter((c) => c.kind === 'restore')).toHaveLength(sources().length - 1);

    const resumed = await cli(['resume', '--run', first.runId, '--yes', '--json']);
    expect(resumed.code, why(resumed)).toBe(0);
    const second = summaryOf(resumed);
    expect(stepOf(second, 'restore').workloads!.every((r) => r.status === 'available')).toBe(true);
    // Only the failed workload got a new restore; the others were followed, not restarted.
    expect(resumed.stderr.match(/Trilio started restore /g)).toHaveLength(1);
    expect(resumed.stderr).toContain(`res-notebook: Trilio started restore`);
    expect(resumed.stderr.match(/Following restore /g)).toHaveLength(sources().length - 1);
    expect(second.changes.filter((c) => c.kind === 'restore')).toHaveLength(sources().length);
  });
});

/** Messages in the sink's Maildir whose X-Trilio-DR-Run header names the run. */
async function delivered(runId: string, expected: number, waitMs = 10_000): Promise<string[]> {
  const dir = path.join(lab.smtp.maildir, 'new');
  const deadline = Date.now() + waitMs;
  for (;;) {
    const found: string[] = [];
    for (const file of await readdir(dir).catch(() => [] as string[])) {
      const text = await readFile(path.join(dir, file), 'utf8');
      if (text.includes(`X-Trilio-DR-Run: ${runId}`)) found.push(text.replace(/\r?\n/g, '\r\n'));
    }
    if (found.length >= expected || Date.now() > deadline) return found;
    await new Promise((r) => setTimeout(r, 100));
  }
}
