import { fail, ok, type AppError, type Result } from '../../../shared/result.js';
import type { SecretCipher } from '../core-types.js';
import type { StoreDb } from '../store/database.js';
import { SecretRepo } from '../store/secret-repo.js';
import { dataKeyCipher, dataKeyPrefix, newDataKey } from './data-key-cipher.js';
import {
  isPassphraseWrap,
  unwrapWithPassphrase,
  wrapWithPassphrase,
  type KeychainWrapper,
  type PassphraseWrap,
} from './key-wraps.js';
import { createPassphraseCipher, hasPassphrase } from './passphrase-cipher.js';

/**
 * One secret store for the desktop app, browser mode and the CLI (README "Secrets").
 *
 * Every secret is sealed with one random data key (AES-256-GCM, data-key-cipher.ts). The data key is
 * kept in the store's meta table only wrapped: by the OS keychain where the desktop app has one, and
 * by a key derived (scrypt) from a passphrase the user sets once. The desktop opens silently through
 * the keychain; browser mode and the CLI, which cannot reach Electron's keychain, open with the
 * passphrase. Either wrap opens the same key, so a profile saved in one mode runs in the others.
 *
 * Stores written before this design (v1: each secret sealed by the keychain, or by a passphrase key)
 * are converted the first time they are opened with what sealed them.
 */
const META_KEY = 'secrets.dataKey';

interface KeyRecord {
  version: 2;
  passphrase?: PassphraseWrap;
  /** The data key as the OS keychain wrapped it. */
  keychain?: string;
}

export interface KeyringStatus {
  /** The store is open: secrets can be read and saved. */
  unlocked: boolean;
  /** A passphrase opens the data key (browser mode and the CLI can use the store). */
  passphraseSet: boolean;
  /** This process has an OS keychain, and the data key is wrapped by it. */
  keychainWrapped: boolean;
  /** Nothing is sealed yet and no passphrase chosen: the first passphrase given sets it. */
  fresh: boolean;
}

/** The old per-secret ciphers, needed once to convert a v1 store. */
export interface LegacyCiphers {
  /** Opens `v1:ss:` values (the desktop app's OS key store cipher). */
  osKeyStore?: SecretCipher | null;
}

export class SecretKeyring {
  private key: Buffer | undefined;
  private unlockedBy: SecretCipher['kind'] = 'passphrase';
  private readonly secrets: SecretRepo;

  constructor(
    private readonly store: StoreDb,
    private readonly keychain: KeychainWrapper | null,
    private readonly legacy: LegacyCiphers = {},
  ) {
    this.secrets = new SecretRepo(store);
  }

  status(): KeyringStatus {
    const found = this.record();
    const record = found === 'corrupt' ? undefined : found;
    const legacy = hasPassphrase(this.store.meta);
    return {
      unlocked: this.key !== undefined,
      passphraseSet: record ? record.passphrase !== undefined : legacy,
      keychainWrapped: this.keychain !== null && record?.keychain !== undefined,
      fresh: found === undefined && !legacy,
    };
  }

  cipher(): SecretCipher | undefined {
    return this.key ? dataKeyCipher(this.key, this.unlockedBy) : undefined;
  }

  /**
   * The desktop app's silent open: the keychain unwraps the data key, or a new store gets one wrapped
   * by the keychain. Returns undefined (still locked, ask for the passphrase) when the key is wrapped
   * only by a passphrase or the keychain cannot open its wrap.
   */
  openWithKeychain(): Result<SecretCipher> | undefined {
    if (!this.keychain) return undefined;
    const record = this.record();
    if (record === 'corrupt') return fail(corrupt());
    if (record?.keychain) {
      try {
        return this.opened(this.keychain.unwrap(record.keychain), 'safe-storage');
      } catch {
        return undefined;
      }
    }
    if (record || hasPassphrase(this.store.meta)) return undefined;
    // A new store (or one sealed per secret by the keychain before): a data key from now on.
    const key = newDataKey();
    const wrapped = this.keychainWrap(key);
    if (!wrapped.ok) return wrapped;
    const converted = this.convert(key, { version: 2, keychain: wrapped.value });
    return converted.ok ? this.opened(key, 'safe-storage') : converted;
  }

  /**
   * Browser mode, the CLI, and the desktop without a usable keychain wrap. The first passphrase given
   * to a fresh store sets it; afterwards it must open the data key. On the desktop, a successful
   * unlock also wraps the key with the keychain, so the next start is silent.
   */
  unlockWithPassphrase(passphrase: string): Result<SecretCipher> {
    if (passphrase.length === 0)
      return fail({
        code: 'invalid-argument',
        message: 'The passphrase is empty.',
        hint: 'Enter a passphrase.',
      });
    const record = this.record();
    if (record === 'corrupt') return fail(corrupt());
    if (record?.passphrase) {
      const key = unwrapWithPassphrase(record.passphrase, passphrase);
      if (!key) return fail(wrongPassphrase());
      if (this.keychain && !this.canOpenKeychainWrap(record)) {
        const wrapped = this.keychainWrap(key);
        if (wrapped.ok) this.writeRecord({ ...record, keychain: wrapped.value });
      }
      return this.opened(key, 'passphrase');
    }
    if (record)
      return fail({
        code: 'secret-unavailable',
        message:
          'The secrets of this data folder are sealed by the desktop app’s OS key store, and no passphrase has been set for them yet.',
        hint: 'Open the desktop app on this machine and set a passphrase (header: "Set passphrase"); then browser mode and the CLI open the same secrets with it.',
      });
    // No data key yet: a v1 passphrase store is converted with its passphrase, or the passphrase is new.
    let legacyPassphrase: SecretCipher | undefined;
    if (hasPassphrase(this.store.meta)) {
      const legacy = createPassphraseCipher(this.store.meta, passphrase);
      if (!legacy.ok) return legacy;
      legacyPassphrase = legacy.value;
    }
    const key = newDataKey();
    const next: KeyRecord = { version: 2, passphrase: wrapWithPassphrase(key, passphrase) };
    if (this.keychain) {
      const wrapped = this.keychainWrap(key);
      if (wrapped.ok) next.keychain = wrapped.value;
    }
    const converted = this.convert(key, next, legacyPassphrase);
    return converted.ok ? this.opened(key, 'passphrase') : converted;
  }

  /**
   * Sets (or changes) the passphrase that wraps the data key. The store must be open: the data key
   * itself does not change, so nothing is re-sealed and every mode keeps working.
   */
  setPassphrase(passphrase: string): Result<KeyringStatus> {
    if (!this.key)
      return fail({
        code: 'secret-unavailable',
        message: 'The secret store is locked.',
        hint: 'Unlock it first; the passphrase protects the key that is open now.',
      });
    if (passphrase.length < 8)
      return fail({
        code: 'invalid-argument',
        message: 'Choose a passphrase of at least 8 characters.',
        fields: [{ path: 'passphrase', message: 'At least 8 characters' }],
      });
    const record = this.record();
    const base: KeyRecord = record && record !== 'corrupt' ? record : { version: 2 };
    this.writeRecord({ ...base, passphrase: wrapWithPassphrase(this.key, passphrase) });
    return ok(this.status());
  }

  private opened(key: Buffer, by: SecretCipher['kind']): Result<SecretCipher> {
    this.key = key;
    this.unlockedBy = by;
    return ok(dataKeyCipher(key, by));
  }

  private canOpenKeychainWrap(record: KeyRecord): boolean {
    if (!this.keychain || !record.keychain) return false;
    try {
      this.keychain.unwrap(record.keychain);
      return true;
    } catch {
      return false;
    }
  }

  private keychainWrap(key: Buffer): Result<string> {
    try {
      return ok(this.keychain!.wrap(key));
    } catch (error) {
      const appError = (error as { error?: AppError }).error;
      return fail(
        appError ?? { code: 'secret-unavailable', message: 'The OS key store could not wrap the key.' },
      );
    }
  }

  /**
   * Writes the key record and re-seals every v1 secret with the data key, in one transaction: a store
   * is never left half converted. Values no old cipher here can open stay as they are; reading one
   * says to set it again.
   */
  private convert(key: Buffer, record: KeyRecord, legacyPassphrase?: SecretCipher): Result<void> {
    const cipher = dataKeyCipher(key, 'passphrase');
    const openers = [legacyPassphrase, this.legacy.osKeyStore ?? undefined].filter(
      (c): c is SecretCipher => c !== undefined,
    );
    this.store.db.transaction(() => {
      for (const s of this.secrets.allSealed()) {
        if (s.sealed.startsWith(dataKeyPrefix)) continue;
        const plain = openWithAny(openers, s.sealed);
        if (plain !== undefined) this.secrets.setSealed(s.profileId, s.key, cipher.encrypt(plain));
      }
      this.writeRecord(record);
    })();
    return ok(undefined);
  }

  private record(): KeyRecord | undefined | 'corrupt' {
    const text = this.store.meta.get(META_KEY);
    if (text === undefined) return undefined;
    try {
      const r = JSON.parse(text) as Partial<KeyRecord>;
      if (r.version !== 2) return 'corrupt';
      if (r.passphrase !== undefined && !isPassphraseWrap(r.passphrase)) return 'corrupt';
      if (r.keychain !== undefined && typeof r.keychain !== 'string') return 'corrupt';
      if (!r.passphrase && !r.keychain) return 'corrupt';
      return r as KeyRecord;
    } catch {
      return 'corrupt';
    }
  }

  private writeRecord(record: KeyRecord): void {
    this.store.meta.set(META_KEY, JSON.stringify(record));
  }
}

function openWithAny(ciphers: SecretCipher[], sealed: string): string | undefined {
  for (const c of ciphers) {
    try {
      return c.decrypt(sealed);
    } catch {
      // not this one's
    }
  }
  return undefined;
}

function wrongPassphrase(): AppError {
  return {
    code: 'secret-unavailable',
    message: 'Wrong passphrase: it does not open the secrets stored in this data folder.',
    hint: 'Enter the passphrase that was set for this data folder (TRILIO_DR_PASSPHRASE for the CLI).',
  };
}

function corrupt(): AppError {
  return {
    code: 'store-corrupt',
    message: 'The key record of the secret store is damaged.',
    hint: 'Restore the data folder from a backup; the stored secrets cannot be opened without it.',
  };
}
