import { describe, expect, it } from 'vitest';
import { mountPathsNeeded, parseChainReport } from '../../../shared/discovery/chain-report.js';
import { parseWorkloadScan } from '../../../shared/discovery/workload-scan.js';
import { mountPathFor } from '../../../shared/nfs/mount-path.js';
import { chainCheckArgv } from '../../../shared/remote-scripts/chain-check.js';
import { scanWorkloadsArgv } from '../../../shared/remote-scripts/scan-workloads.js';

const lines = (...values: unknown[]) =>
  values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join('\n') + '\n';

const workload = {
  kind: 'workload',
  id: 'w1',
  name: 'n',
  description: null,
  projectId: 'p',
  userId: 'u',
  status: 'available',
  createdAt: null,
  metadata: { a: 'b' },
  vms: [{ id: 'v', name: null }],
  snapshots: [
    { id: 's', name: null, type: 'full', status: null, createdAt: null, size: 10, folder: 'snapshot_s' },
  ],
  sizeBytes: 10,
  fileCount: 1,
  path: '/r/workload_w1',
  root: '/r',
  errors: [],
};
const scanHead = { kind: 'scan', version: 1 };
const scanEnd = (n: number) => ({ kind: 'end', workloads: n });

function scanError(text: string): string {
  const parsed = parseWorkloadScan(text);
  if (parsed.ok) throw new Error('expected a failure');
  expect(parsed.error.code).toBe('validation');
  return parsed.error.message;
}

describe('parseWorkloadScan', () => {
  it('reads a well-formed scan', () => {
    const parsed = parseWorkloadScan(
      lines(scanHead, { kind: 'root', path: '/r', error: null }, workload, scanEnd(1)),
    );
    const { kind: _kind, ...plain } = workload;
    expect(parsed).toEqual({ ok: true, value: { roots: [{ path: '/r', error: null }], workloads: [plain] } });
  });

  it('refuses empty output, a missing header, another version', () => {
    expect(scanError('')).toBe('The workload scan output is not usable: the script printed nothing.');
    expect(scanError(lines('Welcome to the appliance!', scanEnd(0)))).toMatch(/line 1 is not JSON/);
    expect(scanError(lines({ kind: 'chains', version: 1 }, scanEnd(0)))).toMatch(
      /the first line is not the "scan" header/,
    );
    expect(scanError(lines({ kind: 'scan', version: 2 }, scanEnd(0)))).toMatch(
      /format version 2, this wizard reads version 1/,
    );
  });

  it('refuses output that was cut off, whether mid-line or between lines', () => {
    const full = lines(scanHead, workload, scanEnd(1));
    expect(scanError(full.slice(0, full.indexOf('"sizeBytes"')))).toMatch(
      /line 2 is not JSON .*the output looks cut off/,
    );
    expect(scanError(lines(scanHead, workload))).toMatch(
      /ended at line 2 before the script's end line: it was cut off/,
    );
  });

  it('names the line and field of a value of the wrong type', () => {
    const bad = { ...workload, snapshots: [{ ...workload.snapshots[0], size: '10' }] };
    expect(scanError(lines(scanHead, bad, scanEnd(1)))).toMatch(
      /^The workload scan output is not usable: line 2: snapshots\.0\.size: /,
    );
    const noId = { ...workload, id: undefined };
    expect(scanError(lines(scanHead, noId, scanEnd(1)))).toMatch(/line 2: id: /);
    const badCode = { ...workload, errors: [{ file: 'f', code: 'weird', message: 'm' }] };
    expect(scanError(lines(scanHead, badCode, scanEnd(1)))).toMatch(/line 2: errors\.0\.code: /);
  });

  it('refuses unknown line kinds and a count that does not match the end line', () => {
    expect(scanError(lines(scanHead, { kind: 'surprise' }, scanEnd(0)))).toMatch(
      /line 2 has an unknown kind "surprise"/,
    );
    expect(scanError(lines(scanHead, workload, scanEnd(2)))).toMatch(/counts 2 workloads but 1 were printed/);
  });
});

const chainHead = { kind: 'chains', version: 1 };
const fileLine = (path: string, verdict: string, chain: string[], at: string | null = null) => ({
  kind: 'file',
  path,
  verdict,
  chain,
  at,
  reason: at ? 'No such file or directory' : null,
});

describe('parseChainReport', () => {
  it('reads a report', () => {
    const parsed = parseChainReport(
      lines(chainHead, fileLine('/a', 'ok', ['/a', '/b']), {
        kind: 'end',
        files: 1,
        skipped: 3,
        mountDirs: [{ path: '/m/x', exists: true, files: 1 }],
      }),
    );
    expect(parsed).toEqual({
      ok: true,
      value: {
        checks: [{ path: '/a', verdict: 'ok', chain: ['/a', '/b'], at: null, reason: null }],
        skipped: 3,
        mountDirs: [{ path: '/m/x', exists: true, files: 1 }],
      },
    });
  });

  it('refuses unknown verdicts, a broken chain without its place, an empty chain, and cut-off output', () => {
    const end = { kind: 'end', files: 1, skipped: 0, mountDirs: [] };
    const error = (text: string) => {
      const parsed = parseChainReport(text);
      if (parsed.ok) throw new Error('expected a failure');
      return parsed.error.message;
    };
    expect(error(lines(chainHead, fileLine('/a', 'fine', ['/a']), end))).toMatch(/line 2: verdict: /);
    expect(error(lines(chainHead, fileLine('/a', 'loop', ['/a']), end))).toMatch(
      /line 2: a "loop" verdict without the path where it broke/,
    );
    expect(error(lines(chainHead, fileLine('/a', 'ok', []), end))).toMatch(/line 2: chain: /);
    expect(error(lines(chainHead, fileLine('/a', 'ok', ['/a'])))).toMatch(/it was cut off/);
    expect(error(lines({ kind: 'scan', version: 1 }, end))).toMatch(/not the "chains" header/);
  });
});

describe('mountPathsNeeded', () => {
  const here = mountPathFor('10.20.3.22:/upstream_target');
  const moved = mountPathFor('10.10.2.20:/upstream_source');

  it('lists each distinct mount path once, with its export and how many chains need it', () => {
    const needed = mountPathsNeeded([
      { verdict: 'ok', at: null, chain: [`${here}/workload_1/s1/disk`] },
      {
        verdict: 'missing-backing',
        at: `${moved}/workload_2/s1/disk`,
        chain: [
          `${here}/workload_2/s2/disk`,
          `${here}/workload_2/s2/../s1/disk`,
          `${moved}/workload_2/s1/disk`,
        ],
      },
      { verdict: 'ok', at: null, chain: ['/elsewhere/disk', `${moved}/workload_3/s1/disk`] },
    ]);
    expect(needed).toEqual([
      {
        mountPath: '/var/triliovault-mounts/MTAuMTAuMi4yMDovdXBzdHJlYW1fc291cmNl',
        hash: 'MTAuMTAuMi4yMDovdXBzdHJlYW1fc291cmNl',
        nfsExport: '10.10.2.20:/upstream_source',
        share: { form: 'export', nfsExport: '10.10.2.20:/upstream_source', path: '/upstream_source' },
        files: 2,
        missing: 1,
      },
      {
        mountPath: '/var/triliovault-mounts/MTAuMjAuMy4yMjovdXBzdHJlYW1fdGFyZ2V0',
        hash: 'MTAuMjAuMy4yMjovdXBzdHJlYW1fdGFyZ2V0',
        nfsExport: '10.20.3.22:/upstream_target',
        share: { form: 'export', nfsExport: '10.20.3.22:/upstream_target', path: '/upstream_target' },
        files: 2,
        missing: 0,
      },
    ]);
  });

  it('honours another mount root and keeps hashes that are not base64 text', () => {
    const needed = mountPathsNeeded(
      [{ verdict: 'ok', at: null, chain: ['/mnt/t/not-base64!/disk', '/var/triliovault-mounts/x/disk'] }],
      ['/mnt/t/'],
    );
    expect(needed).toEqual([
      {
        mountPath: '/mnt/t/not-base64!',
        hash: 'not-base64!',
        nfsExport: null,
        share: null,
        files: 1,
        missing: 0,
      },
    ]);
  });
});

describe('command builders', () => {
  it('put every path after -- and the interpreter first', () => {
    expect(scanWorkloadsArgv(['/a', '-b'])).toEqual([
      'python3',
      '-I',
      '-S',
      '-',
      '--jobs',
      '4',
      '--',
      '/a',
      '-b',
    ]);
    expect(scanWorkloadsArgv([], { python: '/usr/bin/python3', jobs: 0 })).toEqual([
      '/usr/bin/python3',
      '-I',
      '-S',
      '-',
      '--jobs',
      '1',
      '--',
    ]);
    expect(
      chainCheckArgv({ paths: ['/x'], mountRoots: ['/var/triliovault-mounts'], names: ['disk*', '*.qcow2'] }),
    ).toEqual([
      'python3',
      '-I',
      '-S',
      '-',
      '--mount-root',
      '/var/triliovault-mounts',
      '--name',
      'disk*',
      '--name',
      '*.qcow2',
      '--',
      '/x',
    ]);
    expect(chainCheckArgv({ paths: ['-y'], jobs: 0 })).toEqual(['python3', '-I', '-S', '-', '--jobs', '1', '--', '-y']);
    expect(chainCheckArgv({ paths: [], jobs: 2.7 })).toEqual(['python3', '-I', '-S', '-', '--jobs', '2', '--']);
  });
});
