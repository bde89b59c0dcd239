import { describe, expect, it } from 'vitest';
import { assumedConfigText, editedLines } from '../../../shared/report/runbook-config.js';

const B1 = '10.20.3.22:/b1';
const B2 = '10.20.3.23:/b2';
const file = '/etc/workloadmgr/workloadmgr.conf';

describe('the lines a config edit changes, as the runbook shows them', () => {
  it('export list: the one option line, before and after', () => {
    const text = assumedConfigText('export-list', B1);
    expect(editedLines(text, { file, mode: 'add', nfsExport: B2 })).toBe(
      `- vault_storage_nfs_export = ${B1}\n+ vault_storage_nfs_export = ${B1},${B2}`,
    );
    expect(editedLines(text, { file, mode: 'remove', nfsExport: B2 })).toBe(
      `- vault_storage_nfs_export = ${B1},${B2}\n+ vault_storage_nfs_export = ${B1}`,
    );
  });

  it('6.x backend sections: the enabled_backends line and the added section, apart', () => {
    const text = assumedConfigText('backends', B1);
    const added = editedLines(text, { file, mode: 'add', nfsExport: B2 })!;
    expect(added.split('\n')).toEqual([
      '- enabled_backends = nfs_b1',
      '+ enabled_backends = nfs_b1,trilio_dr_b2',
      '…',
      '+ ',
      expect.stringMatching(/^\+ # trilio-dr: backup target trilio_dr_b2 added/),
      '+ [trilio_dr_b2]',
      '+ vault_storage_type = nfs',
      `+ vault_storage_filesystem_export = ${B2}`,
      '+ is_default = 0',
    ]);
    // The revert takes exactly those lines out again.
    const removed = editedLines(text, { file, mode: 'remove', nfsExport: B2 })!.split('\n');
    const swapped = added.split('\n').map((l) => l.replace(/^[-+]/, (sign) => (sign === '-' ? '+' : '-')));
    expect([...removed].sort()).toEqual([...swapped].sort());
    expect(removed[0]).toBe('- enabled_backends = nfs_b1,trilio_dr_b2');
  });

  it('a file the editor refuses gives nothing to show; an edit already made shows no line', () => {
    expect(
      editedLines('[DEFAULT]\nenabled_backends = x\n[x]\n', {
        file,
        mode: 'add',
        nfsExport: 'not an export',
      }),
    ).toBeNull();
    const withB2 = assumedConfigText('export-list', `${B1},${B2}`);
    expect(editedLines(withB2, { file, mode: 'add', nfsExport: B2 })).toBe('');
  });
});
