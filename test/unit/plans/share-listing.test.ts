import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listTwoSharesArgv, parseTwoShares } from '../../../shared/plans/share-listing.js';

/** Pre-flight's listing of B1 and B2 on the appliance, run in a local shell (no NFS here). */
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trilio-dr-shares-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('listTwoSharesArgv', () => {
  it('lists B1, and says B2 is unreadable when it is mounted nowhere and cannot be mounted, leaving no folder', async () => {
    await mkdir(join(dir, 'b1', 'workload_w1'), { recursive: true });
    await mkdir(join(dir, 'b1', 'workload_w2'));
    await mkdir(join(dir, 'b1', 'not-a-workload'));
    const argv = listTwoSharesArgv(
      join(dir, 'b1'),
      join(dir, 'b2'),
      join(dir, 'staging'),
      '10.0.0.9:/nowhere',
    );
    const out = execFileSync(argv[0]!, argv.slice(1), {
      encoding: 'utf8',
      env: { ...process.env, TMPDIR: dir },
    });
    expect(parseTwoShares(out)).toEqual({ b1: ['w1', 'w2'], b2: [], b2Readable: false });
    expect((await readdir(dir)).sort()).toEqual(['b1']);
  });

  it('parses both sections', () => {
    expect(parseTwoShares('== b1\nworkload_a\n== b2\nworkload_a\nworkload_b\n')).toEqual({
      b1: ['a'],
      b2: ['a', 'b'],
      b2Readable: true,
    });
  });
});
