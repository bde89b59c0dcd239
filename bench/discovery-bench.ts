/**
 * Discovery benchmark (not run by the tests): the two discovery scripts against the naive way.
 *
 *   npx tsx bench/discovery-bench.ts [--workloads 2000] [--snapshots 10] [--files 10000] [--chain 10]
 *                                    [--qemu-files 500] [--ssh] [--keep]
 *
 * Scan: N workloads × M snapshots in Trilio's layout; the scan script (one process, output parsed)
 * against one `cat … ; du -sb` process per workload. Chains: K qcow2 files in chains of length L
 * (every 20th chain lost its full image, as after a move between shares); the chain script against
 * `qemu-img info -f qcow2 --backing-chain` per file, run on `--qemu-files` of them (`all` for every
 * one) and extrapolated, with the verdicts of those files compared. `--ssh` repeats both through the
 * lab's tvm-1 (`npm run lab -- up` first), which sees this machine's /tmp: the scripts over one exec
 * each, the baseline as one exec per workload.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { checkChains } from '../electron/core/discovery/check-chains.js';
import { scanShare } from '../electron/core/discovery/scan-share.js';
import { runCommand, type ExecContext } from '../electron/core/ssh/exec.js';
import { parseChainReport, type ChainCheck } from '../shared/discovery/chain-report.js';
import { parseWorkloadScan } from '../shared/discovery/workload-scan.js';
import { mountDirNameFor } from '../shared/nfs/mount-path.js';
import { chainCheckArgv, chainCheckScript } from '../shared/remote-scripts/chain-check.js';
import { scanWorkloadsArgv, scanWorkloadsScript } from '../shared/remote-scripts/scan-workloads.js';
import { startRemoteWorld } from '../test/integration/remote/support/remote-world.js';

const { values: opts } = parseArgs({
  options: {
    workloads: { type: 'string', default: '2000' },
    snapshots: { type: 'string', default: '10' },
    files: { type: 'string', default: '10000' },
    chain: { type: 'string', default: '10' },
    'qemu-files': { type: 'string', default: '500' },
    ssh: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
});
const N = Number(opts.workloads);
const M = Number(opts.snapshots);
const K = Number(opts.files);
const L = Number(opts.chain);
const python = '/usr/bin/python3';

/** Fixed-width ids, so every backing path of the chain tree has the same length (see `patchBacking`). */
const uid = (tag: number, n: number) =>
  `${tag.toString(16).padStart(8, '0')}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

const now = () => performance.now();
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

function run(
  program: string,
  args: string[],
  input?: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(program, args);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('close', (code) =>
      resolve({
        code: code ?? 1,
        stdout: Buffer.concat(out).toString(),
        stderr: Buffer.concat(err).toString(),
      }),
    );
    child.stdin.on('error', () => {}); // a program that does not read its input
    child.stdin.end(input ?? '');
  });
}

function put(path: string, content: string | Buffer) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}

/** N workloads × M snapshots, one VM with one disk each, like the appliance writes them. */
function makeWorkloads(root: string): string[] {
  const folders: string[] = [];
  for (let w = 0; w < N; w++) {
    const id = uid(1, w);
    const folder = join(root, `workload_${id}`);
    folders.push(folder);
    const vm = uid(2, w);
    put(
      join(folder, 'workload_db'),
      JSON.stringify({
        id,
        display_name: `workload ${w}`,
        display_description: 'bench',
        project_id: uid(3, w % 50),
        user_id: uid(4, 0),
        status: 'available',
        created_at: '2024-01-01T00:00:00.000000',
        metadata: [{ key: 'hostnames', value: `["vm-${w}"]`, deleted: false }],
      }),
    );
    put(join(folder, 'workload_vms_db'), JSON.stringify([{ id: uid(5, w), vm_id: vm, vm_name: `vm-${w}` }]));
    for (let s = 0; s < M; s++) {
      const sid = uid(6, w * M + s);
      const snap = join(folder, `snapshot_${sid}`);
      put(
        join(snap, 'snapshot_db'),
        JSON.stringify({
          id: sid,
          display_name: `snap ${s}`,
          snapshot_type: s === 0 ? 'full' : 'incremental',
          status: 'available',
          created_at: `2024-01-01T00:00:${String(s % 60).padStart(2, '0')}.000000`,
          size: 1048576,
        }),
      );
      put(join(snap, 'snapshot_vms_db'), '[]');
      put(join(snap, `vm_id_${vm}`, `vm_res_id_${uid(7, w)}_vda`, uid(8, w * M + s)), Buffer.alloc(512));
    }
  }
  return folders;
}

async function qemuImg(args: string[]): Promise<void> {
  const r = await run('qemu-img', args);
  if (r.code !== 0) throw new Error(`qemu-img ${args.join(' ')}: ${r.stderr}`);
}

/** Writes `name` as the backing file name of a copy of `template` (same name length, so the header stays valid). */
function patchBacking(template: Buffer, name: string): Buffer {
  const copy = Buffer.from(template);
  const offset = Number(copy.readBigUInt64BE(8));
  const size = copy.readUInt32BE(16);
  if (Buffer.byteLength(name) !== size) throw new Error('backing names must all have the template length');
  copy.write(name, offset, 'utf8');
  return copy;
}

/**
 * K qcow2 files in chains of length L under `<mountRoot>/<hash>`, absolute backing paths. qemu-img makes
 * two templates (cluster size 512 keeps each file under 2 KiB); the rest are copies with the backing
 * name rewritten, which takes seconds instead of one qemu-img run per file.
 */
async function makeChains(mountRoot: string): Promise<string[]> {
  const share = join(mountRoot, mountDirNameFor('10.0.0.1:/bench'));
  const lost = join(mountRoot, mountDirNameFor('10.9.9.9:/lost'));
  const diskPath = (root: string, c: number, i: number) =>
    join(
      root,
      `workload_${uid(1, c)}`,
      `snapshot_${uid(6, c * L + i)}`,
      `vm_id_${uid(2, c)}`,
      `vm_res_id_${uid(7, c)}_vda`,
      uid(8, c * L + i),
    );
  if (diskPath(share, 0, 0).length !== diskPath(lost, 0, 0).length)
    throw new Error('share names must be as long');
  const tmp = mkdtempSync(join(tmpdir(), 'bench-templates-'));
  await qemuImg(['create', '-q', '-f', 'qcow2', '-o', 'cluster_size=512', join(tmp, 'full'), '1M']);
  const placeholder = '/'.padEnd(diskPath(share, 0, 0).length, 'x');
  await qemuImg([
    'create',
    '-q',
    '-f',
    'qcow2',
    '-o',
    'cluster_size=512',
    '-u',
    '-F',
    'qcow2',
    '-b',
    placeholder,
    join(tmp, 'inc'),
    '1M',
  ]);
  const full = readFileSync(join(tmp, 'full'));
  const inc = readFileSync(join(tmp, 'inc'));
  rmSync(tmp, { recursive: true });
  const files: string[] = [];
  for (let c = 0; files.length < K; c++) {
    const moved = c % 20 === 19;
    for (let i = 0; i < L && files.length < K; i++) {
      const path = diskPath(share, c, i);
      if (i === 0) {
        if (moved) continue; // its full image stayed on the lost share
        put(path, full);
      } else {
        const backing = i === 1 && moved ? diskPath(lost, c, 0) : diskPath(share, c, i - 1);
        put(path, patchBacking(inc, backing));
      }
      files.push(path);
    }
  }
  return files;
}

function sample<T>(items: T[], count: number): T[] {
  if (count >= items.length) return items;
  const step = items.length / count;
  return Array.from({ length: count }, (_, i) => items[Math.floor(i * step)]!);
}

const qemuOk = (path: string) =>
  new Promise<boolean>((resolve) =>
    execFile('qemu-img', ['info', '-f', 'qcow2', '--backing-chain', '--output=json', path], (error) =>
      resolve(!error),
    ),
  );

/**
 * Runs a script with the local Python under GNU time: the machine is shared, so next to wall-clock
 * time the CPU seconds the script used are printed too (they hardly depend on the other load).
 */
async function runTimed(argv: string[], script: string): Promise<{ stdout: string; cpu: string }> {
  const r = await run('/usr/bin/time', ['-f', 'cpu %U+%S s', python, ...argv.slice(1)], script);
  const cpu = r.stderr.trim().split('\n').at(-1) ?? '';
  if (r.code !== 0) throw new Error(`script failed: ${r.stderr}`);
  return { stdout: r.stdout, cpu };
}

const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

function report(title: string, script: number, baseline: number, note = '') {
  console.log(
    `${title}: script ${secs(script)}, baseline ${secs(baseline)}${note}, ratio ${(baseline / script).toFixed(1)}×`,
  );
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'discovery-bench-'));
  try {
    console.log(`generating ${N} workloads × ${M} snapshots and ${K} qcow2 files (chains of ${L}) in ${dir}`);
    let t = now();
    const shareRoot = join(dir, 'share');
    const folders = makeWorkloads(shareRoot);
    const mountRoot = join(dir, 'mounts');
    const files = await makeChains(mountRoot);
    console.log(`generated in ${secs(now() - t)}`);

    // Scan, locally.
    t = now();
    const out = await runTimed(scanWorkloadsArgv([shareRoot]), scanWorkloadsScript);
    const parsed = parseWorkloadScan(out.stdout);
    const scanMs = now() - t;
    if (!parsed.ok) throw new Error(parsed.error.message);
    console.log(`  scan script ${out.cpu} (load average ${load()})`);
    if (parsed.value.workloads.length !== N)
      throw new Error(`scan found ${parsed.value.workloads.length} workloads`);
    t = now();
    for (const folder of folders)
      await run('sh', [
        '-c',
        'cat "$1"/workload_db "$1"/workload_vms_db "$1"/snapshot_*/snapshot_db >/dev/null; du -sb "$1"',
        'sh',
        folder,
      ]);
    report(`scan ${N}×${M} (local)`, scanMs, now() - t, ` (${N} × sh -c 'cat …; du -sb')`);

    // Chains, locally.
    t = now();
    const chainOut = await runTimed(chainCheckArgv({ paths: [mountRoot], mountRoots: [mountRoot] }), chainCheckScript);
    const chains = parseChainReport(chainOut.stdout);
    const chainMs = now() - t;
    if (!chains.ok) throw new Error(chains.error.message);
    console.log(`  chain script ${chainOut.cpu} (load average ${load()})`);
    const byPath = new Map<string, ChainCheck>(chains.value.checks.map((c) => [c.path, c]));
    if (byPath.size !== files.length)
      throw new Error(`chain check reported ${byPath.size} of ${files.length} files`);
    const qemuCount = opts['qemu-files'] === 'all' ? files.length : Number(opts['qemu-files']);
    const picked = sample(files, qemuCount);
    let disagree = 0;
    t = now();
    for (const path of picked)
      if ((await qemuOk(path)) !== (byPath.get(path)!.verdict === 'ok')) disagree += 1;
    const qemuMs = ((now() - t) / picked.length) * files.length;
    const broken = chains.value.checks.filter((c) => c.verdict !== 'ok').length;
    report(
      `chains of ${files.length} files (local)`,
      chainMs,
      qemuMs,
      picked.length < files.length ? ` (qemu-img on ${picked.length} files, extrapolated)` : '',
    );
    console.log(`  verdicts: ${broken} not ok; qemu-img disagrees on ${disagree} of ${picked.length}`);
    if (disagree > 0) process.exitCode = 1;

    if (opts.ssh) await overSsh(shareRoot, folders, mountRoot);
  } finally {
    if (opts.keep) console.log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

/** The same through tvm-1 over one SSH connection (the lab host sees this machine's /tmp). */
async function overSsh(shareRoot: string, folders: string[], mountRoot: string) {
  const world = await startRemoteWorld();
  const pool = world.pool();
  // Other lab users may restart tvm-1 meanwhile: keep trying to connect for a while.
  const conn = async () => {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const c = await pool.get('key');
      if (c.ok) return c.value;
      if (Date.now() > deadline) throw new Error(c.error.message);
      await new Promise((r) => setTimeout(r, 500));
    }
  };
  try {
    const ctx: ExecContext = { runId: 'bench', step: 'discovery', sink: () => {} };
    let t = now();
    const scan = await scanShare(await conn(), [shareRoot], ctx);
    const scanMs = now() - t;
    if (!scan.ok) throw new Error(scan.error.message);
    console.log(
      `scan ${N}×${M} (ssh tvm-1): script ${secs(scanMs)}, ${scan.value.workloads.length} workloads`,
    );

    t = now();
    const chains = await checkChains(await conn(), { paths: [mountRoot], mountRoots: [mountRoot] }, ctx);
    if (!chains.ok) throw new Error(chains.error.message);
    console.log(`chains of ${chains.value.checks.length} files (ssh tvm-1): script ${secs(now() - t)}`);

    // The naive scan: one exec per workload.
    let reconnects = 0;
    t = now();
    for (const folder of folders) {
      const argv = [
        'sh',
        '-c',
        'cat "$1"/workload_db "$1"/workload_vms_db "$1"/snapshot_*/snapshot_db; du -sb "$1"',
        'sh',
        folder,
      ];
      let r = await runCommand(await conn(), { argv, quietStdout: true }, ctx);
      if (!r.ok && r.error.code === 'ssh-connect') {
        reconnects += 1;
        r = await runCommand(await conn(), { argv, quietStdout: true }, ctx);
      }
      if (!r.ok) throw new Error(r.error.message);
    }
    const note = ` (${folders.length} execs${reconnects ? `, ${reconnects} reconnects` : ''})`;
    report(`scan ${N}×${M} (ssh tvm-1)`, scanMs, now() - t, note);
  } finally {
    await pool.closeAll();
  }
}

await main();
