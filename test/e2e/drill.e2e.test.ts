import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenStackSession } from '../lab/clouds/openstack-session.js';
import { runOnHost } from '../lab/hosts/index.js';
import { readLabJson } from '../lab/lab.js';
import type { LabJson, LabWorkload } from '../lab/lab-json.js';
import { seriousAxeFindings } from './support/axe.js';
import { horizontalOverflow } from './support/layout-checks.js';
import { wizardDriver, type WizardDriver } from './support/wizard-driver.js';
import {
  importProfileFile,
  openLabBrowser,
  resetLabWorld,
  SHOTS_DIR,
  type LabBrowser,
} from './support/lab-browser.js';

/**
 * A DR drill in the wizard (issue 21: "a drill is started, watched and its report opened through the
 * UI"), against the lab with the real core: import the lab profile, choose Rehearse, drill ONE
 * workload (fin-web, one VM), watch the phases and the log move until the verdict, find the drill in
 * the profile's history, reopen it, and open its HTML report, which must name the verdict and the
 * workload. The lab itself is the witness that the drill left nothing: cloud B's Keystone projects
 * and every node's fstab and mount table are read around the drill, outside the product.
 */
const DRILL_TIMEOUT = 840_000;
const PASSPHRASE = 'drill e2e passphrase';
let lab: LabJson;
let web: LabWorkload;
let ui: LabBrowser;
let page: Page;
let w: WizardDriver;
const byTest = (id: string) => page.getByTestId(id);

interface World {
  projects: string[];
  nodes: Record<string, string>;
}
let before: World;

/** Cloud B's projects by name (admin view) and each node's fstab and mounts: what a drill may touch. */
async function world(): Promise<World> {
  const b = lab.clouds.B;
  const session = new OpenStackSession(b.authUrl, {
    username: b.admin.username,
    password: b.admin.password,
    userDomain: b.admin.userDomain,
    project: b.admin.project,
    projectDomain: b.admin.projectDomain,
  });
  const listed = await session.request<{ projects: { name: string }[] }>('GET', b.authUrl, '/projects');
  const nodes: Record<string, string> = {};
  for (const host of lab.hosts.filter((h) => h.role !== 'jump')) {
    const fstab = await runOnHost(host.name, ['cat', '/etc/fstab']);
    const mounts = await runOnHost(host.name, ['findmnt', '-rn', '-o', 'TARGET,SOURCE']);
    nodes[host.name] = `${fstab.stdout}\n--- mounts\n${mounts.stdout.split('\n').sort().join('\n')}`;
  }
  return { projects: listed.projects.map((p) => p.name).sort(), nodes };
}

async function noSeriousAxe(screen: string) {
  expect(await seriousAxeFindings(page), `axe on ${screen}`).toEqual([]);
}

const phaseStatuses = async () =>
  (await page.locator('[data-testid^="drill-phase-status-"]').allInnerTexts()).map((s) => s.trim());

beforeAll(async () => {
  lab = await readLabJson();
  const found = lab.workloads.find((w) => w.name === 'fin-web');
  if (!found) throw new Error('lab workload fin-web missing from lab.json');
  web = found;
  await resetLabWorld(lab);
  before = await world();
  ui = await openLabBrowser({ prefix: 'trilio-dr-drill-e2e-', passphrase: PASSPHRASE });
  page = ui.page;
  w = wizardDriver(ui, 170_000);
}, 300_000);

afterAll(async () => {
  await ui?.close();
});

describe('a DR drill in the wizard (browser mode, lab)', () => {
  it('offers Rehearse beside the single-workload and full-cloud choices, saying it touches no production project', async () => {
    await page.goto(ui.server.url);
    await expect.poll(() => byTest('profile-list').isVisible()).toBe(true);
    await importProfileFile(page, lab.profileFile);
    await expect.poll(() => byTest('profile-item').count(), { timeout: 10_000 }).toBe(1);
    await byTest('tab-wizard').click();
    await expect.poll(() => byTest('run-setup').isVisible()).toBe(true);
    const choices = byTest('run-kind');
    expect(await choices.getByRole('radio').count()).toBe(3);
    expect(await byTest('run-kind-single').isChecked()).toBe(true);
    await byTest('run-kind-drill').check();
    await expect.poll(() => byTest('drill-setup').isVisible()).toBe(true);
    expect(await byTest('run-setup').count()).toBe(0);
    const label = await page.locator('label', { has: byTest('run-kind-drill') }).innerText();
    expect(label).toMatch(/^Rehearse DR \(drill/);
    expect(label).toMatch(/isolated trilio-drill projects/);
    expect(label).toMatch(/no production project is touched/);
    await expect.poll(() => byTest('drills-empty').innerText(), { timeout: 10_000 }).toBe('No drills yet.');
    // The run choices are still there: switching back shows the run setup again.
    await byTest('run-kind-single').check();
    await expect.poll(() => byTest('run-setup').isVisible()).toBe(true);
    await byTest('run-kind-drill').check();
    await expect.poll(() => byTest('drill-setup').isVisible()).toBe(true);
  });

  it('refuses to start with no workload chosen, saying what to do', async () => {
    await byTest('drill-start').click();
    await expect.poll(() => byTest('drill-error').innerText()).toMatch(/Choose at least one workload/);
  });

  it('refuses beside an open real DR run, with the message and the hint of the core', async () => {
    // A real single-workload run that has started (its pre-flight ran) is open.
    await byTest('run-kind-single').check();
    await byTest('run-target-project').fill('finance-dr');
    await byTest('run-start').click();
    await expect.poll(() => byTest('run-header').isVisible(), { timeout: 10_000 }).toBe(true);
    await w.plan('preflight');
    await w.run('preflight', 'drill-00-real-run-preflight');
    await byTest('run-close').click();
    await byTest('run-kind-drill').check();
    await byTest('drill-workload-ids').fill(web.id);
    await byTest('drill-start').click();
    await expect
      .poll(() => byTest('drill-error').innerText(), { timeout: 10_000 })
      .toMatch(/A real DR run of this profile is open .*a drill never runs beside a real DR/);
    expect(await byTest('drill-error').getAttribute('data-code')).toBe('precondition');
    expect(await byTest('drill-error').locator('.error-hint').innerText()).toMatch(/close it/);
    expect(await byTest('drill-screen').count()).toBe(0);
    await ui.screen('drill-refused');
    // Closing the real run lifts the refusal.
    await byTest('run-kind-single').check();
    await expect.poll(() => byTest('run-row').count(), { timeout: 10_000 }).toBe(1);
    await byTest('run-open').click();
    await expect.poll(() => byTest('run-header').isVisible(), { timeout: 10_000 }).toBe(true);
    await byTest('run-close-for-good').click();
    await w.confirmGate();
    await expect.poll(() => byTest('run-phase').innerText(), { timeout: 10_000 }).toMatch(/abandoned/);
    await byTest('run-close').click();
    await byTest('run-kind-drill').check();
    await expect.poll(() => byTest('drill-setup').isVisible()).toBe(true);
    // Back on the setup the refusal no longer shows; no Find has listed workloads yet (the run stopped
    // after its pre-flight), so they are typed.
    await expect.poll(() => byTest('drill-error').count()).toBe(0);
    await expect.poll(() => byTest('drill-known-none').isVisible(), { timeout: 10_000 }).toBe(true);
  });

  it('starts a drill of fin-web and follows its phases and log to a passed verdict', async () => {
    await byTest('drill-workload-ids').fill(web.id);
    expect(await byTest('drill-chosen-count').innerText()).toBe('1 workload(s) chosen.');
    await noSeriousAxe('the drill setup');
    await ui.screen('drill-setup');
    await byTest('drill-start').click();
    await expect.poll(() => byTest('drill-screen').isVisible(), { timeout: 30_000 }).toBe(true);
    expect(await byTest('drill-error').count()).toBe(0);
    const drillId = await byTest('drill-header').getAttribute('data-drill-id');
    expect(drillId).toBeTruthy();
    expect(await page.locator('[data-testid^="drill-phase-"][data-status]').count()).toBe(6);

    // Watch it as a person would: what the phases and the log showed while it ran.
    const seen = new Set<string>();
    let logWhileRunning = 0;
    let shotRunning = false;
    const deadline = Date.now() + DRILL_TIMEOUT;
    while ((await byTest('drill-screen').getAttribute('data-status')) === 'running') {
      if (Date.now() > deadline) throw new Error(`the drill still runs after ${DRILL_TIMEOUT / 1000} s`);
      const statuses = await phaseStatuses();
      statuses.forEach((s, i) => seen.add(`${i}:${s}`));
      logWhileRunning = Math.max(logWhileRunning, await byTest('log-row').count());
      if (!shotRunning && statuses.includes('running') && (await byTest('drill-workload-row').count()) > 0) {
        shotRunning = true;
        await ui.screen('drill-running');
      }
      await page.waitForTimeout(500);
    }
    await ui.shot('drill-01-ended');
    const status = await byTest('drill-screen').getAttribute('data-status');
    const verdictText =
      (await byTest('drill-verdict').count()) > 0 ? await byTest('drill-verdict').innerText() : '';
    const failure = (await byTest('drill-workload-failure').allInnerTexts()).join(' | ');
    const errors = (
      await page.locator('[data-testid="drill-view-error"], [data-testid="drill-call-error"]').allInnerTexts()
    ).join(' | ');
    expect(status, `${verdictText}\n${failure}\n${errors}`).toBe('passed');

    // Seen live: some phase running, and log lines, before the end.
    expect(
      [...seen].some((s) => s.endsWith(':running')),
      [...seen].join(', '),
    ).toBe(true);
    expect(logWhileRunning).toBeGreaterThan(0);

    // The end: every phase succeeded, the verdict says passed with no difference left.
    expect(await phaseStatuses()).toEqual(Array(6).fill('succeeded'));
    expect(await byTest('drill-verdict').getAttribute('data-verdict')).toBe('passed');
    expect(await byTest('drill-verdict-sentence').innerText()).toMatch(
      /^Passed: the workload was restored and verified\./,
    );
    expect(await byTest('drill-verdict-badge').innerText()).toBe('passed');
    expect(await byTest('drill-difference').count()).toBe(0);
    const row = page.locator(`[data-testid="drill-workload-row"][data-workload-id="${web.id}"]`);
    expect(await row.getAttribute('data-status')).toBe('passed');
    expect(await row.getByTestId('drill-workload-name').innerText()).toBe('fin-web');
    expect(await row.getByTestId('drill-workload-rto').innerText()).toMatch(/\d+ (ms|s|min|h)/);
    expect(await row.getByTestId('drill-workload-rpo').innerText()).toMatch(/\d+ (ms|s|min|h)/);
    // The isolated project it made is named and said removed (the lab itself checks that in the next test).
    const projects = await byTest('drill-projects').innerText();
    expect(projects).toMatch(/trilio-drill-\S+-finance/);
    expect(await byTest('drill-project-state').allInnerTexts()).toEqual(['removed']);
    expect(await byTest('log-row').count()).toBeGreaterThan(0);
    await noSeriousAxe('the finished drill');
    // Nothing makes the page scroll sideways, down to the smallest window the wizard supports.
    const size = page.viewportSize()!;
    for (const [width, height] of [
      [1280, 800],
      [1920, 1080],
    ] as const) {
      await page.setViewportSize({ width, height });
      expect(await horizontalOverflow(page), `${width}×${height} overflow`).toBe(0);
    }
    await page.setViewportSize(size);
    await ui.screen('drill-done');
  });

  it('left cloud B and every node as they were (read outside the product)', async () => {
    const after = await world();
    expect(after.projects.filter((p) => p.startsWith('trilio-drill-'))).toEqual([]);
    expect(after.projects).toEqual(before.projects);
    expect(after.nodes).toEqual(before.nodes);
  });

  it('lists the drill in the profile history with its verdict and reopens it with its log', async () => {
    await byTest('drill-close').click();
    await expect.poll(() => byTest('drill-setup').isVisible()).toBe(true);
    await expect.poll(() => byTest('drill-row').count(), { timeout: 10_000 }).toBe(1);
    expect(await byTest('drill-row').getAttribute('data-verdict')).toBe('passed');
    expect(await byTest('drill-row-verdict').innerText()).toBe('passed');
    expect(await byTest('drill-row-workloads').innerText()).toBe('1 (1 passed, 0 failed)');
    // The drill's own Find listed the synced copy: its workloads can now be ticked instead of typed.
    await expect.poll(() => byTest('drill-known-row').count(), { timeout: 10_000 }).toBeGreaterThan(1);
    expect(
      await page.locator(`[data-testid="drill-known-row"][data-workload-id="${web.id}"]`).innerText(),
    ).toContain('fin-web');
    await ui.screen('drill-history');
    // After a reload, as after closing the app: the history is read from the store.
    await page.reload();
    await byTest('tab-wizard').click();
    await byTest('run-kind-drill').check();
    await expect.poll(() => byTest('drill-row').count(), { timeout: 10_000 }).toBe(1);
    await byTest('drill-open').click();
    await expect
      .poll(() => byTest('drill-screen').getAttribute('data-status'), { timeout: 10_000 })
      .toBe('passed');
    expect(await byTest('drill-verdict').getAttribute('data-verdict')).toBe('passed');
    expect(
      await page.locator(`[data-testid="drill-workload-row"][data-workload-id="${web.id}"]`).count(),
    ).toBe(1);
    await expect.poll(() => byTest('log-row').count(), { timeout: 10_000 }).toBeGreaterThan(0);
  });

  it('opens the HTML report: it names the verdict and the workload', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: 60_000 }),
      byTest('drill-report-html').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/\.html$/);
    const file = join(SHOTS_DIR, 'drill-report.html');
    await download.saveAs(file);
    const report = await page.context().newPage();
    try {
      await report.setViewportSize({ width: 1440, height: 900 });
      await report.goto(`file://${file}`);
      const text = await report.locator('body').innerText();
      expect(text).toContain('fin-web');
      expect(text).toMatch(/\bpassed\b/i);
      expect(text).not.toMatch(/\bleft traces\b/i);
      await report.screenshot({ path: join(SHOTS_DIR, 'drill-report.png'), fullPage: true });
    } finally {
      await report.close();
    }
  });

  it('downloads the report as JSON and PDF too', async () => {
    const [json] = await Promise.all([page.waitForEvent('download'), byTest('drill-report-json').click()]);
    const text = await readFile((await json.path())!, 'utf8');
    expect(() => JSON.parse(text)).not.toThrow();
    expect(text).toContain(web.id);
    const [pdf] = await Promise.all([
      page.waitForEvent('download', { timeout: 60_000 }),
      byTest('drill-report-pdf').click(),
    ]);
    expect(pdf.suggestedFilename()).toMatch(/\.pdf$/);
    expect((await readFile((await pdf.path())!)).subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('ran without CSP violations or console errors', () => {
    expect(ui.problems).toEqual([]);
  });
});
