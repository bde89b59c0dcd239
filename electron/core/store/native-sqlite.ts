import Database from 'better-sqlite3';
import type { AppError } from '../../../shared/result.js';

/**
 * better-sqlite3 is a native addon: it loads only into the runtime whose ABI it was compiled for (Node
 * for the CLI, browser mode and the tests; Electron for the desktop app). `TRILIO_DR_SQLITE_BINDING`
 * names the addon file to use instead of the one in node_modules: `npm start` sets it to the copy it
 * built for Electron (scripts/start.mjs), the packaged CLI launcher to the one electron-builder
 * rebuilt for the bundled Electron.
 */
export function openSqlite(file: string): Database.Database {
  const binding = process.env.TRILIO_DR_SQLITE_BINDING;
  return new Database(file, binding ? { nativeBinding: binding } : {});
}

const loadFailure =
  /NODE_MODULE_VERSION|compiled against a different Node\.js version|did not self-register|invalid ELF header|wrong ELF class|Could not locate the bindings file|not a valid Win32 application|image not found|better_sqlite3\.node/i;

/** The error to show when the addon itself cannot be loaded (not a problem of the database file). */
export function sqliteLoadError(error: unknown): AppError | undefined {
  const text = error instanceof Error ? error.message : String(error);
  if (!loadFailure.test(text)) return undefined;
  const runtime = process.versions.electron
    ? `Electron ${process.versions.electron} (ABI ${process.versions.modules})`
    : `Node.js ${process.versions.node} (ABI ${process.versions.modules})`;
  return {
    code: 'internal',
    message: `The SQLite module (better-sqlite3) cannot be loaded into ${runtime}: it was built for another runtime. ${text.split('\n')[0]}`,
    hint:
      'Rebuild it for the runtime that runs the wizard. Node (the CLI from a checkout, browser mode, tests): npm rebuild better-sqlite3. ' +
      'Desktop from a checkout: npm start builds a copy for Electron by itself (it needs Electron’s headers from electronjs.org the first time). ' +
      'An installed package: reinstall it (electron-builder rebuilds the module for the bundled Electron).',
  };
}
