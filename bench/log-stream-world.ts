import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, CDPSession, Page } from 'playwright-core';
import { ROOT, startBrowserMode, type BrowserModeServer } from '../test/e2e/support/browser-mode.js';
import { launchChromium } from '../test/e2e/support/chromium.js';
import { startRunInWizard, visible } from './wizard-run.js';

/**
 * What the log-view benchmarks share (log-stream-bench.ts: 1M lines once; soak-bench.ts: an hour):
 * browser mode's core and server in their own process (log-stream-server.ts, `npm run serve`'s wiring
 * with a synthetic Preflight step that streams lines), and the built page in Debian Chromium with the
 * run open in the wizard and that step planned, so one click on its Run button starts the stream.
 */
export interface LogStreamWorld {
  server: BrowserModeServer;
  dataDir: string;
  page: Page;
  /** CDP on the page, for its heap (outside the page, so reading it allocates nothing there). */
  cdp: CDPSession;
  close(): Promise<void>;
}

export interface StreamSettings {
  /** Lines to send in all (the step ends after them, or after `seconds`). */
  lines: number;
  rate: number;
  hosts: number;
  /** The step stops sending after this long, whatever is left (the soak's duration). */
  seconds?: number;
  /** Every this often the server prints a `bench-sample` line (its memory, what it sent). */
  sampleMs?: number;
}

export async function openLogStreamWorld(settings: StreamSettings): Promise<LogStreamWorld> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-stream-'));
  let server: BrowserModeServer | undefined;
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    server = await startBrowserMode({
      dataDir,
      passphrase: 'bench passphrase',
      entry: join(ROOT, 'bench', 'log-stream-server.ts'),
      env: {
        // --expose-gc lets the server also sample its heap after a collection (never forced otherwise).
        NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import tsx --expose-gc`.trim(),
        BENCH_STREAM_LINES: String(settings.lines),
        BENCH_STREAM_RATE: String(settings.rate),
        BENCH_STREAM_HOSTS: String(settings.hosts),
        ...(settings.seconds ? { BENCH_STREAM_SECONDS: String(settings.seconds) } : {}),
        ...(settings.sampleMs ? { BENCH_STREAM_SAMPLE_MS: String(settings.sampleMs) } : {}),
      },
      timeoutMs: 60_000,
    });
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
    // tsx keeps function names with a `__name` helper the page does not have: give it a no-op one.
    await context.addInitScript({ content: 'globalThis.__name = (f) => f;' });
    // The panel's counter once, for page code sent from here (a probe per frame, a sample per minute).
    await context.addInitScript({ content: `globalThis.__panelCounts = ${panelCounts.toString()};` });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await openRunWithStreamStep(page, server.url);
    return { server, dataDir, page, cdp, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** The user's path: the wizard tab, a run started, its log panel shown, the stream step planned. */
async function openRunWithStreamStep(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await visible(page, 'tab-wizard');
  await startRunInWizard(page);
  await page.getByTestId('step-plan').click();
  await page.waitForSelector('[data-testid="step-run"]:not([disabled])', { timeout: 30_000 });
}

/** Starts the stream: the planned step's Run button, as the user clicks it. */
export const runStreamStep = (page: Page): Promise<void> => page.getByTestId('step-run').click();

/** The page's JS heap in use, after a full garbage collection when `collect` (CDP, outside the page). */
export async function heapUsed(cdp: CDPSession, collect: boolean): Promise<number> {
  if (collect) await cdp.send('HeapProfiler.collectGarbage');
  return (await cdp.send('Runtime.getHeapUsage')).usedSize;
}

/**
 * The log panel's count of lines received: those it keeps (its toolbar's `N lines`) plus the older
 * ones it dropped from memory (`N older not shown`). Runs in the page, where its source is installed
 * as `__panelCounts` (so it must stay self-contained).
 */
export function panelCounts(): { kept: number; total: number } {
  const kept = Number(
    /^(\d+) lines/.exec(
      document.querySelector('[data-testid="log-count"]')?.textContent?.trim() ?? '',
    )?.[1] ?? 0,
  );
  const dropped = Number(
    /^(\d+) older/.exec(document.querySelector('.log-dropped')?.textContent?.trim() ?? '')?.[1] ?? 0,
  );
  return { kept, total: kept + dropped };
}

/** In the page (installed by openLogStreamWorld): the panel's counts now. */
export const pagePanelCounts = (): { kept: number; total: number } =>
  (globalThis as unknown as { __panelCounts: typeof panelCounts }).__panelCounts();

export const readPanelCounts = (page: Page): Promise<{ kept: number; total: number }> =>
  page.evaluate(pagePanelCounts);

/** The `bench-stream {json}` report the server prints when its step has sent every line. */
export interface StreamReport {
  lines: number;
  hosts: number;
  rate: number;
  /** From the first line to the last, as sent by the step. */
  sendSeconds: number;
  /** Lines the step sent. */
  sent: number;
  /** Log lines and batches the core's event bus delivered to the server (narration included). */
  delivered: number;
  batches: number;
  largestBatch: number;
  /** The server process's peak RSS while streaming (the store, the bus, the stream's write buffers). */
  peakRssMiB: number;
}

export const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
