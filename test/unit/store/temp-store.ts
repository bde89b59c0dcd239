import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import { openStore, type OpenStoreOptions, type StoreDb } from '../../../electron/core/store/database.js';

/**
 * A fresh data folder per call, removed (with every store opened in it) after the test. Returns the
 * database file path and an opener that fails the test on an error.
 */
export function useTempStores() {
  const dirs: string[] = [];
  const opened: StoreDb[] = [];
  afterEach(() => {
    for (const s of opened.splice(0)) s.close();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  return {
    newFile(): string {
      const dir = mkdtempSync(path.join(tmpdir(), 'trilio-store-'));
      dirs.push(dir);
      return path.join(dir, 'data', 'store.db');
    },
    open(file: string, options?: OpenStoreOptions): StoreDb {
      const store = openStore(file, options);
      if (!store.ok) throw new Error(`${store.error.code}: ${store.error.message}`);
      opened.push(store.value);
      return store.value;
    },
  };
}
