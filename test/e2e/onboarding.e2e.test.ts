import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLabJson } from '../lab/lab.js';
import type { LabJson } from '../lab/lab-json.js';
import { resetDrWorld, startCli } from '../integration/dr/support/dr-cli.js';
import { makeAdminHome, type AdminHome } from '../integration/onboarding/support/admin-home.js';
import { ROOT, startBrowserMode, type BrowserModeServer } from './support/browser-mode.js';
import { launchChromium } from './support/chromium.js';

/**
 * A new user in browser mode (Debian Chromium), from the empty first screen to a checked profile using
 * only the import page ("Start from my environment"), with a fresh HOME holding the admin's files. Then
 * the store is shared with the CLI: the profile saved in the browser runs from `trilio-dr run single`,
 * and a profile the CLI discovered shows unlocked in browser mode — and no secret appears in any page
 * response, log line, export or report.
 */
const PASSPHRASE = 'browser and cli share this passphrase';
const shots = join(ROOT, 'test-results', 'e2e');
let lab: LabJson;
let admin: AdminHome;
let dataDir: string;
let browser: Browser;
let secrets: string[];

async function openApp(): Promise<{ server: BrowserModeServer; page: Page; bodies: string[] }> {
  // No TRILIO_DR_PASSPHRASE: the page asks for it, as it would a new user.
  const server = await startBrowserMode({ dataDir, passphrase: '', env: { HOME: admin.home } });
  const context = await browser.newContext({ viewport: { width: 1440, height: 1400 } });
  const page = await context.newPage();
  const bodies: string[] = [];
  page.on('response', (r) => {
    if (!r.url().startsWith(server.origin) || (r.headers()['content-type'] ?? '').includes('event-stream'))
      return;
    void r.text().then(
      (t) => void bodies.push(t),
      () => undefined,
    );
  });
  await page.goto(server.url);
  return { server, page, bodies };
}

async function unlock(page: Page, heading: RegExp) {
  await expect.poll(() => page.getByTestId('unlock-screen').isVisible()).toBe(true);
  expect(await page.locator('#unlock-title').textContent()).toMatch(heading);
  await page.getByTestId('unlock-passphrase').fill(PASSPHRASE);
  // A new store asks for the passphrase twice.
  if ((await page.getByTestId('unlock-repeat').count()) > 0)
    await page.getByTestId('unlock-repeat').fill(PASSPHRASE);
  await page.getByTestId('unlock-submit').click();
  await page.getByTestId('profile-list').waitFor();
}

const cli = (args: string[]) =>
  startCli(dataDir, args, {
    env: { HOME: admin.home, TRILIO_DR_PASSPHRASE: PASSPHRASE, TRILIO_DR_NO_PROMPT: '1' },
  }).done;

beforeAll(async () => {
  await mkdir(shots, { recursive: true });
  lab = await readLabJson();
  admin = await makeAdminHome(lab);
  dataDir = await mkdtemp(join(tmpdir(), 'trilio-dr-onboard-e2e-'));
  secrets = [lab.clouds.A.admin.password, lab.clouds.B.admin.password, 'lab-root-pw'];
  browser = await launchChromium();
  await resetDrWorld(lab);
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await rm(dataDir, { recursive: true, force: true });
  await rm(admin.home, { recursive: true, force: true });
});

describe('onboarding in browser mode (lab)', () => {
  it('a new user goes from the empty first screen to a checked profile using only the import page', async () => {
    const { server, page, bodies } = await openApp();
    try {
      await unlock(page, /Choose a passphrase/);
      await page.getByTestId('start-from-environment').click();
      await page.getByTestId('onboarding-page').waitFor();
      // Prefilled from the admin's files: clouds.yaml's clouds, the inventory in ~, the SSH config.
      await expect.poll(() => page.getByTestId('onboarding-target-name').inputValue()).toBe('lab-b');
      expect(await page.getByTestId('onboarding-source-name').inputValue()).toBe('lab-a');
      expect(await page.getByTestId('onboarding-inventory').inputValue()).toBe(admin.inventory);
      await page.getByTestId('onboarding-name').fill('lab-from-browser');
      await page.getByTestId('onboarding-nfs-source').fill(lab.nfs.A1);
      await page.getByTestId('onboarding-nfs-syncedCopy').fill(lab.nfs.B2);
      await page.getByTestId('onboarding-discover').click();
      await page.getByTestId('discovery-review').waitFor({ timeout: 60_000 });
      await page.screenshot({ path: join(shots, 'onboarding-found.png'), fullPage: true });

      const hosts = page.getByTestId('discovery-host');
      expect(await hosts.count()).toBe(lab.hosts.filter((h) => h.name !== 'jump-2').length);
      const statuses = await page
        .locator('[data-testid=discovery-host] td[data-status]')
        .evaluateAll((tds) => tds.map((td) => td.getAttribute('data-status')));
      expect(new Set(statuses)).toEqual(new Set(['pinned']));
      expect(await page.getByTestId('discovery-diff').textContent()).toContain('+ host compute-4');
      expect(await page.getByTestId('discovery-problems').count()).toBe(0);

      await page.getByTestId('onboarding-save').click();
      // Saved: the profile opens and its connections are checked at once.
      const summary = page.getByTestId('check-summary');
      await summary.waitFor({ timeout: 60_000 });
      expect(
        await summary.getAttribute('data-ok'),
        (await page.getByTestId('check-matrix').textContent()) ?? '',
      ).toBe('true');
      const states = await page
        .getByTestId('check-cell')
        .evaluateAll((cells) => cells.map((c) => c.getAttribute('data-state')));
      expect(states).not.toContain('failed');
      expect(states.filter((s) => s === 'ok').length).toBeGreaterThan(30);
      await page.screenshot({ path: join(shots, 'onboarding-checked.png'), fullPage: true });

      const everything = bodies.join('\n');
      for (const s of secrets) expect(everything).not.toContain(s);
    } finally {
      await page.context().close();
      await server.stop();
    }
  });

  it('the CLI runs the profile saved in browser mode (same store, same passphrase)', async () => {
    const w = lab.workloads.find((x) => x.name === 'eng-git')!;
    const result = await cli([
      'run',
      'single',
      '--profile',
      'lab-from-browser',
      '--workload',
      w.id,
      '--target-project',
      'engineering-dr',
      '--yes',
      '--json',
    ]);
    expect(result.code, result.stderr.slice(-3000)).toBe(0);
    const runId = (JSON.parse(result.stdout) as { value: { runId: string } }).value.runId;
    const cleaned = await cli(['cleanup', '--run', runId, '--yes']);
    expect(cleaned.code, cleaned.stderr.slice(-2000)).toBe(0);

    // No secret in the run's log, its report, or the profile export.
    const report = join(dataDir, 'report.json');
    expect((await cli(['report', '--run', runId, '--format', 'json', '--out', report])).code).toBe(0);
    const logs = await cli(['logs', '--run', runId]);
    const exported = await cli(['profile', 'export', 'lab-from-browser']);
    const all = [
      result.stdout,
      result.stderr,
      logs.stdout,
      exported.stdout,
      await readFile(report, 'utf8'),
    ].join('\n');
    for (const s of secrets) expect(all).not.toContain(s);
  });

  it('a profile discovered by the CLI shows unlocked in browser mode', async () => {
    const discovered = await cli([
      'profile',
      'discover',
      '--name',
      'lab-from-cli',
      '--cloud',
      `source=${admin.openrc.A}`,
      '--cloud',
      `target=${admin.openrc.B}`,
      '--inventory',
      admin.inventory,
      '--nfs',
      `source=${lab.nfs.A1}`,
      '--nfs',
      `syncedCopy=${lab.nfs.B2}`,
    ]);
    expect(discovered.code, discovered.stderr.slice(-3000)).toBe(0);
    const { server, page, bodies } = await openApp();
    try {
      await unlock(page, /Unlock the secret store/);
      await page.locator('[data-testid=profile-item]', { hasText: 'lab-from-cli' }).click();
      await expect
        .poll(() => page.getByTestId('secret-state-clouds.target.password').textContent())
        .toBe('set');
      await page.getByTestId('check-run').click();
      const summary = page.getByTestId('check-summary');
      await summary.waitFor({ timeout: 60_000 });
      expect(await summary.getAttribute('data-ok')).toBe('true');
      for (const s of secrets) expect(bodies.join('\n')).not.toContain(s);
      expect(server.output()).not.toContain(lab.clouds.B.admin.password);
    } finally {
      await page.context().close();
      await server.stop();
    }
  });
});
