import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { addExport, readExports, removeExport } from '../../../shared/config/nfs-export-option.js';
import { findOption, scanIni } from '../../../shared/config/oslo-ini.js';

const conf = readFileSync(new URL('../fixtures/workloadmgr.conf', import.meta.url), 'utf8');
const B1 = '10.20.3.22:/upstream_target';
const B2 = '10.20.3.23:/upstream_synced_a1';

function expectOk<T extends { ok: boolean }>(r: T): Extract<T, { ok: true }> {
  if (!r.ok) throw new Error(`expected ok: ${JSON.stringify(r)}`);
  return r as Extract<T, { ok: true }>;
}

describe('vault_storage_nfs_export editing', () => {
  it('reads the configured exports from [DEFAULT], not from other sections', () => {
    expect(expectOk(readExports(conf)).exports).toEqual([B1]);
  });

  it('adds B2 changing only the value characters', () => {
    const edit = expectOk(addExport(conf, B2));
    expect(edit.changed).toBe(true);
    expect(edit.after).toEqual([B1, B2]);
    const expected = conf.replace(`= ${B1}\n`, `= ${B1},${B2}\n`);
    expect(edit.text).toBe(expected);
  });

  it('is idempotent: adding an export that is there changes nothing', () => {
    const once = expectOk(addExport(conf, B2)).text;
    const twice = expectOk(addExport(once, B2));
    expect(twice.changed).toBe(false);
    expect(twice.text).toBe(once);
  });

  it('add then remove gives the original bytes back, with CRLF line endings too', () => {
    for (const text of [conf, conf.replace(/\n/g, '\r\n')]) {
      const added = expectOk(addExport(text, B2)).text;
      const removed = expectOk(removeExport(added, B2));
      expect(removed.changed).toBe(true);
      expect(removed.text).toBe(text);
    }
  });

  it('follows the file style ", " when the list already uses it, and removes the right separator', () => {
    const spaced = conf.replace(`= ${B1}`, `= ${B1}, 10.0.0.9:/other`);
    const added = expectOk(addExport(spaced, B2)).text;
    expect(findOption(added, 'DEFAULT', 'vault_storage_nfs_export')?.value).toBe(
      `${B1}, 10.0.0.9:/other, ${B2}`,
    );
    expect(expectOk(removeExport(added, B2)).text).toBe(spaced);
    const firstRemoved = expectOk(removeExport(spaced, B1));
    expect(findOption(firstRemoved.text, 'DEFAULT', 'vault_storage_nfs_export')?.value).toBe(
      '10.0.0.9:/other',
    );
  });

  it('refuses to empty the option and reports files it cannot edit safely', () => {
    expect(removeExport(conf, B1)).toMatchObject({ ok: false, message: expect.stringContaining('empty') });
    const noOption = conf.replace(/^vault_storage_nfs_export.*\n/m, '');
    expect(addExport(noOption, B2)).toMatchObject({
      ok: false,
      message: expect.stringContaining('no vault_storage_nfs_export'),
    });
    const continued = conf.replace(`= ${B1}\n`, `= ${B1},\n    10.0.0.9:/x\n`);
    expect(addExport(continued, B2)).toMatchObject({
      ok: false,
      message: expect.stringContaining('edit it by hand'),
    });
    const broken = conf.replace('[database]', '[database');
    expect(addExport(broken, B2)).toMatchObject({ ok: false, line: 24 });
    expect(addExport(conf, 'not an export')).toMatchObject({ ok: false });
  });

  it('takes the last occurrence, as oslo.config does, and treats - and _ alike', () => {
    const twice = conf.replace(
      '[keystone_authtoken]',
      `vault-storage-nfs-export = ${B2}\n\n[keystone_authtoken]`,
    );
    expect(expectOk(readExports(twice)).exports).toEqual([B2]);
    expect(scanIni(twice).issues).toEqual([]);
  });
});
