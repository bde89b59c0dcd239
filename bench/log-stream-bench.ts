import type { Page } from 'playwright-core';
import {
  heapUsed,
  mib,
  openLogStreamWorld,
  pagePanelCounts,
  runStreamStep,
  type StreamReport,
} from './log-stream-world.js';
import { STREAM_HOSTS, STREAM_RATE } from './stream-load.js';
import { type BenchRow, millis, percentile } from './rows.js';

/** The stream issue 20 names: 1M lines at 20k lines/s from 100 hosts (BENCH_STREAM_LINES for a short trial). */
const LINES = Number(process.env.BENCH_STREAM_LINES ?? 1_000_000);
const RATE = STREAM_RATE;
const HOSTS = STREAM_HOSTS;
export const STREAM_TARGET = 'p95 < 50 ms at 20k lines/s, memory bounded';
/** "Memory bounded": the heap after a GC at the end within this of the heap after a GC before. */
const HEAP_GROWTH_LIMIT = 50 * 2 ** 20;

interface PageProbe {
  frames: number[];
  longTasks: number[];
  /** Lines the panel had received (kept + dropped from memory) when the probe started. */
  before: number;
  /** ms since the probe started when the panel had received every streamed line, or -1. */
  allShownMs: number;
  received: number;
  kept: number;
  rows: number;
}

/**
 * In the page: a frame clock (every requestAnimationFrame interval), a long-task observer, and the
 * log panel's count of lines received (the lines it keeps plus the older ones it dropped from memory),
 * read once per frame from its toolbar.
 */
function installProbe(expected: number): void {
  const received = () =>
    (globalThis as unknown as { __panelCounts: () => { total: number } }).__panelCounts();
  const probe = {
    frames: [] as number[],
    longTasks: [] as number[],
    before: received().total,
    allShownMs: -1,
    running: true,
  };
  (window as unknown as { __probe: typeof probe }).__probe = probe;
  const started = performance.now();
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) probe.longTasks.push(entry.duration);
  }).observe({ type: 'longtask', buffered: false });
  let last = -1;
  const frame = (t: number) => {
    if (last >= 0) probe.frames.push(t - last);
    last = t;
    if (probe.allShownMs < 0 && received().total - probe.before >= expected)
      probe.allShownMs = performance.now() - started;
    if (probe.running) requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
}

async function readProbe(page: Page): Promise<PageProbe> {
  const probe = await page.evaluate(() => {
    const p = (window as unknown as { __probe: PageProbe & { running: boolean } }).__probe;
    p.running = false;
    return {
      frames: p.frames,
      longTasks: p.longTasks,
      before: p.before,
      allShownMs: p.allShownMs,
      rows: document.querySelectorAll('[data-testid="log-row"]').length,
    };
  });
  const counts = await page.evaluate(pagePanelCounts);
  return { ...probe, received: counts.total - probe.before, kept: counts.kept };
}

/**
 * The log view fed through browser mode's real event stream: a server process with the app's core
 * and server (bench/log-stream-server.ts) runs a step that sends 1M lines at 20k lines/s from 100
 * hosts through the run's log path; the built page, with that run open in the wizard, receives them
 * on its EventSource. One round (about a minute of the machine).
 */
export async function logStreamRow(log: (line: string) => void): Promise<BenchRow> {
  const world = await openLogStreamWorld({ lines: LINES, rate: RATE, hosts: HOSTS });
  const { server, page, cdp } = world;
  try {
    const heapStart = await heapUsed(cdp, true);
    let heapPeak = heapStart;
    await page.evaluate(installProbe, LINES);
    const sampler = setInterval(() => {
      void heapUsed(cdp, false).then(
        (h) => (heapPeak = Math.max(heapPeak, h)),
        () => undefined,
      );
    }, 1_000);
    const started = performance.now();
    await runStreamStep(page);
    // The server says when its step sent every line; the page, when its panel had them all.
    const deadline = started + ((LINES / RATE) * 3 + 60) * 1000;
    let serverLine: string | undefined;
    let shownMs = -1;
    while (performance.now() < deadline) {
      await new Promise((r) => setTimeout(r, 1_000));
      serverLine ??= /^bench-stream (.*)$/m.exec(server.output())?.[1];
      shownMs = await page.evaluate(() => (window as unknown as { __probe: PageProbe }).__probe.allShownMs);
      if (serverLine && shownMs >= 0) break;
    }
    clearInterval(sampler);
    const heapEndLive = await heapUsed(cdp, false);
    heapPeak = Math.max(heapPeak, heapEndLive);
    const probe = await readProbe(page);
    const heapEnd = await heapUsed(cdp, true);
    const wallMs = performance.now() - started;
    if (!serverLine)
      throw new Error(
        `the stream server did not finish within ${((deadline - started) / 1000).toFixed(0)} s:\n${server.output()}`,
      );
    const sent = JSON.parse(serverLine) as StreamReport;

    const frames = probe.frames;
    const p95 = percentile(frames, 95);
    const longest = probe.longTasks.length ? Math.max(...probe.longTasks) : 0;
    const longTotal = probe.longTasks.reduce((a, b) => a + b, 0);
    const all = probe.received >= LINES;
    const capped = probe.kept > 0 && probe.kept < LINES;
    const growth = heapEnd - heapStart;
    log(
      `  stream: ${frames.length} frames, p50 ${millis(percentile(frames, 50))}, p95 ${millis(p95)}, max ${millis(Math.max(...frames))}; ` +
        `${probe.longTasks.length} long tasks (longest ${millis(longest)}); received ${probe.received}, kept ${probe.kept}; ` +
        `heap ${mib(heapStart)} → peak ${mib(heapPeak)} → ${mib(heapEnd)} after GC`,
    );
    return {
      benchmark: `Log view through the real event stream (${LINES === 1_000_000 ? '1M' : LINES.toLocaleString('en-US')} lines, 20k lines/s, 100 hosts; 1 round)`,
      ours: `p95 ${millis(p95)}; ${probe.longTasks.length} long tasks, longest ${millis(longest)}; heap ${mib(heapEnd)} at the end`,
      peer: '—',
      ratio: '—',
      target: STREAM_TARGET,
      met: p95 < 50 && all && capped && growth < HEAP_GROWTH_LIMIT,
      note:
        `browser mode with the app's core and server in their own process (bench/log-stream-server.ts: \`npm run serve\`'s ` +
        `wiring, the run's Preflight step replaced by one that sends ${LINES.toLocaleString('en-US')} lines at ` +
        `${RATE.toLocaleString('en-US')} lines/s round-robin from ${HOSTS} hosts through the step's log path: scrubber, ` +
        `LogWriter into the store, the event bus's 50 ms batches, the server's event stream); the built page in Debian ` +
        `Chromium, the run open in the wizard (started and its step planned and run with the page's own buttons), ` +
        `receives them on its EventSource. One round. Sent in ${sent.sendSeconds.toFixed(1)} s; the bus delivered ` +
        `${sent.delivered.toLocaleString('en-US')} lines (narration included) in ${sent.batches} batches (largest ` +
        `${sent.largestBatch}); server peak RSS ${sent.peakRssMiB.toFixed(0)} MiB. The panel received ` +
        `${probe.received.toLocaleString('en-US')} of them${probe.allShownMs >= 0 ? `, the last ${(probe.allShownMs / 1000).toFixed(1)} s after the step was started` : ' (not all)'}, ` +
        `and kept ${probe.kept.toLocaleString('en-US')} in memory with ${probe.rows} rows in the DOM. Frames ` +
        `(requestAnimationFrame intervals over ${(wallMs / 1000).toFixed(0)} s): ${frames.length}, p50 ` +
        `${millis(percentile(frames, 50))}, p95 ${millis(p95)}, p99 ${millis(percentile(frames, 99))}, max ` +
        `${millis(Math.max(...frames))}. Long tasks (PerformanceObserver, > 50 ms): ${probe.longTasks.length}, longest ` +
        `${millis(longest)}, ${(longTotal / 1000).toFixed(1)} s in all. JS heap (CDP, after a full GC): ` +
        `${mib(heapStart)} before, ${mib(heapEnd)} at the end (peak ${mib(heapPeak)} sampled each second without GC). ` +
        `Memory bounded means here: the panel keeps at most its cap of lines and the heap after GC grew by less than ` +
        `${mib(HEAP_GROWTH_LIMIT)} (keeping every line would take several hundred MiB); grew by ${mib(Math.max(0, growth))}.`,
    };
  } finally {
    await world.close();
  }
}
