import { describe, expect, it } from 'vitest';
import { profileSchema, trilioCloudSchema } from '../../../shared/profile/profile.js';
import { validateProfile } from '../../../shared/profile/validate-profile.js';
import {
  knownMountRoots,
  shareMountPaths,
  targetMountPath,
  trilioFactsFor,
} from '../../../shared/trilio/trilio-facts.js';
import { configModelOf, folderFormOf, parseRelease } from '../../../shared/trilio/trilio-release.js';

const facts = (cloud: object) => trilioFactsFor(trilioCloudSchema.parse(cloud), 'target');

describe('Trilio releases', () => {
  it('4.1 and older hash the whole export; 4.2 on the path; 6.0/6.1 use backend sections, 6.2 manages targets', () => {
    const at = (r: string) => parseRelease(r)!;
    expect(['4.0', '4.1'].map((r) => folderFormOf(at(r)))).toEqual(['export', 'export']);
    expect(['4.2', '4.3', '5.2', '6.1'].map((r) => folderFormOf(at(r)))).toEqual([
      'path',
      'path',
      'path',
      'path',
    ]);
    expect(['5.2', '6.0', '6.1', '6.2', '7.0'].map((r) => configModelOf(at(r)))).toEqual([
      'export-list',
      'backends',
      'backends',
      'managed',
      'managed',
    ]);
    expect(parseRelease('5.2.4')).toEqual({ major: 5, minor: 2 });
    expect(parseRelease('5.x')).toBeNull();
  });
});

describe('trilioFactsFor: the installer table of reference/trilio-api.md', () => {
  it('packages (4.1): /var/triliovault-mounts, workloadmgr.conf and tvault-contego.conf, systemd, nova:nova', () => {
    expect(facts({})).toMatchObject({
      mountRoot: '/var/triliovault-mounts',
      folderForm: 'export',
      configModel: 'export-list',
      applianceConfigs: ['/etc/workloadmgr/workloadmgr.conf'],
      datamoverConfigs: ['/etc/tvault-contego/tvault-contego.conf'],
      restartAppliance: ['systemctl', 'restart', 'wlm-workloads'],
      restartDatamover: ['systemctl', 'restart', 'tvault-contego'],
      owner: 'nova:nova',
      editsFiles: true,
    });
  });

  it('Kolla (5.2): /var/trilio root, per-service WLM files, container restarts, uid 42436, path folders', () => {
    const kolla = facts({ installer: 'kolla', release: '5.2' });
    expect(kolla.mountRoot).toBe('/var/trilio/triliovault-mounts');
    expect(kolla.folderForm).toBe('path');
    expect(kolla.applianceConfigs).toContain(
      '/etc/kolla/triliovault-wlm-workloads/triliovault-wlm-workloads.conf',
    );
    expect(kolla.applianceConfigs).toContain('/etc/kolla/triliovault-wlm-workloads/triliovault-wlm.conf');
    expect(kolla.datamoverConfigs).toEqual(['/etc/kolla/triliovault-datamover/triliovault-datamover.conf']);
    expect(kolla.restartDatamover).toEqual(['docker', 'restart', 'triliovault_datamover']);
    expect(facts({ installer: 'kolla', containerEngine: 'podman' }).restartAppliance[0]).toBe('podman');
    expect(kolla.owner).toBe('42436:42436');
    expect(kolla.durableChange).toMatch(/globals.yml/);
  });

  it('director: /var/lib/nova root, puppet-generated files, tripleo_ units, 42436', () => {
    const rhosp = facts({ installer: 'rhosp', release: '5.2' });
    expect(rhosp.mountRoot).toBe('/var/lib/nova/triliovault-mounts');
    expect(rhosp.datamoverConfigs[0]).toBe(
      '/var/lib/config-data/puppet-generated/triliovaultdm/etc/triliovault-datamover/triliovault-datamover.conf',
    );
    expect(rhosp.restartDatamover).toEqual(['systemctl', 'restart', 'tripleo_triliovault_datamover']);
    expect(rhosp.owner).toBe('42436:42436');
    expect(rhosp.durableChange).toMatch(/NfsShares/);
  });

  it('OpenStack-Ansible is its own installer; Juju edits no files', () => {
    expect(facts({ installer: 'openstack-ansible' })).toMatchObject({
      mountRoot: '/var/triliovault-mounts',
      applianceConfigs: ['/etc/triliovault-wlm/triliovault-wlm.conf'],
      datamoverConfigs: ['/etc/triliovault-datamover/triliovault-datamover.conf'],
      restartDatamover: ['systemctl', 'restart', 'tvault-contego'],
    });
    expect(facts({ installer: 'juju' })).toMatchObject({ editsFiles: false, restartAppliance: [] });
  });

  it('every default can be overridden, and says where each value came from', () => {
    const f = facts({
      installer: 'kolla',
      release: '5.2',
      mountRoot: '/srv/tv/',
      folderForm: 'export',
      configModel: 'backends',
      applianceConfPath: '/etc/x.conf',
      datamoverConfPath: '/etc/y.conf',
      restartAppliance: ['/bin/true'],
      owner: '1000:1000',
    });
    expect(f).toMatchObject({
      mountRoot: '/srv/tv',
      folderForm: 'export',
      configModel: 'backends',
      applianceConfigs: ['/etc/x.conf'],
      datamoverConfigs: ['/etc/y.conf'],
      restartAppliance: ['/bin/true'],
      restartDatamover: ['docker', 'restart', 'triliovault_datamover'],
      owner: '1000:1000',
    });
    expect(f.origin).toMatchObject({ mountRoot: 'profile', folderForm: 'profile', owner: 'profile' });
    expect(facts({}).origin).toMatchObject({ mountRoot: 'installer', folderForm: 'release' });
  });

  it('mount paths per cloud: A1 as cloud A named it, B1/B2 as cloud B does; every root is known for backing paths', () => {
    const profile = profileSchema.parse({
      name: 'p',
      clouds: { source: { authUrl: '', region: '' }, target: { authUrl: '', region: '' } },
      nfs: {
        source: '10.10.2.20:/upstream',
        target: '10.20.3.22:/Trilio_Backup',
        syncedCopy: '10.20.3.23:/b2',
      },
      trilio: { source: { release: '4.1' }, target: { release: '5.2', installer: 'kolla' } },
    });
    expect(shareMountPaths(profile.trilio, profile.nfs)).toEqual({
      source: '/var/triliovault-mounts/MTAuMTAuMi4yMDovdXBzdHJlYW0=',
      target: '/var/trilio/triliovault-mounts/L1RyaWxpb19CYWNrdXA=',
      syncedCopy: `/var/trilio/triliovault-mounts/${btoa('/b2')}`,
    });
    expect(targetMountPath(profile.trilio, profile.nfs.target)).toBe(
      '/var/trilio/triliovault-mounts/L1RyaWxpb19CYWNrdXA=',
    );
    expect(knownMountRoots(profile.trilio)).toEqual(
      expect.arrayContaining([
        '/var/triliovault-mounts',
        '/var/trilio/triliovault-mounts',
        '/var/lib/nova/triliovault-mounts',
      ]),
    );
  });
});

describe('profiles saved before per-cloud Trilio facts', () => {
  const old = {
    name: 'old',
    clouds: { source: { authUrl: '', region: '' }, target: { authUrl: '', region: '' } },
    nfs: { target: '10.0.0.1:/b1', syncedCopy: '10.0.0.2:/b2', mountRoot: '/srv/mounts' },
    trilio: { flavor: 'kolla', trusteeRole: 'member', wlmConfPath: '/etc/w.conf', contegoConfPath: '' },
  };

  it('keep planning exactly what they planned: whole-export folders, their mount root and config paths', () => {
    const p = profileSchema.parse(old);
    expect(p.trilio.trusteeRole).toBe('member');
    expect(p.trilio.target).toMatchObject({
      release: '4.1',
      installer: 'kolla',
      mountRoot: '/srv/mounts',
      folderForm: 'export',
      applianceConfPath: '/etc/w.conf',
    });
    expect(p.trilio.source).toMatchObject({
      installer: 'kolla',
      mountRoot: '/srv/mounts',
      folderForm: 'export',
    });
    expect('mountRoot' in p.nfs).toBe(false);
    expect(targetMountPath(p.trilio, '10.0.0.2:/b2')).toBe(`/srv/mounts/${btoa('10.0.0.2:/b2')}`);
  });

  it('the systemd flavor becomes the packages installer; a profile in today’s shape is left alone', () => {
    const p = profileSchema.parse({
      ...old,
      trilio: { flavor: 'systemd' },
      nfs: { ...old.nfs, mountRoot: undefined },
    });
    expect(p.trilio.target).toMatchObject({ installer: 'packages', mountRoot: '/var/triliovault-mounts' });
    const today = profileSchema.parse({
      ...old,
      nfs: { target: 'a:/b', syncedCopy: 'c:/d' },
      trilio: { target: { release: '6.1' } },
    });
    expect(today.trilio.target).toMatchObject({
      release: '6.1',
      installer: 'packages',
      mountRoot: '',
      folderForm: 'auto',
    });
  });

  it('validation names a bad release, a relative root and a bad owner', () => {
    const p = profileSchema.parse({
      ...old,
      nfs: { target: '10.0.0.1:/b1', syncedCopy: '10.0.0.2:/b2' },
      trilio: { target: { release: '5.x', mountRoot: 'var/x', owner: 'nova' } },
    });
    const paths = validateProfile(p).map((e) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining(['trilio.target.release', 'trilio.target.mountRoot', 'trilio.target.owner']),
    );
  });
});
