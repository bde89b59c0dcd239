import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SshConnection } from '../../../electron/core/ssh/connection.js';
import { runCommand } from '../../../electron/core/ssh/exec.js';
import type { SshPool } from '../../../electron/core/ssh/pool.js';
import { hostileString, nastyFragments } from '../../support/hostile-strings.js';
import { LogCollector, startRemoteWorld, type RemoteWorld } from './support/remote-world.js';

let world: RemoteWorld;
let pool: SshPool;
beforeAll(async () => {
  world = await startRemoteWorld();
  pool = world.pool();
});
afterAll(async () => {
  await pool?.closeAll();
  await world?.stop();
});

/** Runs `printf '%s\0' args…` remotely (through sudo on the sudo host) and returns what printf received. */
async function echoBack(c: SshConnection, args: readonly string[]): Promise<Buffer[]> {
  const log = new LogCollector();
  const r = await runCommand(c, { argv: ['printf', '%s\\0', ...args] }, log.ctx());
  if (!r.ok) throw new Error(`${r.error.message}\n${r.error.output}`);
  const parts: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < r.value.stdoutBytes.length; i++)
    if (r.value.stdoutBytes[i] === 0) {
      parts.push(r.value.stdoutBytes.subarray(start, i));
      start = i + 1;
    }
  return args.length === 0 ? [] : parts;
}

const asBytes = (args: readonly string[]) => args.map((a) => Buffer.from(a, 'utf8'));

describe('hostile arguments reach the remote program byte for byte', () => {
  it('thousands of generated hostile strings, root and sudo hosts', async () => {
    const key = await pool.get('key');
    const sudo = await pool.get('sudo');
    if (!key.ok || !sudo.ok) throw new Error('no connection');
    let total = 0;
    // 40 commands × 100 arguments = 4,000 strings, each checked on both hosts; a failure shrinks to
    // a minimal argument list.
    await fc.assert(
      fc.asyncProperty(fc.array(hostileString, { minLength: 100, maxLength: 100 }), async (args) => {
        const [viaKey, viaSudo] = await Promise.all([echoBack(key.value, args), echoBack(sudo.value, args)]);
        expect(viaKey).toEqual(asBytes(args));
        expect(viaSudo).toEqual(asBytes(args));
        total += args.length;
      }),
      { numRuns: 40 },
    );
    expect(total).toBeGreaterThanOrEqual(4000);
  });

  it('the fixed nasty fragments, alone and glued together', async () => {
    const key = await pool.get('key');
    if (!key.ok) throw new Error('no connection');
    const glued = nastyFragments.map((f, i) => f + (nastyFragments[(i + 7) % nastyFragments.length] ?? ''));
    expect(await echoBack(key.value, nastyFragments)).toEqual(asBytes(nastyFragments));
    expect(await echoBack(key.value, glued)).toEqual(asBytes(glued));
    expect(await echoBack(key.value, ['', '', ''])).toEqual(asBytes(['', '', '']));
  });

  it('refuses NUL clearly instead of truncating', async () => {
    const key = await pool.get('key');
    if (!key.ok) throw new Error('no connection');
    const log = new LogCollector();
    const r = await runCommand(key.value, { argv: ['printf', '%s', 'before\0after'] }, log.ctx());
    expect(r).toMatchObject({
      ok: false,
      error: { code: 'invalid-argument', message: expect.stringMatching(/NUL/) },
    });
  });
});
