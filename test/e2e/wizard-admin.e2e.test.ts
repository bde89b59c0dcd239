import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clearFaults, injectFault, pendingFaults } from '../integration/dr/support/api-lab.js';
import { readLabJson } from '../lab/lab.js';
import type { LabJson } from '../lab/lab-json.js';
import { seriousAxeFindings } from './support/axe.js';
import { coveredAmong, horizontalOverflow, overlaps } from './support/layout-checks.js';
import { openLabBrowser, resetLabWorld, type LabBrowser } from './support/lab-browser.js';
import { wizardDriver, type WizardDriver } from './support/wizard-driver.js';
import {
  keepEventSources,
  percentile,
  serveSynthetic,
  streamLiveState,
  SYNTH_RUN,
  syntheticProfile,
  syntheticRun,
} from './support/synthetic-run.js';

/**
 * The wizard as an admin first meets it (issue 22), in one browser session against the lab: a brand
 * new store asks for its passphrase twice; a new profile shows no problem before anything is typed;
 * an import shows what the file holds first; three runs (one cleaned up before it delivered, one
 * closed, one with a step running) read their states; with the step running, at 1280×800 and
 * 1920×1080, every step, the step detail and the log are on screen and uncovered, nothing overflows
 * sideways, the run header does not wrap into itself; clean-up does nothing until confirmed; axe finds
 * no serious or critical violation; each screen is pictured light and dark.
 */
const STEP_TIMEOUT = 120_000;
let lab: LabJson;
let ui: LabBrowser;
let page: Page;
let w: WizardDriver;
const byTest = (id: string) => page.getByTestId(id);
const PASSPHRASE = 'correct horse battery staple';

async function noSeriousAxe(screen: string, include?: string) {
  // A region still being built (the profile editor's lower sections, one per frame) is checked whole.
  await expect.poll(() => page.locator('[aria-busy="true"]').count()).toBe(0);
  expect(await seriousAxeFindings(page, include), `axe on ${screen}`).toEqual([]);
}

async function startRun(): Promise<string> {
  await byTest('run-target-project').fill('finance-dr');
  await byTest('run-start').click();
  await expect.poll(() => byTest('run-header').isVisible(), { timeout: 10_000 }).toBe(true);
  return (await byTest('run-header').getAttribute('data-run-id'))!;
}

async function allRuns() {
  await byTest('run-close').click();
  await expect.poll(() => byTest('run-setup').isVisible()).toBe(true);
}

beforeAll(async () => {
  lab = await readLabJson();
  await resetLabWorld(lab);
  await clearFaults();
  // No passphrase for the server: this data folder is new, the page asks to choose one.
  ui = await openLabBrowser({ prefix: 'trilio-dr-admin-e2e-', timezoneId: 'Europe/Berlin' });
  page = ui.page;
  w = wizardDriver(ui, STEP_TIMEOUT);
}, 300_000);

afterAll(async () => {
  await clearFaults().catch(() => undefined);
  await ui?.close();
});

describe('the wizard as an admin meets it (browser mode, lab)', () => {
  it('a new store asks for a passphrase twice, focused, with a strength hint', async () => {
    await page.goto(ui.server.url);
    await expect.poll(() => byTest('unlock-screen').getAttribute('data-new')).toBe('true');
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')))
      .toBe('unlock-passphrase');
    await byTest('unlock-passphrase').fill('short');
    expect(await byTest('unlock-strength').innerText()).toMatch(/too short/);
    expect(await byTest('unlock-submit').isDisabled()).toBe(true);
    await byTest('unlock-passphrase').fill(PASSPHRASE);
    expect(await byTest('unlock-strength').innerText()).toMatch(/strong/);
    await byTest('unlock-repeat').fill(`${PASSPHRASE}!`);
    await expect.poll(() => byTest('unlock-mismatch').isVisible()).toBe(true);
    expect(await byTest('unlock-submit').isDisabled()).toBe(true);
    await byTest('unlock-repeat').fill(PASSPHRASE);
    await expect.poll(() => byTest('unlock-submit').isEnabled()).toBe(true);
    await noSeriousAxe('the unlock screen');
    await ui.screen('unlock-new-store');
    await byTest('unlock-submit').click();
    await expect.poll(() => byTest('profile-list').isVisible(), { timeout: 20_000 }).toBe(true);
    expect(await byTest('store-status').innerText()).toBe('secrets sealed with passphrase');
  });

  it('a new profile shows no problem before anything is typed; a touched field shows its own', async () => {
    await byTest('profile-new').click();
    await expect.poll(() => byTest('field-name').isVisible()).toBe(true);
    expect(await byTest('profile-problems').count()).toBe(0);
    await noSeriousAxe('the new profile');
    await ui.screen('profile-new');
    await byTest('field-clouds.target.authUrl').fill('ftp://x');
    await byTest('field-clouds.target.authUrl').blur();
    await expect.poll(() => byTest('problem-link').count()).toBe(1);
    expect(await byTest('problem-link').getAttribute('data-path')).toBe('clouds.target.authUrl');
    await byTest('profile-revert').click();
    await expect.poll(() => byTest('problem-link').count()).toBe(0);
  });

  it('an import shows the clouds, hosts, shares and secrets of the file before it saves anything', async () => {
    await byTest('profile-import-file').setInputFiles(lab.profileFile);
    await expect.poll(() => byTest('import-preview').isVisible()).toBe(true);
    expect(await byTest('import-hosts').locator('tbody tr').count()).toBe(lab.hosts.length);
    const clouds = await byTest('import-clouds').innerText();
    expect(clouds).toContain(lab.clouds.B.region);
    expect(clouds).toContain(lab.clouds.A.region);
    expect(await byTest('import-secrets').innerText()).toMatch(/clouds\.target\.password/);
    // Nothing is saved while the preview is open.
    expect(await byTest('profile-item').count()).toBe(0);
    await noSeriousAxe('the import preview', '[data-testid="import-preview"]');
    await ui.screen('import-preview');
    await byTest('import-confirm').click();
    await expect.poll(() => byTest('profile-item').count(), { timeout: 10_000 }).toBe(1);
    expect(await byTest('profile-list-notice').innerText()).toMatch(/^Imported the profile lab: \d+ host/);
    await expect.poll(() => byTest('field-name').inputValue()).toBe('lab');
    await noSeriousAxe('the profile editor');
    await ui.screen('profile');
  });

  it('a run cleaned up before it delivered reads abandoned; clean-up did nothing until confirmed', async () => {
    await byTest('tab-wizard').click();
    await expect.poll(() => byTest('run-setup').isVisible()).toBe(true);
    await ui.screen('run-setup');
    await startRun();
    await w.plan('preflight');
    await w.run('preflight', 'admin-preflight');
    await w.plan('cleanup');
    await byTest('step-run').click();
    await expect.poll(() => byTest('confirm-dialog').isVisible(), { timeout: 60_000 }).toBe(true);
    await noSeriousAxe('the clean-up confirmation', '[data-testid="confirm-dialog"]');
    await ui.screen('gate-cleanup');
    await byTest('confirm-cancel').click();
    await expect.poll(() => byTest('step-notice').innerText()).toMatch(/Nothing was changed/);
    expect(await byTest('step-panel').getAttribute('data-attempts')).toBe('0');
    expect(await byTest('step-status-cleanup').innerText()).toBe('planned');
    expect(await w.runToEnd('admin-cleanup')).toBe('succeeded');
    await expect.poll(() => byTest('run-phase').innerText()).toBe('abandoned, cleaned up');
    await byTest('view-summary').click();
    expect(await byTest('run-closure').getAttribute('data-phase')).toBe('abandoned');
    expect(await byTest('closure-none').innerText()).toMatch(/No workload was restored/);
    await ui.screen('summary-abandoned');
    await allRuns();
  });

  it('a run closed by the user before it delivered reads abandoned too', async () => {
    await startRun();
    await byTest('run-close-for-good').click();
    await expect.poll(() => byTest('confirm-dialog').isVisible()).toBe(true);
    await byTest('confirm-ok').click();
    await expect.poll(() => byTest('run-phase').innerText()).toBe('abandoned, closed');
    await allRuns();
    const rows = byTest('run-row');
    await expect.poll(() => rows.count()).toBe(2);
    const phases = await byTest('run-row-status').allInnerTexts();
    expect(phases.sort()).toEqual(['abandoned, cleaned up', 'abandoned, closed']);
    for (const next of await byTest('run-row-next').allInnerTexts()) expect(next).toBe('—');
  });

  it('with three runs and a step running, every step, the detail and the log are on screen and uncovered', async () => {
    await startRun();
    await w.plan('preflight');
    // Trilio answers the pre-flight's workload list 25 s late: the step runs while the layout is checked.
    await injectFault({ method: 'GET', pathRegex: '/workloads$', delayMs: 25_000, count: 1 });
    await byTest('step-run').click();
    await expect.poll(() => byTest('step-status-preflight').innerText(), { timeout: 20_000 }).toBe('running');
    const stepCount = await byTest('step-list').locator('button.step').count();
    for (const size of [
      { width: 1280, height: 800 },
      { width: 1920, height: 1080 },
    ]) {
      await page.setViewportSize(size);
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      const covered = await coveredAmong(page, [
        { what: 'step', locator: byTest('step-list').locator('button.step') },
        { what: 'step detail', locator: byTest('step-panel') },
        { what: 'log', locator: byTest('log-viewport') },
        { what: 'run header', locator: byTest('run-header') },
      ]);
      expect(covered, `${size.width}×${size.height}`).toEqual([]);
      expect(stepCount).toBeGreaterThanOrEqual(8);
      expect(await horizontalOverflow(page), `${size.width}×${size.height} overflow`).toBe(0);
      // The header's facts and its buttons stay on one line, side by side.
      expect(await overlaps(page.locator('.run-facts'), page.locator('.run-actions'))).toBe(false);
      const row = await page.locator('.run-header-row').boundingBox();
      expect(row!.height, 'the run header row does not wrap').toBeLessThan(40);
    }
    await page.setViewportSize({ width: 1440, height: 1400 });
    expect(await byTest('run-cancel').isVisible()).toBe(true);
    expect(await byTest('step-progress').isVisible()).toBe(true);
    await noSeriousAxe('the wizard with a running step');
    await ui.screen('wizard-running');
    await byTest('view-matrix').click();
    await expect.poll(() => byTest('matrix-row').count()).toBeGreaterThanOrEqual(lab.hosts.length);
    await ui.screen('matrix-running');
    await byTest('view-step').click();
    await w.idle(STEP_TIMEOUT);
    expect(await pendingFaults()).toEqual([]);
    expect(await byTest('step-panel-status').innerText()).toBe('succeeded');
    await allRuns();
    await expect.poll(() => byTest('run-row').count()).toBe(3);
    const newest = byTest('run-row').first();
    expect(await newest.getByTestId('run-row-target').innerText()).toBe('finance-dr');
    expect(await newest.getByTestId('run-row-status').innerText()).toBe('in progress');
    expect(await newest.getByTestId('run-row-duration').innerText()).toMatch(/\d+ (s|min)/);
    expect(await newest.getByTestId('run-row-started').innerText()).toMatch(
      /^\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC\+0[12]:00$/,
    );
    await noSeriousAxe('the run list');
    await ui.screen('runs');
  });

  it('the live matrix of 200 hosts × 500 workloads stays smooth while state streams in (frame p95 < 50 ms)', async () => {
    const profile = syntheticProfile(200);
    const run = syntheticRun(profile, 500);
    const context = await ui.browser.newContext({ viewport: { width: 1440, height: 900 } });
    try {
      const synth = await context.newPage();
      await synth.addInitScript(keepEventSources);
      await serveSynthetic(synth, profile, run);
      await synth.goto(ui.server.url);
      await synth.getByTestId('tab-wizard').click();
      await synth.getByTestId('run-open').click();
      await synth.getByTestId('view-matrix').click();
      await expect
        .poll(() => synth.getByTestId('matrix-counts').innerText())
        .toMatch(/^200 hosts, 500 workloads/);
      // Virtualised: only the rows in sight (and a few around) are in the page.
      const rendered = await synth.getByTestId('matrix-row').count();
      expect(rendered).toBeGreaterThan(10);
      expect(rendered).toBeLessThan(80);
      const workloadIds = (
        run.steps.find((s) => s.key === 'find')!.outcome!.data as { workloads: { id: string }[] }
      ).workloads.map((x) => x.id);
      const result = await streamLiveState(synth, {
        runId: SYNTH_RUN,
        hosts: profile.hosts.map((h) => h.name),
        workloadIds,
        seconds: 5,
      });
      const p95 = percentile(result.frames, 95);
      console.log(
        `matrix 200×500: ${result.frames.length} frames, p95 ${p95.toFixed(1)} ms, ${result.rows} rows rendered`,
      );
      expect(result.frames.length).toBeGreaterThan(50);
      expect(p95).toBeLessThan(50);
      // The stream changed the cells: hosts done, workloads done and failed.
      const counts = await synth.getByTestId('matrix-counts').innerText();
      expect(Number(/(\d+) done/.exec(counts)?.[1])).toBeGreaterThanOrEqual(200);
      expect(Number(/(\d+) failed/.exec(counts)?.[1])).toBeGreaterThan(0);
    } finally {
      await context.close();
    }
  });

  it('ran without CSP violations or console errors', () => {
    expect(ui.problems).toEqual([]);
  });
});
