import type Database from 'better-sqlite3';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import { fail, ok, type Result } from '../../../shared/result.js';
import { migrate, migrations, type Migration } from './migrations.js';
import { acquireStoreLock } from './store-lock.js';
import { openSqlite, sqliteLoadError } from './native-sqlite.js';

/** Small key/value settings of the store (e.g. the passphrase salt and verifier). */
export interface MetaStore {
  get(key: string): string | undefined;
  set(key: string, value: string): void;
}

/** An open data folder database. Repositories take this; only one process holds it at a time. */
export interface StoreDb {
  readonly db: Database.Database;
  readonly file: string;
  readonly schemaVersion: number;
  readonly meta: MetaStore;
  /** Closes the database (checkpointing the WAL) and releases the lock. Safe to call twice. */
  close(): void;
}

export interface OpenStoreOptions {
  /** The schema steps; tests pass modified lists. */
  migrations?: readonly Migration[];
  /** How long a statement waits for a SQLite lock held by a checkpoint or a reader. */
  busyTimeoutMs?: number;
}

/** The database file inside a data folder. */
export function storeFileIn(dataDir: string): string {
  return path.join(dataDir, 'trilio-dr-wizard.db');
}

/**
 * Opens (creating if needed) the store at `file`: takes `<file>.lock`, turns on WAL, foreign keys and
 * full sync (a run's step state must survive a power cut, not only a crash), and migrates the schema.
 * Fails with `store-locked`, `store-too-new` or `store-corrupt`; never throws.
 */
export function openStore(file: string, options: OpenStoreOptions = {}): Result<StoreDb> {
  try {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    // Created 0600 before SQLite sees it; SQLite gives -wal and -shm the same mode.
    closeSync(openSync(file, 'a', 0o600));
  } catch (error) {
    return fail({
      code: 'internal',
      message: `Cannot create the database file ${file}: ${(error as Error).message}`,
      hint: 'Check that the data folder is writable.',
    });
  }
  const lock = acquireStoreLock(file);
  if (!lock.ok) return lock;
  let db: Database.Database | undefined;
  try {
    db = openSqlite(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5_000))}`);
    // Deleted secrets are sealed anyway; zeroing freed cells costs nothing extra and leaves less behind.
    db.pragma('secure_delete = FAST');
    const version = migrate(db, options.migrations ?? migrations);
    if (!version.ok) {
      db.close();
      lock.value.release();
      return version;
    }
    return ok(storeOf(db, file, version.value, () => lock.value.release()));
  } catch (error) {
    db?.close();
    lock.value.release();
    const notLoadable = sqliteLoadError(error);
    if (notLoadable) return fail(notLoadable);
    return fail({
      code: 'store-corrupt',
      message: `Cannot open the database ${file}: ${(error as Error).message}`,
      hint: 'The file is damaged or not a Trilio DR Wizard database. Restore it from a backup, or use another data folder.',
    });
  }
}

function storeOf(db: Database.Database, file: string, schemaVersion: number, release: () => void): StoreDb {
  const getMeta = db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?');
  const setMeta = db.prepare(
    'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  );
  let open = true;
  return {
    db,
    file,
    schemaVersion,
    meta: {
      get: (key) => getMeta.get(key)?.value,
      set: (key, value) => void setMeta.run(key, value),
    },
    close() {
      if (!open) return;
      open = false;
      try {
        db.close();
      } finally {
        release();
      }
    },
  };
}
