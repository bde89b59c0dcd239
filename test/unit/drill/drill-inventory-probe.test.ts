import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inventoryProbeArgv, parseInventoryProbe } from '../../../shared/plans/drill-inventory-plan.js';

const run = (argv: string[]) => execFileSync(argv[0]!, argv.slice(1), { encoding: 'utf8' });
const decode = (b: string) => Buffer.from(b, 'base64').toString('utf8');

describe('the drill inventory probe, run by a real shell', () => {
  const dir = mkdtempSync(join(tmpdir(), 'drill-probe-'));
  const conf = join(dir, "workload mgr's.conf");
  writeFileSync(conf, '[DEFAULT]\nvault_storage_nfs_export = 10.20.3.22:/upstream_target\n');
  const share = join(dir, 'share $(touch pwned)');
  mkdirSync(join(share, 'workload_aaa'), { recursive: true });
  mkdirSync(join(share, 'workload_bbb'));
  mkdirSync(join(share, 'not-a-workload'));

  it('reads fstab byte for byte, the mount table, config hashes and workload folders', () => {
    const out = run(inventoryProbeArgv([conf, join(dir, 'missing.conf')], [share, join(dir, 'absent')]));
    const { node, shares } = parseInventoryProbe('tvm-1', out, decode);
    expect(node.fstab).toBe(readFileSync('/etc/fstab', 'utf8'));
    const root = readFileSync('/proc/self/mounts', 'utf8').split('\n')[0]!.split(' ');
    expect(node.mounts).toContain(`${root[1]} ${root[0]}`);
    expect(node.configHashes).toEqual({
      [conf]: createHash('sha256').update(readFileSync(conf)).digest('hex'),
    });
    expect(shares).toEqual({ [share]: ['workload_aaa', 'workload_bbb'], [join(dir, 'absent')]: [] });
  });

  it('passes names as data: a folder named like a command is listed, never run', () => {
    run(inventoryProbeArgv([], [share]));
    expect(() => readFileSync(join(dir, 'pwned'))).toThrow();
  });

  it('sees a changed byte in a config file', () => {
    const before = parseInventoryProbe('c', run(inventoryProbeArgv([conf], [])), decode).node;
    writeFileSync(conf, readFileSync(conf, 'utf8').replace('22', '23'));
    const after = parseInventoryProbe('c', run(inventoryProbeArgv([conf], [])), decode).node;
    expect(after.configHashes[conf]).not.toBe(before.configHashes[conf]);
  });
});
