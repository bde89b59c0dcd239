import type { StreamReport } from './log-stream-world.js';

/** One minute's sample of the stream server (the app's core and browser-mode server in one process). */
export interface ServerSample {
  /** Seconds since the stream step started. */
  seconds: number;
  rss: number;
  /** V8 heap in use as it is, no collection forced: what the process carries at that moment. */
  heapUsed: number;
  /** The same right after a full collection (`gc()`, exposed by --expose-gc), or null without it. */
  heapAfterGc: number | null;
  /** Lines the step has sent and the event bus has delivered (narration included) so far. */
  sent: number;
  delivered: number;
}

/**
 * Reads this process's memory: first as it stands (the series the soak's verdict uses), then after a
 * forced full collection when the process was started with --expose-gc (the series that tells live
 * data from garbage not yet collected). The collection comes second so it never flatters the first.
 */
export function serverSample(startedMs: number, report: StreamReport): ServerSample {
  const before = process.memoryUsage();
  const gc = (globalThis as { gc?: () => void }).gc;
  let heapAfterGc: number | null = null;
  if (gc) {
    gc();
    heapAfterGc = process.memoryUsage().heapUsed;
  }
  return {
    seconds: (performance.now() - startedMs) / 1000,
    rss: before.rss,
    heapUsed: before.heapUsed,
    heapAfterGc,
    sent: report.sent,
    delivered: report.delivered,
  };
}
