import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseQcow2Header, readBackingChain } from '../../lab/trilio/emulator/qcow2-chain.js';

/**
 * The emulator reads qcow2 chains with its own header parser. Checked against images made by
 * qemu-img (the lab's tool), and its failure text against what `qemu-img info --backing-chain` says
 * for the same missing backing file.
 */

const qemuImg = '/usr/bin/qemu-img';
let dir: string;
/** The images live under `<dir>/host`, named by "host" paths under /var/triliovault-mounts/X. */
const hostRoot = () => path.join(dir, 'host');
const onHost = (p: string) => path.join(hostRoot(), p);
const mount = '/var/triliovault-mounts/MTAuMTAuMi4yMDovdXBzdHJlYW0=';

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'qcow2-chain-'));
  mkdirSync(onHost(mount), { recursive: true });
  execFileSync(qemuImg, ['create', '-q', '-f', 'qcow2', onHost(`${mount}/full`), '4M']);
  execFileSync(qemuImg, [
    'create',
    '-q',
    '-f',
    'qcow2',
    '-F',
    'qcow2',
    '-b',
    `${mount}/full`,
    '-u',
    onHost(`${mount}/inc1`),
    '4M',
  ]);
  execFileSync(qemuImg, [
    'create',
    '-q',
    '-f',
    'qcow2',
    '-F',
    'qcow2',
    '-b',
    `${mount}/inc1`,
    '-u',
    onHost(`${mount}/inc2`),
    '4M',
  ]);
  execFileSync(qemuImg, [
    'create',
    '-q',
    '-f',
    'qcow2',
    '-F',
    'qcow2',
    '-b',
    'inc1',
    '-u',
    onHost(`${mount}/relative`),
    '4M',
  ]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('qcow2 header', () => {
  it('reads version, size and the absolute backing path qemu-img wrote', () => {
    expect(parseQcow2Header(readFileSync(onHost(`${mount}/inc2`)))).toEqual({
      version: 3,
      size: 4n * 1024n * 1024n,
      backingFile: `${mount}/inc1`,
    });
    expect(parseQcow2Header(readFileSync(onHost(`${mount}/full`)))).toMatchObject({ backingFile: null });
    expect(parseQcow2Header(Buffer.from('not an image at all, just bytes to fill the header'))).toBe(
      'Image is not in qcow2 format',
    );
  });

  it('reads a hand-made version 2 header', () => {
    const bytes = Buffer.alloc(512);
    bytes.writeUInt32BE(0x514649fb, 0);
    bytes.writeUInt32BE(2, 4);
    bytes.writeBigUInt64BE(72n, 8);
    bytes.writeUInt32BE(7, 16);
    bytes.writeBigUInt64BE(1024n, 24);
    bytes.write('/a/base', 72);
    expect(parseQcow2Header(bytes)).toEqual({ version: 2, size: 1024n, backingFile: '/a/base' });
  });
});

describe('backing chain', () => {
  it('follows absolute and relative backing paths through the host’s view', async () => {
    expect(await readBackingChain(`${mount}/inc2`, onHost)).toEqual({
      ok: true,
      chain: [`${mount}/inc2`, `${mount}/inc1`, `${mount}/full`],
    });
    expect((await readBackingChain(`${mount}/relative`, onHost)).chain).toEqual([
      `${mount}/relative`,
      `${mount}/inc1`,
      `${mount}/full`,
    ]);
  });

  it('fails with qemu-img’s own words when a backing file does not resolve on the host', async () => {
    // An incremental moved to another share still names the old share's mount path.
    const gone = '/var/triliovault-mounts/R29uZQ==';
    execFileSync(qemuImg, [
      'create',
      '-q',
      '-f',
      'qcow2',
      '-F',
      'qcow2',
      '-b',
      `${gone}/inc1`,
      '-u',
      onHost(`${mount}/moved`),
      '4M',
    ]);
    const read = await readBackingChain(`${mount}/moved`, onHost);
    expect(read.ok).toBe(false);
    expect(read.chain).toEqual([`${mount}/moved`]);
    // What qemu-img itself says for a missing backing file, run on this machine.
    const nowhere = path.join(dir, 'nowhere');
    execFileSync(qemuImg, [
      'create',
      '-q',
      '-f',
      'qcow2',
      '-F',
      'qcow2',
      '-b',
      `${nowhere}/inc1`,
      '-u',
      path.join(dir, 'top'),
      '4M',
    ]);
    const real = spawnSync(qemuImg, ['info', '--backing-chain', path.join(dir, 'top')], { encoding: 'utf8' });
    expect(real.status).not.toBe(0);
    expect(read.error).toBe(real.stderr.trim().replaceAll(nowhere, gone));
    expect(read.error).toBe(
      `qemu-img: Could not open '${gone}/inc1': Could not open '${gone}/inc1': No such file or directory`,
    );
  });

  it('refuses a backing file that is not qcow2', async () => {
    writeFileSync(onHost(`${mount}/garbage`), 'garbage');
    execFileSync(qemuImg, [
      'create',
      '-q',
      '-f',
      'qcow2',
      '-F',
      'qcow2',
      '-b',
      `${mount}/garbage`,
      '-u',
      onHost(`${mount}/bad`),
      '4M',
    ]);
    expect((await readBackingChain(`${mount}/bad`, onHost)).error).toBe(
      `qemu-img: Could not open '${mount}/garbage': Image is not in qcow2 format`,
    );
  });
});
