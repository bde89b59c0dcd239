import type Database from 'better-sqlite3';
import type { SecretCipher } from '../core-types.js';
import type { StoreDb } from './database.js';

/**
 * Sealed secrets of profiles, keyed by `secretKey(...)`. Plain values exist only in memory: they are
 * sealed by the cipher before they reach SQLite and unsealed on the way out. `get` throws the cipher's
 * `AppFailure` (`secret-unavailable`) when a value cannot be opened: secrets fail closed.
 */
export class SecretRepo {
  private readonly selectOne: Database.Statement<[string, string], { sealed: string }>;
  private readonly selectKeys: Database.Statement<[string], { key: string }>;
  private readonly upsert: Database.Statement<[string, string, string, string]>;
  private readonly deleteOne: Database.Statement<[string, string]>;
  private readonly selectAll: Database.Statement<[], { profile_id: string; key: string; sealed: string }>;

  constructor(store: StoreDb) {
    const db = store.db;
    this.selectOne = db.prepare('SELECT sealed FROM secrets WHERE profile_id = ? AND key = ?');
    this.selectKeys = db.prepare('SELECT key FROM secrets WHERE profile_id = ? ORDER BY key');
    this.upsert = db.prepare(
      `INSERT INTO secrets (profile_id, key, sealed, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (profile_id, key) DO UPDATE SET sealed = excluded.sealed, updated_at = excluded.updated_at`,
    );
    this.deleteOne = db.prepare('DELETE FROM secrets WHERE profile_id = ? AND key = ?');
    this.selectAll = db.prepare('SELECT profile_id, key, sealed FROM secrets ORDER BY profile_id, key');
  }

  /** Every sealed value of every profile (re-sealing when the store's key changes; never shown). */
  allSealed(): { profileId: string; key: string; sealed: string }[] {
    return this.selectAll.all().map((r) => ({ profileId: r.profile_id, key: r.key, sealed: r.sealed }));
  }

  /** The secret in clear, or undefined when it is not set. */
  get(profileId: string, key: string, cipher: SecretCipher): string | undefined {
    const row = this.selectOne.get(profileId, key);
    return row === undefined ? undefined : cipher.decrypt(row.sealed);
  }

  /** Keys of the secrets a profile has (never values). */
  keys(profileId: string): string[] {
    return this.selectKeys.all(profileId).map((r) => r.key);
  }

  /** Seals and stores a secret; the profile must exist. Throws when the cipher refuses. */
  set(profileId: string, key: string, plain: string, cipher: SecretCipher): void {
    this.setSealed(profileId, key, cipher.encrypt(plain));
  }

  /** Stores an already sealed value (copies between profiles of one store). */
  setSealed(profileId: string, key: string, sealed: string): void {
    this.upsert.run(profileId, key, sealed, new Date().toISOString());
  }

  /** Returns whether a secret was removed. */
  delete(profileId: string, key: string): boolean {
    return this.deleteOne.run(profileId, key).changes > 0;
  }
}
