import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mountPathFor } from '../../shared/nfs/mount-path.js';
import {
  adminRoles,
  clearFaults,
  injectFault,
  openstackB,
  pendingFaults,
} from '../integration/dr/support/api-lab.js';
import { runOnHost } from '../lab/hosts/index.js';
import { readLabJson } from '../lab/lab.js';
import type { LabHost, LabJson, LabWorkload } from '../lab/lab-json.js';
import { importProfileFile, openLabBrowser, resetLabWorld, type LabBrowser } from './support/lab-browser.js';
import { wizardDriver, type WizardDriver } from './support/wizard-driver.js';

/**
 * The full-cloud DR in the wizard, as a person does it, against the lab: cloud A is lost, and every
 * workload of its three projects (six workloads) is recovered into cloud B. The mapping is suggested by
 * name after the Find step, one row is edited away and back; Trilio B is reconfigured on every node,
 * the workloads are reassigned and restored (one restore fails first: the table shows it, revert is
 * offered, "Retry failed only" fixes it), then revert and clean-up with the bind mounts removed. The
 * world is then checked without the wizard: config files byte-identical (sha256) to the originals, no
 * admin role left (the real `openstack` CLI), no bind mount or fstab line left.
 */
const STEP_TIMEOUT = 170_000;
const SHOT = 'wizard-full';
let lab: LabJson;
let ui: LabBrowser;
let page: Page;
let w: WizardDriver;
let adminUserId: string;
/** Per node: the Trilio config file's text and sha256, and /etc/fstab, before the run. */
const before = new Map<string, { conf: string; sha: string; fstab: string }>();

const sources = (): LabWorkload[] => lab.workloads.filter((x) => !x.managed);
const targetProjects = (): string[] => [...new Set(sources().map((x) => x.targetProject))].sort();
const nodes = (): LabHost[] => lab.hosts.filter((h) => h.role !== 'jump');
const confOf = (h: LabHost) =>
  h.role === 'tvm' ? '/etc/workloadmgr/workloadmgr.conf' : '/etc/tvault-contego/tvault-contego.conf';

async function onHost(host: string, argv: string[]): Promise<string> {
  const result = await runOnHost(host, argv);
  if (result.code !== 0) throw new Error(`${host}: ${argv.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

async function nodeFiles(): Promise<Map<string, { conf: string; sha: string; fstab: string }>> {
  const read = nodes().map(async (n) => {
    const conf = await onHost(n.name, ['cat', confOf(n)]);
    const sha = (await onHost(n.name, ['sha256sum', confOf(n)])).split(/\s+/)[0]!;
    const fstab = await onHost(n.name, ['cat', '/etc/fstab']);
    return [n.name, { conf, sha, fstab }] as const;
  });
  return new Map(await Promise.all(read));
}

async function mountedOn(path: string): Promise<Record<string, boolean>> {
  const found = nodes().map(
    async (n) => [n.name, (await runOnHost(n.name, ['findmnt', '-n', path])).code === 0] as const,
  );
  return Object.fromEntries(await Promise.all(found));
}
const everyNode = (value: boolean) => Object.fromEntries(nodes().map((n) => [n.name, value]));

/** Cloud B projects on which the admin user holds the admin role directly, by the real `openstack` CLI. */
async function adminRoleProjects(): Promise<string[]> {
  const rows = await openstackB(lab, ['role', 'assignment', 'list', '--user', adminUserId, '--names']);
  return rows
    .filter((r) => r.Role === 'admin' && String(r.Project).endsWith(`@${lab.clouds.B.domain}`))
    .map((r) => String(r.Project).split('@')[0]!);
}

/** The per-workload table: name → [target, status, detail, error]. */
async function bulkTable(): Promise<
  Record<string, { target: string; status: string; detail: string; error: string }>
> {
  const rows = w.byTest('bulk-row');
  const out: Record<string, { target: string; status: string; detail: string; error: string }> = {};
  for (let i = 0; i < (await rows.count()); i++) {
    const row = rows.nth(i);
    out[(await row.getAttribute('data-workload-name'))!] = {
      target: await row.getByTestId('bulk-target').innerText(),
      status: await row.getByTestId('bulk-status').innerText(),
      detail: await row.getByTestId('bulk-detail').innerText(),
      error: await row.getByTestId('bulk-error').innerText(),
    };
  }
  return out;
}

async function expectEveryWorkload(status: string): Promise<void> {
  const table = await bulkTable();
  expect(Object.keys(table).sort()).toEqual(
    sources()
      .map((x) => x.name)
      .sort(),
  );
  for (const x of sources()) expect(table[x.name], x.name).toMatchObject({ target: x.targetProject, status });
}

const mappingRow = (sourceName: string) =>
  page.locator(`[data-testid="mapping-row"][data-source-name="${sourceName}"]`);

beforeAll(async () => {
  lab = await readLabJson();
  expect(sources().length).toBeGreaterThanOrEqual(6);
  expect(new Set(sources().map((x) => x.sourceProject)).size).toBeGreaterThanOrEqual(3);
  await resetLabWorld(lab);
  await clearFaults();
  const roles = await adminRoles(lab);
  adminUserId = roles.userId;
  roles.close();
  for (const [name, files] of await nodeFiles()) before.set(name, files);
  ui = await openLabBrowser({
    prefix: 'trilio-dr-wizard-full-e2e-',
    passphrase: 'wizard full e2e passphrase',
  });
  page = ui.page;
  w = wizardDriver(ui, STEP_TIMEOUT);
}, 300_000);

afterAll(async () => {
  await ui?.close();
  if (!lab) return;
  // Leave the lab as the next file expects it: no admin role on the projects, first-boot hosts.
  await clearFaults().catch(() => undefined);
  const roles = await adminRoles(lab);
  for (const p of targetProjects()) await roles.revoke(p).catch(() => undefined);
  roles.close();
  await resetLabWorld(lab);
}, 300_000);

describe('full-cloud DR in the wizard (browser mode, lab)', () => {
  it('starts a full-cloud run from the wizard tab', async () => {
    await page.goto(ui.server.url);
    await importProfileFile(page, lab.profileFile);
    await expect.poll(() => w.byTest('profile-item').count(), { timeout: 10_000 }).toBe(1);
    await w.byTest('tab-wizard').click();
    await expect.poll(() => w.byTest('run-setup').isVisible()).toBe(true);
    await w.byTest('run-kind-full').check();
    await expect.poll(() => w.byTest('run-full-options').isVisible()).toBe(true);
    expect(await w.byTest('run-target-project').count()).toBe(0);
    // Every restore at once: the lab's emulator restores in seconds, the test waits for one wave.
    await w.byTest('run-concurrency').fill('6');
    // The full-cloud step list: reconfigure instead of copy, revert before clean-up.
    expect(await w.byTest('step-reconfigure').count()).toBe(1);
    expect(await w.byTest('step-revert').count()).toBe(1);
    await ui.shot(`${SHOT}-00-setup`);
    await w.byTest('run-start').click();
    await expect.poll(() => w.byTest('run-header').isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await w.byTest('run-kind-badge').innerText()).toBe('full cloud');
    expect(await w.byTest('run-mapping').innerText()).toBe('project mapping not saved yet');
  });

  it('1 pre-flight and 2 find: every workload on B2, mapping suggested by name', async () => {
    await w.plan('preflight');
    await w.run('preflight', `${SHOT}-01-preflight`);
    await w.expectAllChecksPass();
    await w.plan('find');
    // Find lists the workloads; it is done once the mapping is saved (it reads "choose" until then).
    expect(await w.runToEnd(`${SHOT}-02-find`)).toBe('choose');
    await w.expectAllChecksPass();
    await expect.poll(() => w.byTest('mapping-row').count(), { timeout: 30_000 }).toBe(3);
    for (const x of sources()) {
      const row = mappingRow(x.sourceProjectName);
      expect(await row.getAttribute('data-source-id')).toBe(x.sourceProject);
      expect(await row.getByTestId('mapping-target').inputValue()).toBe(x.targetProject);
      expect(await row.getByTestId('mapping-workloads').innerText()).toContain(x.name);
    }
    // The select offers the target domain's projects (ops too, which nothing maps to).
    const choices = await mappingRow('research')
      .getByTestId('mapping-target')
      .locator('option')
      .allInnerTexts();
    expect(choices).toEqual(expect.arrayContaining([...targetProjects(), 'ops']));
    expect(await w.byTest('mapping-state').innerText()).toBe('Suggested; not saved in the run yet.');
    await ui.shot(`${SHOT}-02-mapping-suggested`);
  });

  it('the mapping: one row edited away and back, saved in the run, exported as CSV', async () => {
    const research = mappingRow('research').getByTestId('mapping-target');
    await research.selectOption('ops');
    await w.byTest('mapping-save').click();
    await expect.poll(() => w.byTest('mapping-state').innerText()).toBe('Saved in the run.');
    expect(await w.byTest('run-mapping').innerText()).toContain('research → ops');
    await research.selectOption('research-dr');
    expect(await w.byTest('mapping-state').innerText()).toBe('Changed; not saved in the run yet.');
    await w.byTest('mapping-save').click();
    await expect.poll(() => w.byTest('mapping-state').innerText()).toBe('Saved in the run.');
    const header = await w.byTest('run-mapping').innerText();
    for (const x of sources()) expect(header).toContain(`${x.sourceProjectName} → ${x.targetProject}`);
    const [download] = await Promise.all([page.waitForEvent('download'), w.byTest('mapping-export').click()]);
    const csv = await readFile((await download.path())!, 'utf8');
    expect(csv.split('\n')[0]).toBe('source_project_id,source_project_name,target_project,trustee_user');
    for (const x of sources())
      expect(csv).toContain(`${x.sourceProject},${x.sourceProjectName},${x.targetProject},`);
    await ui.shot(`${SHOT}-02-mapping-saved`);
  });

  it('3 reconfigure: per node the file, the option change and the restart; B2 mounted everywhere', async () => {
    await w.plan('reconfigure', `${SHOT}-03-reconfigure`);
    expect(await w.byTest('config-on-hold').innerText()).toContain(
      'backups of the target region are on hold',
    );
    expect(await w.byTest('config-snapshot-check').getAttribute('data-ok')).toBe('true');
    const rows = w.byTest('config-node');
    expect(await rows.count()).toBe(nodes().length);
    for (const n of nodes()) {
      const row = page.locator(`[data-testid="config-node"][data-host="${n.name}"]`);
      expect(await row.getByTestId('config-file').innerText()).toBe(confOf(n));
      const beforeValue = await row.getByTestId('config-before').innerText();
      const afterValue = await row.getByTestId('config-after').innerText();
      expect(beforeValue.split(',')).not.toContain(lab.nfs.B2);
      expect(afterValue).toBe(`${beforeValue},${lab.nfs.B2}`);
      // The value shown is the one in the file.
      expect(before.get(n.name)!.conf).toContain(beforeValue);
      expect(await row.getByTestId('config-restart').innerText()).toBe(
        n.role === 'tvm' ? 'systemctl restart wlm-workloads' : 'systemctl restart tvault-contego',
      );
    }
    await w.run('reconfigure', `${SHOT}-03-reconfigure`);
    await w.expectAllChecksPass();
    expect(await mountedOn(mountPathFor(lab.nfs.B2))).toEqual(everyNode(true));
  });

  it('4 mount paths, 5 access, 6 reassign: every workload in the table', async () => {
    await w.plan('mount-paths');
    await w.run('mount-paths', `${SHOT}-04-mount-paths`);
    await w.expectAllChecksPass();
    await w.plan('access');
    await expectEveryWorkload('not run yet');
    await w.run('access', `${SHOT}-05-access`);
    await expectEveryWorkload('role granted');
    await w.plan('reassign');
    await w.run('reassign', `${SHOT}-06-reassign`);
    await w.expectAllChecksPass();
    await expectEveryWorkload('reassigned');
  });

  it('7 restore: one restore fails; the table shows it, revert is offered, "Retry failed only" fixes it', async () => {
    const victim = sources().find((x) => x.name === 'res-notebook')!;
    await w.plan('restore', `${SHOT}-07-restore`);
    await injectFault({
      method: 'POST',
      pathRegex: `/snapshots/${victim.snapshots.at(-1)!}$`,
      status: 500,
      count: 1,
    });
    // The live matrix while the six restores run: every host and workload has its row, and restore
    // cells turn done while the step is still running (item events, not the final re-read).
    await w.byTest('step-run').click();
    await w.byTest('view-matrix').click();
    await expect
      .poll(() => w.byTest('matrix-row').count(), { timeout: 10_000 })
      .toBe(lab.hosts.length + sources().length);
    const rowKeys = await w
      .byTest('matrix-row')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-row')));
    expect(rowKeys.sort()).toEqual(
      [...lab.hosts.map((h) => `h:${h.name}`), ...sources().map((x) => `w:${x.id}`)].sort(),
    );
    const restoreCells = (state: string) =>
      page.locator(`[data-testid="matrix-cell"][data-step="restore"][data-state="${state}"]`).count();
    let liveDone = false;
    await expect
      .poll(
        async () => {
          const running = (await w.byTest('step-status-restore').innerText()) === 'running';
          if (running && (await restoreCells('ok')) > 0) liveDone = true;
          return liveDone || !running;
        },
        { timeout: STEP_TIMEOUT, interval: 50 },
      )
      .toBe(true);
    expect(liveDone, 'a restore cell turned done while the step ran').toBe(true);
    await ui.screen('matrix-full-dr');
    await w.byTest('view-step').click();
    await w.idle(STEP_TIMEOUT);
    expect(await w.byTest('step-panel-status').innerText()).toBe('failed');
    expect(await pendingFaults()).toEqual([]);
    // A click on the failed workload's restore cell opens its log lines.
    await w.byTest('view-matrix').click();
    await expect.poll(() => restoreCells('failed')).toBe(1);
    const failedCell = page.locator(
      `[data-row="w:${victim.id}"] [data-testid="matrix-cell"][data-step="restore"]`,
    );
    expect(await failedCell.getAttribute('data-state')).toBe('failed');
    await failedCell.click();
    await expect.poll(() => w.byTest('log-step-filter').innerText()).toMatch(/Restore/);
    expect(await w.byTest('log-search').inputValue()).toBe(victim.name);
    const lines = await w.byTest('log-row').allInnerTexts();
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) expect(l).toContain(victim.name);
    await w.byTest('log-step-filter').click();
    await w.byTest('log-search').fill('');
    await w.byTest('view-step').click();
    const table = await bulkTable();
    expect(table[victim.name]!.status).toBe('error');
    expect(table[victim.name]!.error).not.toBe('');
    for (const x of sources().filter((s) => s !== victim))
      expect(table[x.name]!.status, x.name).toBe('available');
    // Failed halfway: revert is offered at once (B2 must not stay in Trilio's configuration).
    expect(await w.byTest('finish-offer').getAttribute('data-reason')).toBe('failed');
    expect(await w.byTest('offer-revert').isVisible()).toBe(true);

    await w.byTest('bulk-retry').click();
    await expect.poll(() => w.byTest('step-plan').isDisabled(), { timeout: 5_000, interval: 20 }).toBe(true);
    await w.idle(STEP_TIMEOUT);
    await ui.shot(`${SHOT}-07-restore`);
    expect(await w.byTest('step-panel-status').innerText(), await w.errorText()).toBe('succeeded');
    await w.expectAllChecksPass();
    await expectEveryWorkload('available');
    const after = await bulkTable();
    for (const x of sources())
      for (const vm of x.vms) expect(after[x.name]!.detail, x.name).toContain(vm.name);
    expect(await w.byTest('bulk-retry').count()).toBe(0);
  });

  it('8 revert: offered at the end; config files byte-identical to the originals, B2 unmounted', async () => {
    expect(await w.byTest('finish-offer').getAttribute('data-reason')).toBe('done');
    await w.byTest('offer-revert').click();
    await expect.poll(() => w.byTest('step-panel').getAttribute('data-step')).toBe('revert');
    await w.plan('revert', `${SHOT}-08-revert`);
    expect(await w.byTest('config-node').count()).toBe(nodes().length);
    for (const n of nodes()) {
      const row = page.locator(`[data-testid="config-node"][data-host="${n.name}"]`);
      expect(await row.getByTestId('config-before').innerText()).toContain(lab.nfs.B2);
      expect(await row.getByTestId('config-after').innerText()).not.toContain(lab.nfs.B2);
    }
    await w.run('revert', `${SHOT}-08-revert`);
    await w.expectAllChecksPass();
    const now = await nodeFiles();
    for (const n of nodes()) {
      expect(now.get(n.name)!.sha, `${n.name} ${confOf(n)} sha256`).toBe(before.get(n.name)!.sha);
      expect(now.get(n.name)!.conf, `${n.name} byte-identical`).toBe(before.get(n.name)!.conf);
    }
    expect(await mountedOn(mountPathFor(lab.nfs.B2))).toEqual(everyNode(false));
  });

  it('9 clean-up with the bind mounts removed: no admin role, no bind mount, no fstab line left', async () => {
    await w.byTest('offer-cleanup').click();
    await expect.poll(() => w.byTest('step-panel').getAttribute('data-step')).toBe('cleanup');
    expect(await mountedOn(mountPathFor(lab.nfs.A1))).toEqual(everyNode(true));
    await w.byTest('cleanup-remove-mounts').check();
    await w.idle(30_000);
    await w.plan('cleanup', `${SHOT}-09-cleanup`);
    expect(await w.byTest('cleanup-remove-mounts').isChecked()).toBe(true);
    // A full-cloud clean-up asks for the profile's name before it runs (the driver types it).
    await w.byTest('step-run').click();
    await expect.poll(() => w.byTest('confirm-type').isVisible(), { timeout: 30_000 }).toBe(true);
    expect(await w.byTest('confirm-ok').isDisabled()).toBe(true);
    await w.byTest('confirm-type').fill('not the name');
    expect(await w.byTest('confirm-ok').isDisabled()).toBe(true);
    await ui.screen('gate-cleanup-full');
    await w.byTest('confirm-cancel').click();
    expect(await w.byTest('step-status-cleanup').innerText()).toBe('planned');
    await w.run('cleanup', `${SHOT}-09-cleanup`);
    await w.expectAllChecksPass();
    expect(await w.byTest('finish-offer').count()).toBe(0);
    await expect.poll(() => w.byTest('run-phase').innerText()).toBe('done');

    expect((await adminRoleProjects()).filter((p) => targetProjects().includes(p))).toEqual([]);
    expect(await mountedOn(mountPathFor(lab.nfs.A1))).toEqual(everyNode(false));
    const now = await nodeFiles();
    for (const n of nodes())
      expect(now.get(n.name)!.fstab, `${n.name} /etc/fstab`).toBe(before.get(n.name)!.fstab);
  });

  it('ran without CSP violations or console errors', () => {
    expect(ui.problems).toEqual([]);
  });
});
