import { safeStorage } from 'electron';
import type { SecretCipher } from './core/core-types.js';
import { createSafeStorageCipher } from './safe-storage-cipher.js';

/** The desktop app's cipher: the OS key store via `safeStorage`. Call after `app.whenReady()`; throws when unsafe. */
export function createOsSecretCipher(): SecretCipher {
  return createSafeStorageCipher(safeStorage, process.platform);
}
