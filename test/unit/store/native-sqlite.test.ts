import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../../electron/core/store/database.js';
import { useTempStores } from './temp-store.js';

/**
 * The SQLite addon given by TRILIO_DR_SQLITE_BINDING (how `npm start` and the packaged CLI launcher
 * point at the copy built for Electron), and the message when an addon cannot be loaded into this
 * runtime: it names the module and the fix, instead of calling the database file damaged.
 */
const stores = useTempStores();
const saved = process.env.TRILIO_DR_SQLITE_BINDING;
afterEach(() => {
  if (saved === undefined) delete process.env.TRILIO_DR_SQLITE_BINDING;
  else process.env.TRILIO_DR_SQLITE_BINDING = saved;
});

describe('the SQLite native module', () => {
  it('loads the addon named by TRILIO_DR_SQLITE_BINDING', () => {
    const require = createRequire(import.meta.url);
    const pkg = path.dirname(require.resolve('better-sqlite3/package.json'));
    process.env.TRILIO_DR_SQLITE_BINDING = path.join(pkg, 'build', 'Release', 'better_sqlite3.node');
    const store = stores.open(stores.newFile());
    expect(store.schemaVersion).toBeGreaterThan(0);
  });

  it('says which module failed and how to rebuild it when the addon is for another runtime', () => {
    const file = stores.newFile();
    // Not a shared object of this platform, as an addon built elsewhere would not be either.
    const fake = path.join(path.dirname(path.dirname(file)), 'better_sqlite3.node');
    writeFileSync(fake, 'compiled for another runtime\n');
    process.env.TRILIO_DR_SQLITE_BINDING = fake;
    const opened = openStore(file);
    expect(opened.ok).toBe(false);
    if (opened.ok) return;
    expect(opened.error.code).toBe('internal');
    expect(opened.error.message).toMatch(
      /^The SQLite module \(better-sqlite3\) cannot be loaded into Node\.js /,
    );
    expect(opened.error.hint).toContain('npm rebuild better-sqlite3');
    expect(opened.error.hint).toContain('npm start builds a copy for Electron');
    expect(opened.error.message).not.toMatch(/damaged/);
  });
});
