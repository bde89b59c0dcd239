import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mountDirNameFor, mountPathFor } from '../../shared/nfs/mount-path.js';
import { profileSchema } from '../../shared/profile/profile.js';
import { displayCommand } from '../../shared/shell/quote.js';
import { trilioFactsOf } from '../../shared/trilio/trilio-facts.js';
import { readLabJson } from '../lab/lab.js';
import type { LabJson } from '../lab/lab-json.js';
import { importProfileFile, openLabBrowser, resetLabWorld, type LabBrowser } from './support/lab-browser.js';

/**
 * Two things an admin reaches for mid-incident, in the real UI against the lab: the environment runbook
 * exported from the saved profile before any run (a document naming this lab's hosts and base64 mount
 * paths), and the log panel's search — narrowing a run's lines to one host and to a text while the
 * virtual window keeps rendering only what fits.
 */
let lab: LabJson;
let ui: LabBrowser;
let page: Page;
const byTest = (id: string) => page.getByTestId(id);

async function rowTexts(): Promise<string[]> {
  return page.getByTestId('log-row').allInnerTexts();
}

beforeAll(async () => {
  lab = await readLabJson();
  await resetLabWorld(lab);
  ui = await openLabBrowser({ prefix: 'trilio-dr-logsearch-e2e-', passphrase: 'log search e2e passphrase' });
  page = ui.page;
}, 300_000);

afterAll(async () => {
  await ui?.close();
});

describe('runbook export and log search in the UI (browser mode, lab)', () => {
  it('exports the environment runbook of the saved profile as a download', async () => {
    await page.goto(ui.server.url);
    await importProfileFile(page, lab.profileFile);
    await expect.poll(() => byTest('field-name').inputValue(), { timeout: 10_000 }).toBe('lab');
    await byTest('runbook-kind').selectOption('full');
    await byTest('runbook-format').selectOption('md');
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: 30_000 }),
      byTest('runbook-export-button').click(),
    ]);
    expect(download.suggestedFilename()).toBe('runbook-lab-full.md');
    const text = await readFile(await download.path(), 'utf8');
    expect(text).toContain(mountPathFor(lab.nfs.B2));
    expect(text).toContain(mountPathFor(lab.nfs.A1));
    for (const host of ['tvm-1', 'compute-1', 'compute-4']) expect(text).toContain(host);
    expect(text).toContain('vault_storage_nfs_export');
    // Written from the wizard's plans: B2 read at the wizard's staging folder, the lab installer's
    // restarts, every command quoted as the wizard runs it.
    const profile = profileSchema.parse(
      (JSON.parse(await readFile(lab.profileFile, 'utf8')) as { profile: unknown }).profile,
    );
    expect(text).toContain(`/mnt/trilio-dr/${mountDirNameFor(lab.nfs.B2)}`);
    const target = trilioFactsOf(profile.trilio, 'target');
    for (const restart of [target.restartAppliance, target.restartDatamover])
      expect(text).toContain(`\n${displayCommand(restart)}\n`);
    expect(text).not.toContain('/mnt/trilio-dr-nfs-b2');
    await ui.shot('runbook-export');
  });

  it('refuses to export from unsaved edits (the runbook is written from the saved profile)', async () => {
    await byTest('field-name').fill('lab edited');
    expect(await byTest('runbook-export-button').isDisabled()).toBe(true);
    await byTest('profile-revert').click();
    await expect.poll(() => byTest('runbook-export-button').isEnabled()).toBe(true);
  });

  it('narrows a run’s log to one host and to a text', async () => {
    await byTest('tab-wizard').click();
    await byTest('run-target-project').fill('finance-dr');
    await byTest('run-start').click();
    await expect.poll(() => byTest('run-header').isVisible(), { timeout: 10_000 }).toBe(true);
    await byTest('step-preflight').click();
    await byTest('step-plan').click();
    await expect.poll(() => byTest('step-run').isEnabled(), { timeout: 60_000 }).toBe(true);
    await byTest('step-run').click();
    await expect
      .poll(() => byTest('step-panel-status').innerText(), { timeout: 120_000, interval: 250 })
      .toMatch(/succeeded|failed/);

    const all = await rowTexts();
    expect(all.length).toBeGreaterThan(5);
    const total = Number((await byTest('log-count').innerText()).split(' ')[0]);
    const hosts = await byTest('log-host').locator('option').allInnerTexts();
    expect(hosts).toEqual(expect.arrayContaining(['All hosts', 'tvm-1', 'compute-2', 'compute-4']));

    await byTest('log-host').selectOption('compute-2');
    await expect.poll(async () => (await rowTexts()).length).toBeGreaterThan(0);
    const hostRows = page.getByTestId('log-row').locator('.log-host');
    expect(new Set(await hostRows.allInnerTexts())).toEqual(new Set(['compute-2']));
    const count = await byTest('log-count').innerText();
    expect(count).toMatch(new RegExp(`^\\d+ of ${total} lines$`));

    // A text no line has: the panel says so instead of showing an empty box.
    await byTest('log-search').fill('no line says this 7f3a');
    await expect.poll(() => byTest('log-count').innerText()).toBe(`0 of ${total} lines`);
    expect(await page.locator('.log-empty').innerText()).toBe('No line matches the search.');

    // A text some lines have, across every host again.
    await byTest('log-host').selectOption('');
    await byTest('log-search').fill('TVM-1');
    await expect.poll(async () => (await rowTexts()).length).toBeGreaterThan(0);
    for (const row of await rowTexts()) expect(row.toLowerCase()).toContain('tvm-1');
    await ui.shot('log-search');

    await byTest('log-search').fill('');
    await expect.poll(() => byTest('log-count').innerText()).toBe(`${total} lines`);
    expect(ui.problems).toEqual([]);
  });
});
