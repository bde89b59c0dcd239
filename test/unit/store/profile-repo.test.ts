import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createPassphraseCipher } from '../../../electron/core/secrets/passphrase-cipher.js';
import type { StoreDb } from '../../../electron/core/store/database.js';
import { KnownHostsRepo } from '../../../electron/core/store/known-hosts-repo.js';
import { ProfileRepo } from '../../../electron/core/store/profile-repo.js';
import { SecretRepo } from '../../../electron/core/store/secret-repo.js';
import type { SecretCipher } from '../../../electron/core/core-types.js';
import type { ProfileInput } from '../../../shared/profile/profile.js';
import { useTempStores } from './temp-store.js';

const stores = useTempStores();

const PASSWORD = 'Sup3r-Secret-Cloud-Password!';
const KEY_LINE = 'QyNTUxOQAAACCQ3dHtO5S2P7YCcqD98cznXmRI9OVGGHnSvn0aTjCEBwAAAJi2fxuPtn8b';
const PRIVATE_KEY = `-----BEGIN OPENSSH PRIVATE KEY-----\n${KEY_LINE}\n-----END OPENSSH PRIVATE KEY-----\n`;

const input = (name: string, hosts = ['c1', 'c2']): ProfileInput => ({
  id: '',
  name,
  description: 'lab',
  clouds: {
    source: { authUrl: 'http://a:5000/v3', region: 'A', username: 'admin' },
    target: { authUrl: 'http://b:5000/v3', region: 'B', username: 'admin' },
  },
  hosts: hosts.map((id) => ({ id, name: id, role: 'compute' as const, address: `10.0.0.${id.length}` })),
  nfs: { target: '10.0.0.1:/b1', syncedCopy: '10.0.0.2:/b2' },
});

function setup(): { store: StoreDb; repo: ProfileRepo; cipher: SecretCipher; file: string } {
  const file = stores.newFile();
  const store = stores.open(file);
  const cipher = createPassphraseCipher(store.meta, 'pw');
  if (!cipher.ok) throw new Error(cipher.error.message);
  return { store, repo: new ProfileRepo(store), cipher: cipher.value, file };
}

function must<T>(r: { ok: true; value: T } | { ok: false; error: { message: string } }): T {
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

describe('ProfileRepo', () => {
  it('creates a profile with a slug id, computes secret states, and lists it', () => {
    const { store, repo, cipher } = setup();
    const saved = must(
      repo.save(
        input('Lab Cloud #1'),
        { 'clouds.target.password': PASSWORD, 'hosts.c2.privateKey': PRIVATE_KEY },
        cipher,
      ),
    );
    expect(saved.id).toMatch(/^lab-cloud-1-[0-9a-f]{6}$/);
    expect(saved.clouds.target.password).toBe('set');
    expect(saved.clouds.source.password).toBe('not set');
    expect(saved.hosts.map((h) => h.privateKey)).toEqual(['not set', 'set']);
    expect(must(repo.get(saved.id))).toEqual(saved);
    expect(repo.list()).toEqual([
      { id: saved.id, name: 'Lab Cloud #1', description: 'lab', hostCount: 2, updatedAt: expect.any(String) },
    ]);
    expect(new SecretRepo(store).get(saved.id, 'clouds.target.password', cipher)).toBe(PASSWORD);
    expect(JSON.stringify(repo.get(saved.id))).not.toContain(PASSWORD);
  });

  it('updates: keeps absent secrets, clears null and empty ones, drops secrets of removed hosts', () => {
    const { store, repo, cipher } = setup();
    const saved = must(
      repo.save(
        input('lab'),
        {
          'clouds.target.password': PASSWORD,
          'hosts.c1.password': 'pw-c1-xx',
          'hosts.c2.password': 'pw-c2-xx',
          'smtp.password': 'smtp-pw',
        },
        cipher,
      ),
    );
    const edited = { ...saved, description: 'edited', hosts: saved.hosts.filter((h) => h.id === 'c2') };
    const updated = must(repo.save(edited, { 'smtp.password': null, 'clouds.target.password': '' }, cipher));
    expect(updated.id).toBe(saved.id);
    expect(updated.description).toBe('edited');
    expect(updated.clouds.target.password).toBe('not set');
    expect(updated.smtp.password).toBe('not set');
    expect(updated.hosts).toHaveLength(1);
    expect(updated.hosts[0]?.password).toBe('set');
    expect(new SecretRepo(store).keys(saved.id)).toEqual(['hosts.c2.password']);
  });

  it('ignores secret states sent by the client: only the store decides', () => {
    const { repo, cipher } = setup();
    const p = input('lab');
    p.clouds.source.password = 'set';
    const saved = must(repo.save(p, {}, cipher));
    expect(saved.clouds.source.password).toBe('not set');
  });

  it('refuses a duplicate name (any case) with conflict, and unknown secret keys with validation', () => {
    const { repo, cipher } = setup();
    must(repo.save(input('Lab'), {}, cipher));
    const other = must(repo.save(input('Other'), {}, cipher));
    expect(repo.save(input('lab'), {}, cipher)).toMatchObject({
      ok: false,
      error: { code: 'conflict', fields: [{ path: 'name' }] },
    });
    expect(repo.save({ ...other, name: 'LAB' }, {}, cipher)).toMatchObject({
      ok: false,
      error: { code: 'conflict' },
    });
    expect(repo.save(input('x'), { 'hosts.nope.password': 'x' }, cipher)).toMatchObject({
      ok: false,
      error: { code: 'validation', fields: [{ path: 'hosts.nope.password' }] },
    });
    expect(repo.save({ ...input('y'), name: '  ' }, {}, cipher)).toMatchObject({
      ok: false,
      error: { code: 'validation' },
    });
    expect(repo.list().map((p) => p.name)).toEqual(['Lab', 'Other']);
  });

  it('needs a cipher to store a secret, not to edit other fields', () => {
    const { repo, cipher } = setup();
    const saved = must(repo.save(input('lab'), { 'smtp.password': 'smtp-pw' }, cipher));
    expect(repo.save(saved, { 'hosts.c1.password': 'new-pass' }, undefined)).toMatchObject({
      ok: false,
      error: { code: 'secret-unavailable' },
    });
    const edited = must(
      repo.save({ ...saved, description: 'locked edit' }, { 'hosts.c1.password': null }, undefined),
    );
    expect(edited).toMatchObject({ description: 'locked edit', smtp: { password: 'set' } });
  });

  it('writes nothing when the cipher fails on one secret of many', () => {
    const { repo, cipher } = setup();
    const saved = must(repo.save(input('lab'), {}, cipher));
    let calls = 0;
    const flaky: SecretCipher = {
      kind: 'passphrase',
      encrypt: (plain) => {
        if (++calls === 2) throw new Error(`cannot seal ${plain}`);
        return cipher.encrypt(plain);
      },
      decrypt: (s) => cipher.decrypt(s),
    };
    const result = repo.save(
      { ...saved, description: 'changed' },
      { 'hosts.c1.password': 'one-pass', 'hosts.c2.password': 'two-pass' },
      flaky,
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'secret-unavailable' } });
    expect(JSON.stringify(result)).not.toContain('two-pass');
    expect(must(repo.get(saved.id))).toMatchObject({
      description: 'lab',
      hosts: [{ password: 'not set' }, { password: 'not set' }],
    });
  });

  it('duplicates with secrets and known hosts; delete cascades to both', () => {
    const { store, repo, cipher } = setup();
    const saved = must(repo.save(input('lab'), { 'hosts.c1.password': 'pw-c1-xx' }, cipher));
    new KnownHostsRepo(store, saved.id).add({
      host: '10.0.0.2',
      keyType: 'ssh-ed25519',
      keyBase64: 'AAAA',
      fingerprint: 'SHA256:x',
      addedAt: 't',
    });
    const copy = must(repo.duplicate(saved.id, 'lab copy'));
    expect(copy.id).not.toBe(saved.id);
    expect(copy).toEqual({ ...saved, id: copy.id, name: 'lab copy' });
    const secrets = new SecretRepo(store);
    expect(secrets.get(copy.id, 'hosts.c1.password', cipher)).toBe('pw-c1-xx');
    expect(new KnownHostsRepo(store, copy.id).lookup('10.0.0.2')).toHaveLength(1);
    expect(repo.duplicate(saved.id, 'LAB COPY')).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(repo.duplicate('missing', 'x')).toMatchObject({ ok: false, error: { code: 'not-found' } });

    expect(repo.delete(saved.id)).toBe(true);
    expect(repo.delete(saved.id)).toBe(false);
    expect(repo.get(saved.id)).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(secrets.keys(saved.id)).toEqual([]);
    expect(new KnownHostsRepo(store, saved.id).all()).toEqual([]);
    expect(secrets.keys(copy.id)).toEqual(['hosts.c1.password']);
    expect(repo.list().map((p) => p.id)).toEqual([copy.id]);
  });

  it('keeps no secret in clear in the database file or its WAL', () => {
    const { store, repo, cipher, file } = setup();
    const saved = must(
      repo.save(
        input('lab'),
        {
          'clouds.target.password': PASSWORD,
          'hosts.c1.privateKey': PRIVATE_KEY,
          'hosts.c2.keyPassphrase': 'key-passphrase-42',
        },
        cipher,
      ),
    );
    new SecretRepo(store).set(saved.id, 'smtp.password', 'smtp-password-77', cipher);
    const needles = [PASSWORD, KEY_LINE, 'key-passphrase-42', 'smtp-password-77'].flatMap((s) => [
      s,
      Buffer.from(s).toString('base64'),
    ]);
    const wal = readFileSync(`${file}-wal`);
    expect(wal.length).toBeGreaterThan(0);
    // The bytes were really written: the sealed value is in the WAL.
    const sealed = store.db.prepare('SELECT sealed FROM secrets LIMIT 1').get() as { sealed: string };
    expect(wal.includes(Buffer.from(sealed.sealed))).toBe(true);
    const check = (bytes: Buffer) => {
      for (const n of needles) {
        expect(bytes.includes(Buffer.from(n, 'utf8'))).toBe(false);
        expect(bytes.includes(Buffer.from(n, 'utf16le'))).toBe(false);
      }
    };
    check(wal);
    check(readFileSync(file));
    store.close();
    check(readFileSync(file));
  });
});
