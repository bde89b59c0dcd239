import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { resetDrWorld } from '../../integration/dr/support/dr-cli.js';
import type { LabJson } from '../../lab/lab-json.js';
import { ROOT, startBrowserMode, type BrowserModeServer } from './browser-mode.js';
import { launchChromium } from './chromium.js';

/** Where e2e screenshots go (kept by CI as artifacts). */
export const SHOTS_DIR = join(ROOT, 'test-results', 'e2e');

/**
 * The built UI in browser mode, with its own data folder, in Debian Chromium: what a person at the
 * wizard sees. Console errors, page errors and CSP violations are collected for a final check.
 */
export interface LabBrowser {
  server: BrowserModeServer;
  browser: Browser;
  page: Page;
  dataDir: string;
  /** Console errors and warnings, page errors and CSP violations, in order. */
  problems: string[];
  /** A full-page screenshot into test-results/e2e/<name>.png. */
  shot(name: string): Promise<void>;
  close(): Promise<void>;
}

export async function openLabBrowser(options: { prefix: string; passphrase: string }): Promise<LabBrowser> {
  await mkdir(SHOTS_DIR, { recursive: true });
  const dataDir = await mkdtemp(join(tmpdir(), options.prefix));
  const server = await startBrowserMode({ dataDir, passphrase: options.passphrase });
  const browser = await launchChromium();
  const context = await browser.newContext({
    viewport: { width: 1440, height: 1400 },
    acceptDownloads: true,
  });
  const page = await context.newPage();
  const problems: string[] = [];
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  return {
    server,
    browser,
    page,
    dataDir,
    problems,
    shot: async (name) => {
      await page.screenshot({ path: join(SHOTS_DIR, `${name}.png`), fullPage: true });
    },
    close: async () => {
      await browser.close().catch(() => undefined);
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Back to the DR starting point: every lab node rebooted from its initial files (B1 only, no bind
 * mounts, pristine fstab), the synced copy B2 regenerated from A1 with nothing copied to B1, and the
 * Trilio emulator reset (`POST /_lab/reset`), so the workloads are orphans on B2 again.
 */
export function resetLabWorld(lab: LabJson): Promise<void> {
  return resetDrWorld(lab);
}
