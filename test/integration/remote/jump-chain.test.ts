import { readFileSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openConnection } from '../../../electron/core/ssh/connection.js';
import { runCommand } from '../../../electron/core/ssh/exec.js';
import { importKnownHosts } from '../../../electron/core/ssh/known-hosts-file.js';
import { MemoryKnownHostsStore } from '../../../electron/core/ssh/memory-known-hosts-store.js';
import { SshPool } from '../../../electron/core/ssh/pool.js';
import type { SshTarget } from '../../../electron/core/ssh/ssh-target.js';
import { ok } from '../../../shared/result.js';
import { clientKeys, runOnHost } from '../../lab/hosts/index.js';
import { readLabJson } from '../../lab/lab.js';
import type { LabHost, LabJson } from '../../lab/lab-json.js';
import { LogCollector } from './support/remote-world.js';

/**
 * A two-hop ProxyJump chain (`jump-1,jump-2`) reaches compute-4. jump-2 listens on the jump
 * namespace's own loopback, so only a relay from jump-1 reaches it; the connection to compute-4 is
 * shown to leave from jump-2's sshd (its socket is owned by a child of jump-2's sshd), and each hop's
 * host key is checked on its own: a wrong key for the middle hop refuses the chain naming that hop.
 */
let lab: LabJson;
let key: string;
const pools: SshPool[] = [];
afterEach(async () => {
  for (const p of pools.splice(0)) await p.closeAll();
});

beforeAll(async () => {
  lab = await readLabJson();
  key = readFileSync(clientKeys().key, 'utf8');
});

const host = (name: string): LabHost => {
  const h = lab.hosts.find((x) => x.name === name);
  if (!h) throw new Error(`the lab has no ${name}: up with at least 4 computes`);
  return h;
};
const target = (name: string, via = ''): SshTarget => {
  const h = host(name);
  return { id: name, name, address: h.address, port: h.port, user: h.user, sudo: false, via };
};
const knownLine = (h: LabHost) => `${h.address} ${h.hostKey}`;

function chainPool(knownHosts: MemoryKnownHostsStore): SshPool {
  const pool = new SshPool({
    hosts: [target('jump-1'), target('jump-2', 'jump-1'), target('compute-4', 'jump-2')],
    credentials: () => ok({ privateKey: key }),
    knownHosts,
    connectTimeoutSec: 5,
    keepaliveSec: 5,
  });
  pools.push(pool);
  return pool;
}

const trusting = () =>
  new MemoryKnownHostsStore(
    importKnownHosts(['jump-1', 'jump-2', 'compute-4'].map((n) => knownLine(host(n))).join('\n')).entries,
  );

/** The parent pid chain of a process, as the machine (which shares the lab's pid namespace) sees it. */
function ancestors(pid: number): number[] {
  const chain: number[] = [];
  for (let p = pid; p > 1 && chain.length < 20;) {
    chain.push(p);
    const status = readFileSync(`/proc/${p}/status`, 'utf8');
    p = Number(/^PPid:\s+(\d+)/m.exec(status)?.[1] ?? 0);
  }
  return chain;
}

describe('two-hop jump chain', () => {
  it('jump-2 cannot be reached without jump-1', async () => {
    const direct = await openConnection({
      target: target('jump-2'),
      credentials: { privateKey: key },
      knownHosts: trusting(),
      connectTimeoutMs: 3000,
      keepaliveMs: 0,
    });
    expect(direct.ok).toBe(false);
    if (!direct.ok) expect(direct.error.code).toBe('ssh-connect');
  });

  it('reaches compute-4 through jump-1 then jump-2, one handshake per hop', async () => {
    const pool = chainPool(trusting());
    const conn = await pool.get('compute-4');
    if (!conn.ok) throw new Error(conn.error.message);
    const log = new LogCollector();
    const r = await runCommand(conn.value, { argv: ['hostname'] }, log.ctx());
    expect(r.ok && r.value.stdout).toBe('compute-4\n');
    expect(['jump-1', 'jump-2', 'compute-4'].map((h) => pool.handshakeCount(h))).toEqual([1, 1, 1]);

    // jump-2's own session came from inside the jump namespace (jump-1's relay), not from this machine.
    const j2 = await pool.get('jump-2');
    if (!j2.ok) throw new Error(j2.error.message);
    const seen = await runCommand(j2.value, { argv: ['sh', '-c', 'echo "$SSH_CONNECTION"'] }, log.ctx());
    expect(seen.ok && seen.value.stdout).toMatch(/^127\.0\.0\.\d+ \d+ 127\.0\.0\.22 22/);

    // The TCP connection to compute-4:22 belongs to a process under jump-2's sshd, not jump-1's.
    const sockets = await runOnHost('jump-2', ['ss', '-Htnp', 'dst', `${host('compute-4').address}:22`]);
    const pids = [...sockets.stdout.matchAll(/pid=(\d+)/g)].map((m) => Number(m[1]));
    expect(pids.length).toBeGreaterThan(0);
    const owners = pids.map((p) => ancestors(p));
    const jump2Sshd = host('jump-2').pid!;
    const jump1Sshd = host('jump-1').pid!;
    expect(owners.some((chain) => chain.includes(jump2Sshd))).toBe(true);
    expect(owners.some((chain) => chain.includes(jump1Sshd))).toBe(false);
  });

  it('checks the middle hop’s host key: a wrong one refuses the chain and names jump-2', async () => {
    const store = trusting();
    store.remove(host('jump-2').address);
    store.add({ ...importKnownHosts(knownLine(host('jump-1'))).entries[0]!, host: host('jump-2').address });
    const pool = chainPool(store);
    const conn = await pool.get('compute-4');
    expect(conn.ok).toBe(false);
    if (conn.ok) return;
    expect(conn.error.code).toBe('ssh-host-key-mismatch');
    expect(conn.error.message).toContain('jump-2');
    expect(pool.handshakeCount('compute-4')).toBe(0);
  });

  it('an unknown key at the middle hop stops the chain with that hop’s fingerprint to trust', async () => {
    const store = trusting();
    store.remove(host('jump-2').address);
    const conn = await chainPool(store).get('compute-4');
    expect(conn.ok).toBe(false);
    if (conn.ok) return;
    expect(conn.error.code).toBe('ssh-host-key-unknown');
    expect(conn.error.hostKey?.host).toBe(host('jump-2').address);
  });
});
