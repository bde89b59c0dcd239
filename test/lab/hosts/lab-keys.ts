import { access, chmod, mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { runCommand } from '../clouds/local-command.js';
import { labCredentials, type ClientKey } from './host-specs.js';
import type { HostsPaths } from './hosts-world.js';

/**
 * The lab's SSH keys, all ed25519, generated once and kept: two client keys in `hosts/keys/` (one
 * without and one with a passphrase) and one host key per host, so known_hosts entries stay valid
 * across `up`s until a test rotates a key on purpose.
 */

export interface ClientKeyFiles {
  /** Private key without passphrase, authorized on every key-auth host. */
  key: string;
  /** Private key with `labCredentials.keyPassphrase`, authorized on tvm-1. */
  passphraseKey: string;
}

export function clientKeyFiles(paths: HostsPaths): ClientKeyFiles {
  return {
    key: path.join(paths.keysDir, 'lab_ed25519'),
    passphraseKey: path.join(paths.keysDir, 'lab_passphrase_ed25519'),
  };
}

const exists = (file: string): Promise<boolean> =>
  access(file).then(
    () => true,
    () => false,
  );

async function keygen(file: string, passphrase: string, comment: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await rm(file, { force: true });
  await rm(`${file}.pub`, { force: true });
  await runCommand('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-C', comment, '-f', file]);
  await chmod(file, 0o600);
}

/** Creates the client keys if missing; returns their public keys. */
export async function ensureClientKeys(paths: HostsPaths): Promise<Record<ClientKey, string>> {
  const files = clientKeyFiles(paths);
  if (!(await exists(`${files.key}.pub`))) await keygen(files.key, '', 'trilio-dr-lab');
  if (!(await exists(`${files.passphraseKey}.pub`)))
    await keygen(files.passphraseKey, labCredentials.keyPassphrase, 'trilio-dr-lab-passphrase');
  return {
    lab: (await readFile(`${files.key}.pub`, 'utf8')).trim(),
    passphrase: (await readFile(`${files.passphraseKey}.pub`, 'utf8')).trim(),
  };
}

export const hostKeyFile = (paths: HostsPaths, name: string): string =>
  path.join(paths.hostDir(name), 'ssh_host_ed25519_key');

/** `ssh-ed25519 AAAA…` of the host's key, generating the key the first time. */
export async function ensureHostKey(paths: HostsPaths, name: string): Promise<string> {
  const file = hostKeyFile(paths, name);
  if (!(await exists(`${file}.pub`))) await keygen(file, '', `root@${name}`);
  return publicHostKey(paths, name);
}

/** Replaces the host's key with a new one; the caller makes sshd load it. */
export async function replaceHostKey(paths: HostsPaths, name: string): Promise<string> {
  await keygen(hostKeyFile(paths, name), '', `root@${name}`);
  return publicHostKey(paths, name);
}

async function publicHostKey(paths: HostsPaths, name: string): Promise<string> {
  const [type, key] = (await readFile(`${hostKeyFile(paths, name)}.pub`, 'utf8')).trim().split(/\s+/);
  return `${type} ${key}`;
}
