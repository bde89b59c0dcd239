import { describe, expect, it } from 'vitest';
import { flavorFacts } from '../../lab/flavor/flavor-facts.js';
import { configModelOf, flavorKey, folderFormOf, resolveFlavor } from '../../lab/flavor/flavor.js';
import { mountFolderName, mountPathOf } from '../../lab/flavor/mount-folder.js';
import { labInstallers } from '../../lab/flavor/flavor.js';
import { workloadmgrConf, tvaultContegoConf } from '../../lab/hosts/trilio-configs.js';

/** The lab's own flavor table and folder names (pure), checked against literal values from the reference. */
describe('lab flavors', () => {
  it('names mount folders by the whole export up to 4.1 and by the path from 4.2 (Python base64, padding kept)', () => {
    expect(folderFormOf('4.0')).toBe('export');
    expect(folderFormOf('4.1')).toBe('export');
    expect(folderFormOf('4.2')).toBe('path');
    expect(folderFormOf('5.2')).toBe('path');
    expect(folderFormOf('6.1')).toBe('path');
    // trilio-api.md's examples.
    expect(mountFolderName('10.10.2.20:/upstream', 'export')).toBe('MTAuMTAuMi4yMDovdXBzdHJlYW0=');
    expect(mountFolderName('10.10.2.20:/Trilio_Backup', 'path')).toBe('L1RyaWxpb19CYWNrdXA=');
    expect(mountPathOf('10.20.3.22:/upstream_target', '/var/trilio/triliovault-mounts/', 'path')).toBe(
      '/var/trilio/triliovault-mounts/L3Vwc3RyZWFtX3RhcmdldA==',
    );
  });

  it('uses enabled_backends on 6.0 and 6.1 only', () => {
    expect(configModelOf('5.2')).toBe('export-list');
    expect(configModelOf('6.0')).toBe('backends');
    expect(configModelOf('6.1')).toBe('backends');
  });

  it('defaults to 4.1 from packages, backups by the same Trilio', () => {
    expect(resolveFlavor()).toEqual({
      release: '4.1',
      installer: 'packages',
      containerEngine: null,
      backups: { release: '4.1', installer: 'packages' },
    });
    expect(flavorKey(resolveFlavor({ release: '5.2', installer: 'kolla', backupsRelease: '4.1' }))).toBe(
      '5.2 kolla/docker, backups 4.1 kolla',
    );
    expect(resolveFlavor({ installer: 'rhosp' }).containerEngine).toBe('podman');
  });

  it('refuses what it does not play, saying what would do', () => {
    expect(() => resolveFlavor({ release: '6.2' })).toThrow(/not one the lab plays/);
    expect(() => resolveFlavor({ release: 'five' })).toThrow(/not one the lab plays/);
    expect(() => resolveFlavor({ installer: 'salt' })).toThrow(/not one the lab plays/);
    expect(() => resolveFlavor({ installer: 'packages', containerEngine: 'podman' })).toThrow(/Kolla only/);
    expect(() => resolveFlavor({ installer: 'kolla', containerEngine: 'lxc' })).toThrow(/docker or podman/);
  });

  it('has one wlm-workloads and one datamover per installer, each with a config file and a way to start', () => {
    for (const installer of labInstallers) {
      const f = flavorFacts(resolveFlavor({ release: '5.2', installer }));
      const services = [...f.layout.appliance, ...f.layout.datamover];
      expect(services.map((s) => s.service).sort()).toEqual([
        'tvault-contego',
        'wlm-api',
        'wlm-cron',
        'wlm-scheduler',
        'wlm-workloads',
      ]);
      for (const s of services) expect(s.unit ?? s.container, `${installer} ${s.service}`).toBeTruthy();
      expect(f.applianceConfigs).toContain(f.applianceConfig);
    }
  });

  it('writes B1 as the one target in the release’s model', () => {
    const input = { hostName: 'tvm-1', tvmAddress: '127.0.0.11', nfsExport: '10.20.3.22:/upstream_target' };
    const five = workloadmgrConf({ ...input, mountRoot: '/var/triliovault-mounts' });
    expect(five).toMatch(/^vault_storage_nfs_export = 10\.20\.3\.22:\/upstream_target$/m);
    expect(five).not.toContain('enabled_backends');
    const six = tvaultContegoConf({
      ...input,
      mountRoot: '/var/triliovault-mounts',
      configModel: 'backends',
    });
    expect(six).toMatch(/^enabled_backends = nfs_b1$/m);
    expect(six).toMatch(
      /^\[nfs_b1\]\nvault_storage_type = nfs\nvault_storage_filesystem_export = 10\.20\.3\.22:\/upstream_target\n/m,
    );
    expect(six).not.toMatch(/^vault_storage_nfs_export/m);
  });
});
