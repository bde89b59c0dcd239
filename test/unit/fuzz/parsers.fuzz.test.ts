import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addExport, readExports, removeExport } from '../../../shared/config/nfs-export-option.js';
import { parseChainReport } from '../../../shared/discovery/chain-report.js';
import { parseWorkloadScan } from '../../../shared/discovery/workload-scan.js';
import { addBindMount, parseFstab, removeBindMount } from '../../../shared/fstab/fstab.js';
import { parseMappingCsv } from '../../../shared/mapping/project-mapping.js';
import { mountPathFor, parseMountPath } from '../../../shared/nfs/mount-path.js';
import { parseNfsExport } from '../../../shared/nfs/nfs-export.js';
import { parseProfileFile } from '../../../shared/profile/profile-file.js';
import { parseQemuImgInfo } from '../../../shared/qcow2/qemu-img-info.js';
import { hostileString } from '../../support/hostile-strings.js';

/**
 * Hostile input for every parser and editor of files and outputs the wizard reads (issue 8): 10,000+
 * generated cases each. None may throw; every refusal is a value with a message; and the editors keep
 * their promises (an edit undone gives the original bytes back, a second add changes nothing).
 */
const runs = { numRuns: 10_000 };
const text = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  hostileString,
  fc.string({ maxLength: 200 }),
);
const lines = fc.array(fc.oneof(text, hostileString), { maxLength: 12 }).map((l) => l.join('\n'));

const octet = fc.integer({ min: 0, max: 255 });
const ipv4 = fc.tuple(octet, octet, octet, octet).map((o) => o.join('.'));
const pathPart = fc.stringMatching(/^[a-zA-Z0-9_.-]{1,12}$/);
const goodExport = fc
  .tuple(
    fc.oneof(ipv4, fc.constant('[fd00::1]'), fc.constant('nfs-b2.example')),
    fc.array(pathPart, { minLength: 1, maxLength: 3 }),
  )
  .map(([host, parts]) => `${host}:/${parts.join('/')}`);

function expectValueError(result: unknown): void {
  // A refusal is a value carrying a message, never an exception.
  const r = result as { ok: boolean; message?: string; error?: { message?: string } };
  if (!r.ok) expect(typeof (r.message ?? r.error?.message)).toBe('string');
}

describe('hostile input (10k cases per parser)', () => {
  it('NFS exports: never throw; valid ones round-trip through their base64 mount path', () => {
    fc.assert(
      fc.property(text, (s) => void expectValueError(parseNfsExport(s))),
      runs,
    );
    fc.assert(
      fc.property(goodExport, (e) => {
        expect(parseNfsExport(e).ok).toBe(true);
        expect(parseMountPath(`${mountPathFor(e)}/workload_x/y`)?.nfsExport).toBe(e);
      }),
      runs,
    );
  });

  it('fstab: parsing never throws; add is idempotent and remove gives the original bytes back', () => {
    fc.assert(
      fc.property(lines, goodExport, goodExport, (fstab, a, b) => {
        parseFstab(fstab);
        const source = mountPathFor(a);
        const target = mountPathFor(b);
        const added = addBindMount(fstab, source, target);
        if (!added.ok) return;
        const again = addBindMount(added.text, source, target);
        expect(again.ok && again.changed).toBe(false);
        if (!added.changed) return;
        const removed = removeBindMount(added.text, source, target);
        const base =
          fstab === '' || fstab.endsWith('\n') ? fstab : `${fstab}${fstab.includes('\r\n') ? '\r\n' : '\n'}`;
        expect(removed.ok && removed.text).toBe(base);
      }),
      runs,
    );
  });

  it('vault_storage_nfs_export: edits keep every other byte; add then remove restores the file', () => {
    const conf = fc
      .tuple(lines, fc.array(goodExport, { minLength: 1, maxLength: 3 }), fc.constantFrom(',', ', '), lines)
      .map(
        ([before, exports, sep, after]) =>
          `# ${before.replaceAll('\n', '\n# ')}\n[DEFAULT]\nvault_storage_type = nfs\nvault_storage_nfs_export = ${exports.join(sep)}\n# ${after.replaceAll('\n', '\n# ')}\n`,
      );
    fc.assert(
      fc.property(conf, goodExport, (file, extra) => {
        const current = readExports(file);
        expect(current.ok).toBe(true);
        const added = addExport(file, extra);
        expect(added.ok).toBe(true);
        if (!added.ok || !added.changed) return;
        expect(added.text.split('\n').filter((l) => !l.startsWith('vault_storage_nfs_export'))).toEqual(
          file.split('\n').filter((l) => !l.startsWith('vault_storage_nfs_export')),
        );
        const removed = removeExport(added.text, extra);
        expect(removed.ok && removed.text).toBe(file);
      }),
      runs,
    );
    fc.assert(
      fc.property(lines, goodExport, (file, e) => void expectValueError(addExport(file, e))),
      runs,
    );
  });

  it('qemu-img JSON, scan output, chain reports, mapping CSV and profile files: refusals are values', () => {
    const jsonish = fc.oneof(
      text,
      fc.json(),
      fc.jsonValue().map((v) => JSON.stringify(v)),
    );
    fc.assert(
      fc.property(jsonish, (s) => {
        expectValueError(parseQemuImgInfo(s));
        expectValueError(parseWorkloadScan(s));
        expectValueError(parseChainReport(s));
        expectValueError(parseMappingCsv(s));
        expectValueError(parseProfileFile(s));
      }),
      runs,
    );
  });
});
