/**
 * What a failed remote command's output says, in the user's terms: a short label for the error
 * message and what to do about it. Only causes that need a different action are told apart; any
 * other failure keeps the plain "failed with exit code N" and its output.
 */
export interface FailureHint {
  /** Short, for the message: `disk full`, `permission denied`, … */
  label: string;
  hint: string;
}

const rules: { pattern: RegExp; hint: FailureHint }[] = [
  {
    pattern: /No space left on device|Disk quota exceeded/i,
    hint: {
      label: 'disk full',
      hint:
        'The file system written to is full (see the path in the output; `df -h` on the host shows it). ' +
        'Free space there or grow the share, then run the step again: a partial copy is removed, nothing is duplicated.',
    },
  },
  {
    pattern: /access denied by server/i,
    hint: {
      label: 'NFS access denied by the server',
      hint: 'The NFS server does not export that path to this host: check the export list on the server (client addresses, rw) and the export path in the profile.',
    },
  },
  {
    pattern: /Read-only file system/i,
    hint: {
      label: 'read-only file system',
      hint: 'The file system is mounted read-only (or the NFS export is ro): remount it read-write or fix the export, then run the step again.',
    },
  },
  {
    pattern: /Permission denied|Operation not permitted/i,
    hint: {
      label: 'permission denied',
      hint:
        'The host refused the access even to root. On an NFS share: the export squashes root (root_squash) or the folder’s owner/mode ' +
        'does not allow it — export it with no_root_squash or give the folder to the user Trilio runs as; on a local file: check `lsattr` (immutable) and mount options.',
    },
  },
  {
    pattern: /Stale file handle/i,
    hint: {
      label: 'stale NFS handle',
      hint: 'The NFS share was changed or re-exported under the mount: unmount and mount it again on the host, then run the step again.',
    },
  },
  {
    pattern: /Job for \S+ failed|failed because the control process exited/i,
    hint: {
      label: 'the service did not start',
      hint: 'The output names the unit: its `systemctl status` and `journalctl -xeu` on the host say why. Fix it there, then run the step again.',
    },
  },
];

/** The first rule matching `output` (stderr tail, else stdout tail), or undefined. */
export function classifyFailure(output: string): FailureHint | undefined {
  return rules.find((r) => r.pattern.test(output))?.hint;
}

/** For a command whose connection dropped before it reported an exit status. */
export const connectionLostHint =
  'The SSH connection dropped while the command ran (host rebooted, sshd restarted, network or firewall cut it), ' +
  'so it may or may not have finished. Check that the host is reachable, then run the step again: steps check before they change anything.';
