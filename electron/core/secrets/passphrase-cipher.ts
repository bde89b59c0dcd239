import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import { AppFailure, fail, ok, type Result } from '../../../shared/result.js';
import type { SecretCipher } from '../core-types.js';
import type { MetaStore } from '../store/database.js';

const PREFIX = 'v1:pp:';
const META_KEY = 'secrets.passphrase';
/** Sealed with the derived key when the passphrase is first set; opening it proves the passphrase. */
const VERIFIER_PLAINTEXT = 'trilio-dr-wizard passphrase verifier v1';
/** Binds every ciphertext to this cipher kind and format version. */
const AAD = Buffer.from('trilio-dr-wizard v1:pp', 'utf8');

interface KdfParams {
  kdf: 'scrypt';
  N: number;
  r: number;
  p: number;
  salt: string;
  verifier: string;
}

/** scrypt cost: ~100 ms on a laptop, 32 MiB of memory; stored with the salt so it can be raised later. */
const defaultCost = { N: 2 ** 15, r: 8, p: 1 };

/**
 * Seals secrets with AES-256-GCM under a key derived from a passphrase (scrypt), for browser mode and
 * the headless CLI where there is no OS key store. The salt, the cost and a verifier live in the
 * store's meta table: the first call sets them, later calls must present the same passphrase or get
 * `secret-unavailable` before anything is decrypted. The passphrase itself is never stored.
 */
export function createPassphraseCipher(meta: MetaStore, passphrase: string): Result<SecretCipher> {
  if (passphrase.length === 0)
    return fail({
      code: 'invalid-argument',
      message: 'The passphrase is empty.',
      hint: 'Enter a passphrase.',
    });
  const stored = readParams(meta);
  if (stored === 'corrupt')
    return fail({
      code: 'store-corrupt',
      message: 'The passphrase settings in the store are damaged.',
      hint: 'Restore the data folder from a backup; the stored secrets cannot be opened without them.',
    });
  if (!stored) {
    const salt = randomBytes(16);
    const cipher = cipherWithKey(deriveKey(passphrase, salt, defaultCost));
    const params: KdfParams = {
      kdf: 'scrypt',
      ...defaultCost,
      salt: salt.toString('base64'),
      verifier: cipher.encrypt(VERIFIER_PLAINTEXT),
    };
    meta.set(META_KEY, JSON.stringify(params));
    return ok(cipher);
  }
  const cipher = cipherWithKey(deriveKey(passphrase, Buffer.from(stored.salt, 'base64'), stored));
  let opened: string | undefined;
  try {
    opened = cipher.decrypt(stored.verifier);
  } catch {
    opened = undefined;
  }
  if (opened !== VERIFIER_PLAINTEXT)
    return fail({
      code: 'secret-unavailable',
      message: 'Wrong passphrase: it does not open the secrets stored in this data folder.',
      hint: 'Enter the passphrase that was used when the first secret was saved (TRILIO_DR_PASSPHRASE in headless mode).',
    });
  return ok(cipher);
}

/** True once a passphrase has been set for this store. */
export function hasPassphrase(meta: MetaStore): boolean {
  return meta.get(META_KEY) !== undefined;
}

function readParams(meta: MetaStore): KdfParams | undefined | 'corrupt' {
  const text = meta.get(META_KEY);
  if (text === undefined) return undefined;
  try {
    const p = JSON.parse(text) as Partial<KdfParams>;
    const int = (n: unknown) => typeof n === 'number' && Number.isInteger(n) && n > 0;
    if (p.kdf === 'scrypt' && int(p.N) && int(p.r) && int(p.p) && p.salt && p.verifier) return p as KdfParams;
  } catch {
    // falls through to 'corrupt'
  }
  return 'corrupt';
}

function deriveKey(passphrase: string, salt: Buffer, cost: { N: number; r: number; p: number }): Buffer {
  return scryptSync(passphrase.normalize('NFC'), salt, 32, {
    N: cost.N,
    r: cost.r,
    p: cost.p,
    maxmem: 256 * cost.N * cost.r * cost.p,
  });
}

function cipherWithKey(key: Buffer): SecretCipher {
  return {
    kind: 'passphrase',
    encrypt(plain: string): string {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, iv);
      c.setAAD(AAD);
      const data = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      const b64 = (b: Buffer) => b.toString('base64');
      return `${PREFIX}${b64(iv)}:${b64(c.getAuthTag())}:${b64(data)}`;
    },
    decrypt(sealed: string): string {
      if (!sealed.startsWith(PREFIX)) throw otherKind(sealed);
      const parts = sealed.slice(PREFIX.length).split(':');
      const [iv, tag, data] = parts.map((p) => Buffer.from(p, 'base64'));
      if (parts.length !== 3 || iv?.length !== 12 || tag?.length !== 16 || !data) throw undecryptable();
      try {
        const d = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: 16 });
        d.setAAD(AAD);
        d.setAuthTag(tag);
        return Buffer.concat([d.update(data), d.final()]).toString('utf8');
      } catch {
        throw undecryptable();
      }
    },
  };
}

function otherKind(sealed: string): AppFailure {
  const fromOs = sealed.startsWith('v1:ss:');
  return new AppFailure({
    code: 'secret-unavailable',
    message: fromOs
      ? 'This secret was sealed by the OS key store (desktop app), not with the passphrase.'
      : 'This stored secret is not in a format this wizard can open.',
    hint: fromOs
      ? 'Open this data folder with the desktop app, or set the secret again in this mode.'
      : 'Set the secret again.',
  });
}

function undecryptable(): AppFailure {
  return new AppFailure({
    code: 'secret-unavailable',
    message: 'A stored secret could not be decrypted: it was altered, or sealed with another passphrase.',
    hint: 'Set the secret again.',
  });
}
