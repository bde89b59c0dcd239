import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { AppFailure } from '../../../shared/result.js';
import type { SecretCipher } from '../core-types.js';

/** Secrets sealed with the store's data key (format v2): `v2:dk:<iv>:<tag>:<ciphertext>`, base64 parts. */
export const dataKeyPrefix = 'v2:dk:';
/** Binds every ciphertext to this format, so a value sealed for another purpose never opens as a secret. */
const AAD = Buffer.from('trilio-dr-wizard v2:dk', 'utf8');

export const dataKeyBytes = 32;

export function newDataKey(): Buffer {
  return randomBytes(dataKeyBytes);
}

/**
 * AES-256-GCM under the data key. The key itself is never stored in clear: it is wrapped by the OS
 * keychain and/or by the user's passphrase (secret-keyring.ts), so the desktop app, browser mode and
 * the CLI open the same secrets.
 */
export function dataKeyCipher(key: Buffer, unlockedBy: SecretCipher['kind']): SecretCipher {
  if (key.length !== dataKeyBytes) throw new Error('the data key must be 32 bytes');
  return {
    kind: unlockedBy,
    encrypt(plain: string): string {
      return dataKeyPrefix + sealBytes(key, Buffer.from(plain, 'utf8'), AAD);
    },
    decrypt(sealed: string): string {
      if (!sealed.startsWith(dataKeyPrefix))
        throw new AppFailure({
          code: 'secret-unavailable',
          message: 'This stored secret is in an older format that was not converted.',
          hint: 'Set the secret again in the profile.',
        });
      const opened = openBytes(key, sealed.slice(dataKeyPrefix.length), AAD);
      if (!opened)
        throw new AppFailure({
          code: 'secret-unavailable',
          message: 'A stored secret could not be decrypted: it was altered, or sealed with another data key.',
          hint: 'Set the secret again.',
        });
      return opened.toString('utf8');
    },
  };
}

/** `iv:tag:data` in base64, AES-256-GCM with the given additional data. */
export function sealBytes(key: Buffer, plain: Buffer, aad: Buffer): string {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, iv);
  c.setAAD(aad);
  const data = Buffer.concat([c.update(plain), c.final()]);
  return [iv, c.getAuthTag(), data].map((b) => b.toString('base64')).join(':');
}

/** The plain bytes, or undefined when the value is malformed or does not authenticate. */
export function openBytes(key: Buffer, sealed: string, aad: Buffer): Buffer | undefined {
  const parts = sealed.split(':');
  if (parts.length !== 3) return undefined;
  const [iv, tag, data] = parts.map((p) => Buffer.from(p, 'base64'));
  if (iv?.length !== 12 || tag?.length !== 16 || !data) return undefined;
  try {
    const d = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: 16 });
    d.setAAD(aad);
    d.setAuthTag(tag);
    return Buffer.concat([d.update(data), d.final()]);
  } catch {
    return undefined;
  }
}
