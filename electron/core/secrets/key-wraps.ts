import { randomBytes, scryptSync } from 'node:crypto';
import { dataKeyBytes, openBytes, sealBytes } from './data-key-cipher.js';

/**
 * The two ways the store's data key is kept: wrapped by the OS keychain (desktop app, no prompt) and
 * wrapped by a key derived from the user's passphrase (browser mode, the CLI, and the desktop when the
 * keychain cannot open it). Either one opens the same data key, so every mode reads the same secrets.
 */

/** Wraps the data key with the OS keychain (Electron safeStorage in the app; a fake in tests). */
export interface KeychainWrapper {
  /** Shown to the user, e.g. "OS key store (gnome_libsecret)". */
  readonly label: string;
  /** Throws an AppFailure when the keychain cannot be used. */
  wrap(key: Buffer): string;
  /** Throws when the wrapped key cannot be opened (another machine or user, a changed keyring). */
  unwrap(wrapped: string): Buffer;
}

export interface PassphraseWrap {
  kdf: 'scrypt';
  N: number;
  r: number;
  p: number;
  salt: string;
  /** The data key sealed with the derived key (`iv:tag:data`). */
  wrapped: string;
}

const AAD = Buffer.from('trilio-dr-wizard v2:passphrase-wrap', 'utf8');
/** scrypt cost: ~100 ms and 32 MiB; stored with the wrap so it can be raised later. */
const defaultCost = { N: 2 ** 15, r: 8, p: 1 };

function deriveKey(passphrase: string, salt: Buffer, cost: { N: number; r: number; p: number }): Buffer {
  return scryptSync(passphrase.normalize('NFC'), salt, 32, {
    N: cost.N,
    r: cost.r,
    p: cost.p,
    maxmem: 256 * cost.N * cost.r * cost.p,
  });
}

export function wrapWithPassphrase(key: Buffer, passphrase: string): PassphraseWrap {
  const salt = randomBytes(16);
  return {
    kdf: 'scrypt',
    ...defaultCost,
    salt: salt.toString('base64'),
    wrapped: sealBytes(deriveKey(passphrase, salt, defaultCost), key, AAD),
  };
}

/** The data key, or undefined when the passphrase is wrong (or the wrap was altered). */
export function unwrapWithPassphrase(wrap: PassphraseWrap, passphrase: string): Buffer | undefined {
  const derived = deriveKey(passphrase, Buffer.from(wrap.salt, 'base64'), wrap);
  const key = openBytes(derived, wrap.wrapped, AAD);
  return key?.length === dataKeyBytes ? key : undefined;
}

export function isPassphraseWrap(value: unknown): value is PassphraseWrap {
  if (typeof value !== 'object' || value === null) return false;
  const w = value as Partial<PassphraseWrap>;
  const int = (n: unknown) => typeof n === 'number' && Number.isInteger(n) && n > 0 && n <= 2 ** 22;
  return (
    w.kdf === 'scrypt' &&
    int(w.N) &&
    int(w.r) &&
    int(w.p) &&
    typeof w.salt === 'string' &&
    typeof w.wrapped === 'string'
  );
}
