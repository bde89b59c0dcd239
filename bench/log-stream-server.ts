/**
 * Browser mode for the log-view benchmark (renderer-bench.ts): the app's core and browser-mode server
 * exactly as `npm run serve` builds them (electron/serve/main.ts), with one difference: the run's
 * Preflight step is a synthetic step that prints BENCH_STREAM_LINES lines at BENCH_STREAM_RATE lines/s
 * from BENCH_STREAM_HOSTS hosts instead of checking anything. Its lines take the path every step's
 * output takes: the engine's log sink (scrubbed, written to the store by the LogWriter), the event bus
 * (one `log` batch per 50 ms), the server's event stream, and the page's EventSource into the wizard.
 *
 *   node --import tsx bench/log-stream-server.ts --port 0 --data-dir DIR   (TRILIO_DR_PASSPHRASE set)
 *
 * Prints the URL as browser mode does, with the synthetic profile saved (its hosts are the stream's);
 * when the step has sent every line (or BENCH_STREAM_SECONDS passed), prints one `bench-stream {json}`
 * line with what the core sent. With BENCH_STREAM_SAMPLE_MS, from the step's first line on it also
 * prints a `bench-sample {json}` line at that interval (the soak: this process's memory over an hour).
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createCore } from '../electron/core/app-core.js';
import { drSteps } from '../electron/core/dr/dr-steps.js';
import type { RunServices } from '../electron/core/dr/run-services.js';
import type { StepDefinition } from '../electron/core/runs/step-definition.js';
import { startBrowserServer } from '../electron/serve/browser-server.js';
import { ok } from '../shared/result.js';
import { syntheticProfile } from '../test/e2e/support/synthetic-run.js';
import type { StreamReport } from './log-stream-world.js';
import { serverSample } from './soak-server-sample.js';

const LINES = Number(process.env.BENCH_STREAM_LINES ?? 1_000_000);
const RATE = Number(process.env.BENCH_STREAM_RATE ?? 20_000);
const HOSTS = Number(process.env.BENCH_STREAM_HOSTS ?? 100);
/** The step stops sending after this long, whatever is left (0: only when every line is sent). */
const SECONDS = Number(process.env.BENCH_STREAM_SECONDS ?? 0);
const SAMPLE_MS = Number(process.env.BENCH_STREAM_SAMPLE_MS ?? 0);
/** How often the step wakes to send the lines now due (SSH output arrives in many small chunks too). */
const TICK_MS = 5;

const lineText = (host: string, n: number) =>
  `${host}: mount --bind /var/triliovault-mounts/MTAuMjAuMy4yMjovdXBzdHJlYW1fdGFyZ2V0 /var/lib/nova/x line ${n} ok`;

function stormStep(
  hosts: readonly string[],
  report: StreamReport,
  onStart: () => void,
): StepDefinition<unknown, RunServices> {
  return {
    key: 'preflight',
    discover: async () => ok({}),
    plan: () =>
      ok({
        step: 'preflight',
        title: 'Synthetic log stream (benchmark)',
        summary: `${LINES} lines at ${RATE} lines/s from ${hosts.length} hosts, through the run's log path.`,
        actions: [],
        verify: [],
        warnings: [],
      }),
    async execute(_plan, _facts, ctx) {
      const started = performance.now();
      const stopAt = SECONDS > 0 ? started + SECONDS * 1000 : Infinity;
      onStart();
      let sent = 0;
      while (sent < LINES && !ctx.signal.aborted && performance.now() < stopAt) {
        const due = Math.min(LINES, Math.floor(((performance.now() - started) / 1000) * RATE));
        for (; sent < due; sent++) {
          const host = hosts[sent % hosts.length]!;
          ctx.log(lineText(host, sent), { host, stream: 'stdout' });
        }
        report.sent = sent;
        await new Promise((resolve) => setTimeout(resolve, TICK_MS));
      }
      report.sendSeconds = (performance.now() - started) / 1000;
      return ok({ summary: `${sent} lines sent in ${report.sendSeconds.toFixed(1)} s`, verify: [] });
    },
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { port: { type: 'string' }, 'data-dir': { type: 'string' } },
    strict: true,
  });
  const dataDir = values['data-dir'];
  const passphrase = process.env.TRILIO_DR_PASSPHRASE;
  if (!dataDir || !passphrase) throw new Error('--data-dir and TRILIO_DR_PASSPHRASE are required.');

  const profile = syntheticProfile(HOSTS);
  const hosts = profile.hosts.map((h) => h.name);
  const report: StreamReport = {
    lines: LINES,
    hosts: HOSTS,
    rate: RATE,
    sendSeconds: 0,
    sent: 0,
    delivered: 0,
    batches: 0,
    largestBatch: 0,
    peakRssMiB: 0,
  };
  // The soak's samples: this process's memory and what it has sent, on a clock started with the step.
  let samples: NodeJS.Timeout | undefined;
  function startSampling(): void {
    if (SAMPLE_MS <= 0 || samples) return;
    const started = performance.now();
    samples = setInterval(() => {
      const sample = serverSample(started, report);
      process.stdout.write(`bench-sample ${JSON.stringify(sample)}\n`);
    }, SAMPLE_MS);
  }
  const core = await createCore({
    dataDir,
    cipher: null,
    passphrase,
    mode: 'browser',
    version: 'bench',
    steps: { ...drSteps, preflight: stormStep(hosts, report, startSampling) },
  });
  const saved = await core.handle('profiles.save', { profile, secrets: {} });
  if (!saved.ok) throw new Error(`the synthetic profile was refused: ${JSON.stringify(saved.error)}`);

  let sampler: NodeJS.Timeout | undefined;
  const sample = () => (report.peakRssMiB = Math.max(report.peakRssMiB, process.memoryUsage().rss / 2 ** 20));
  core.subscribe((event, payload) => {
    if (event === 'log') {
      const batch = payload as unknown[];
      report.delivered += batch.length;
      report.batches += 1;
      report.largestBatch = Math.max(report.largestBatch, batch.length);
      sampler ??= setInterval(sample, 500);
    }
    const step = payload as { step?: string; status?: string };
    const ended = step.status === 'succeeded' || step.status === 'failed' || step.status === 'cancelled';
    if (event === 'step' && step.step === 'preflight' && ended) {
      if (sampler) clearInterval(sampler);
      if (samples) clearInterval(samples);
      sample();
      // After the step's last lines left the bus (a step event flushes them first).
      setImmediate(() => process.stdout.write(`bench-stream ${JSON.stringify(report)}\n`));
    }
  });

  const server = await startBrowserServer({
    core,
    port: Number(values.port ?? 0),
    rendererDir: fileURLToPath(new URL('../out/renderer/', import.meta.url)),
  });
  process.stdout.write(`Log-stream bench server (browser mode)\n  ${server.url}\n`);
  const stop = async () => {
    await server.close();
    await core.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
  process.stderr.write(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
