import { safeStorage } from 'electron';
import type { KeychainAccess } from './core/core-state.js';
import { createSafeStorageCipher, createSafeStorageKeyWrapper } from './safe-storage-cipher.js';

/**
 * The desktop app's OS keychain via `safeStorage`: it wraps the store's data key, and opens secrets a
 * v1 store sealed with it. Call after `app.whenReady()`; throws when the keychain is unsafe.
 */
export function createOsKeychain(): KeychainAccess {
  return {
    wrapper: createSafeStorageKeyWrapper(safeStorage, process.platform),
    legacy: createSafeStorageCipher(safeStorage, process.platform),
  };
}
