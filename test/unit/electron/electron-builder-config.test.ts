import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import config, { usrBinLauncher } from '../../../build/electron-builder.config.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as {
  main: string;
  version: string;
  homepage?: string;
  author?: { name: string; email: string };
  scripts: Record<string, string>;
};

// electron-builder validates its configuration against its own JSON schema before packaging; the same
// check runs here, since packaging itself cannot run on this machine (no Electron download).
async function validate(candidate: unknown): Promise<void> {
  const { validateConfiguration } = (await import('app-builder-lib/out/util/config/config.js')) as {
    validateConfiguration: (c: unknown, logger: unknown) => Promise<void>;
  };
  const { DebugLogger } = (await import('builder-util')) as {
    DebugLogger: new (enabled: boolean) => unknown;
  };
  await validateConfiguration(candidate, new DebugLogger(false));
}

/** The folder name electron-builder installs deb/rpm packages under (`/opt/<sanitized product name>`). */
async function installDir(): Promise<string> {
  const { sanitizeFileName } = (await import('builder-util/out/filename.js')) as {
    sanitizeFileName: (s: string) => string;
  };
  return `/opt/${sanitizeFileName(config.productName)}`;
}

describe('electron-builder config', () => {
  it('passes electron-builder’s schema validation', async () => {
    await expect(validate(config)).resolves.toBeUndefined();
  });

  it('is checked for real: a misspelt option is rejected', async () => {
    await expect(validate({ ...config, asarr: true })).rejects.toThrow(/asarr/);
  });

  it('builds the five targets: AppImage, deb and rpm, dmg, nsis, inside an asar archive', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb', 'rpm']);
    expect(config.mac.target).toEqual(['dmg']);
    expect(config.win.target).toEqual(['nsis']);
    expect(config.asar).toBe(true);
    expect(config.productName).toBe('Trilio DR Wizard');
  });

  it('names the homepage, maintainer and categories the packages need', () => {
    expect(pkg.homepage).toMatch(/^https:\/\//);
    expect(pkg.author?.email).toMatch(/@/);
    expect(config.linux.maintainer).toMatch(/^.+ <.+@.+>$/);
    expect(config.linux.category).toBe('System');
    expect(config.linux.desktop.entry.Categories).toBe('System;Utility;');
    expect(config.deb.packageCategory).toBe('admin');
    expect(config.rpm.packageCategory).toBe('Applications/System');
    expect(config.mac.category).toBe('public.app-category.developer-tools');
  });

  it('packs the build output only, the CLI bundle beside the archive', () => {
    expect(config.files).toContain('out/**');
    expect(config.files).toContain('!out/cli/**');
    expect(
      config.files.every((f) => f.startsWith('out/') || f.startsWith('!out/') || f === 'package.json'),
    ).toBe(true);
  });

  it('ships the CLI and its launcher in every package, and /usr/bin/trilio-dr in deb and rpm', async () => {
    expect(config.extraResources).toEqual([
      { from: 'out/cli', to: 'cli', filter: ['trilio-dr.cjs'] },
      { from: 'build/bin', to: 'bin', filter: ['trilio-dr', 'trilio-dr.cmd'] },
    ]);
    for (const launcher of ['build/bin/trilio-dr', 'build/linux/trilio-dr']) {
      expect(statSync(`${root}${launcher}`).mode & 0o111, `${launcher} executable`).not.toBe(0);
      expect(spawnSync('sh', ['-n', `${root}${launcher}`]).status, `${launcher} parses`).toBe(0);
    }
    expect(readFileSync(`${root}build/bin/trilio-dr.cmd`, 'utf8')).toContain('trilio-dr-wizard.exe');
    const [source, target] = usrBinLauncher.split('=');
    expect(target).toBe('/usr/bin/trilio-dr');
    expect(source).toBe(path.join(root, 'build', 'linux', 'trilio-dr'));
    expect(config.deb.fpm).toEqual([usrBinLauncher]);
    expect(config.rpm.fpm).toEqual([usrBinLauncher]);
    // The wrapper calls the launcher where the packages install the application.
    expect(readFileSync(source!, 'utf8')).toContain(
      `exec '${await installDir()}/resources/bin/trilio-dr' "$@"`,
    );
    // The bundle the launcher runs is built with the rest.
    expect(pkg.scripts.build).toContain('build:cli');
    expect(pkg.scripts['build:cli']).toBe('node scripts/build-cli.mjs');
  });

  it('rebuilds native modules for Electron’s ABI and keeps them out of the archive', () => {
    expect(config.npmRebuild).toBe(true);
    expect(config.buildDependenciesFromSource).toBe(false);
    expect(config.asarUnpack).toContain('**/*.node');
    // The launcher hands the CLI the rebuilt addon, from app.asar.unpacked.
    expect(readFileSync(`${root}build/bin/trilio-dr`, 'utf8')).toContain(
      'TRILIO_DR_SQLITE_BINDING=$resources/app.asar.unpacked/node_modules/better-sqlite3/build/Release/better_sqlite3.node',
    );
    // Packaging rebuilt node_modules for Electron: `npm run dist` gives Node its build back.
    expect(pkg.scripts.dist).toMatch(
      /electron-builder --config build\/electron-builder\.config\.ts.*npm rebuild better-sqlite3/,
    );
  });

  it('lets the launcher run the bundled Electron as Node, and nothing through NODE_OPTIONS or --inspect', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
  });

  it('points at an icon that exists and is a large PNG', () => {
    const icon = `${root}${config.linux.icon}`;
    expect(existsSync(icon)).toBe(true);
    const png = readFileSync(icon);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.readUInt32BE(16)).toBeGreaterThanOrEqual(512); // IHDR width
  });

  it('starts the app from the compiled main of package.json', () => {
    expect(pkg.main).toBe('out/electron/main.js');
  });
});

/**
 * The launcher in installation layouts as electron-builder lays them out, with plain Node standing in
 * for the Electron executable (ELECTRON_RUN_AS_NODE is what makes Electron behave as Node): the CLI
 * bundle built by scripts/build-cli.mjs, the SQLite addon where electron-builder unpacks it.
 */
describe('the trilio-dr launcher', () => {
  let dir: string;
  const addon = path.join(
    path.dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json')),
    'build',
    'Release',
    'better_sqlite3.node',
  );

  /** `<app>/<executable>` and `<resources>` holding bin/, cli/ and app.asar.unpacked/. */
  function install(resources: string, executable: string): string {
    mkdirSync(path.join(resources, 'bin'), { recursive: true });
    copyFileSync(`${root}build/bin/trilio-dr`, path.join(resources, 'bin', 'trilio-dr'));
    spawnSync('chmod', ['755', path.join(resources, 'bin', 'trilio-dr')]);
    mkdirSync(path.join(resources, 'cli'));
    copyFileSync(path.join(dir, 'trilio-dr.cjs'), path.join(resources, 'cli', 'trilio-dr.cjs'));
    const unpacked = path.join(resources, 'app.asar.unpacked/node_modules/better-sqlite3/build/Release');
    mkdirSync(unpacked, { recursive: true });
    symlinkSync(addon, path.join(unpacked, 'better_sqlite3.node'));
    mkdirSync(path.dirname(executable), { recursive: true });
    symlinkSync(process.execPath, executable);
    return path.join(resources, 'bin', 'trilio-dr');
  }

  const run = (launcher: string, args: string[]) =>
    spawnSync(launcher, args, {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', HOME: dir, TRILIO_DR_DATA_DIR: path.join(dir, 'data') },
    });

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'trilio-dr-launcher-'));
    const built = spawnSync(
      process.execPath,
      [`${root}scripts/build-cli.mjs`, '--outfile', path.join(dir, 'trilio-dr.cjs')],
      {
        encoding: 'utf8',
      },
    );
    expect(built.status, built.stderr).toBe(0);
  }, 60_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('runs the CLI on the Linux layout (/opt/<product>, an extracted AppImage)', () => {
    const app = path.join(dir, 'linux', 'Trilio DR Wizard');
    const launcher = install(path.join(app, 'resources'), path.join(app, 'trilio-dr-wizard'));
    const version = run(launcher, ['--version']);
    expect(version.status, version.stderr).toBe(0);
    expect(version.stdout).toBe(`${pkg.version}\n`);
    // The store opens with the addon the launcher names: a real command, not only the version.
    const listed = run(launcher, ['profile', 'list', '--json']);
    expect(listed.status, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toMatchObject({ ok: true, value: [] });
    // Reached through a symlink, as `ln -s …/resources/bin/trilio-dr /usr/local/bin/trilio-dr`.
    const link = path.join(dir, 'trilio-dr-link');
    symlinkSync(launcher, link);
    expect(run(link, ['--version']).stdout).toBe(`${pkg.version}\n`);
    expect(run(link, ['--jsn']).status).toBe(2);
  });

  it('runs the CLI on the macOS layout (<App>.app/Contents/MacOS)', () => {
    const contents = path.join(dir, 'mac', 'Trilio DR Wizard.app', 'Contents');
    const launcher = install(
      path.join(contents, 'Resources'),
      path.join(contents, 'MacOS', 'Trilio DR Wizard'),
    );
    const help = run(launcher, ['help', 'plan']);
    expect(help.status, help.stderr).toBe(0);
    expect(help.stdout).toContain('trilio-dr plan full --profile P');
  });

  it('says so when the installation is incomplete', () => {
    const resources = path.join(dir, 'broken', 'resources');
    mkdirSync(path.join(resources, 'bin'), { recursive: true });
    copyFileSync(`${root}build/bin/trilio-dr`, path.join(resources, 'bin', 'trilio-dr'));
    spawnSync('chmod', ['755', path.join(resources, 'bin', 'trilio-dr')]);
    const broken = run(path.join(resources, 'bin', 'trilio-dr'), ['--version']);
    expect(broken.status).toBe(3);
    expect(broken.stderr).toMatch(/no Trilio DR Wizard executable next to .*reinstall the package/);
  });
});
