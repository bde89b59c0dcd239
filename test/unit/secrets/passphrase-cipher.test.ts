import { describe, expect, it } from 'vitest';
import { createPassphraseCipher, hasPassphrase } from '../../../electron/core/secrets/passphrase-cipher.js';
import type { MetaStore } from '../../../electron/core/store/database.js';
import { AppFailure } from '../../../shared/result.js';
import { useTempStores } from '../store/temp-store.js';

const stores = useTempStores();

function failure(fn: () => unknown): AppFailure {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppFailure) return error;
    throw error;
  }
  throw new Error('expected an AppFailure');
}

function cipherFor(meta: MetaStore, passphrase: string) {
  const c = createPassphraseCipher(meta, passphrase);
  if (!c.ok) throw new Error(c.error.message);
  return c.value;
}

describe('createPassphraseCipher', () => {
  it('seals with a version tag and a fresh IV, and round-trips across reopen', () => {
    const file = stores.newFile();
    const store = stores.open(file);
    expect(hasPassphrase(store.meta)).toBe(false);
    const cipher = cipherFor(store.meta, 'correct horse');
    expect(cipher.kind).toBe('passphrase');
    expect(hasPassphrase(store.meta)).toBe(true);
    const a = cipher.encrypt('s3cret with ünïcode');
    const b = cipher.encrypt('s3cret with ünïcode');
    expect(a).toMatch(/^v1:pp:[A-Za-z0-9+/]{16}:[A-Za-z0-9+/]{22}==:[A-Za-z0-9+/=]+$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('s3cret');
    expect(cipher.decrypt(a)).toBe('s3cret with ünïcode');
    expect(cipher.decrypt(cipher.encrypt(''))).toBe('');
    store.close();
    const again = cipherFor(stores.open(file).meta, 'correct horse');
    expect(again.decrypt(b)).toBe('s3cret with ünïcode');
  });

  it('keeps no passphrase or key in the store, only salt, cost and verifier', () => {
    const store = stores.open(stores.newFile());
    cipherFor(store.meta, 'correct horse');
    const text = store.meta.get('secrets.passphrase') ?? '';
    expect(JSON.parse(text)).toMatchObject({ kdf: 'scrypt', N: 32768, r: 8, p: 1 });
    expect(text).not.toContain('correct horse');
  });

  it('refuses a wrong passphrase at unlock with secret-unavailable', () => {
    const store = stores.open(stores.newFile());
    cipherFor(store.meta, 'correct horse');
    const wrong = createPassphraseCipher(store.meta, 'battery staple');
    expect(wrong).toMatchObject({
      ok: false,
      error: { code: 'secret-unavailable', message: expect.stringContaining('Wrong passphrase') },
    });
    expect(createPassphraseCipher(store.meta, '')).toMatchObject({
      ok: false,
      error: { code: 'invalid-argument' },
    });
  });

  it('fails closed on tampered ciphertext', () => {
    const cipher = cipherFor(stores.open(stores.newFile()).meta, 'pw');
    const sealed = cipher.encrypt('the password');
    const [iv, tag, data] = sealed.slice('v1:pp:'.length).split(':') as [string, string, string];
    const flipped = Buffer.from(data, 'base64');
    flipped[0] = flipped[0]! ^ 1;
    for (const bad of [
      `v1:pp:${iv}:${tag}:${flipped.toString('base64')}`,
      `v1:pp:${iv}:${Buffer.alloc(16).toString('base64')}:${data}`,
      `v1:pp:${iv}:${tag}`,
      `v1:pp:garbage`,
    ]) {
      const error = failure(() => cipher.decrypt(bad));
      expect(error.error).toMatchObject({
        code: 'secret-unavailable',
        message: expect.stringContaining('altered'),
      });
      expect(JSON.stringify(error.error)).not.toContain('the password');
    }
  });

  it('does not open a value sealed with another passphrase (another store)', () => {
    const one = cipherFor(stores.open(stores.newFile()).meta, 'first');
    const two = cipherFor(stores.open(stores.newFile()).meta, 'second');
    expect(failure(() => two.decrypt(one.encrypt('x'))).error.code).toBe('secret-unavailable');
  });

  it('refuses values sealed by the OS key store, or of unknown kind', () => {
    const cipher = cipherFor(stores.open(stores.newFile()).meta, 'pw');
    expect(failure(() => cipher.decrypt('v1:ss:AAAA')).error).toMatchObject({
      code: 'secret-unavailable',
      message: expect.stringContaining('OS key store'),
    });
    expect(failure(() => cipher.decrypt('plaintext')).error.code).toBe('secret-unavailable');
  });

  it('reports damaged passphrase settings as store-corrupt', () => {
    const store = stores.open(stores.newFile());
    store.meta.set('secrets.passphrase', '{"kdf":"scrypt"}');
    expect(createPassphraseCipher(store.meta, 'pw')).toMatchObject({
      ok: false,
      error: { code: 'store-corrupt' },
    });
  });
});
