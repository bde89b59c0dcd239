import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base64Decode, mountPathFor, parseMountPath } from '../../../shared/nfs/mount-path.js';
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
});
