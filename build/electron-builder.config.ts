import type { Configuration } from 'electron-builder';

/**
 * Packaging for the desktop app: AppImage + deb (Linux), dmg (macOS), nsis (Windows).
 * Run with `electron-builder --config build/electron-builder.config.ts` after `npm run build`.
 * Icons come from `build/icon.png` (1024², rendered from `build/icon.svg`); electron-builder derives
 * the .icns and .ico from it.
 */
const config = {
  appId: 'io.trilio.dr-wizard',
  productName: 'Trilio DR Wizard',
  executableName: 'trilio-dr-wizard',
  copyright: 'Copyright © Trilio DR Wizard authors',
  artifactName: 'trilio-dr-wizard-${version}-${os}-${arch}.${ext}',
  directories: { output: 'dist', buildResources: 'build' },
  // Only the build output and package.json; production node_modules are added by electron-builder.
  files: ['out/**', '!out/**/*.map', 'package.json'],
  asar: true,
  // Native addons (better-sqlite3) cannot be loaded from inside an asar archive.
  asarUnpack: ['**/*.node'],
  npmRebuild: true,
  electronFuses: {
    // No `ELECTRON_RUN_AS_NODE=1 app evil.js`, no NODE_OPTIONS, no --inspect: the binary runs our code only.
    runAsNode: false,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    enableCookieEncryption: true,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    // The renderer is loaded from file:// with module scripts, which needs file's extra privileges.
    grantFileProtocolExtraPrivileges: true,
  },
  linux: {
    target: ['AppImage', 'deb'],
    category: 'System',
    icon: 'build/icon.png',
    synopsis: 'Guided disaster recovery for OpenStack workloads protected by Trilio',
    maintainer: 'Trilio DR Wizard authors <dr-wizard@example.invalid>',
  },
  deb: {
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
