/**
 * The soak's cause, reproduced (issue 20 item 5): what the stream server keeps when the page stops
 * reading. The soak's world (log-stream-world.ts) streams 20k lines/s from 100 hosts; after
 * STALL_AFTER s (60) a heap snapshot of the server (node's --heapsnapshot-signal), then the page's
 * main thread is paused (CDP Debugger.pause, as a starved or frozen tab would be) for STALL_FOR s (30),
 * a second snapshot while paused, then resumed. Prints the server's RSS along the way, its samples
 * (heap as it stands and after gc() every 10 s) and which kinds of objects grew between the snapshots.
 * Not a bench part: a diagnosis, run by hand (`npx tsx bench/stream-stall-probe.ts`, after `npm run build`).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diffSummaries, summarizeSnapshotFile } from './heap-snapshot-summary.js';
import { openLogStreamWorld, readPanelCounts, runStreamStep } from './log-stream-world.js';

const AFTER = Number(process.env.STALL_AFTER ?? 60);
const FOR = Number(process.env.STALL_FOR ?? 30);
const DIR = mkdtempSync(join(tmpdir(), 'stream-stall-'));
process.env.NODE_OPTIONS = `--heapsnapshot-signal=SIGUSR2 --diagnostic-dir=${DIR}`;
const seconds = AFTER + FOR + 90;
const world = await openLogStreamWorld({
  lines: 20_000 * seconds,
  rate: 20_000,
  hosts: 100,
  seconds,
  sampleMs: 10_000,
});
const { page, cdp, server } = world;
const child = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], { encoding: 'utf8' })
  .split('\n')
  .find((l) => l.includes('log-stream-server'));
const pid = Number(child?.trim().split(/\s+/)[0]);
if (!pid) throw new Error('no server child');
const rss = () =>
  `${(Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' })) / 1024).toFixed(0)} MiB`;
const sleep = (s: number) => new Promise((r) => setTimeout(r, s * 1000));

async function snapshot(label: string): Promise<string> {
  const before = new Set(readdirSync(DIR));
  process.kill(pid, 'SIGUSR2');
  for (;;) {
    await sleep(1);
    const fresh = readdirSync(DIR).filter((f) => !before.has(f) && f.endsWith('.heapsnapshot'));
    if (fresh.length) {
      const f = join(DIR, fresh[0]!);
      const s1 = statSync(f).size;
      await sleep(2);
      if (statSync(f).size === s1 && s1 > 0) {
        console.log(`server snapshot ${label}: ${(s1 / 2 ** 20).toFixed(1)} MiB file; server RSS ${rss()}`);
        return f;
      }
    }
  }
}

const t0 = performance.now();
const at = () => `${((performance.now() - t0) / 1000).toFixed(0)} s`;
await runStreamStep(page);
try {
  await sleep(AFTER);
  console.log(`${at()}: panel ${JSON.stringify(await readPanelCounts(page))}, server RSS ${rss()}`);
  const a = await snapshot('A (page reading)');
  await cdp.send('Debugger.enable');
  await cdp.send('Debugger.pause');
  console.log(`${at()}: page paused`);
  for (let i = 0; i < FOR; i += 10) {
    await sleep(10);
    console.log(`${at()}: page paused, server RSS ${rss()}`);
  }
  const b = await snapshot('B (page paused)');
  await cdp.send('Debugger.resume');
  console.log(`${at()}: page resumed`);
  for (let i = 0; i < 3; i++) {
    await sleep(10);
    console.log(`${at()}: panel ${JSON.stringify(await readPanelCounts(page))}, server RSS ${rss()}`);
  }
  console.log(`\nSERVER A → B\n${diffSummaries(summarizeSnapshotFile(a), summarizeSnapshotFile(b), 12)}`);
  console.log(
    '\nserver samples:\n' +
      [...server.output().matchAll(/^bench-sample (.*)$/gm)].map((m) => m[1]).join('\n'),
  );
} finally {
  await world.close();
  rmSync(DIR, { recursive: true, force: true });
}
