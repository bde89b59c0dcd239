import { AppFailure } from '../shared/result.js';
import type { SecretCipher } from './core/core-types.js';
import type { KeychainWrapper } from './core/secrets/key-wraps.js';

/** The part of Electron's `safeStorage` the cipher uses; injected so the rules are tested without Electron. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only. */
  getSelectedStorageBackend(): string;
}

const PREFIX = 'v1:ss:';

const unavailableHint =
  'Start the wizard in a desktop session with a keyring (GNOME Keyring, KWallet, macOS Keychain, Windows DPAPI), ' +
  'or use browser mode with a passphrase (TRILIO_DR_PASSPHRASE).';

/**
 * Seals secrets with the OS key store through Electron's `safeStorage`. Fails closed: when encryption
 * is unavailable, or on Linux when the backend is `basic_text` (a key hard-coded in Chromium, i.e.
 * obfuscation) or undetermined, it throws instead of storing anything.
 */
export function createSafeStorageCipher(storage: SafeStorageLike, platform: NodeJS.Platform): SecretCipher {
  assertUsable(storage, platform);
  return {
    kind: 'safe-storage',
    encrypt(plain: string): string {
      assertUsable(storage, platform);
      return PREFIX + storage.encryptString(plain).toString('base64');
    },
    decrypt(sealed: string): string {
      if (!sealed.startsWith(PREFIX))
        throw new AppFailure({
          code: 'secret-unavailable',
          message: 'This secret was not sealed by the OS key store.',
          hint: 'It was written by another cipher (e.g. browser mode with a passphrase); open the store the same way or set the secret again.',
        });
      assertUsable(storage, platform);
      try {
        return storage.decryptString(Buffer.from(sealed.slice(PREFIX.length), 'base64'));
      } catch (error) {
        throw new AppFailure({
          code: 'secret-unavailable',
          message: 'The OS key store could not decrypt a stored secret.',
          output: error instanceof Error ? error.message : String(error),
          hint: 'The keyring changed or the data comes from another machine or user. Set the secret again.',
        });
      }
    },
  };
}

function assertUsable(storage: SafeStorageLike, platform: NodeJS.Platform): void {
  if (!storage.isEncryptionAvailable())
    throw new AppFailure({
      code: 'secret-unavailable',
      message: 'The OS key store is not available, so secrets cannot be stored safely.',
      hint: unavailableHint,
    });
  if (platform !== 'linux') return;
  const backend = storage.getSelectedStorageBackend();
  if (backend === 'basic_text' || backend === 'unknown')
    throw new AppFailure({
      code: 'secret-unavailable',
      message: `The OS key store backend is "${backend}", which does not protect secrets.`,
      hint: unavailableHint,
    });
}

const WRAP_PREFIX = 'v2:ss-key:';

/**
 * Wraps the store's data key with the OS key store (secret-keyring.ts): the same fail-closed rules as
 * the cipher above. The desktop app opens its secrets silently this way; browser mode and the CLI open
 * the same data key with the passphrase.
 */
export function createSafeStorageKeyWrapper(
  storage: SafeStorageLike,
  platform: NodeJS.Platform,
): KeychainWrapper {
  assertUsable(storage, platform);
  const backend = platform === 'linux' ? ` (${storage.getSelectedStorageBackend()})` : '';
  return {
    label: `OS key store${backend}`,
    wrap(key: Buffer): string {
      assertUsable(storage, platform);
      return WRAP_PREFIX + storage.encryptString(key.toString('base64')).toString('base64');
    },
    unwrap(wrapped: string): Buffer {
      if (!wrapped.startsWith(WRAP_PREFIX))
        throw new AppFailure({
          code: 'secret-unavailable',
          message: 'Not a key wrapped by the OS key store.',
        });
      assertUsable(storage, platform);
      const key = Buffer.from(
        storage.decryptString(Buffer.from(wrapped.slice(WRAP_PREFIX.length), 'base64')),
        'base64',
      );
      if (key.length !== 32)
        throw new AppFailure({
          code: 'secret-unavailable',
          message: 'The OS key store returned no usable key.',
        });
      return key;
    },
  };
}
