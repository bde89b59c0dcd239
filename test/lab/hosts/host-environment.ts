import { execFileSync } from 'node:child_process';
import { readFile, realpath } from 'node:fs/promises';
import path from 'node:path';
import { LabFailure } from '../lab-failure.js';
import { nfsExports } from '../topology.js';
import type { MachineAccountFiles, PasswordHasher } from './accounts.js';

/** What the hosts take from this machine, and the checks that the lab can be built where it is asked to. */

export async function machineAccounts(): Promise<MachineAccountFiles> {
  const [passwd, group, shadow] = await Promise.all(
    ['/etc/passwd', '/etc/group', '/etc/shadow'].map((f) => readFile(f, 'utf8')),
  );
  return { passwd: passwd!, group: group!, shadow: shadow! };
}

/** SHA-512 crypt through openssl, memoised (the same few passwords, with stable salts). */
export function opensslHasher(): PasswordHasher {
  const cache = new Map<string, string>();
  return (password, salt) => {
    const key = `${salt}\0${password}`;
    let hashed = cache.get(key);
    if (hashed === undefined) {
      hashed = execFileSync('openssl', ['passwd', '-6', '-salt', salt, '-stdin'], {
        input: password,
        encoding: 'utf8',
      }).trim();
      cache.set(key, hashed);
    }
    return hashed;
  };
}

/** The machine's root file system as mountinfo shows it (the last mount on `/`). */
export async function rootFileSystem(): Promise<{ source: string; fstype: string }> {
  const lines = (await readFile('/proc/self/mountinfo', 'utf8')).split('\n');
  let found = { source: '/dev/root', fstype: 'ext4' };
  for (const line of lines) {
    const [before, after] = line.split(' - ');
    if (before?.split(' ')[4] !== '/' || after === undefined) continue;
    const [fstype, source] = after.split(' ');
    if (fstype && source) found = { source, fstype };
  }
  return found;
}

/**
 * Inside a host, /etc, /var, /root, /home and /run are the host's own, so lab files there would be
 * seen through a host's layers (or not at all) instead of shared: refuse such a lab directory or
 * export directory. Overlay options also cannot carry `,` `:` or spaces in paths.
 */
const hostPrivateRoots = ['/etc', '/var', '/root', '/home', '/run', '/usr/sbin'];

export async function assertUsableLabPath(what: string, dir: string): Promise<void> {
  const real = await realpath(dir).catch(() => path.resolve(dir));
  const inside = hostPrivateRoots.find((root) => real === root || real.startsWith(`${root}/`));
  if (inside)
    throw new LabFailure({
      code: 'precondition',
      message: `The ${what} ${real} is under ${inside}, which every lab host replaces with its own.`,
      hint: 'Put the lab (TRILIO_LAB_DIR) and its shares elsewhere, e.g. under the repository or /srv.',
    });
  if (/[,:\s]/.test(real))
    throw new LabFailure({
      code: 'precondition',
      message: `The ${what} ${real} contains a comma, colon or space, which overlayfs options cannot carry.`,
    });
}

/** The export registry must exist and serve B1, which every host mounts when it boots. */
export async function readExportsRegistry(file: string): Promise<Record<string, string>> {
  let registry: unknown;
  try {
    registry = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new LabFailure({
      code: 'precondition',
      message: `The NFS export registry ${file} cannot be read: ${(error as Error).message}`,
      hint: 'The orchestrator writes it ({"<export>": "/abs/dir"}) after creating the share directories, before upHosts.',
    });
  }
  const entries = Object.entries(registry as Record<string, unknown>).filter(
    (e): e is [string, string] => typeof e[1] === 'string',
  );
  if (!entries.some(([exportName]) => exportName === nfsExports.B1))
    throw new LabFailure({
      code: 'precondition',
      message: `The NFS export registry ${file} has no directory for B1 (${nfsExports.B1}), which every host mounts at boot.`,
    });
  for (const [, dir] of entries) await assertUsableLabPath('export directory', dir);
  return Object.fromEntries(entries);
}
