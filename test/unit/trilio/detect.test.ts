import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mountDirNameFor } from '../../../shared/nfs/mount-path.js';
import { trilioCloudSchema } from '../../../shared/profile/profile.js';
import { compareDetection, detectionRequest } from '../../../shared/trilio/detect-compare.js';
import {
  detectTrilioArgv,
  parseDetection,
  type NodeDetection,
} from '../../../shared/trilio/detect-script.js';
import { trilioFactsFor } from '../../../shared/trilio/trilio-facts.js';

const run = promisify(execFile);
const B1 = '10.20.3.22:/upstream_target';
const facts = (cloud: object) => trilioFactsFor(trilioCloudSchema.parse(cloud), 'target');

function node(root: string, name: string, extra: Partial<NodeDetection> = {}): NodeDetection {
  return {
    roots: [{ path: root, entries: [{ name, mounted: true }] }],
    configs: [{ path: '/etc/tvault-contego/tvault-contego.conf', readable: true, backends: false }],
    commands: ['systemctl'],
    units: ['tvault-contego'],
    ...extra,
  };
}

describe('compareDetection', () => {
  it('a packages 4.1 node as the profile says: every row passes', () => {
    const detection = node('/var/triliovault-mounts', mountDirNameFor(B1, 'export'));
    const rows = compareDetection({
      role: 'compute',
      facts: facts({}),
      targetExport: B1,
      kind: 'full',
      detection,
    });
    expect(rows.filter((r) => !r.ok)).toEqual([]);
    expect(rows.map((r) => r.check)).toEqual([
      `target share ${B1} mounted at /var/triliovault-mounts/${mountDirNameFor(B1, 'export')}`,
      'datamover config file readable',
      'backup targets configured as a vault_storage_nfs_export list',
      'restart command available: systemctl restart tvault-contego',
    ]);
  });

  it('path-form folders under the Kolla root while the profile says 4.1 packages: root and form named', () => {
    const detection = node('/var/trilio/triliovault-mounts', mountDirNameFor(B1, 'path'));
    const [mount] = compareDetection({
      role: 'compute',
      facts: facts({}),
      targetExport: B1,
      kind: 'single',
      detection,
    });
    expect(mount).toMatchObject({ ok: false, blocking: true });
    expect(mount!.detail).toContain(`/var/trilio/triliovault-mounts/${mountDirNameFor(B1, 'path')}`);
    expect(mount!.hint).toContain('mount root to /var/trilio/triliovault-mounts');
    expect(mount!.hint).toContain('folder form to "path"');
  });

  it('B1 mounted nowhere: lists what is mounted, decoded', () => {
    const other = '10.9.9.9:/elsewhere';
    const detection = node('/var/triliovault-mounts', mountDirNameFor(other, 'export'));
    const [mount] = compareDetection({
      role: 'tvm',
      facts: facts({}),
      targetExport: B1,
      kind: 'single',
      detection,
    });
    expect(mount!.ok).toBe(false);
    expect(mount!.detail).toContain(`(${other})`);
  });

  it('6.x backends in the file while the profile says 5.2 blocks a full DR, not a single one', () => {
    const detection = node('/var/triliovault-mounts', mountDirNameFor(B1, 'path'), {
      configs: [{ path: '/etc/tvault-contego/tvault-contego.conf', readable: true, backends: true }],
    });
    const f = facts({ release: '5.2' });
    const full = compareDetection({ role: 'compute', facts: f, targetExport: B1, kind: 'full', detection });
    const model = full.find((r) => r.check.startsWith('backup targets'));
    expect(model).toMatchObject({ ok: false, blocking: true });
    expect(model!.detail).toContain('uses enabled_backends');
    const single = compareDetection({
      role: 'compute',
      facts: f,
      targetExport: B1,
      kind: 'single',
      detection,
    });
    expect(single.find((r) => r.check.startsWith('backup targets'))).toMatchObject({
      ok: false,
      blocking: false,
    });
  });

  it('a Kolla node asks for docker/podman and every installer’s files, so a mismatch can be named', () => {
    const request = detectionRequest('tvm', facts({ installer: 'kolla' }));
    expect(request.roots).toEqual(
      expect.arrayContaining([
        '/var/trilio/triliovault-mounts',
        '/var/lib/nova/triliovault-mounts',
        '/var/triliovault-mounts',
      ]),
    );
    expect(request.configs[0]).toBe('/etc/kolla/triliovault-wlm-workloads/triliovault-wlm-workloads.conf');
    expect(request.configs).toContain('/etc/workloadmgr/workloadmgr.conf');
    expect(request.commands).toEqual(expect.arrayContaining(['docker', 'podman', 'systemctl']));
  });
});

describe('the detection script in a real shell', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'trilio-detect-'));
    await mkdir(join(dir, 'root', mountDirNameFor(B1, 'path')), { recursive: true });
    await mkdir(join(dir, 'root', 'not base64!\nsecond line'), { recursive: true });
    await writeFile(
      join(dir, 'six.conf'),
      '[DEFAULT]\nenabled_backends = a\n[a]\nvault_storage_type = nfs\n',
    );
    await writeFile(join(dir, 'five.conf'), '[DEFAULT]\nvault_storage_nfs_export = 1.2.3.4:/x\n');
  });
  afterAll(async () => dir && rm(dir, { recursive: true, force: true }));

  it('lists base64 folders only, tells the two config models apart, and reports missing things as absent', async () => {
    const argv = detectTrilioArgv({
      roots: [join(dir, 'root'), join(dir, 'missing-root')],
      configs: [join(dir, 'six.conf'), join(dir, 'five.conf'), join(dir, 'absent.conf')],
      commands: ['sh', 'no-such-tool-here'],
      units: [],
    });
    const { stdout } = await run(argv[0]!, argv.slice(1));
    expect(parseDetection(stdout)).toEqual({
      roots: [{ path: join(dir, 'root'), entries: [{ name: mountDirNameFor(B1, 'path'), mounted: false }] }],
      configs: [
        { path: join(dir, 'six.conf'), readable: true, backends: true },
        { path: join(dir, 'five.conf'), readable: true, backends: false },
      ],
      commands: ['sh'],
      units: [],
    });
  });
});
