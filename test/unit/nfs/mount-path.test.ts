import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  base64Decode,
  base64Encode,
  decodeMountFolder,
  mountDirNameFor,
  mountPathFor,
  parseBackingPath,
  parseMountPath,
} from '../../../shared/nfs/mount-path.js';
import { isNfsExport, parseNfsExport } from '../../../shared/nfs/nfs-export.js';

describe('Trilio mount paths', () => {
  it('matches the runbook and lab-notes examples', () => {
    expect(mountPathFor('10.10.2.20:/upstream')).toBe('/var/triliovault-mounts/MTAuMTAuMi4yMDovdXBzdHJlYW0=');
    expect(base64Decode('MTAuMTAuMi4yMDovdXBzdHJlYW1fc291cmNl')).toBe('10.10.2.20:/upstream_source');
    expect(base64Decode('MTAuMjAuMy4yMjovdXBzdHJlYW1fdGFyZ2V0')).toBe('10.20.3.22:/upstream_target');
  });

  it('agrees with `echo -n X | base64` for any export string (coreutils is the reference)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 80 }), (s) => {
        const ref = execFileSync('base64', ['-w0'], { input: s }).toString();
        expect(mountPathFor(s, '/m')).toBe(`/m/${ref}`);
        expect(base64Decode(ref)).toBe(s === '' ? null : s);
      }),
      { numRuns: 150 },
    );
  });

  it('a trailing slash is a different directory', () => {
    expect(mountPathFor('10.10.2.20:/upstream/')).not.toBe(mountPathFor('10.10.2.20:/upstream'));
  });

  it('splits a backing path into share hash and rest', () => {
    const ref = parseMountPath(
      '/var/triliovault-mounts/MTAuMTAuMi4yMDovdXBzdHJlYW0=/workload_1/snapshot_2/d',
    );
    expect(ref).toEqual({
      mountPath: '/var/triliovault-mounts/MTAuMTAuMi4yMDovdXBzdHJlYW0=',
      hash: 'MTAuMTAuMi4yMDovdXBzdHJlYW0=',
      nfsExport: '10.10.2.20:/upstream',
      root: '/var/triliovault-mounts',
      share: { form: 'export', nfsExport: '10.10.2.20:/upstream', path: '/upstream' },
      rest: '/workload_1/snapshot_2/d',
    });
    expect(parseMountPath('/elsewhere/x')).toBeNull();
    expect(parseMountPath('/var/triliovault-mounts/not*base64/x')?.nfsExport).toBeNull();
  });
});

describe('NFS export strings', () => {
  it.each([
    ['10.10.2.20:/upstream', true],
    ['nfs-b1.example.com:/exports/trilio', true],
    ['[fd00::20]:/upstream', true],
    ['[::1]:/x', true],
    ['10.10.2.20:/upstream/', true],
    ['fd00::20:/upstream', false],
    ['10.10.2.20:upstream', false],
    ['10.10.2.300:/x', false],
    ['10.10.2.20:/a b', false],
    ['10.10.2.20:/a,b', false],
    [' 10.10.2.20:/x', false],
    ['', false],
  ])('%s → %s', (value, valid) => {
    expect(isNfsExport(value)).toBe(valid);
  });

  it('explains what is wrong', () => {
    expect(parseNfsExport('fd00::20:/upstream')).toEqual({
      ok: false,
      message: expect.stringContaining('brackets'),
    });
    expect(parseNfsExport('host:relative')).toEqual({
      ok: false,
      message: expect.stringContaining('absolute'),
    });
  });

  it('path form (T4O 4.2 and later): only the path is hashed, so the same path on two servers is one folder', () => {
    // The reference's example: /Trilio_Backup → L1RyaWxpb19CYWNrdXA=
    expect(mountDirNameFor('10.10.2.20:/Trilio_Backup', 'path')).toBe('L1RyaWxpb19CYWNrdXA=');
    expect(mountPathFor('10.0.0.9:/Trilio_Backup', '/var/trilio/triliovault-mounts', 'path')).toBe(
      '/var/trilio/triliovault-mounts/L1RyaWxpb19CYWNrdXA=',
    );
    expect(mountDirNameFor('[fd00::1]:/x/', 'path')).toBe(base64Encode('/x/'));
    expect(mountDirNameFor('10.10.2.20:/upstream', 'export')).toBe('MTAuMTAuMi4yMDovdXBzdHJlYW0=');
  });

  it('decodes either folder form and refuses names that are not canonical base64 of an export or a path', () => {
    expect(decodeMountFolder('L1RyaWxpb19CYWNrdXA=')).toEqual({
      form: 'path',
      nfsExport: null,
      path: '/Trilio_Backup',
    });
    expect(decodeMountFolder('MTAuMTAuMi4yMDovdXBzdHJlYW0=')).toEqual({
      form: 'export',
      nfsExport: '10.10.2.20:/upstream',
      path: '/upstream',
    });
    expect(decodeMountFolder(base64Encode('relative/path'))).toBeNull();
    expect(decodeMountFolder(base64Encode('/a\0b'))).toBeNull();
    expect(decodeMountFolder('L1RyaWxpb19CYWNrdXA')).toBeNull(); // padding dropped: not Trilio's name
    expect(decodeMountFolder('..')).toBeNull();
  });

  it('reads backing paths under any known mount root, longest root first', () => {
    const roots = [
      '/var/triliovault-mounts',
      '/var/lib/nova/triliovault-mounts',
      '/var/trilio/triliovault-mounts',
    ];
    const kolla = parseBackingPath(
      '/var/trilio/triliovault-mounts/L1RyaWxpb19CYWNrdXA=/workload_w/s/d',
      roots,
    );
    expect(kolla).toMatchObject({
      root: '/var/trilio/triliovault-mounts',
      share: { form: 'path', path: '/Trilio_Backup' },
    });
    const director = parseBackingPath(
      '/var/lib/nova/triliovault-mounts/MTAuMTAuMi4yMDovdXBzdHJlYW0=/w',
      roots,
    );
    expect(director).toMatchObject({
      root: '/var/lib/nova/triliovault-mounts',
      nfsExport: '10.10.2.20:/upstream',
    });
    expect(parseBackingPath('/etc/MTAuMTAuMi4yMDovdXBzdHJlYW0=/w', roots)).toBeNull();
  });
});
