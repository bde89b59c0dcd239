import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  listFolderArgv,
  listSnapshotFoldersArgv,
  parseListing,
  parseSnapshotFolders,
  copyFolderArgv,
  removeCopyArgv,
  removingPathOf,
  sameListing,
} from '../../../shared/plans/copy-plan.js';
import {
  appendLineArgv,
  parseProbe,
  probePathsArgv,
  removeLineArgv,
} from '../../../shared/plans/host-scripts.js';
import { purgeArgv } from '../../../shared/plans/cleanup-plan.js';
import { nastyFragments } from '../../support/hostile-strings.js';

/**
 * The host scripts run for real here (local `sh`), on temp files instead of /etc/fstab: what a host
 * would do with them, including a second run that must change nothing.
 */
let dir: string;
const sh = (argv: string[]) => execFileSync(argv[0]!, argv.slice(1), { encoding: 'utf8' });

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trilio-dr-scripts-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('appendLineArgv / removeLineArgv', () => {
  const line =
    '/var/triliovault-mounts/MTAuMjAuMy4yMjovdXBzdHJlYW1fdGFyZ2V0 /var/triliovault-mounts/MTAu none bind 0 0';

  it('adds the line once, after a backup, fixing a missing final newline; a repeat changes nothing', async () => {
    const fstab = join(dir, 'fstab');
    const original = '# /etc/fstab\nUUID=abc / ext4 defaults 0 1'; // no final newline
    await writeFile(fstab, original);
    await chmod(fstab, 0o640);
    sh(appendLineArgv(fstab, line, join(dir, 'fstab.bak')));
    expect(await readFile(fstab, 'utf8')).toBe(`${original}\n${line}\n`);
    expect(await readFile(join(dir, 'fstab.bak'), 'utf8')).toBe(original);
    sh(appendLineArgv(fstab, line, join(dir, 'fstab.bak2')));
    expect(await readFile(fstab, 'utf8')).toBe(`${original}\n${line}\n`);
    await expect(stat(join(dir, 'fstab.bak2'))).rejects.toThrow();

    sh(removeLineArgv(fstab, line));
    expect(await readFile(fstab, 'utf8')).toBe(`${original}\n`);
    expect((await stat(fstab)).mode & 0o777).toBe(0o640);
    sh(removeLineArgv(fstab, line)); // absent: no-op
    expect(await readFile(fstab, 'utf8')).toBe(`${original}\n`);
  });

  it('treats hostile line contents as data', async () => {
    const fstab = join(dir, 'fstab');
    await writeFile(fstab, 'keep me\n');
    for (const hostile of nastyFragments.filter((h) => !h.includes('\n') && !h.includes('\0') && h !== '')) {
      sh(appendLineArgv(fstab, hostile, join(dir, 'b')));
      sh(removeLineArgv(fstab, hostile));
    }
    expect(await readFile(fstab, 'utf8')).toBe('keep me\n');
  });
});

describe('probePathsArgv', () => {
  it('reports directories, and mount points only where mounted', async () => {
    const out = sh(probePathsArgv([dir, join(dir, 'missing'), '/proc']));
    const { dirs, mounts } = parseProbe(out);
    expect([...dirs].sort()).toEqual(['/proc', dir].sort());
    expect([...mounts]).toEqual(['/proc']);
  });
});

describe('copy scripts', () => {
  it('copies into a partial folder, renames into place, refuses to overwrite, and listings compare', async () => {
    const src = join(dir, 'src with space');
    execFileSync('mkdir', ['-p', join(src, 'snapshot_1', "vm '$(x)'")]);
    await writeFile(join(src, 'workload_db'), '{"id": "w"}');
    await writeFile(join(src, 'snapshot_1', "vm '$(x)'", 'disk'), Buffer.alloc(70_000, 1));
    const dst = join(dir, 'dst');
    const partial = join(dir, '.partial');
    expect(parseListing(sh(listFolderArgv(dst)))).toBeNull();
    sh(copyFolderArgv(src, partial, dst));
    const a = parseListing(sh(listFolderArgv(src)));
    const b = parseListing(sh(listFolderArgv(dst)));
    expect(a).toMatchObject({ files: 2, bytes: 70_011 });
    expect(sameListing(a, b)).toBe(true);
    await expect(stat(partial)).rejects.toThrow();
    expect(() => sh(copyFolderArgv(src, partial, dst))).toThrow(/already exists/);
    await writeFile(join(dst, 'workload_db'), '{"id": "longer"}');
    expect(sameListing(a, parseListing(sh(listFolderArgv(dst))))).toBe(false);
  });
});

describe('purgeArgv', () => {
  it('passes workload ids as arguments to the operator command, never as shell text', () => {
    const out = sh(purgeArgv('printf "<%s>" {ids}', ['w1', '$(touch /tmp/pwned)']));
    expect(out).toBe('<w1><$(touch /tmp/pwned)>');
    expect(sh(purgeArgv('printf "[%s]"', ['a b']))).toBe('[a b]');
  });
});

describe('removeCopyArgv / listSnapshotFoldersArgv', () => {
  it('lists the snapshot folders, removes the copy through a hidden name, and a repeat finds nothing', async () => {
    const { mkdir } = await import('node:fs/promises');
    const target = join(dir, 'workload_w1');
    await mkdir(join(target, 'snapshot_s1', 'vm_id_1'), { recursive: true });
    await mkdir(join(target, 'snapshot_s2'));
    await writeFile(join(target, 'workload_db'), '{}');
    expect(parseSnapshotFolders(sh(listSnapshotFoldersArgv(target)))).toEqual(['snapshot_s1', 'snapshot_s2']);
    const aside = removingPathOf(target);
    expect(aside).toBe(join(dir, '.trilio-dr-removing-workload_w1'));
    sh(removeCopyArgv(target, aside));
    await expect(stat(target)).rejects.toThrow();
    await expect(stat(aside)).rejects.toThrow();
    expect(parseSnapshotFolders(sh(listSnapshotFoldersArgv(target)))).toBeNull();
    sh(removeCopyArgv(target, aside));
  });

  it('finishes a removal that was interrupted after the folder was set aside', async () => {
    const { mkdir } = await import('node:fs/promises');
    const target = join(dir, 'workload_w2');
    const aside = removingPathOf(target);
    await mkdir(join(aside, 'snapshot_s1'), { recursive: true });
    sh(removeCopyArgv(target, aside));
    await expect(stat(aside)).rejects.toThrow();
  });

  it('takes a hostile folder name as one argument', async () => {
    const { mkdir } = await import('node:fs/promises');
    const target = join(dir, 'workload_$(touch pwned); x');
    await mkdir(target);
    const argv = removeCopyArgv(target, removingPathOf(target));
    execFileSync(argv[0]!, argv.slice(1), { cwd: dir });
    await expect(stat(target)).rejects.toThrow();
    await expect(stat(join(dir, 'pwned'))).rejects.toThrow();
  });
});
