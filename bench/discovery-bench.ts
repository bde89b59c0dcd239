/**
 * Discovery benchmark (run by bench/discovery-rows.ts; not run by the tests): the two discovery
 * scripts against what a competent admin runs instead, ROUNDS rounds each, alternating.
 *
 *   npx tsx bench/discovery-bench.ts [--workloads 2000] [--snapshots 10] [--files 10000] [--chain 10]
 *                                    [--rounds 3] [--ssh] [--keep]
 *
 * Chains (on this machine's disk): K qcow2 files in chains of length L (every 20th chain lost its full
 * image, as after a move between shares). Ours: the chain-check script. Peer: `qemu-img info
 * --backing-chain` on the leaf files only, `xargs -P $(nproc)`, verdicts compared on every leaf.
 * Lower bound: one process (this one) listing every folder below the mount root (as ours must, to find
 * the images) and reading every file's qcow2 header, following the backing names. Scan (`--ssh`,
 * through the lab's tvm-1, which sees this machine's /tmp): N workloads × M snapshots in Trilio's
 * layout; ours: the scan script over one exec; peer: one SSH session running one shell loop over the
 * workload folders (`cat` of the metadata, `du -sb`). The last line printed is `RESULT <json>` for
 * discovery-rows.ts.
 */
import { spawn } from 'node:child_process';
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { checkChains } from '../electron/core/discovery/check-chains.js';
import { scanShare } from '../electron/core/discovery/scan-share.js';
import { runCommand, type ExecContext } from '../electron/core/ssh/exec.js';
import { parseChainReport, type ChainCheck } from '../shared/discovery/chain-report.js';
import { mountDirNameFor } from '../shared/nfs/mount-path.js';
import { chainCheckArgv, chainCheckScript } from '../shared/remote-scripts/chain-check.js';
import { startRemoteWorld } from '../test/integration/remote/support/remote-world.js';

const { values: opts } = parseArgs({
  options: {
    workloads: { type: 'string', default: '2000' },
    snapshots: { type: 'string', default: '10' },
    files: { type: 'string', default: '10000' },
    chain: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '3' },
    ssh: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
});
const N = Number(opts.workloads);
const M = Number(opts.snapshots);
const K = Number(opts.files);
const L = Number(opts.chain);
const ROUNDS = Number(opts.rounds);
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
async function makeChains(mountRoot: string): Promise<{ files: string[]; leaves: string[] }> {
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
  const leaves: string[] = [];
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
      if (i === L - 1 || files.length === K) leaves.push(path);
    }
  }
  return { files, leaves };
}

/**
 * The peer: `qemu-img info --backing-chain` on every leaf, `xargs -P $(nproc)` wide (what an admin
 * types). A leaf whose chain opens prints it as JSON (every file of the chain named); one that does
 * not prints an error: the leaves named on stdout are the ones whose chain resolves.
 */
async function qemuLeaves(listFile: string, leaves: readonly string[]): Promise<Set<string>> {
  const r = await run('sh', [
    '-c',
    'xargs -d "\\n" -P "$(nproc)" -n 1 qemu-img info -f qcow2 --backing-chain --output=json < "$1"',
    'sh',
    listFile,
  ]);
  const named = new Set([...r.stdout.matchAll(/"filename": "([^"]+)"/g)].map((m) => m[1]!));
  return new Set(leaves.filter((leaf) => named.has(leaf)));
}

/**
 * The first half of the lower bound for ours: every folder below `root` listed (one readdir each, file
 * types from the listing), as ours must to find the images it is given no list of. Returns the files.
 */
function listFolders(root: string): string[] {
  const files: string[] = [];
  const pending = [root];
  while (pending.length > 0) {
    const folder = pending.pop()!;
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) pending.push(path);
      else if (entry.isFile()) files.push(path);
    }
  }
  return files;
}

/**
 * The second half of the lower bound for ours: one process reads every file's qcow2 header once (magic,
 * backing file offset and size) and follows the backing names, a file ok when its whole chain opens.
 */
function headerWalk(files: readonly string[]): Map<string, boolean> {
  const backingOf = new Map<string, string | null | 'bad'>();
  const header = Buffer.alloc(4096);
  const read = (path: string): string | null | 'bad' => {
    const known = backingOf.get(path);
    if (known !== undefined) return known;
    let value: string | null | 'bad';
    let fd: number | undefined;
    try {
      fd = openSync(path, 'r');
      const n = readSync(fd, header, 0, header.length, 0);
      if (n < 20 || header.readUInt32BE(0) !== 0x514649fb) value = 'bad';
      else {
        const offset = Number(header.readBigUInt64BE(8));
        const size = header.readUInt32BE(16);
        if (offset === 0) value = null;
        else if (offset + size <= n) value = header.toString('utf8', offset, offset + size);
        else {
          const name = Buffer.alloc(size);
          readSync(fd, name, 0, size, offset);
          value = name.toString('utf8');
        }
      }
    } catch {
      value = 'bad';
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
    backingOf.set(path, value);
    return value;
  };
  const verdicts = new Map<string, boolean>();
  const okOf = (path: string, depth: number): boolean => {
    const known = verdicts.get(path);
    if (known !== undefined) return known;
    const backing = read(path);
    const ok = backing === 'bad' ? false : backing === null ? true : depth < 64 && okOf(backing, depth + 1);
    verdicts.set(path, ok);
    return ok;
  };
  return new Map(files.map((f) => [f, okOf(f, 0)]));
}

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

interface Result {
  rounds: number;
  files: number;
  leaves: number;
  notOk: number;
  /** headers: the lower bound (listing + header reads); listing: its folder listing alone. */
  chain: { ours: number[]; qemuLeaves: number[]; headers: number[]; listing: number[]; oursCpu: string[] };
  qemuDisagree: number;
  headerDisagree: number;
  scan?: { workloads: number; ours: number[]; loop: number[]; chainOverSsh: number[] };
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'discovery-bench-'));
  try {
    console.log(`generating ${N} workloads × ${M} snapshots and ${K} qcow2 files (chains of ${L}) in ${dir}`);
    const t0 = now();
    const shareRoot = join(dir, 'share');
    makeWorkloads(shareRoot);
    const mountRoot = join(dir, 'mounts');
    const { files, leaves } = await makeChains(mountRoot);
    const listFile = join(dir, 'leaves.txt');
    writeFileSync(listFile, leaves.join('\n') + '\n');
    console.log(`generated in ${secs(now() - t0)}; ${leaves.length} leaves`);

    const result: Result = {
      rounds: ROUNDS,
      files: files.length,
      leaves: leaves.length,
      notOk: 0,
      chain: { ours: [], qemuLeaves: [], headers: [], listing: [], oursCpu: [] },
      qemuDisagree: 0,
      headerDisagree: 0,
    };
    for (let round = 0; round < ROUNDS; round++) {
      let t = now();
      const chainOut = await runTimed(
        chainCheckArgv({ paths: [mountRoot], mountRoots: [mountRoot] }),
        chainCheckScript,
      );
      const chains = parseChainReport(chainOut.stdout);
      result.chain.ours.push(now() - t);
      result.chain.oursCpu.push(chainOut.cpu);
      if (!chains.ok) throw new Error(chains.error.message);
      const byPath = new Map<string, ChainCheck>(chains.value.checks.map((c) => [c.path, c]));
      if (byPath.size !== files.length)
        throw new Error(`chain check reported ${byPath.size} of ${files.length} files`);
      result.notOk = chains.value.checks.filter((c) => c.verdict !== 'ok').length;

      t = now();
      const okLeaves = await qemuLeaves(listFile, leaves);
      result.chain.qemuLeaves.push(now() - t);
      result.qemuDisagree = leaves.filter(
        (l) => okLeaves.has(l) !== (byPath.get(l)!.verdict === 'ok'),
      ).length;

      t = now();
      const listed = listFolders(mountRoot);
      result.chain.listing.push(now() - t);
      const walked = headerWalk(listed);
      result.chain.headers.push(now() - t);
      if (listed.length !== files.length) throw new Error(`listing found ${listed.length} of ${files.length} files`);
      result.headerDisagree = files.filter((f) => walked.get(f) !== (byPath.get(f)!.verdict === 'ok')).length;
      console.log(
        `chains round ${round + 1}: ours ${secs(result.chain.ours.at(-1)!)} (${chainOut.cpu}), qemu-img leaves ` +
          `${secs(result.chain.qemuLeaves.at(-1)!)}, lower bound ${secs(result.chain.headers.at(-1)!)} ` +
          `(listing ${secs(result.chain.listing.at(-1)!)}); ` +
          `${result.notOk} not ok; disagree: qemu-img ${result.qemuDisagree}/${leaves.length}, headers ${result.headerDisagree}/${files.length} (load ${load()})`,
      );
    }
    if (opts.ssh) result.scan = await overSsh(shareRoot, mountRoot);
    console.log(`RESULT ${JSON.stringify(result)}`);
    if (result.qemuDisagree > 0 || result.headerDisagree > 0) process.exitCode = 1;
  } finally {
    if (opts.keep) console.log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

/** Ours and the admin's shell loop over one SSH connection each round, through tvm-1. */
async function overSsh(shareRoot: string, mountRoot: string): Promise<NonNullable<Result['scan']>> {
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
  const scan: NonNullable<Result['scan']> = { workloads: 0, ours: [], loop: [], chainOverSsh: [] };
  // What an admin types: one loop in one shell, every workload's metadata read and its size summed.
  const loop = [
    'sh',
    '-c',
    'for d in "$1"/workload_*; do cat "$d"/workload_db "$d"/workload_vms_db "$d"/snapshot_*/snapshot_db; du -sb "$d"; done',
    'sh',
    shareRoot,
  ];
  try {
    const ctx: ExecContext = { runId: 'bench', step: 'discovery', sink: () => {} };
    for (let round = 0; round < ROUNDS; round++) {
      let t = now();
      const ours = await scanShare(await conn(), [shareRoot], ctx);
      scan.ours.push(now() - t);
      if (!ours.ok) throw new Error(ours.error.message);
      scan.workloads = ours.value.workloads.length;
      if (scan.workloads !== N) throw new Error(`scan over SSH found ${scan.workloads} workloads`);

      t = now();
      const r = await runCommand(
        await conn(),
        { argv: loop, quietStdout: true },
        { ...ctx, timeoutMs: 600_000 },
      );
      scan.loop.push(now() - t);
      if (!r.ok) throw new Error(r.error.message);
      // The metadata files end without a newline, so du's `SIZE<TAB>PATH` follows them on the same line.
      const sizes = r.value.stdout.split(`\t${shareRoot}/workload_`).length - 1;
      if (sizes !== N) throw new Error(`the shell loop printed ${sizes} sizes for ${N} workloads`);

      t = now();
      const chains = await checkChains(await conn(), { paths: [mountRoot], mountRoots: [mountRoot] }, ctx);
      scan.chainOverSsh.push(now() - t);
      if (!chains.ok) throw new Error(chains.error.message);
      console.log(
        `scan round ${round + 1} (ssh tvm-1): ours ${secs(scan.ours.at(-1)!)}, shell loop ${secs(scan.loop.at(-1)!)}; ` +
          `chain check over SSH ${secs(scan.chainOverSsh.at(-1)!)} (load ${load()})`,
      );
    }
    return scan;
  } finally {
    await pool.closeAll();
  }
}

await main();
