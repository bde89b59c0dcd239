import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  mountPathsNeeded,
  parseChainReport,
  type ChainReport,
} from '../../../shared/discovery/chain-report.js';
import { mountDirNameFor } from '../../../shared/nfs/mount-path.js';
import { chainCheckArgv, chainCheckScript } from '../../../shared/remote-scripts/chain-check.js';
import { python36, qemuImg, runScript } from './support/run-local.js';

// Real qcow2 images made by qemu-img, laid out like Trilio's share folders under a temp mount root.
// Every verdict is compared with what `qemu-img info -f qcow2 --backing-chain` says about the same file.

let dir: string;
let mountRoot: string;
let share: string;
const exportA = '10.0.0.1:/share_a';
/** The share a moved workload was written on: referenced by its incrementals, absent here. */
const exportOld = '10.9.9.9:/old_share';
const files: Record<string, string> = {};

async function image(
  name: string,
  path: string,
  backing?: { path: string; format?: string; unsafe?: boolean },
) {
  await mkdir(dirname(path), { recursive: true });
  const args = ['create', '-q', '-f', 'qcow2'];
  if (backing)
    args.push('-F', backing.format ?? 'qcow2', '-b', backing.path, ...(backing.unsafe ? ['-u'] : []));
  args.push(path, '1M');
  await qemuImg(...args);
  files[name] = path;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'chain-check-'));
  mountRoot = join(dir, 'mounts');
  share = join(mountRoot, mountDirNameFor(exportA));
  const disk = (workload: string, snapshot: string, name = 'disk') =>
    join(share, `workload_${workload}`, `snapshot_${snapshot}`, 'vm_id_v1', 'vm_res_id_r1_vda', name);

  await image('full', disk('w1', 's1'));
  await image('incAbsolute', disk('w1', 's2'), { path: files.full! });
  // Relative backing name: resolved against the folder of the image naming it.
  await image('incRelative', disk('w1', 's3'), {
    path: '../../../snapshot_s2/vm_id_v1/vm_res_id_r1_vda/disk',
    unsafe: true,
  });
  const oldPath = join(
    mountRoot,
    mountDirNameFor(exportOld),
    'workload_w2/snapshot_s1/vm_id_v1/vm_res_id_r1_vda/disk',
  );
  await image('missing', disk('w2', 's2'), { path: oldPath, unsafe: true });
  await image('onMissing', disk('w2', 's3'), { path: disk('w2', 's2'), unsafe: true });

  const odd = join(dir, 'odd');
  await mkdir(odd, { recursive: true });
  files.text = join(odd, 'notes.txt');
  await writeFile(files.text, 'not an image\n');
  await image('loopA', join(odd, 'loop-a.qcow2'), { path: 'loop-b.qcow2', unsafe: true });
  await image('loopB', join(odd, 'loop-b.qcow2'), { path: 'loop-a.qcow2', unsafe: true });
  // qemu-img refuses to create an image backed by itself; a rename gets there.
  await image('self', join(odd, 'self-tmp.qcow2'), { path: 'self.qcow2', unsafe: true });
  await rename(files.self!, join(odd, 'self.qcow2'));
  files.self = join(odd, 'self.qcow2');
  await image('declaredQcow2ButText', join(odd, 'bad-format.qcow2'), { path: 'notes.txt', unsafe: true });
  await image('rawBacking', join(odd, 'raw-backing.qcow2'), {
    path: 'notes.txt',
    format: 'raw',
    unsafe: true,
  });
  await image('backingIsFolder', join(odd, 'folder-backing.qcow2'), { path: odd, unsafe: true });
  files.truncated = join(odd, 'truncated.qcow2');
  await writeFile(files.truncated, Buffer.from('QFI\xfb\0\0\0\x03', 'latin1'));
  files.absent = join(odd, 'absent.qcow2');
  await image('v2', join(odd, 'v2.qcow2'), { path: files.full! });
  await qemuImg('amend', '-f', 'qcow2', '-o', 'compat=0.10', files.v2!);
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function check(
  paths: string[],
  extra: { names?: string[]; python?: string } = {},
): Promise<ChainReport> {
  const argv = chainCheckArgv({ paths, mountRoots: [mountRoot], names: extra.names });
  const run = await runScript(argv, chainCheckScript, extra.python);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  const parsed = parseChainReport(run.stdout);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value;
}

/** `qemu-img info -f qcow2 --backing-chain`: null when it fails, else the chain's file names. */
function qemuChain(path: string): Promise<string[] | null> {
  return new Promise((resolve) =>
    execFile('qemu-img', ['info', '-f', 'qcow2', '--backing-chain', '--output=json', path], (error, stdout) =>
      resolve(error ? null : (JSON.parse(stdout) as { filename: string }[]).map((i) => i.filename)),
    ),
  );
}

const verdictOf = (report: ChainReport, name: string) => report.checks.find((c) => c.path === files[name]);

describe('backing-chain check (script run locally on real qcow2 images)', () => {
  it('gives the same ok/fail verdict and the same chain as qemu-img, file by file', async () => {
    const names = Object.keys(files);
    const report = await check(names.map((n) => files[n]!));
    expect(report.checks.map((c) => c.path)).toEqual(names.map((n) => files[n]));
    for (const name of names) {
      const qemu = await qemuChain(files[name]!);
      const ours = verdictOf(report, name)!;
      expect({ name, ok: ours.verdict === 'ok' }).toEqual({ name, ok: qemu !== null });
      if (qemu) expect({ name, chain: ours.chain }).toEqual({ name, chain: qemu });
    }
  });

  it('names the verdict and where the chain broke', async () => {
    const report = await check(Object.values(files));
    const summary = (name: string) => {
      const c = verdictOf(report, name)!;
      return { verdict: c.verdict, at: c.at };
    };
    expect(summary('full')).toEqual({ verdict: 'ok', at: null });
    expect(verdictOf(report, 'incRelative')!.chain).toEqual([
      files.incRelative,
      `${dirname(files.incRelative!)}/../../../snapshot_s2/vm_id_v1/vm_res_id_r1_vda/disk`,
      files.full,
    ]);
    const missing = verdictOf(report, 'missing')!;
    expect(missing.verdict).toBe('missing-backing');
    expect(missing.at).toBe(missing.chain.at(-1));
    expect(missing.at).toContain(mountDirNameFor(exportOld));
    expect(missing.reason).toBe('No such file or directory');
    expect(summary('onMissing')).toEqual({ verdict: 'missing-backing', at: missing.at });
    expect(summary('text')).toEqual({ verdict: 'not-qcow2', at: files.text });
    expect(summary('declaredQcow2ButText')).toEqual({ verdict: 'not-qcow2', at: files.text });
    expect(summary('rawBacking')).toEqual({ verdict: 'ok', at: null });
    expect(summary('loopA')).toEqual({ verdict: 'loop', at: files.loopA });
    expect(summary('self')).toEqual({ verdict: 'loop', at: files.self });
    expect(summary('backingIsFolder').verdict).toBe('unreadable');
    expect(summary('truncated')).toEqual({ verdict: 'unreadable', at: files.truncated });
    expect(summary('absent')).toEqual({ verdict: 'unreadable', at: files.absent });
    expect(summary('v2')).toEqual({ verdict: 'ok', at: null });
  });

  it('walks a share folder: qcow2 files only, optionally filtered by name, and the mount paths they need', async () => {
    await writeFile(join(share, 'workload_w1', 'workload_db'), '{}');
    const report = await check([share]);
    expect(report.checks.map((c) => c.path).sort()).toEqual(
      [files.full, files.incAbsolute, files.incRelative, files.missing, files.onMissing].sort(),
    );
    expect(report.skipped).toBe(1);
    const oldDir = join(mountRoot, mountDirNameFor(exportOld));
    expect(report.mountDirs).toEqual(
      [
        { path: share, exists: true, files: 5 },
        { path: oldDir, exists: false, files: 2 },
      ].sort((a, b) => (a.path < b.path ? -1 : 1)),
    );
    const needed = mountPathsNeeded(report.checks, [mountRoot]);
    expect(needed.map((n) => ({ nfsExport: n.nfsExport, files: n.files, missing: n.missing }))).toEqual(
      [
        { nfsExport: exportA, files: 5, missing: 0 },
        { nfsExport: exportOld, files: 2, missing: 2 },
      ].sort((a, b) => (mountDirNameFor(a.nfsExport) < mountDirNameFor(b.nfsExport) ? -1 : 1)),
    );

    const filtered = await check([share], { names: ['nothing*'] });
    expect(filtered.checks).toEqual([]);
  });

  it('treats every argument after -- as a path, even one that looks like an option', async () => {
    const report = await check(['--name', '-x']);
    expect(report.checks.map((c) => [c.path, c.verdict])).toEqual([
      ['--name', 'unreadable'],
      ['-x', 'unreadable'],
    ]);
  });

  it.skipIf(!python36)('prints the same report under Python 3.6', async () => {
    const paths = Object.values(files);
    const argv = chainCheckArgv({ paths, mountRoots: [mountRoot] });
    const [current, old] = await Promise.all([
      runScript(argv, chainCheckScript),
      runScript(argv, chainCheckScript, python36),
    ]);
    expect(old.stderr).toBe('');
    expect(old.stdout).toBe(current.stdout);
  });
});
