import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { base64Encode } from '../../../shared/nfs/mount-path.js';
import {
  applianceProbeArgv,
  hostCheckArgv,
  parseApplianceProbe,
  parseHostCheck,
  parseShareCheck,
  shareCheckArgv,
} from '../../../shared/plans/onboarding-probes.js';
import { runLocal } from '../discovery/support/run-local.js';

/** The onboarding probe scripts run in a real local shell, and their parsers on real-shaped output. */
const dir = mkdtempSync(path.join(os.tmpdir(), 'probe-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (argv: string[]) => runLocal(argv[0]!, argv.slice(1));

describe('host check script', () => {
  it('reports each fact on its own line, the first readable config, and the restart target', async () => {
    mkdirSync(path.join(dir, 'mounts'));
    writeFileSync(path.join(dir, 'second.conf'), '[DEFAULT]\n');
    const r = await run(
      hostCheckArgv({
        mountRoot: path.join(dir, 'mounts'),
        configs: [path.join(dir, 'first.conf'), path.join(dir, 'second.conf')],
        restart: ['true', 'restart', 'x'],
      }),
    );
    expect(r.code).toBe(0);
    const parsed = parseHostCheck(r.stdout);
    expect(parsed).toMatchObject({
      sudo: { state: os.userInfo().uid === 0 ? 'root' : expect.any(String) },
      mountRoot: 'ok',
      config: { state: 'ok', file: path.join(dir, 'second.conf') },
      restart: { state: 'ok', target: 'true' },
    });
    expect(parsed?.qemuImg.state).toBe('ok');
  });

  it('says fail for a missing mount root, config and restart program, na for no restart', async () => {
    const missing = await run(
      hostCheckArgv({
        mountRoot: path.join(dir, 'nope'),
        configs: [path.join(dir, 'nope.conf')],
        restart: ['no-such-program-xyz'],
      }),
    );
    expect(parseHostCheck(missing.stdout)).toMatchObject({
      mountRoot: 'fail',
      config: { state: 'fail' },
      restart: { state: 'fail', target: 'no-such-program-xyz' },
    });
    const none = await run(hostCheckArgv({ mountRoot: dir, configs: [], restart: [] }));
    expect(parseHostCheck(none.stdout)?.restart.state).toBe('na');
    expect(parseHostCheck('garbage')).toBeNull();
  });

  it('passes hostile paths as data', async () => {
    const hostile = path.join(dir, "it's $(touch pwned); `x`");
    mkdirSync(hostile);
    const r = await run(hostCheckArgv({ mountRoot: hostile, configs: [], restart: [] }));
    expect(parseHostCheck(r.stdout)?.mountRoot).toBe('ok');
    expect(r.stdout).not.toContain('pwned');
  });
});

describe('share check script', () => {
  it('parses its three answers', () => {
    expect(parseShareCheck('share\tmounted\n')).toEqual({ state: 'mounted', detail: '' });
    expect(parseShareCheck('share\tfail\tmount.nfs: access denied\n')).toEqual({
      state: 'fail',
      detail: 'mount.nfs: access denied',
    });
    expect(shareCheckArgv('10.0.0.1:/x', '/var/triliovault-mounts/abc').slice(0, 2)).toEqual(['sh', '-c']);
  });
});

describe('appliance probe', () => {
  it('runs on a node without Trilio and says so', async () => {
    const r = await run(applianceProbeArgv());
    expect(r.code).toBe(0);
    expect(parseApplianceProbe(r.stdout).notes.join(' ')).toMatch(/No Trilio appliance configuration/);
  });

  it('reads the export list, mount root, domain, trustee role, folder form and release', () => {
    const folder = base64Encode('10.20.3.22:/upstream_target');
    const p = parseApplianceProbe(
      [
        'conf\tpackages\t/etc/workloadmgr/workloadmgr.conf',
        'line\t[DEFAULT]',
        'line\ttrustee_role = creator',
        'line\tdomain_name = cloud_b',
        'line\tvault_storage_type = nfs',
        'line\tvault_storage_nfs_export = 10.20.3.22:/upstream_target, 10.20.3.23:/other',
        'line\tvault_data_directory = /var/triliovault-mounts/',
        `mnt\t${folder}`,
        'pkg\t4.1.94-1',
      ].join('\n'),
    );
    expect(p).toMatchObject({
      installer: 'packages',
      mountRoot: '/var/triliovault-mounts',
      nfsExports: ['10.20.3.22:/upstream_target', '10.20.3.23:/other'],
      configModel: 'export-list',
      domainName: 'cloud_b',
      trusteeRole: 'creator',
      folderForm: 'export',
      release: '4.1',
    });
  });

  it('reads 6.x backend sections and tells Juju from packages', () => {
    const p = parseApplianceProbe(
      [
        'conf\tpackages\t/etc/workloadmgr/workloadmgr.conf',
        'juju\tyes',
        'line\t[DEFAULT]',
        'line\tenabled_backends = t1, t2',
        'line\t[t1]',
        'line\tvault_storage_type = nfs',
        'line\tvault_storage_filesystem_export = 10.0.0.9:/nfs1',
        'line\t[t2]',
        'line\tvault_storage_type = s3',
        `mnt\t${base64Encode('/nfs1')}`,
      ].join('\n'),
    );
    expect(p).toMatchObject({
      installer: 'juju',
      configModel: 'backends',
      nfsExports: ['10.0.0.9:/nfs1'],
      folderForm: 'path',
    });
    expect(p.notes.join(' ')).toMatch(/release could not be read/);
  });
});

describe('appliance probe notes', () => {
  it('notes several installers only for different files (packages and Juju share one)', () => {
    const same = parseApplianceProbe(
      'conf\tpackages\t/etc/workloadmgr/workloadmgr.conf\nconf\tjuju\t/etc/workloadmgr/workloadmgr.conf\n',
    );
    expect(same.notes.join(' ')).not.toMatch(/several installers/);
    const two = parseApplianceProbe(
      'conf\tpackages\t/etc/workloadmgr/workloadmgr.conf\nconf\topenstack-ansible\t/etc/triliovault-wlm/triliovault-wlm.conf\n',
    );
    expect(two.notes.join(' ')).toMatch(/several installers/);
  });
});
