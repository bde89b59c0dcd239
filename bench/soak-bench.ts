import { mib, openLogStreamWorld, runStreamStep } from './log-stream-world.js';
import { STREAM_HOSTS, STREAM_RATE } from './stream-load.js';
import type { BenchRow } from './rows.js';
import { enablePageMetrics, type PageSample, pageSample } from './soak-page-sample.js';
import type { ServerSample } from './soak-server-sample.js';
import { soakRow } from './soak-row.js';

/** An hour unless BENCH_SOAK_MINUTES says otherwise (a short trial cannot be judged: the row says so). */
const MINUTES = Number(process.env.BENCH_SOAK_MINUTES ?? 60);
const SAMPLE_MS = 60_000;

/** The server's `bench-sample {json}` lines so far, in order. */
const serverSamples = (output: string): ServerSample[] =>
  [...output.matchAll(/^bench-sample (.*)$/gm)].map((m) => JSON.parse(m[1]!) as ServerSample);

/**
 * The soak (issue 20 item 5): the log-stream world of log-stream-bench.ts (the real core and server
 * in their own process, the built page in Chromium with the run open and its log panel visible)
 * streaming 20k lines/s from 100 hosts for BENCH_SOAK_MINUTES. Every minute, on the server's clock,
 * the server prints its RSS and heap; when this process sees that line it samples the page's heap,
 * the panel's line count, the store's size and the load average, so both halves of a sample are
 * within about a second of each other.
 */
export async function soakRows(log: (line: string) => void): Promise<BenchRow[]> {
  if (!Number.isInteger(MINUTES) || MINUTES < 1)
    throw new Error(`BENCH_SOAK_MINUTES must be ≥ 1; got ${MINUTES}`);
  // The step streams half a minute past the last sample, so a timer firing late under load still
  // takes the last sample while the lines flow.
  const seconds = MINUTES * 60 + 30;
  const world = await openLogStreamWorld({
    lines: STREAM_RATE * seconds,
    rate: STREAM_RATE,
    hosts: STREAM_HOSTS,
    seconds,
    sampleMs: SAMPLE_MS,
  });
  const { server, page, cdp, dataDir } = world;
  try {
    await enablePageMetrics(cdp);
    const before = await pageSample(page, cdp, dataDir, performance.now());
    log(`  soak: ${MINUTES} min; page heap ${mib(before.heapAfterGc)} after GC before the stream`);
    const clicked = performance.now();
    await runStreamStep(page);
    const pages: PageSample[] = [];
    const deadline = clicked + (seconds + 300) * 1000;
    let ended: string | undefined;
    while (performance.now() < deadline) {
      await new Promise((r) => setTimeout(r, 1_000));
      const output = server.output();
      const servers = serverSamples(output);
      while (pages.length < servers.length) {
        const p = await pageSample(page, cdp, dataDir, clicked);
        const s = servers[pages.length]!;
        pages.push(p);
        log(
          `  minute ${pages.length}: server RSS ${mib(s.rss)}, heap ${mib(s.heapUsed)} (${s.heapAfterGc === null ? '—' : mib(s.heapAfterGc)} after GC); ` +
            `page heap ${mib(p.heapUsed)} (${mib(p.heapAfterGc)} after GC), ${p.domNodes} nodes; ` +
            `received ${p.received.toLocaleString('en-US')} (${Math.round(p.received / p.seconds).toLocaleString('en-US')} lines/s); ` +
            `store ${mib(p.storeBytes)}; load ${p.load}`,
        );
      }
      ended ??= /^bench-stream (.*)$/m.exec(output)?.[1];
      if (ended && pages.length >= MINUTES) break;
    }
    const servers = serverSamples(server.output()).slice(0, pages.length);
    if (!ended || pages.length < MINUTES)
      throw new Error(
        `the soak did not finish: ${pages.length} of ${MINUTES} samples, stream ${ended ? 'ended' : 'still running'} ` +
          `${((performance.now() - clicked) / 1000).toFixed(0)} s after the start:\n${server.output().slice(-4000)}`,
      );
    return [soakRow({ minutes: MINUTES, servers, pages, before })];
  } finally {
    await world.close();
  }
}
