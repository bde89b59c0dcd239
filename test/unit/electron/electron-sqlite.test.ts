import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  electronSqlitePaths,
  sqliteForElectron,
  type RebuildRequest,
} from '../../../scripts/electron-sqlite.mjs';

/**
 * `npm start` with a real Electron: better-sqlite3 rebuilt for Electron's ABI in a copy under
 * .electron-native/, leaving node_modules' Node build to the CLI and the tests. @electron/rebuild is
 * replaced by a recorder here (the machine cannot fetch Electron's headers).
 */
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function project(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'trilio-electron-sqlite-'));
  dirs.push(root);
  const module = path.join(root, 'node_modules', 'better-sqlite3');
  mkdirSync(path.join(module, 'build', 'Release'), { recursive: true });
  mkdirSync(path.join(module, 'src'));
  writeFileSync(
    path.join(module, 'package.json'),
    JSON.stringify({ name: 'better-sqlite3', version: '12.11.1' }),
  );
  writeFileSync(path.join(module, 'src', 'better_sqlite3.cpp'), '// sources');
  writeFileSync(path.join(module, 'build', 'Release', 'better_sqlite3.node'), 'node abi build');
  return root;
}

describe('better-sqlite3 for npm start with a real Electron', () => {
  it('rebuilds a copy for that Electron version, then reuses it', async () => {
    const root = project();
    const requests: RebuildRequest[] = [];
    let copiedNodeBuild = true;
    const rebuild = async (request: RebuildRequest) => {
      requests.push(request);
      const release = path.join(request.buildPath, 'node_modules', 'better-sqlite3', 'build', 'Release');
      copiedNodeBuild = existsSync(path.join(release, 'better_sqlite3.node'));
      mkdirSync(release, { recursive: true });
      writeFileSync(path.join(release, 'better_sqlite3.node'), 'electron abi build');
    };
    const addon = await sqliteForElectron(root, '39.8.10', { rebuild, log: () => undefined });
    const paths = electronSqlitePaths(root, '39.8.10');
    expect(addon).toBe(paths.addon);
    expect(paths.dir).toContain(path.join('.electron-native', 'electron-39.8.10-'));
    expect(requests).toEqual([
      { buildPath: paths.dir, electronVersion: '39.8.10', onlyModules: ['better-sqlite3'], force: true },
    ]);
    // The Node build is not carried into the copy, and node_modules keeps it.
    expect(copiedNodeBuild).toBe(false);
    expect(existsSync(path.join(paths.module, 'src', 'better_sqlite3.cpp'))).toBe(true);
    expect(existsSync(path.join(root, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node'))).toBe(
      true,
    );
    await sqliteForElectron(root, '39.8.10', { rebuild, log: () => undefined });
    expect(requests).toHaveLength(1);
  });

  it('says what the rebuild needs when it fails', async () => {
    const root = project();
    const failing = async () => {
      throw new Error('getaddrinfo ENOTFOUND electronjs.org');
    };
    await expect(
      sqliteForElectron(root, '39.8.10', { rebuild: failing, log: () => undefined }),
    ).rejects.toThrow(
      /Cannot build better-sqlite3 for Electron 39\.8\.10: getaddrinfo ENOTFOUND electronjs\.org\. It needs Electron’s headers/,
    );
  });
});
