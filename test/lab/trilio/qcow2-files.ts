import { runCommand } from '../clouds/local-command.js';

/**
 * Real qcow2 files made with qemu-img, shaped like Trilio's backups: a full image with a little
 * data, and incrementals whose backing file is an ABSOLUTE path under `/var/triliovault-mounts/…`.
 * That path does not exist on this machine (hence `-u`), which is exactly what makes a moved
 * workload unreadable until the runbook's bind mounts are in place.
 */

const qemuImg = '/usr/bin/qemu-img';
const qemuIo = '/usr/bin/qemu-io';

/** A few recognisable bytes in cluster `cluster` (64 KiB each), so chains hold real data. */
async function writePattern(imageSpec: string, cluster: number, format: string[]): Promise<void> {
  const offset = cluster * 65536;
  await runCommand(qemuIo, [
    ...format,
    '-c',
    `write -P 0x${(0x10 + cluster).toString(16)} ${offset} 4k`,
    imageSpec,
  ]);
}

export async function createFullImage(file: string, sizeMiB: number): Promise<void> {
  await runCommand(qemuImg, ['create', '-q', '-f', 'qcow2', file, `${sizeMiB}M`]);
  await writePattern(file, 0, ['-f', 'qcow2']);
}

/**
 * An incremental on top of `backingPath` (absolute, unresolvable here). With `withData`, a few bytes
 * are written with the backing file switched off, since qemu-io cannot open a chain whose backing
 * file is missing (only some incrementals get data: each qemu process costs ~50 ms on a small machine).
 */
export async function createIncrementalImage(
  file: string,
  sizeMiB: number,
  backingPath: string,
  index: number,
  withData: boolean,
): Promise<void> {
  await runCommand(qemuImg, [
    'create',
    '-q',
    '-f',
    'qcow2',
    '-F',
    'qcow2',
    '-b',
    backingPath,
    '-u',
    file,
    `${sizeMiB}M`,
  ]);
  if (!withData) return;
  const noBacking = JSON.stringify({
    driver: 'qcow2',
    file: { driver: 'file', filename: file },
    backing: null,
  });
  await writePattern(`json:${noBacking}`, index % Math.max(1, sizeMiB * 16), []);
}
