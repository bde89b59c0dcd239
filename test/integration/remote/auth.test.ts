import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import ssh2 from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConnection } from '../../../electron/core/ssh/connection.js';
import {
  createCredentialResolver,
  resolveCredentials,
  targetOf,
} from '../../../electron/core/ssh/credentials.js';
import { runCommand } from '../../../electron/core/ssh/exec.js';
import { hostSchema } from '../../../shared/profile/profile.js';
import { LogCollector, startRemoteWorld, type RemoteWorld, type Role } from './support/remote-world.js';

let world: RemoteWorld;
beforeAll(async () => {
  world = await startRemoteWorld();
});
afterAll(async () => {
  await world?.stop();
});

async function whoami(role: Role, credentials = world.credentials[role], privileged = false) {
  const conn = await openConnection({
    target: world.targets[role],
    credentials,
    knownHosts: world.trustingStore(),
    connectTimeoutMs: 5000,
    keepaliveMs: 0,
  });
  if (!conn.ok) return conn;
  const log = new LogCollector();
  const r = await runCommand(conn.value, { argv: ['id', '-un'], privileged }, log.ctx());
  conn.value.close();
  return r.ok ? { ok: true as const, value: r.value.stdout.trim() } : r;
}

describe('authentication', () => {
  it('logs in with a private key', async () => {
    expect(await whoami('key')).toEqual({ ok: true, value: 'root' });
  });

  it('logs in with a passphrase-protected key', async () => {
    expect(await whoami('key', world.passphraseCredentials)).toEqual({ ok: true, value: 'root' });
  });

  it('reports a wrong key passphrase as ssh-auth with a hint', async () => {
    const r = await whoami('key', { ...world.passphraseCredentials, passphrase: 'wrong' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('ssh-auth');
    expect(r.error.host).toBe(world.targets.key.name);
    expect(r.error.hint).toMatch(/passphrase/);
  });

  it('logs in with a password', async () => {
    expect(await whoami('password')).toEqual({ ok: true, value: 'root' });
  });

  it('reports a wrong password as ssh-auth', async () => {
    const r = await whoami('password', { password: 'not it' });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('ssh-auth');
      expect(r.error.message).toContain(world.targets.password.name);
      expect(r.error.hint).toMatch(/password/);
    }
  });

  it('reports a key the server does not accept as ssh-auth', async () => {
    const stranger = ssh2.utils.generateKeyPairSync('ed25519').private;
    const r = await whoami('key', { privateKey: stranger });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('ssh-auth');
  });

  it('logs in through ssh-agent', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'trilio-agent-'));
    const sock = path.join(dir, 'agent.sock');
    const agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
    try {
      for (
        let i = 0;
        i < 50 && spawnSync('ssh-add', ['-l'], { env: { SSH_AUTH_SOCK: sock } }).status === 2;
        i++
      )
        await new Promise((r) => setTimeout(r, 50));
      const add = spawnSync('ssh-add', [world.keyFiles.plain], {
        env: { SSH_AUTH_SOCK: sock },
        encoding: 'utf8',
      });
      expect(add.status, add.stderr).toBe(0);
      expect(await whoami('key', { agent: sock })).toEqual({ ok: true, value: 'root' });
    } finally {
      agent.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('connect failures', () => {
  it('a host that accepts TCP but never speaks SSH times out with ssh-connect', async () => {
    const silent = net.createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(22, '127.0.0.220', r));
    try {
      const started = Date.now();
      const r = await openConnection({
        target: { ...world.targets.key, id: 'silent', name: 'silent-1', address: '127.0.0.220' },
        credentials: world.credentials.key,
        knownHosts: world.trustingStore(),
        connectTimeoutMs: 600,
        keepaliveMs: 0,
      });
      expect(Date.now() - started).toBeLessThan(3000);
      expect(r).toMatchObject({
        ok: false,
        error: { code: 'ssh-connect', host: 'silent-1', message: expect.stringMatching(/no SSH handshake/) },
      });

      const controller = new AbortController();
      const pending = openConnection({
        target: { ...world.targets.key, id: 'silent', name: 'silent-1', address: '127.0.0.220' },
        credentials: world.credentials.key,
        knownHosts: world.trustingStore(),
        connectTimeoutMs: 60_000,
        keepaliveMs: 0,
        signal: controller.signal,
      });
      setTimeout(() => controller.abort(), 100);
      expect(await pending).toMatchObject({ ok: false, error: { code: 'cancelled' } });
    } finally {
      silent.close();
    }
  });

  it('a host where nothing listens is refused at once', async () => {
    const r = await whoami('down');
    expect(r).toMatchObject({
      ok: false,
      error: { code: 'ssh-connect', message: expect.stringMatching(/refused/) },
    });
  });
});

describe('jump host', () => {
  it('reaches a host that is only reachable through the jump host', async () => {
    const pool = world.pool();
    try {
      const direct = await openConnection({
        target: { ...world.targets.hidden, via: '' },
        credentials: world.credentials.hidden,
        knownHosts: world.trustingStore(),
        connectTimeoutMs: 3000,
        keepaliveMs: 0,
      });
      expect(direct.ok).toBe(false);
      if (!direct.ok) expect(direct.error.code).toBe('ssh-connect');

      const conn = await pool.get('hidden');
      expect(conn.ok).toBe(true);
      if (!conn.ok) return;
      const log = new LogCollector();
      const r = await runCommand(conn.value, { argv: ['sh', '-c', 'echo "$SSH_CONNECTION"'] }, log.ctx());
      expect(r.ok).toBe(true);
      if (r.ok) expect(r.value.stdout).toContain(world.targets.hidden.address);
      expect(log.lines(world.targets.hidden.name, 'stdout')).toHaveLength(1);
      expect(pool.handshakeCount('jump')).toBe(1);
    } finally {
      await pool.closeAll();
    }
  });

  it('names the jump host when the jump host itself fails', async () => {
    const pool = world.pool({ credentials: { jump: { password: 'nope' } } });
    try {
      const conn = await pool.get('hidden');
      expect(conn.ok).toBe(false);
      if (!conn.ok) {
        expect(conn.error.code).toBe('ssh-auth');
        expect(conn.error.host).toBe(world.targets.hidden.name);
        expect(conn.error.message).toContain('reached through jump');
      }
    } finally {
      await pool.closeAll();
    }
  });
});

describe('sudo', () => {
  it('runs privileged commands through sudo -n and others as the login user', async () => {
    expect(await whoami('sudo', undefined, true)).toEqual({ ok: true, value: 'root' });
    expect(await whoami('sudo', undefined, false)).toEqual({ ok: true, value: world.targets.sudo.user });
  });

  it('explains a sudo that asks for a password instead of hanging', async () => {
    const started = Date.now();
    const r = await whoami('sudoAsk', undefined, true);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('sudo-password-required');
    expect(r.error.host).toBe(world.targets.sudoAsk.name);
    expect(r.error.command).toBe('sudo -n -- id -un');
    expect(r.error.hint).toMatch(/NOPASSWD/);
  });
});

describe('credentials from a profile host', () => {
  it('reads the key file and the stored passphrase, then logs in', async () => {
    const host = hostSchema.parse({
      id: 'key',
      name: world.targets.key.name,
      role: 'compute',
      address: world.targets.key.address,
      keyFile: world.keyFiles.passphrase,
    });
    const secrets: Record<string, string> = { 'hosts.key.keyPassphrase': world.keyFiles.passphraseText };
    const creds = await resolveCredentials(host, (k) => secrets[k]);
    expect(creds.ok).toBe(true);
    if (!creds.ok) return;
    expect(targetOf(host)).toMatchObject({
      id: 'key',
      address: world.targets.key.address,
      user: 'root',
      sudo: false,
    });
    expect(await whoami('key', creds.value)).toEqual({ ok: true, value: 'root' });
  });

  it('decrypts a key shared by many hosts once per run', async () => {
    const resolve = createCredentialResolver((k) =>
      k.endsWith('keyPassphrase') ? world.keyFiles.passphraseText : undefined,
    );
    const hosts = ['a', 'b', 'c'].map((id) =>
      hostSchema.parse({
        id,
        name: id,
        role: 'compute',
        address: '127.0.0.201',
        keyFile: world.keyFiles.passphrase,
      }),
    );
    const started = performance.now();
    const creds = await Promise.all(hosts.map(resolve));
    const keys = creds.map((c) => (c.ok ? c.value.privateKey : undefined));
    expect(keys[0]).toBeDefined();
    expect(new Set(keys).size).toBe(1); // one parsed key object, not three decryptions
    expect(performance.now() - started).toBeLessThan(1500);
  });

  it('says the passphrase is missing before trying to connect', async () => {
    const host = hostSchema.parse({
      id: 'k',
      name: 'k',
      role: 'compute',
      address: '127.0.0.201',
      keyFile: world.keyFiles.passphrase,
    });
    const creds = await resolveCredentials(host, () => undefined);
    expect(creds.ok).toBe(false);
    if (!creds.ok) {
      expect(creds.error.code).toBe('ssh-auth');
      expect(creds.error.hint).toMatch(/passphrase/);
    }
  });

  it('needs a stored password for password hosts and an agent for agent hosts', async () => {
    const pw = hostSchema.parse({ id: 'p', name: 'p', role: 'compute', address: 'x', auth: 'password' });
    expect(await resolveCredentials(pw, () => undefined)).toMatchObject({
      ok: false,
      error: { code: 'secret-unavailable' },
    });
    expect(await resolveCredentials(pw, (k) => (k === 'hosts.p.password' ? 's3cret' : undefined))).toEqual({
      ok: true,
      value: { password: 's3cret' },
    });
    const ag = hostSchema.parse({ id: 'a', name: 'a', role: 'compute', address: 'x', auth: 'agent' });
    expect(await resolveCredentials(ag, () => undefined, {})).toMatchObject({
      ok: false,
      error: { code: 'ssh-auth' },
    });
    expect(await resolveCredentials(ag, () => undefined, { agentSocket: '/run/agent' })).toEqual({
      ok: true,
      value: { agent: '/run/agent' },
    });
  });
});
