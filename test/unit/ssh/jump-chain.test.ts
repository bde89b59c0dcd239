import { describe, expect, it } from 'vitest';
import { MemoryKnownHostsStore } from '../../../electron/core/ssh/memory-known-hosts-store.js';
import { SshPool } from '../../../electron/core/ssh/pool.js';
import type { SshTarget } from '../../../electron/core/ssh/ssh-target.js';
import { profileSchema, type ProfileInput } from '../../../shared/profile/profile.js';
import { jumpChainOf, maxJumpHops, validateProfile } from '../../../shared/profile/validate-profile.js';

/** Multi-hop ProxyJump chains: the profile accepts them, loops and overlong chains are refused. */
const host = (id: string, via = '', role: 'tvm' | 'compute' | 'jump' = 'jump') => ({
  id,
  name: id,
  role,
  address: `10.0.0.${id.length}`,
  via,
  keyFile: '~/.ssh/id_ed25519',
});

function profileWith(hosts: ReturnType<typeof host>[]) {
  const input: ProfileInput = {
    name: 'p',
    clouds: {
      source: { authUrl: '', region: '' },
      target: { authUrl: 'http://k:5000/v3', region: 'R', username: 'admin' },
    },
    hosts,
    nfs: { target: '10.0.0.1:/b1', syncedCopy: '10.0.0.2:/b2' },
  };
  return profileSchema.parse(input);
}

const viaErrors = (hosts: ReturnType<typeof host>[]) =>
  validateProfile(profileWith(hosts)).filter((e) => e.path.endsWith('.via'));

describe('jump chains', () => {
  it('lists the hops nearest first, like ProxyJump a,b', () => {
    const hosts = [host('a'), host('b', 'a'), host('t', 'b', 'compute')];
    expect(jumpChainOf(hosts, 't')).toEqual({ hops: ['a', 'b'], loop: false });
    expect(jumpChainOf(hosts, 'a')).toEqual({ hops: [], loop: false });
  });

  it('accepts a two-hop chain and refuses loops and chains longer than the limit', () => {
    expect(viaErrors([host('tvm', 'b', 'tvm'), host('a'), host('b', 'a')])).toEqual([]);
    const loop = viaErrors([host('tvm', '', 'tvm'), host('a', 'b'), host('b', 'a')]);
    expect(loop.map((e) => e.message)).toEqual([
      expect.stringContaining('loop'),
      expect.stringContaining('loop'),
    ]);
    const long = [host('tvm', `h${maxJumpHops}`, 'tvm'), host('h0')];
    for (let i = 1; i <= maxJumpHops; i++) long.push(host(`h${i}`, `h${i - 1}`));
    expect(viaErrors(long).map((e) => e.path)).toEqual(['hosts.0.via']);
  });

  it('the pool refuses a loop before connecting anywhere', async () => {
    const t = (id: string, via: string): SshTarget => ({
      id,
      name: id,
      address: '192.0.2.1',
      port: 22,
      user: 'root',
      sudo: false,
      via,
    });
    let asked = 0;
    const pool = new SshPool({
      hosts: [t('a', 'b'), t('b', 'a')],
      credentials: () => {
        asked++;
        return { ok: true, value: { password: 'x' } };
      },
      knownHosts: new MemoryKnownHostsStore(),
      connectTimeoutSec: 1,
      keepaliveSec: 0,
    });
    const r = await pool.get('a');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toContain('loop: a → b → a');
    expect(asked).toBe(0);
    expect(pool.handshakeCount('a') + pool.handshakeCount('b')).toBe(0);
  });
});
