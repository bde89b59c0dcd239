import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConnection } from '../../../electron/core/ssh/connection.js';
import { trustHostKey } from '../../../electron/core/ssh/host-key-verifier.js';
import { importKnownHosts } from '../../../electron/core/ssh/known-hosts-file.js';
import { MemoryKnownHostsStore } from '../../../electron/core/ssh/memory-known-hosts-store.js';
import { startRemoteWorld, type RemoteWorld, type Role } from './support/remote-world.js';

let world: RemoteWorld;
beforeAll(async () => {
  world = await startRemoteWorld();
});
afterAll(async () => {
  await world?.stop();
});

const connect = (role: Role, knownHosts: MemoryKnownHostsStore) =>
  openConnection({
    target: world.targets[role],
    credentials: world.credentials[role],
    knownHosts,
    connectTimeoutMs: 5000,
    keepaliveMs: 0,
  });

/** What `ssh-keygen -lf` says about a host's public key: the user compares against this. */
function sshKeygenFingerprint(publicKey: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'trilio-fp-'));
  try {
    writeFileSync(path.join(dir, 'k.pub'), publicKey + '\n');
    return (
      spawnSync('ssh-keygen', ['-lf', path.join(dir, 'k.pub')], { encoding: 'utf8' }).stdout.split(' ')[1] ??
      ''
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('host keys', () => {
  it('first contact: refuses, shows the fingerprint, connects once the user trusts it', async () => {
    const store = new MemoryKnownHostsStore();
    const first = await connect('c1', store);
    expect(first.ok).toBe(false);
    if (first.ok) return;
    expect(first.error.code).toBe('ssh-host-key-unknown');
    const expected = sshKeygenFingerprint(world.hostKey('c1'));
    expect(expected).toMatch(/^SHA256:/);
    expect(first.error.hostKey?.fingerprint).toBe(expected);
    expect(first.error.message).toContain(expected);
    expect(first.error.hostKey?.host).toBe(world.targets.c1.address);
    expect(store.all()).toHaveLength(0); // never stored without the user

    const hostKey = first.error.hostKey;
    if (!hostKey) return;
    expect(trustHostKey(store, hostKey)).toEqual({ ok: true, value: { added: true } });
    const second = await connect('c1', store);
    expect(second.ok).toBe(true);
    if (second.ok) second.value.close();
  });

  it('refuses a changed host key with both fingerprints, and only an explicit replace trusts it', async () => {
    const store = world.trustingStore();
    const before = await connect('c2', store);
    expect(before.ok).toBe(true);
    if (before.ok) before.value.close();
    const oldFingerprint = sshKeygenFingerprint(world.hostKey('c2'));

    await world.rotateHostKey('c2');
    const after = await connect('c2', store);
    expect(after.ok).toBe(false);
    if (after.ok) return;
    expect(after.error.code).toBe('ssh-host-key-mismatch');
    const newFingerprint = sshKeygenFingerprint(world.hostKey('c2'));
    expect(after.error.hostKey?.fingerprint).toBe(newFingerprint);
    expect(after.error.hostKey?.knownFingerprints).toEqual([oldFingerprint]);
    expect(after.error.message).toContain(oldFingerprint);
    expect(after.error.message).toContain(newFingerprint);
    expect(after.error.hint).toMatch(/ssh-keygen -R|administrator/);

    const hostKey = after.error.hostKey;
    if (!hostKey) return;
    // The first-use path must not turn a mismatch into an accept.
    expect(trustHostKey(store, hostKey)).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect((await connect('c2', store)).ok).toBe(false);
    expect(trustHostKey(store, hostKey, { replace: true })).toEqual({ ok: true, value: { added: true } });
    const replaced = await connect('c2', store);
    expect(replaced.ok).toBe(true);
    if (replaced.ok) replaced.value.close();
  });

  it('imports an OpenSSH known_hosts file, hashed names included', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'trilio-kh-'));
    try {
      const file = path.join(dir, 'known_hosts');
      const target = world.targets.c1;
      writeFileSync(
        file,
        [
          '# a comment',
          `@cert-authority *.example ${world.hostKey('key')}`,
          `${target.address} ${world.hostKey('c1')}`,
          `[${world.targets.key.address}]:2222 ${world.hostKey('c1')}`,
        ].join('\n') + '\n',
      );
      // Hash the names the way `HashKnownHosts yes` does.
      expect(spawnSync('ssh-keygen', ['-H', '-f', file]).status).toBe(0);
      const text = readFileSync(file, 'utf8');
      expect(text).not.toContain(target.address);

      const imported = importKnownHosts(text, [
        target.address,
        `[${world.targets.key.address}]:2222`,
        '10.9.9.9',
      ]);
      expect(imported.entries.map((e) => e.host).sort()).toEqual(
        [target.address, `[${world.targets.key.address}]:2222`].sort(),
      );
      expect(imported.notes.join('\n')).toMatch(/@cert-authority/);
      const store = new MemoryKnownHostsStore(imported.entries);
      const conn = await connect('c1', store);
      expect(conn.ok).toBe(true);
      if (conn.ok) conn.value.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
