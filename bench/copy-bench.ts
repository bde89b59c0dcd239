import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyFolderArgv } from '../shared/plans/copy-plan.js';
import { type BenchRow, median, notMeasured, secs } from './rows.js';

const MiB = 2 ** 20;
const ROUNDS = 3;
const TARGET = '≥ 0.9× of cp -a, with progress';

/** Mixed sizes, like a workload folder: a few big disk images, many small snapshot files and metadata. */
const layout = (scale: number) => [
  { count: 3, bytes: Math.round(384 * scale) * MiB, dir: 'vm_res_id_disk' },
  { count: Math.ceil(300 * scale), bytes: MiB, dir: 'snapshot_medium' },
  { count: Math.ceil(4000 * scale), bytes: 8 * 1024, dir: 'snapshot_small' },
  { count: Math.ceil(2000 * scale), bytes: 200, dir: 'meta' },
];

function makeTree(root: string, scale: number): number {
  const block = randomBytes(MiB);
  let total = 0;
  for (const { count, bytes, dir } of layout(scale)) {
    for (let i = 0; i < count; i++) {
      const folder = join(root, dir, `d${i % 50}`);
      mkdirSync(folder, { recursive: true });
      const parts: Buffer[] = [];
      for (let left = bytes; left > 0; left -= MiB) parts.push(block.subarray(0, Math.min(MiB, left)));
      // Distinct first bytes, so no two files are the same.
      const content = Buffer.concat(parts);
      content.writeUInt32BE(i, 0);
      writeFileSync(join(folder, `f${i}`), content);
      total += bytes;
    }
  }
  return total;
}

function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string; ms: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('close', (code) =>
      resolve({ code: code ?? 1, stdout, stderr, ms: performance.now() - started }),
    );
  });
}

/**
 * Copy: the copy step's script (`copyFolderArgv`: `cp -a` into a partial folder with a progress line
 * every second, then a rename) against plain `cp -a` of the same tree, both with `sh` on this machine,
 * alternating, median of three. Dirty pages are written out (`sync`, not timed) before each copy.
 */
export async function copyRows(log: (line: string) => void, maxScale = 1): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-copy-'));
  try {
    const fs = statfsSync(dir);
    const freeGiB = (fs.bavail * fs.bsize) / 2 ** 30;
    // The tree plus one copy must fit with room to spare.
    const scale = Math.min(maxScale, freeGiB > 8 ? 1 : freeGiB > 3 ? 0.25 : 0);
    if (scale === 0)
      return [
        notMeasured('Copy (workload folder)', TARGET, `only ${freeGiB.toFixed(1)} GiB free in ${tmpdir()}`),
      ];
    const source = join(dir, 'source');
    const bytes = makeTree(source, scale);
    log(`  tree: ${(bytes / 2 ** 30).toFixed(2)} GiB`);
    // Per copy: until the command returned (data in the page cache), and until `sync` after it
    // returned (data on disk, as an NFS client has it at close).
    const ours: { ms: number; syncedMs: number }[] = [];
    const peer: { ms: number; syncedMs: number }[] = [];
    let progressLines = 0;
    for (let round = 0; round < ROUNDS; round++) {
      for (const which of round % 2 ? ['peer', 'ours'] : ['ours', 'peer']) {
        rmSync(join(dir, 'target'), { recursive: true, force: true });
        await run(['sync']);
        const started = performance.now();
        const argv =
          which === 'ours'
            ? copyFolderArgv(source, join(dir, 'target.partial'), join(dir, 'target'))
            : ['cp', '-a', source, join(dir, 'target')];
        const r = await run(argv);
        if (r.code !== 0)
          throw new Error(`${which === 'ours' ? 'copy script' : 'cp -a'} exited ${r.code}: ${r.stderr}`);
        await run(['sync']);
        const timing = { ms: r.ms, syncedMs: performance.now() - started };
        if (which === 'ours') {
          progressLines = Math.max(
            progressLines,
            r.stdout.split('\n').filter((l) => l.startsWith('trilio-dr-progress ')).length,
          );
          ours.push(timing);
        } else peer.push(timing);
      }
    }
    const oursMs = median(ours.map((t) => t.syncedMs));
    const peerMs = median(peer.map((t) => t.syncedMs));
    const oursCached = median(ours.map((t) => t.ms));
    const peerCached = median(peer.map((t) => t.ms));
    const rate = (ms: number) => `${(bytes / MiB / (ms / 1000)).toFixed(0)} MiB/s`;
    const ratio = peerMs / oursMs;
    const list = (ts: { ms: number; syncedMs: number }[], key: 'ms' | 'syncedMs') =>
      ts.map((t) => secs(t[key])).join(', ');
    log(`  with sync: ours ${list(ours, 'syncedMs')}; cp -a ${list(peer, 'syncedMs')}`);
    log(`  without:   ours ${list(ours, 'ms')}; cp -a ${list(peer, 'ms')}`);
    return [
      {
        benchmark: `Copy (${(bytes / 2 ** 30).toFixed(1)} GiB mixed tree)`,
        ours: `${rate(oursMs)} (${secs(oursMs)})`,
        peer: `${rate(peerMs)} (${secs(peerMs)})`,
        ratio: `${ratio.toFixed(2)}×`,
        target: TARGET,
        met: ratio >= 0.9 && progressLines > 0,
        note:
          `copyFolderArgv run with sh on this machine's disk vs \`cp -a\` of the same tree, median of ${ROUNDS} alternating rounds, ` +
          `each timed until a \`sync\` after it returned (the data on disk, as an NFS client has it at close): ` +
          `ours ${list(ours, 'syncedMs')}; cp -a ${list(peer, 'syncedMs')}. ` +
          `Until the command returned (page cache only): ours ${list(ours, 'ms')}, cp -a ${list(peer, 'ms')}, ` +
          `ratio ${(peerCached / oursCached).toFixed(2)}×. ${progressLines} progress lines per copy. ` +
          `Cause of the gap: the script polls \`kill -0\`, runs \`du -sb\` over the growing copy and sleeps 1 s, so it returns ` +
          `up to 1 s after cp did and walks the tree once a second meanwhile. Not run on a TVM over NFS.`,
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
