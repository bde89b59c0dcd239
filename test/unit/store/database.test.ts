import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../../electron/core/store/database.js';
import { migrations, type Migration } from '../../../electron/core/store/migrations.js';
import { useTempStores } from './temp-store.js';

const stores = useTempStores();

/** A second step that counts how often it ran: applying it twice would show as 2. */
const counting: Migration = {
  version: migrations.length + 1,
  name: 'count-applications',
  sql: `INSERT INTO meta (key, value) VALUES ('applied', '1')
        ON CONFLICT (key) DO UPDATE SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT);`,
};

function appliedVersions(file: string): number[] {
  const db = new Database(file, { readonly: true });
  try {
    return (
      db.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as { version: number }[]
    ).map((r) => r.version);
  } finally {
    db.close();
  }
}

describe('openStore', () => {
  it('creates the schema with WAL and foreign keys, in a 0600 file', () => {
    const file = stores.newFile();
    const store = stores.open(file);
    expect(store.schemaVersion).toBe(migrations.length);
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(store.db.pragma('busy_timeout', { simple: true })).toBe(5000);
    const tables = (
      store.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]
    )
      .map((t) => t.name)
      .sort();
    expect(tables).toEqual(
      expect.arrayContaining([
        'changes',
        'known_hosts',
        'log_lines',
        'meta',
        'profiles',
        'runs',
        'schema_migrations',
        'secrets',
        'steps',
      ]),
    );
    expect(statSync(file).mode & 0o777).toBe(0o600);
    store.meta.set('k', 'v1');
    store.meta.set('k', 'v2');
    expect(store.meta.get('k')).toBe('v2');
    expect(store.meta.get('missing')).toBeUndefined();
  });

  it('applies a migration once; reopening is a no-op', () => {
    const file = stores.newFile();
    const list = [...migrations, counting];
    for (let i = 0; i < 3; i++) {
      const store = stores.open(file, { migrations: list });
      expect(store.meta.get('applied')).toBe('1');
      store.close();
    }
    expect(appliedVersions(file)).toEqual([...migrations.map((m) => m.version), migrations.length + 1]);
  });

  it('applies a new step to an existing database, and a failing step leaves nothing behind', () => {
    const file = stores.newFile();
    stores.open(file).close();
    const broken: Migration = {
      version: migrations.length + 1,
      name: 'broken',
      sql: 'CREATE TABLE half_done (a INTEGER); SELECT no_such_column FROM meta;',
    };
    const failed = openStore(file, { migrations: [...migrations, broken] });
    expect(failed).toMatchObject({
      ok: false,
      error: { code: 'store-corrupt', message: expect.stringContaining('no_such_column') },
    });
    expect(existsSync(`${file}.lock`)).toBe(false);
    const store = stores.open(file, { migrations: [...migrations, counting] });
    expect(store.db.prepare("SELECT name FROM sqlite_master WHERE name = 'half_done'").get()).toBeUndefined();
    expect(store.meta.get('applied')).toBe('1');
    expect(appliedVersions(file)).toEqual([...migrations.map((m) => m.version), migrations.length + 1]);
  });

  it('refuses a database whose applied step was modified (store-corrupt)', () => {
    const file = stores.newFile();
    stores.open(file).close();
    const first = migrations[0]!;
    const modified: Migration[] = [
      { ...first, sql: `${first.sql}\nCREATE TABLE sneaky (a INTEGER);` },
      ...migrations.slice(1),
    ];
    const result = openStore(file, { migrations: modified });
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'store-corrupt', message: expect.stringContaining('modified after being applied') },
    });
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it('refuses a database written by a newer version (store-too-new), saying which', () => {
    const file = stores.newFile();
    const store = stores.open(file);
    store.db
      .prepare('INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)')
      .run(42, 'from-the-future', 'x', new Date().toISOString());
    store.close();
    const result = openStore(file);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('store-too-new');
    expect(result.error.message).toContain('schema version 42');
    expect(result.error.message).toContain(`up to ${migrations.length}`);
    expect(result.error.hint).toMatch(/Update the wizard/);
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it('refuses a file that is not a database', () => {
    const file = stores.newFile();
    stores.open(file).close();
    writeFileSync(file, 'not sqlite at all, just text '.repeat(200));
    expect(openStore(file)).toMatchObject({ ok: false, error: { code: 'store-corrupt' } });
  });
});

describe('store lock', () => {
  it('refuses a second open while the first is open, and allows it after close', () => {
    const file = stores.newFile();
    const first = stores.open(file);
    const lock = JSON.parse(readFileSync(`${file}.lock`, 'utf8')) as { pid: number; hostname: string };
    expect(lock).toMatchObject({ pid: process.pid, hostname: hostname() });
    const second = openStore(file);
    expect(second).toMatchObject({
      ok: false,
      error: {
        code: 'store-locked',
        hint: `Another Trilio DR Wizard is using this data folder (pid ${process.pid}); close it.`,
      },
    });
    first.close();
    first.close();
    expect(existsSync(`${file}.lock`)).toBe(false);
    stores.open(file);
  });

  it('takes over a stale lock left by a process that died', () => {
    const file = stores.newFile();
    stores.open(file).close();
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    expect(dead).toBeGreaterThan(0);
    writeFileSync(`${file}.lock`, JSON.stringify({ pid: dead, hostname: hostname(), since: '2020-01-01' }));
    const store = stores.open(file);
    expect(JSON.parse(readFileSync(`${file}.lock`, 'utf8'))).toMatchObject({ pid: process.pid });
    store.close();
  });

  it('does not take over a lock held by another host (it cannot tell whether that one is alive)', () => {
    const file = stores.newFile();
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(`${file}.lock`, JSON.stringify({ pid: 1, hostname: 'other-host.example', since: '' }));
    const result = openStore(file);
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'store-locked', hint: expect.stringContaining('other-host.example') },
    });
  });
});
