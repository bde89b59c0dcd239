import { statSync } from 'node:fs';
import type { CDPSession, Page } from 'playwright-core';
import { storeFileIn } from '../electron/core/store/database.js';
import { heapUsed, pagePanelCounts } from './log-stream-world.js';
import { loadAverage } from './machine.js';

/** What the soak reads outside the server once a minute: the page, the store's files, the machine. */
export interface PageSample {
  /** Seconds since the Run button was clicked (this process's clock). */
  seconds: number;
  /** The page's JS heap in use as it stands (CDP Runtime.getHeapUsage, no collection forced). */
  heapUsed: number;
  /** The same right after a full collection (CDP HeapProfiler.collectGarbage). */
  heapAfterGc: number;
  /** DOM nodes in the document (CDP Performance.getMetrics): a panel leaking rows would show here. */
  domNodes: number;
  /** Lines the log panel has received so far (kept plus dropped from memory). */
  received: number;
  /** The SQLite store: the database file plus its WAL (it keeps every line, so it grows by design). */
  storeBytes: number;
  /** /proc/loadavg's 1-, 5- and 15-minute figures. */
  load: string;
}

const sizeOf = (file: string): number => {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
};

/** `Performance.enable` once, so getMetrics answers (the domain's own counters cost nothing). */
export const enablePageMetrics = (cdp: CDPSession) => cdp.send('Performance.enable');

export async function pageSample(
  page: Page,
  cdp: CDPSession,
  dataDir: string,
  clickedMs: number,
): Promise<PageSample> {
  const seconds = (performance.now() - clickedMs) / 1000;
  // As it stands first; the forced collection after it must not flatter the first figure.
  const live = await heapUsed(cdp, false);
  const afterGc = await heapUsed(cdp, true);
  const { metrics } = await cdp.send('Performance.getMetrics');
  const domNodes = metrics.find((m) => m.name === 'Nodes')?.value ?? 0;
  const { total } = await page.evaluate(pagePanelCounts);
  const store = storeFileIn(dataDir);
  return {
    seconds,
    heapUsed: live,
    heapAfterGc: afterGc,
    domNodes,
    received: total,
    storeBytes: sizeOf(store) + sizeOf(`${store}-wal`),
    load: loadAverage(),
  };
}
