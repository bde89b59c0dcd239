// better-sqlite3 for the Electron that `npm start` runs. The addon in node_modules is built for Node (the
// CLI, browser mode and the tests use it), and Electron has another ABI, so a copy of the module is
// rebuilt against the Electron headers (@electron/rebuild, the same rebuild electron-builder does when
// packaging) in .electron-native/, once per Electron version; the app is started with
// TRILIO_DR_SQLITE_BINDING pointing at it (electron/core/store/native-sqlite.ts).
import { existsSync } from 'node:fs';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Where the Electron build of the addon lives for this Electron version, platform and architecture. */
export function electronSqlitePaths(root, electronVersion, platform = process.platform, arch = process.arch) {
  const dir = join(root, '.electron-native', `electron-${electronVersion}-${platform}-${arch}`);
  return {
    dir,
    module: join(dir, 'node_modules', 'better-sqlite3'),
    addon: join(dir, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'),
  };
}

/**
 * The addon path for `electronVersion`, built first when missing. `rebuild` is @electron/rebuild's
 * (injected by tests). Throws with the cause and what to do when the build fails.
 */
export async function sqliteForElectron(root, electronVersion, options = {}) {
  const paths = electronSqlitePaths(root, electronVersion);
  if (existsSync(paths.addon)) return paths.addon;
  const log = options.log ?? ((line) => console.log(line));
  log(`Building better-sqlite3 for Electron ${electronVersion} (once; in ${paths.dir})…`);
  await rm(paths.dir, { recursive: true, force: true });
  await mkdir(join(paths.dir, 'node_modules'), { recursive: true });
  const source = join(root, 'node_modules', 'better-sqlite3');
  // The sources only: the Node build in build/ must not be taken for the Electron one.
  await cp(source, paths.module, {
    recursive: true,
    filter: (src) => !src.startsWith(join(source, 'build')),
  });
  const { version } = JSON.parse(await readFile(join(source, 'package.json'), 'utf8'));
  await writeFile(
    join(paths.dir, 'package.json'),
    JSON.stringify({
      name: 'trilio-dr-electron-native',
      private: true,
      dependencies: { 'better-sqlite3': version },
    }),
  );
  const rebuild = options.rebuild ?? (await import('@electron/rebuild')).rebuild;
  try {
    await rebuild({ buildPath: paths.dir, electronVersion, onlyModules: ['better-sqlite3'], force: true });
  } catch (error) {
    throw new Error(
      `Cannot build better-sqlite3 for Electron ${electronVersion}: ${error instanceof Error ? error.message : error}. ` +
        'It needs Electron’s headers (electronjs.org), Python 3 and a C++ compiler; fix that and run npm start again.',
    );
  }
  if (!existsSync(paths.addon)) throw new Error(`The rebuild of better-sqlite3 left no ${paths.addon}.`);
  return paths.addon;
}
