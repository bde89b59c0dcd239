import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mountPathFor } from '../../shared/nfs/mount-path.js';
import { runOnHost } from '../lab/hosts/index.js';
import { readLabJson } from '../lab/lab.js';
import type { LabJson, LabWorkload } from '../lab/lab-json.js';
import { importProfileFile, openLabBrowser, resetLabWorld, type LabBrowser } from './support/lab-browser.js';
import { wizardDriver, type WizardDriver } from './support/wizard-driver.js';
import { seriousAxeFindings } from './support/axe.js';
import { idsWithoutNames, keystoneNames } from './support/name-checks.js';
import { SCREENS_DIR, SHOTS_DIR } from './support/lab-browser.js';

/**
 * The single-workload DR in the wizard, as a person does it, against the lab: import the lab profile,
 * start a run for fin-erp (two VMs, incrementals) into finance-dr, then plan and run every step in
 * order — picking the workload in the find step's table — and check the world independently of the
 * wizard (files on B1, bind mounts on the nodes). One test per step, so a failure names the step.
 */
const STEP_TIMEOUT = 170_000;
let lab: LabJson;
let erp: LabWorkload;
let ui: LabBrowser;
let page: Page;
const stepEvents: string[] = [];

let w: WizardDriver;
let names: Map<string, string>;
/** Keystone ids in the open step panel shown without their name (none may be), and how many were seen. */
const panelNames = async () => idsWithoutNames(await byTest('step-panel').innerText(), names);
const byTest = (id: string) => w.byTest(id);
const idle = (timeout: number) => w.idle(timeout);
const plan = (key: string, shot: string) => w.plan(key, `wizard-${shot}`);
const run = (key: string, shot: string) => w.run(key, `wizard-${shot}`);
const errorText = () => w.errorText();
const verifyRows = () => w.verifyRows();
const expectAllChecksPass = () => w.expectAllChecksPass();

beforeAll(async () => {
  lab = await readLabJson();
  const found = lab.workloads.find((w) => w.name === 'fin-erp');
  if (!found) throw new Error('lab workload fin-erp missing from lab.json');
  erp = found;
  names = keystoneNames(lab);
  await resetLabWorld(lab);
  expect(existsSync(join(lab.sharesDir.B1, `workload_${erp.id}`))).toBe(false);
  ui = await openLabBrowser({ prefix: 'trilio-dr-wizard-e2e-', passphrase: 'wizard e2e passphrase' });
  page = ui.page;
  w = wizardDriver(ui, STEP_TIMEOUT);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  cdp.on('Network.eventSourceMessageReceived', (m) => {
    if (m.eventName === 'step') stepEvents.push(m.data);
  });
}, 300_000);

afterAll(async () => {
  await ui?.close();
});

describe('single-workload DR in the wizard (browser mode, lab)', () => {
  it('imports the lab profile through the profile list', async () => {
    await page.goto(ui.server.url);
    await expect.poll(() => byTest('profile-list').isVisible()).toBe(true);
    await importProfileFile(page, lab.profileFile);
    await expect.poll(() => byTest('profile-item').count(), { timeout: 10_000 }).toBe(1);
    expect(await byTest('profile-item').innerText()).toContain('lab');
    await expect.poll(() => byTest('field-name').inputValue()).toBe('lab');
  });

  it('starts a run for the target project from the wizard tab', async () => {
    await byTest('tab-wizard').click();
    await expect.poll(() => byTest('run-setup').isVisible()).toBe(true);
    await expect.poll(() => byTest('runs-empty').innerText()).toBe('No runs yet.');
    await byTest('run-target-project').fill('finance-dr');
    expect(await byTest('run-snapshot').inputValue()).toBe('latest');
    expect(await byTest('run-notify-only').isChecked()).toBe(false);
    await ui.shot('wizard-00-setup');
    await byTest('run-start').click();
    await expect.poll(() => byTest('run-header').isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await byTest('run-status').innerText()).toBe('created');
    expect(await byTest('run-target').innerText()).toBe('finance-dr');
    expect(await byTest('run-workload-id').innerText()).toBe('not chosen');
    expect(await byTest('step-status-preflight').innerText()).toBe('pending');
  });

  it('1 pre-flight: every check passes', async () => {
    await plan('preflight', '01-preflight');
    await run('preflight', '01-preflight');
    await expectAllChecksPass();
    expect((await verifyRows()).join('\n')).toContain('tvm-1');
    expect(await byTest('log-row').count()).toBeGreaterThan(0);
  });

  it('2 find: lists the workloads on B2; choosing fin-erp verifies it', async () => {
    await plan('find', '02-find');
    // A Find that only listed the workloads is not done: it reads "choose" and offers no Next.
    expect(await w.runToEnd('wizard-02-find-list')).toBe('choose');
    expect(await byTest('step-next').count()).toBe(0);
    await expect.poll(() => byTest('workload-row').count()).toBeGreaterThanOrEqual(2);
    await byTest('workload-search').fill('fin-erp');
    await expect.poll(() => byTest('workload-row').count()).toBe(1);
    const row = page.locator(`[data-testid="workload-row"][data-workload-id="${erp.id}"]`);
    const text = await row.innerText();
    expect(text).toContain('erp-app');
    expect(text).toContain('erp-db');
    expect(text).toContain(String(erp.snapshots.length));
    await row.getByTestId('workload-choose').click();
    await expect.poll(() => row.getByTestId('workload-chosen').count(), { timeout: STEP_TIMEOUT }).toBe(1);
    await idle(STEP_TIMEOUT);
    expect(await byTest('step-panel-status').innerText()).toBe('succeeded');
    expect(await byTest('run-workload-id').innerText()).toBe(erp.id);
    const rows = await verifyRows();
    expect(rows.some((r) => r.startsWith('true|') && r.includes(erp.id))).toBe(true);
    await expectAllChecksPass();
    expect(await byTest('outcome-summary').innerText()).toContain('fin-erp');
    // The project of the workload reads with its name (cloud A's Keystone knows it).
    expect(await row.getByTestId('workload-project').innerText()).toContain(erp.sourceProjectName);
    const found = await panelNames();
    expect(found.missing).toEqual([]);
    expect(found.seen).toBeGreaterThan(0);
    await ui.shot('wizard-02-find');
    await ui.screen('wizard-find');
  });

  it('3 copy: copies fin-erp to B1 with progress', async () => {
    await plan('copy', '03-copy');
    expect(await byTest('plan-action-host').first().innerText()).toBe('tvm-1');
    const before = stepEvents.length;
    await byTest('step-run').click();
    await expect.poll(() => byTest('step-progress').count(), { timeout: 5_000, interval: 20 }).toBe(1);
    await idle(STEP_TIMEOUT);
    await ui.shot('wizard-03-copy');
    const status = await byTest('step-panel-status').innerText();
    if (status !== 'succeeded') throw new Error(`copy ended ${status}: ${await errorText()}`);
    await expectAllChecksPass();
    const copyEvents = stepEvents.slice(before).filter((e) => e.includes('"step":"copy"'));
    expect(copyEvents.some((e) => /"fraction":0?\.\d+/.test(e) || e.includes('"fraction":0'))).toBe(true);
    expect(existsSync(join(lab.sharesDir.B1, `workload_${erp.id}`))).toBe(true);
  });

  it('4 mount paths: bind mounts with fstab lines on the appliance and every compute node', async () => {
    await plan('mount-paths', '04-mount-paths');
    const commands = await byTest('plan-action-command').allInnerTexts();
    expect(commands.some((c) => c.includes('mount --bind'))).toBe(true);
    await run('mount-paths', '04-mount-paths');
    await expectAllChecksPass();
    const oldPath = mountPathFor(lab.nfs.A1);
    const mounted = await runOnHost('compute-1', ['findmnt', '-n', '-o', 'TARGET', oldPath]);
    expect(mounted.stdout.trim()).toBe(oldPath);
  });

  it('5 access: the admin user gets a role on finance-dr', async () => {
    await plan('access', '05-access');
    await run('access', '05-access');
    await expectAllChecksPass();
  });

  it('6 reassign: the orphaned workload is assigned to finance-dr; every project and user id has its name', async () => {
    await plan('reassign', '06-reassign');
    const planned = await panelNames();
    expect(planned.missing).toEqual([]);
    expect(planned.seen).toBeGreaterThan(0);
    await run('reassign', '06-reassign');
    await expectAllChecksPass();
    expect((await panelNames()).missing).toEqual([]);
    expect(await byTest('step-panel').innerText()).toContain('finance-dr');
    await ui.screen('wizard-reassign');
  });

  it('7 restore: shows restore.json, restores until available', async () => {
    await plan('restore', '07-restore');
    const json = await byTest('restore-json-text').innerText();
    expect(JSON.parse(json)).toMatchObject({ restore_type: 'selective', type: 'openstack' });
    expect(json).toContain('networks_mapping');
    await run('restore', '07-restore');
    await expectAllChecksPass();
    expect(await byTest('outcome-summary').innerText()).toMatch(/available/i);
  });

  it('8 clean-up: removes the workload copy after asking once, and the bind mounts when asked', async () => {
    await w.openStep('cleanup');
    await byTest('cleanup-remove-mounts').check();
    await idle(30_000);
    await plan('cleanup', '08-cleanup');
    expect(await byTest('cleanup-remove-mounts').isChecked()).toBe(true);
    // The plan marks the one action that deletes data: the workload copy on the target share.
    expect(await byTest('plan-action-deletes').count()).toBe(1);
    // Clean-up asks first, listing what it removes (the bind mounts and the workload copy among them).
    await byTest('step-run').click();
    await expect.poll(() => byTest('confirm-dialog').isVisible(), { timeout: 30_000 }).toBe(true);
    const items = await byTest('confirm-item').allInnerTexts();
    expect(
      items.some((i) => /unmount|umount|fstab/i.test(i)),
      items.join('\n'),
    ).toBe(true);
    expect(
      items.some((i) => /Remove the workload copy .*workload_/.test(i)),
      items.join('\n'),
    ).toBe(true);
    await ui.screen('gate-cleanup-single');
    await byTest('confirm-cancel').click();
    expect(await byTest('step-notice').innerText()).toMatch(/Nothing was changed/);
    expect(await byTest('step-status-cleanup').innerText()).toBe('planned');
    await run('cleanup', '08-cleanup');
    await expectAllChecksPass();
    // Cleaned up after it delivered: the run is done, and its summary says what was restored.
    await expect.poll(() => byTest('run-phase').innerText()).toBe('done');
    await byTest('view-summary').click();
    expect(await byTest('run-closure').getAttribute('data-phase')).toBe('done');
    expect(await byTest('closure-workload').innerText()).toContain('fin-erp');
    expect(await byTest('closure-next').innerText()).toMatch(/restored instances in project finance-dr/);
    await ui.screen('summary-done');
    await byTest('view-step').click();
    const oldPath = mountPathFor(lab.nfs.A1);
    const mounted = await runOnHost('compute-1', ['findmnt', '-n', oldPath]);
    expect(mounted.code).not.toBe(0);
    const copy = `${mountPathFor(lab.nfs.B1)}/workload_${erp.id}`;
    expect((await runOnHost('tvm-1', ['test', '-e', copy])).code, `${copy} removed`).not.toBe(0);
  });

  it('reopens the run after a reload with its steps and log', async () => {
    await page.reload();
    await byTest('tab-wizard').click();
    await expect.poll(() => byTest('run-row').count(), { timeout: 10_000 }).toBe(1);
    await byTest('run-open').click();
    await expect.poll(() => byTest('run-header').isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await byTest('step-status-preflight').innerText()).toBe('succeeded');
    expect(await byTest('step-status-find').innerText()).toBe('succeeded');
    await expect.poll(() => byTest('log-row').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    expect(await byTest('log-count').innerText()).not.toBe('0 lines');
    await ui.shot('wizard-09-reopened');
  });

  it('exports the report as HTML: project and user names beside their ids, no serious axe finding', async () => {
    await byTest('report-format').selectOption('html');
    const [download] = await Promise.all([page.waitForEvent('download'), byTest('report-export').click()]);
    const file = join(SHOTS_DIR, 'wizard-report.html');
    await download.saveAs(file);
    const report = await page.context().newPage();
    try {
      await report.setViewportSize({ width: 1440, height: 900 });
      await report.goto(`file://${file}`);
      const text = await report.locator('body').innerText();
      const found = idsWithoutNames(text, names);
      expect(found.missing).toEqual([]);
      expect(found.seen).toBeGreaterThan(0);
      expect(await seriousAxeFindings(report)).toEqual([]);
      for (const scheme of ['light', 'dark'] as const) {
        await report.emulateMedia({ colorScheme: scheme });
        await report.screenshot({ path: join(SCREENS_DIR, `report-${scheme}.png`) });
      }
    } finally {
      await report.close();
    }
    expect(await seriousAxeFindings(page)).toEqual([]);
    await ui.screen('wizard-done');
  });

  it('exports the run report as JSON and as a PDF from the run header', async () => {
    await byTest('report-format').selectOption('json');
    const [json] = await Promise.all([page.waitForEvent('download'), byTest('report-export').click()]);
    const report = JSON.parse(await readFile((await json.path())!, 'utf8')) as {
      schema: string;
      steps: { key: string }[];
    };
    expect(report.schema).toBe('trilio-dr-report/v1');
    expect(report.steps.map((st) => st.key)).toContain('restore');
    await byTest('report-format').selectOption('pdf');
    const [pdf] = await Promise.all([
      page.waitForEvent('download', { timeout: 60_000 }),
      byTest('report-export').click(),
    ]);
    expect(pdf.suggestedFilename()).toMatch(/\.pdf$/);
    expect((await readFile((await pdf.path())!)).subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('ran without CSP violations or console errors', () => {
    expect(ui.problems).toEqual([]);
  });
});
