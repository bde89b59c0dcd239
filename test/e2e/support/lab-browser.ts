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
 * Screenshots of each screen at 1440×900, light and dark, for a reviewer (README names this folder):
 * `<screen>-light.png` and `<screen>-dark.png`.
 */
export const SCREENS_DIR = join(ROOT, 'test-results', 'screenshots');

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
  /** The screen as a reviewer sees it: 1440×900, light and dark, into test-results/screenshots/. */
  screen(name: string): Promise<void>;
  close(): Promise<void>;
}

export async function openLabBrowser(options: {
  prefix: string;
  /** Absent: the server starts locked and the page asks for the passphrase. */
  passphrase?: string;
  viewport?: { width: number; height: number };
  /** The browser's time zone (local times in the UI are checked against it). */
  timezoneId?: string;
}): Promise<LabBrowser> {
  await mkdir(SHOTS_DIR, { recursive: true });
  await mkdir(SCREENS_DIR, { recursive: true });
  const dataDir = await mkdtemp(join(tmpdir(), options.prefix));
  const server = await startBrowserMode({
    dataDir,
    ...(options.passphrase !== undefined ? { passphrase: options.passphrase } : {}),
  });
  const browser = await launchChromium();
  const viewport = options.viewport ?? { width: 1440, height: 1400 };
  const context = await browser.newContext({
    viewport,
    acceptDownloads: true,
    ...(options.timezoneId ? { timezoneId: options.timezoneId } : {}),
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
    screen: async (name) => {
      const before = page.viewportSize() ?? viewport;
      await page.setViewportSize({ width: 1440, height: 900 });
      try {
        for (const scheme of ['light', 'dark'] as const) {
          await page.emulateMedia({ colorScheme: scheme });
          // One frame for the new colours (and any layout change) before the picture.
          await page.evaluate(
            () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))),
          );
          await page.screenshot({ path: join(SCREENS_DIR, `${name}-${scheme}.png`) });
        }
      } finally {
        await page.emulateMedia({ colorScheme: 'light' });
        await page.setViewportSize(before);
      }
    },
    close: async () => {
      await browser.close().catch(() => undefined);
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Imports a profile file through the profile list: the preview shows, then Import saves it. */
export async function importProfileFile(page: Page, file: string): Promise<void> {
  await page.getByTestId('profile-import-file').setInputFiles(file);
  await page.getByTestId('import-preview').waitFor({ state: 'visible', timeout: 10_000 });
  await page.getByTestId('import-confirm').click();
  await page.getByTestId('import-preview').waitFor({ state: 'hidden', timeout: 10_000 });
}

/**
 * Back to the DR starting point: every lab node rebooted from its initial files (B1 only, no bind
 * mounts, pristine fstab), the synced copy B2 regenerated from A1 with nothing copied to B1, and the
 * Trilio emulator reset (`POST /_lab/reset`), so the workloads are orphans on B2 again.
 */
export function resetLabWorld(lab: LabJson): Promise<void> {
  return resetDrWorld(lab);
}
