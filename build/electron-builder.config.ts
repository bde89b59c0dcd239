import path from 'node:path';
import type { Configuration } from 'electron-builder';

/**
 * Packaging for the desktop app: AppImage, deb and rpm (Linux), dmg (macOS), nsis (Windows).
 * `npm run dist` builds, then runs `electron-builder --config build/electron-builder.config.ts`.
 * Icons come from `build/icon.png` (1024², rendered from `build/icon.svg`); electron-builder derives
 * the .icns and .ico from it.
 *
 * Every package carries the command line: the CLI bundle (`out/cli/trilio-dr.cjs`, scripts/build-cli.mjs)
 * and its launcher (`build/bin/trilio-dr`, `trilio-dr.cmd`) in `resources/`, outside app.asar; the
 * launcher runs the bundle on the packaged Electron with ELECTRON_RUN_AS_NODE=1. deb and rpm add
 * `/usr/bin/trilio-dr`; elsewhere link or call `<resources>/bin/trilio-dr` (README).
 */
/**
 * The /usr/bin wrapper of deb and rpm, mapped into the package by fpm (`source=destination`); absolute,
 * from the project root electron-builder runs in (`npm run dist`).
 */
export const usrBinLauncher = `${path.resolve('build', 'linux', 'trilio-dr')}=/usr/bin/trilio-dr`;

const config = {
  appId: 'io.trilio.dr-wizard',
  productName: 'Trilio DR Wizard',
  executableName: 'trilio-dr-wizard',
  copyright: 'Copyright © Trilio DR Wizard authors',
  artifactName: 'trilio-dr-wizard-${version}-${os}-${arch}.${ext}',
  directories: { output: 'dist', buildResources: 'build' },
  // Only the build output and package.json; production node_modules are added by electron-builder.
  // The CLI bundle goes beside the archive (extraResources), not into it.
  files: ['out/**', '!out/**/*.map', '!out/cli/**', 'package.json'],
  extraResources: [
    { from: 'out/cli', to: 'cli', filter: ['trilio-dr.cjs'] },
    { from: 'build/bin', to: 'bin', filter: ['trilio-dr', 'trilio-dr.cmd'] },
  ],
  asar: true,
  // Native addons (better-sqlite3) cannot be loaded from inside an asar archive.
  asarUnpack: ['**/*.node'],
  // Native modules are rebuilt against the packaged Electron's headers (@electron/rebuild) before
  // packing: better-sqlite3 built for Node's ABI would fail to load in Electron. Prebuilt Electron
  // binaries are used when the module publishes them, else it is compiled (buildDependenciesFromSource
  // false means: prefer prebuilt). Afterwards `npm rebuild better-sqlite3` gives Node its build back
  // (`npm run dist` does it).
  npmRebuild: true,
  nodeGypRebuild: false,
  buildDependenciesFromSource: false,
  electronFuses: {
    // On, for the command line: the trilio-dr launcher runs the CLI bundle on this Electron with
    // ELECTRON_RUN_AS_NODE=1, so admin hosts need no Node.js. That lets whoever can start the binary
    // run a script with it — the same as a Node.js installed on the host, and the user's own rights only.
    runAsNode: true,
    // No NODE_OPTIONS, no --inspect: the binary runs no code injected through the environment.
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    enableCookieEncryption: true,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    // The renderer is loaded from file:// with module scripts, which needs file's extra privileges.
    grantFileProtocolExtraPrivileges: true,
  },
  linux: {
    target: ['AppImage', 'deb', 'rpm'],
    category: 'System',
    icon: 'build/icon.png',
    synopsis: 'Guided disaster recovery for OpenStack workloads protected by Trilio',
    description:
      'Turns the Trilio (TrilioVault for OpenStack) disaster recovery runbook into a guided, verifiable, resumable procedure; with the trilio-dr command line.',
    maintainer: 'Trilio DR Wizard authors <dr-wizard@example.invalid>',
    vendor: 'Trilio DR Wizard authors',
    desktop: { entry: { Categories: 'System;Utility;', Keywords: 'OpenStack;Trilio;disaster recovery;' } },
  },
  deb: {
    packageCategory: 'admin',
    // Electron's own runtime needs; nothing else, since every tool runs on the remote hosts.
    depends: [
      'libgtk-3-0',
      'libnotify4',
      'libnss3',
      'libxss1',
      'libxtst6',
      'xdg-utils',
      'libatspi2.0-0',
      'libsecret-1-0',
    ],
    fpm: [usrBinLauncher],
  },
  rpm: {
    packageCategory: 'Applications/System',
    // The RHEL-family names of the same runtime needs.
    depends: [
      'gtk3',
      'libnotify',
      'nss',
      'libXScrnSaver',
      'libXtst',
      'xdg-utils',
      'at-spi2-core',
      'libsecret',
    ],
    fpm: [usrBinLauncher],
  },
  mac: {
    target: ['dmg'],
    category: 'public.app-category.developer-tools',
    icon: 'build/icon.png',
    hardenedRuntime: true,
  },
  dmg: { title: '${productName} ${version}' },
  win: {
    target: ['nsis'],
    icon: 'build/icon.png',
  },
  nsis: {
    oneClick: false,
    perMachine: false,
    allowToChangeInstallationDirectory: true,
  },
} satisfies Configuration;

export default config;
