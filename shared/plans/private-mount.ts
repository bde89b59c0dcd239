/**
 * A look at an NFS export that is not mounted, without mounting it on the host: `unshare -m` gives the
 * one command a private mount namespace, the export is mounted read-only there (over `dir`, which
 * already exists), the command runs, and the mount ends with the namespace. The host's mount table,
 * its folders and fstab never change — how `trilio-dr plan` reads the synced copy (NFS B2) before the
 * run has mounted it. Needs root (util-linux `unshare`, an NFS client: both on Trilio appliances).
 */
export const PEEK_DIR = '/mnt';

export function privateReadOnlyMountArgv(
  nfsExport: string,
  command: readonly string[],
  dir: string = PEEK_DIR,
): string[] {
  return [
    'unshare',
    '--mount',
    '--propagation',
    'private',
    'sh',
    '-c',
    'mount -t nfs -o ro -- "$1" "$2" || exit 32; shift 2; exec "$@"',
    'trilio-dr-peek',
    nfsExport,
    dir,
    ...command,
  ];
}
