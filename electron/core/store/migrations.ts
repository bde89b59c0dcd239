import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import { fail, ok, type Result } from '../../../shared/result.js';

/**
 * One schema step. The list is append-only: a step that shipped is never edited (its checksum is
 * stored and checked on every open); a change to the schema is a new step at the end.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'initial',
    sql: `
CREATE TABLE meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

CREATE TABLE profiles (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL COLLATE NOCASE UNIQUE,
  description TEXT NOT NULL DEFAULT '',
  json TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE secrets (
  profile_id TEXT NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  sealed TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (profile_id, key)
) STRICT, WITHOUT ROWID;

CREATE TABLE known_hosts (
  profile_id TEXT NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
  host TEXT NOT NULL,
  key_type TEXT NOT NULL,
  key_base64 TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  added_at TEXT NOT NULL,
  PRIMARY KEY (profile_id, host, key_base64)
) STRICT;

-- Runs are a record of what was done to real clouds: they outlive the profile they ran with.
CREATE TABLE runs (
  id TEXT PRIMARY KEY,
  profile_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  status TEXT NOT NULL,
  params TEXT NOT NULL,
  operator TEXT NOT NULL,
  created_at TEXT NOT NULL,
  started_at TEXT,
  finished_at TEXT
) STRICT;
CREATE INDEX runs_by_profile ON runs (profile_id, created_at);

CREATE TABLE steps (
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  position INTEGER NOT NULL,
  status TEXT NOT NULL,
  state TEXT NOT NULL,
  PRIMARY KEY (run_id, key)
) STRICT, WITHOUT ROWID;

CREATE TABLE changes (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  step TEXT NOT NULL,
  action_id TEXT NOT NULL,
  host TEXT NOT NULL,
  kind TEXT NOT NULL,
  description TEXT NOT NULL,
  undo TEXT NOT NULL,
  applied_at TEXT NOT NULL,
  undone_at TEXT
) STRICT;
-- A re-run after a crash must not record one change twice; an undone change may be made again.
CREATE UNIQUE INDEX changes_once ON changes (run_id, step, action_id, host) WHERE undone_at IS NULL;

CREATE TABLE log_lines (
  id INTEGER PRIMARY KEY,
  run_id TEXT NOT NULL,
  step TEXT NOT NULL,
  host TEXT NOT NULL,
  stream TEXT NOT NULL,
  ts INTEGER NOT NULL,
  text TEXT NOT NULL
) STRICT;
CREATE INDEX log_lines_by_run ON log_lines (run_id, id);
`,
  },
  {
    version: 2,
    // The user closes a run that is done without clean-up, or gives it up (issue 22: a run is done
    // after its clean-up or when the user closes it).
    name: 'run closed',
    sql: `
ALTER TABLE runs ADD COLUMN closed_at TEXT;
`,
  },
  {
    version: 3,
    // DR drills (issue 21): one record per drill, saved as it goes (phases, workloads, inventories).
    name: 'drills',
    sql: `
CREATE TABLE drills (
  id TEXT PRIMARY KEY,
  profile_id TEXT NOT NULL,
  status TEXT NOT NULL,
  created_at TEXT NOT NULL,
  record TEXT NOT NULL
) STRICT;
CREATE INDEX drills_by_profile ON drills (profile_id, created_at);
`,
  },
];

/** sha256 of the step's SQL; a changed step means the database no longer matches the code. */
export function migrationChecksum(migration: Migration): string {
  return createHash('sha256').update(migration.sql).digest('hex');
}

interface AppliedRow {
  version: number;
  name: string;
  checksum: string;
}

/**
 * Brings the database to the latest schema: checks every applied step against the code, refuses a
 * database written by a newer version, then applies each pending step in its own transaction.
 * Returns the schema version.
 */
export function migrate(db: Database.Database, list: readonly Migration[] = migrations): Result<number> {
  assertWellFormed(list);
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    checksum TEXT NOT NULL,
    applied_at TEXT NOT NULL
  ) STRICT`);
  const applied = db
    .prepare('SELECT version, name, checksum FROM schema_migrations ORDER BY version')
    .all() as AppliedRow[];
  const latest = list.at(-1)?.version ?? 0;
  const newest = applied.at(-1)?.version ?? 0;
  if (newest > latest)
    return fail({
      code: 'store-too-new',
      message: `This data folder was written by a newer Trilio DR Wizard (database schema version ${newest}); this version knows schema versions up to ${latest}.`,
      hint: 'Update the wizard to the version that wrote this data, or start it with another data folder.',
    });
  for (const row of applied) {
    const known = list.find((m) => m.version === row.version);
    if (!known || known.name !== row.name || migrationChecksum(known) !== row.checksum)
      return fail({
        code: 'store-corrupt',
        message: `Database schema step ${row.version} (${row.name}) was modified after being applied: the database does not match this version of the wizard.`,
        hint: 'Restore the data folder from a backup, or start with another data folder.',
      });
  }
  const insert = db.prepare(
    'INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)',
  );
  for (const migration of list) {
    if (migration.version <= newest) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      insert.run(migration.version, migration.name, migrationChecksum(migration), new Date().toISOString());
    })();
  }
  return ok(latest);
}

/** Versions are 1, 2, 3, … in order: a gap or a reordering is a programming error. */
function assertWellFormed(list: readonly Migration[]): void {
  list.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new Error(`migration ${m.name} has version ${m.version}, expected ${i + 1}`);
  });
}
