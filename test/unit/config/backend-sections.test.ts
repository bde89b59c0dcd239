import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addBackend,
  DR_BACKEND,
  readBackends,
  removeBackend,
} from '../../../shared/config/backend-sections.js';
import { editShares, readShares } from '../../../shared/config/share-config.js';

const B1 = '10.20.3.22:/upstream_target';
const B2 = '10.20.3.23:/upstream_synced_a1';

// A 6.x workloadmgr configuration as Trilio's 6.x templates lay it out: targets as sections.
const conf6 = `[DEFAULT]
# Trilio 6.1 workload manager
enabled_backends = nfs_primary
vault_data_directory = /var/triliovault-mounts
trustee_role = _member_, creator

[nfs_primary]
vault_storage_type = nfs
vault_storage_filesystem_export = ${B1}
vault_storage_nfs_options = nolock,soft,timeo=180,intr,lookupcache=none
is_default = 1

[database]
connection = mysql+pymysql://workloadmgr:secret@10.0.0.5/workloadmgr
`;

describe('6.x enabled_backends', () => {
  it('reads the enabled backends with their exports', () => {
    const read = readBackends(conf6);
    expect(read.ok && read.backends).toEqual([
      {
        name: 'nfs_primary',
        type: 'nfs',
        nfsExport: B1,
        nfsOptions: 'nolock,soft,timeo=180,intr,lookupcache=none',
        isDefault: true,
      },
    ]);
    expect(readShares(conf6)).toEqual({ ok: true, model: 'backends', exports: [B1] });
  });

  it('adds B2 as a section of its own, not default, with the default backend’s NFS options; the revert restores every byte', () => {
    const added = addBackend(conf6, B2);
    if (!added.ok) throw new Error(added.message);
    expect(added.changed).toBe(true);
    expect(added.after).toEqual(['nfs_primary', DR_BACKEND]);
    expect(added.text).toContain(`enabled_backends = nfs_primary,${DR_BACKEND}\n`);
    expect(added.text).toContain(
      `[${DR_BACKEND}]\nvault_storage_type = nfs\nvault_storage_filesystem_export = ${B2}\nvault_storage_nfs_options = nolock,soft,timeo=180,intr,lookupcache=none\nis_default = 0\n`,
    );
    expect(readShares(added.text)).toEqual({ ok: true, model: 'backends', exports: [B1, B2] });
    // Adding twice changes nothing (a resumed run).
    expect(addBackend(added.text, B2)).toMatchObject({ ok: true, changed: false });
    const removed = removeBackend(added.text, B2);
    expect(removed.ok && removed.text).toBe(conf6);
    expect(removeBackend(conf6, B2)).toMatchObject({ ok: true, changed: false });
  });

  it('keeps the bytes for a file without a final newline, with CRLF lines, and with a spaced list', () => {
    for (const text of [
      conf6.trimEnd(),
      conf6.replaceAll('\n', '\r\n'),
      conf6.replace('enabled_backends = nfs_primary', 'enabled_backends = nfs_primary, s3_archive'),
    ]) {
      const added = editShares(text, 'add', B2);
      if (!added.ok) throw new Error(added.message);
      const removed = editShares(added.text, 'remove', B2);
      expect(removed.ok && removed.text).toBe(text);
    }
  });

  it('refuses a section of that name it did not add, and one changed by hand', () => {
    const foreign = `${conf6}\n[${DR_BACKEND}]\nvault_storage_type = nfs\n`;
    expect(addBackend(foreign, B2).ok).toBe(false);
    const added = addBackend(conf6, B2);
    if (!added.ok) throw new Error(added.message);
    const other = added.text.replace(`filesystem_export = ${B2}`, 'filesystem_export = 10.9.9.9:/x');
    expect(removeBackend(other, B2).ok).toBe(false);
  });

  it('round-trips for any export and any surrounding file made of sections (property)', () => {
    const name = fc
      .stringMatching(/^[a-z][a-z0-9_]{0,8}$/)
      .filter((n) => n !== DR_BACKEND && n !== 'default');
    fc.assert(
      fc.property(
        fc.array(name, { minLength: 1, maxLength: 3 }),
        fc.stringMatching(/^\/[A-Za-z0-9_./-]{1,20}$/),
        fc.boolean(),
        (names, path, finalNewline) => {
          const unique = [...new Set(names)];
          const sections = unique
            .map(
              (n, i) =>
                `[${n}]\nvault_storage_type = nfs\nvault_storage_filesystem_export = 10.0.0.${i + 1}:/s${i}\nis_default = ${i === 0 ? 1 : 0}\n`,
            )
            .join('\n');
          const text = `[DEFAULT]\nenabled_backends = ${unique.join(',')}\n\n${sections}`;
          const file = finalNewline ? text : text.trimEnd();
          const b2 = `10.20.3.23:${path}`;
          const added = editShares(file, 'add', b2);
          if (!added.ok) throw new Error(added.message);
          const removed = editShares(added.text, 'remove', b2);
          expect(removed.ok && removed.text).toBe(file);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('the export list, as OpenStack-Ansible writes it', () => {
  it('reads a space-separated list and adds to it in its own style, reverting byte for byte', () => {
    const osa = `[DEFAULT]\nvault_storage_nfs_export = ${B1} 10.20.3.24:/other\n`;
    expect(readShares(osa)).toEqual({ ok: true, model: 'export-list', exports: [B1, '10.20.3.24:/other'] });
    const added = editShares(osa, 'add', B2);
    if (!added.ok) throw new Error(added.message);
    expect(added.text).toContain(`= ${B1} 10.20.3.24:/other ${B2}\n`);
    const removed = editShares(added.text, 'remove', B2);
    expect(removed.ok && removed.text).toBe(osa);
  });
});
