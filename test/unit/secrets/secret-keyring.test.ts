import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { SecretCipher } from '../../../electron/core/core-types.js';
import type { KeychainWrapper } from '../../../electron/core/secrets/key-wraps.js';
import { createPassphraseCipher } from '../../../electron/core/secrets/passphrase-cipher.js';
import { SecretKeyring } from '../../../electron/core/secrets/secret-keyring.js';
import { ProfileRepo } from '../../../electron/core/store/profile-repo.js';
import { SecretRepo } from '../../../electron/core/store/secret-repo.js';
import type { StoreDb } from '../../../electron/core/store/database.js';
import { createSafeStorageCipher, type SafeStorageLike } from '../../../electron/safe-storage-cipher.js';
import type { ProfileInput } from '../../../shared/profile/profile.js';
import { useTempStores } from '../store/temp-store.js';

/**
 * One secret store for the desktop app, browser mode and the CLI. The passphrase path is the real one
 * (scrypt + AES-GCM on a real SQLite store). Electron's safeStorage cannot run here (no Electron
 * binary, no keyring daemon), so the OS keychain is a fake with the same contract: a reversible
 * transform bound to one "login keyring" value, which a changed keyring no longer opens.
 */
const stores = useTempStores();
const PASSWORD = 'Cl0ud-Admin-Password!';

function fakeKeychain(keyring = 0x5a): KeychainWrapper {
  const xor = (b: Buffer) => Buffer.from(b.map((x) => x ^ keyring));
  return {
    label: 'fake keychain',
    wrap: (key) => `fake:${xor(key).toString('base64')}`,
    unwrap: (wrapped) => {
      if (!wrapped.startsWith('fake:')) throw new Error('not mine');
      const key = xor(Buffer.from(wrapped.slice(5), 'base64'));
      // A changed keyring yields garbage; the real safeStorage throws. Detect it like a MAC would.
      if (wrapped !== `fake:${xor(key).toString('base64')}` || keyring !== 0x5a)
        throw new Error('keyring changed');
      return key;
    },
  };
}

const profile = (name: string): ProfileInput => ({
  id: '',
  name,
  clouds: {
    source: { authUrl: 'http://a:5000/v3', region: 'A', username: 'admin' },
    target: { authUrl: 'http://b:5000/v3', region: 'B', username: 'admin' },
  },
  hosts: [{ id: 'tvm-1', name: 'tvm-1', role: 'tvm', address: '10.0.0.5' }],
  nfs: { target: '10.0.0.1:/b1', syncedCopy: '10.0.0.2:/b2' },
});

function must<T>(r: { ok: true; value: T } | { ok: false; error: { message: string } } | undefined): T {
  if (!r) throw new Error('no result');
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

/** Opens the data folder as one mode would: a new process, a new keyring. */
function open(file: string, keychain: KeychainWrapper | null, legacy?: SecretCipher) {
  const store = stores.open(file);
  const keyring = new SecretKeyring(store, keychain, { osKeyStore: legacy ?? null });
  return { store, keyring, profiles: new ProfileRepo(store), secrets: new SecretRepo(store) };
}

function save(store: StoreDb, cipher: SecretCipher, name: string): string {
  return must(new ProfileRepo(store).save(profile(name), { 'clouds.target.password': PASSWORD }, cipher)).id;
}

describe('SecretKeyring: passphrase (browser mode and CLI), for real', () => {
  it('sets the passphrase on first use, then opens only with it, across processes', () => {
    const file = stores.newFile();
    const first = open(file, null);
    expect(first.keyring.status()).toMatchObject({ fresh: true, passphraseSet: false, unlocked: false });
    const cipher = must(first.keyring.unlockWithPassphrase('correct horse battery'));
    const id = save(first.store, cipher, 'p');
    const sealed = first.secrets.allSealed()[0]!.sealed;
    expect(sealed).toMatch(/^v2:dk:/);
    expect(sealed).not.toContain(PASSWORD);
    first.store.close();
    // The file holds neither the password nor the data key in clear.
    expect(readFileSync(file).includes(Buffer.from(PASSWORD))).toBe(false);

    const second = open(file, null);
    expect(second.keyring.status()).toMatchObject({ fresh: false, passphraseSet: true, unlocked: false });
    const wrong = second.keyring.unlockWithPassphrase('wrong horse');
    expect(wrong.ok).toBe(false);
    if (!wrong.ok) expect(wrong.error.message).toMatch(/Wrong passphrase/);
    const right = must(second.keyring.unlockWithPassphrase('correct horse battery'));
    expect(second.secrets.get(id, 'clouds.target.password', right)).toBe(PASSWORD);
  });

  it('changes the passphrase without re-sealing anything', () => {
    const file = stores.newFile();
    const a = open(file, null);
    const cipher = must(a.keyring.unlockWithPassphrase('first passphrase'));
    const id = save(a.store, cipher, 'p');
    const before = a.secrets.allSealed();
    expect(a.keyring.setPassphrase('short').ok).toBe(false);
    must(a.keyring.setPassphrase('second passphrase'));
    expect(a.secrets.allSealed()).toEqual(before);
    a.store.close();
    const b = open(file, null);
    expect(b.keyring.unlockWithPassphrase('first passphrase').ok).toBe(false);
    const c = must(b.keyring.unlockWithPassphrase('second passphrase'));
    expect(b.secrets.get(id, 'clouds.target.password', c)).toBe(PASSWORD);
  });
});

describe('SecretKeyring: desktop keychain (fake) and the passphrase share one data key', () => {
  it('a profile saved on the desktop opens in the CLI once a passphrase is set, and back', () => {
    const file = stores.newFile();
    const desktop = open(file, fakeKeychain());
    const dc = must(desktop.keyring.openWithKeychain());
    expect(dc.kind).toBe('safe-storage');
    const id = save(desktop.store, dc, 'desk');
    expect(desktop.keyring.status()).toMatchObject({ keychainWrapped: true, passphraseSet: false });
    desktop.store.close();

    // The CLI has no keychain: it is told to set a passphrase in the app, not asked to choose one.
    const cliBefore = open(file, null);
    expect(cliBefore.keyring.status().fresh).toBe(false);
    const refused = cliBefore.keyring.unlockWithPassphrase('anything at all');
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.hint).toMatch(/desktop app/);
    cliBefore.store.close();

    const desktop2 = open(file, fakeKeychain());
    must(desktop2.keyring.openWithKeychain());
    must(desktop2.keyring.setPassphrase('shared passphrase'));
    desktop2.store.close();

    const cli = open(file, null);
    const cc = must(cli.keyring.unlockWithPassphrase('shared passphrase'));
    expect(cli.secrets.get(id, 'clouds.target.password', cc)).toBe(PASSWORD);
    const id2 = save(cli.store, cc, 'from-cli');
    cli.store.close();

    const desktop3 = open(file, fakeKeychain());
    const d3 = must(desktop3.keyring.openWithKeychain());
    expect(desktop3.secrets.get(id2, 'clouds.target.password', d3)).toBe(PASSWORD);
  });

  it('a store made by the CLI asks the desktop for the passphrase once, then opens silently', () => {
    const file = stores.newFile();
    const cli = open(file, null);
    const id = save(cli.store, must(cli.keyring.unlockWithPassphrase('cli passphrase')), 'c');
    cli.store.close();

    const desktop = open(file, fakeKeychain());
    expect(desktop.keyring.openWithKeychain()).toBeUndefined();
    must(desktop.keyring.unlockWithPassphrase('cli passphrase'));
    desktop.store.close();

    const again = open(file, fakeKeychain());
    const c = must(again.keyring.openWithKeychain());
    expect(again.secrets.get(id, 'clouds.target.password', c)).toBe(PASSWORD);
  });

  it('a keychain that no longer opens the key falls back to the passphrase', () => {
    const file = stores.newFile();
    const desktop = open(file, fakeKeychain());
    const id = save(desktop.store, must(desktop.keyring.openWithKeychain()), 'd');
    must(desktop.keyring.setPassphrase('fallback passphrase'));
    desktop.store.close();
    const changed = open(file, fakeKeychain(0x33));
    expect(changed.keyring.openWithKeychain()).toBeUndefined();
    const c = must(changed.keyring.unlockWithPassphrase('fallback passphrase'));
    expect(changed.secrets.get(id, 'clouds.target.password', c)).toBe(PASSWORD);
  });
});

describe('SecretKeyring: stores written before the shared data key are converted', () => {
  it('v1 passphrase secrets are re-sealed with the data key on the first unlock', () => {
    const file = stores.newFile();
    const old = stores.open(file);
    const v1 = must(createPassphraseCipher(old.meta, 'old passphrase'));
    const id = must(new ProfileRepo(old).save(profile('old'), { 'clouds.target.password': PASSWORD }, v1)).id;
    expect(new SecretRepo(old).allSealed()[0]!.sealed).toMatch(/^v1:pp:/);
    old.close();

    const now = open(file, null);
    expect(now.keyring.status()).toMatchObject({ fresh: false, passphraseSet: true });
    expect(now.keyring.unlockWithPassphrase('not it').ok).toBe(false);
    const c = must(now.keyring.unlockWithPassphrase('old passphrase'));
    expect(now.secrets.allSealed()[0]!.sealed).toMatch(/^v2:dk:/);
    expect(now.secrets.get(id, 'clouds.target.password', c)).toBe(PASSWORD);
  });

  it('v1 OS key store secrets are re-sealed when the desktop opens', () => {
    const storage: SafeStorageLike = {
      isEncryptionAvailable: () => true,
      encryptString: (p) => Buffer.from(p, 'utf8').reverse(),
      decryptString: (b) => Buffer.from(b).reverse().toString('utf8'),
      getSelectedStorageBackend: () => 'gnome_libsecret',
    };
    const legacy = createSafeStorageCipher(storage, 'linux');
    const file = stores.newFile();
    const old = stores.open(file);
    const id = must(
      new ProfileRepo(old).save(profile('old'), { 'clouds.target.password': PASSWORD }, legacy),
    ).id;
    old.close();

    const desktop = open(file, fakeKeychain(), legacy);
    const c = must(desktop.keyring.openWithKeychain());
    expect(desktop.secrets.allSealed()[0]!.sealed).toMatch(/^v2:dk:/);
    expect(desktop.secrets.get(id, 'clouds.target.password', c)).toBe(PASSWORD);
  });

  it('a damaged key record is reported, never treated as a fresh store', () => {
    const file = stores.newFile();
    const a = open(file, null);
    must(a.keyring.unlockWithPassphrase('some passphrase'));
    a.store.meta.set('secrets.dataKey', '{"version":2}');
    a.store.close();
    const b = open(file, null);
    const r = b.keyring.unlockWithPassphrase('some passphrase');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('store-corrupt');
    expect(b.keyring.status().fresh).toBe(false);
  });
});
