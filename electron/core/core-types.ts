import type { AppInfo, EventName, Events } from '../../shared/contract.js';
import type { Result } from '../../shared/result.js';

/**
 * The main-process core, hosted either by Electron (IPC) or by browser mode (HTTP on 127.0.0.1).
 * Both transports only validate the sender, then hand the raw call to `handle`.
 */
export interface Core {
  info(): AppInfo;
  /** Validates `rawArgs` against the contract, runs the call; never throws. */
  handle(name: string, rawArgs: unknown): Promise<Result<unknown>>;
  subscribe(listener: <E extends EventName>(event: E, payload: Events[E]) => void): () => void;
  close(): Promise<void>;
}

/**
 * Seals secrets at rest. Ciphertext carries a version/kind tag so a store written by one cipher is
 * never silently read by another. Implementations fail closed: they throw rather than store plaintext.
 */
export interface SecretCipher {
  /** What opened the store in this process: the OS key store (desktop) or the passphrase. */
  readonly kind: 'safe-storage' | 'passphrase';
  encrypt(plain: string): string;
  decrypt(sealed: string): string;
}
