import { describe, expect, it } from 'vitest';
import { classifyFailure } from '../../../electron/core/ssh/failure-hints.js';

describe('classifyFailure', () => {
  it.each([
    ["cp: error writing '/var/x/.trilio-dr-partial-w/disk': No space left on device", 'disk full'],
    ['mkdir: cannot create directory ‘/var/x/p’: Operation not permitted', 'permission denied'],
    ['cat: /var/x/workload_db: Permission denied', 'permission denied'],
    ['sh: 4: cannot create /etc/fstab: Read-only file system', 'read-only file system'],
    ['mount.nfs: access denied by server while mounting 10.0.0.1:/x', 'NFS access denied by the server'],
    ['ls: cannot access /mnt/x: Stale file handle', 'stale NFS handle'],
    [
      'Job for tvault-contego.service failed because the control process exited with error code.',
      'the service did not start',
    ],
  ])('%s → %s', (output, label) => {
    const found = classifyFailure(output);
    expect(found?.label).toBe(label);
    expect(found?.hint.length).toBeGreaterThan(20);
  });

  it('leaves other failures alone', () => {
    expect(classifyFailure('grep: no match')).toBeUndefined();
    expect(classifyFailure('')).toBeUndefined();
  });
});
