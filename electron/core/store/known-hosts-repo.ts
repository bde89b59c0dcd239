import type Database from 'better-sqlite3';
import type { KnownHostEntry, KnownHostsStore } from '../ssh/known-hosts-store.js';
import type { StoreDb } from './database.js';

interface Row {
  host: string;
  key_type: string;
  key_base64: string;
  fingerprint: string;
  added_at: string;
}

/**
 * The host keys one profile's user accepted, in SQLite. The profile must exist (entries go with it
 * when it is deleted); adding a key that is already there is a no-op.
 */
export class KnownHostsRepo implements KnownHostsStore {
  private readonly selectHost: Database.Statement<[string, string], Row>;
  private readonly selectAll: Database.Statement<[string], Row>;
  private readonly insert: Database.Statement<[string, string, string, string, string, string]>;
  private readonly deleteHost: Database.Statement<[string, string]>;

  constructor(
    store: StoreDb,
    readonly profileId: string,
  ) {
    const db = store.db;
    const columns = 'host, key_type, key_base64, fingerprint, added_at';
    this.selectHost = db.prepare(
      `SELECT ${columns} FROM known_hosts WHERE profile_id = ? AND host = ? ORDER BY rowid`,
    );
    this.selectAll = db.prepare(`SELECT ${columns} FROM known_hosts WHERE profile_id = ? ORDER BY rowid`);
    this.insert = db.prepare(
      `INSERT INTO known_hosts (profile_id, ${columns}) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    );
    this.deleteHost = db.prepare('DELETE FROM known_hosts WHERE profile_id = ? AND host = ?');
  }

  lookup(host: string): KnownHostEntry[] {
    return this.selectHost.all(this.profileId, host).map(entryOf);
  }

  add(entry: KnownHostEntry): void {
    this.insert.run(
      this.profileId,
      entry.host,
      entry.keyType,
      entry.keyBase64,
      entry.fingerprint,
      entry.addedAt,
    );
  }

  remove(host: string): void {
    this.deleteHost.run(this.profileId, host);
  }

  /** Every entry of the profile, oldest first. */
  all(): KnownHostEntry[] {
    return this.selectAll.all(this.profileId).map(entryOf);
  }
}

function entryOf(row: Row): KnownHostEntry {
  return {
    host: row.host,
    keyType: row.key_type,
    keyBase64: row.key_base64,
    fingerprint: row.fingerprint,
    addedAt: row.added_at,
  };
}
