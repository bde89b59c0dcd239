#!/usr/bin/env node
// `npm start` after the build: the desktop app when the Electron binary is here (or can be fetched
// once), otherwise browser mode on 127.0.0.1 with the same core and UI. Arguments are forwarded.
// The desktop app gets better-sqlite3 built for Electron's ABI (scripts/electron-sqlite.mjs).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sqliteForElectron } from './electron-sqlite.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const require = createRequire(join(root, 'package.json'));

/** The Electron binary path, or null. `require('electron')` throws when the binary was never downloaded. */
function electronBinary() {
  try {
    const path = require('electron');
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

/** Electron's own installer downloads the binary (needs access to its download host). */
function tryInstallElectron() {
  const installer = join(root, 'node_modules', 'electron', 'install.js');
  if (!existsSync(installer)) return false;
  console.log('Electron binary missing; trying to download it once…');
  const result = spawnSync(process.execPath, [installer], { cwd: root, stdio: 'pipe', timeout: 300_000 });
  return result.status === 0;
}

/** Runs a child with our stdio and exits with its code; signals are passed on so Ctrl-C stops it cleanly. */
function run(command, commandArgs, env = process.env) {
  const child = spawn(command, commandArgs, { cwd: root, stdio: 'inherit', env });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

const wantsBrowser = args.includes('--browser') || process.env.TRILIO_DR_BROWSER === '1';
// Tests (and offline machines) skip the download attempt.
const mayDownload = process.env.TRILIO_DR_NO_ELECTRON_DOWNLOAD !== '1';
let binary = wantsBrowser ? null : electronBinary();
if (!binary && !wantsBrowser && mayDownload && tryInstallElectron()) {
  // A fresh process: this one's require cache remembers the failed lookup.
  const probe = spawnSync(process.execPath, ['-p', "require('electron')"], { cwd: root, encoding: 'utf8' });
  const path = probe.status === 0 ? probe.stdout.trim() : '';
  binary = path !== '' && existsSync(path) ? path : null;
}

if (binary) {
  const env = { ...process.env };
  try {
    const { version } = require('electron/package.json');
    env.TRILIO_DR_SQLITE_BINDING = await sqliteForElectron(root, version);
  } catch (error) {
    // The app still starts: opening the store then says which module failed and how to fix it.
    console.error(error instanceof Error ? error.message : String(error));
  }
  run(binary, [root, ...args], env);
} else {
  if (!wantsBrowser) console.log('Electron is not available on this machine; starting browser mode instead.');
  run(process.execPath, [
    join(root, 'out', 'electron', 'serve', 'main.js'),
    ...args.filter((a) => a !== '--browser'),
  ]);
}
