#!/usr/bin/env node
// The CLI for the packages: electron/cli/main.ts and everything it imports in ONE CommonJS file,
// out/cli/trilio-dr.cjs, shipped beside the app (resources/cli, outside app.asar) and run by the
// trilio-dr launcher on the bundled Electron (ELECTRON_RUN_AS_NODE=1). One plain file loads the same
// way on any Electron, whatever its support for ES modules inside asar archives. Native addons stay
// out: better-sqlite3 is loaded from the file the launcher names (TRILIO_DR_SQLITE_BINDING); ssh2's
// optional native crypto and cpu-features are optional, their JavaScript fallbacks are used.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

// `--outfile FILE` builds elsewhere (the launcher test builds into a temporary installation).
const at = process.argv.indexOf('--outfile');
const cliBundle =
  at > 0 && process.argv[at + 1] ? process.argv[at + 1] : join(root, 'out', 'cli', 'trilio-dr.cjs');

await build({
  entryPoints: [join(root, 'electron', 'cli', 'main.ts')],
  outfile: cliBundle,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  // Electron 39 runs Node 22; the tests run it on Node 20.
  target: 'node20',
  external: ['*.node', 'cpu-features'],
  // The version is fixed at build time: the bundle has no package.json beside it.
  define: { TRILIO_DR_VERSION: JSON.stringify(version) },
  logOverride: { 'empty-import-meta': 'silent' },
  legalComments: 'external',
  logLevel: 'warning',
});
