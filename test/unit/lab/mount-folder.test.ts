import { describe, expect, it } from 'vitest';
import { decodeMountFolder, mountFolderName, mountPathOf } from '../../lab/trilio/emulator/mount-folder.js';
import {
  configModelOf,
  folderFormOf,
  resolveTrilioProfile,
} from '../../lab/trilio/emulator/trilio-profile.js';

/** The emulator's own mount-folder names, checked against trilio-api.md's examples. */
describe('mount folder names (trilio-api.md)', () => {
  it('hashes the whole export up to 4.1 and only the path from 4.2', () => {
    expect(mountFolderName('10.10.2.20:/upstream', 'export')).toBe('MTAuMTAuMi4yMDovdXBzdHJlYW0=');
    expect(mountFolderName('10.10.2.20:/Trilio_Backup', 'path')).toBe('L1RyaWxpb19CYWNrdXA=');
    expect(mountFolderName('/Trilio_Backup', 'path')).toBe('L1RyaWxpb19CYWNrdXA=');
    // Path form: the same path on two servers is the same folder; export form: two folders.
    expect(mountFolderName('10.0.0.1:/Trilio_Backup', 'path')).toBe(
      mountFolderName('10.0.0.2:/Trilio_Backup', 'path'),
    );
    expect(mountFolderName('10.0.0.1:/Trilio_Backup', 'export')).not.toBe(
      mountFolderName('10.0.0.2:/Trilio_Backup', 'export'),
    );
  });

  it('is exact: a trailing slash or a host name gives another folder', () => {
    expect(mountFolderName('10.10.2.20:/upstream/', 'export')).not.toBe(
      mountFolderName('10.10.2.20:/upstream', 'export'),
    );
    expect(mountFolderName('nfs-a:/upstream', 'export')).not.toBe(
      mountFolderName('10.10.2.20:/upstream', 'export'),
    );
    expect(mountFolderName('10.10.2.20:/upstream/', 'path')).toBe(
      Buffer.from('/upstream/').toString('base64'),
    );
  });

  it('joins the mount root without doubling slashes', () => {
    expect(mountPathOf('10.10.2.20:/upstream', '/var/triliovault-mounts/', 'export')).toBe(
      '/var/triliovault-mounts/MTAuMTAuMi4yMDovdXBzdHJlYW0=',
    );
    expect(mountPathOf('10.10.2.20:/Trilio_Backup', '/var/trilio/triliovault-mounts', 'path')).toBe(
      '/var/trilio/triliovault-mounts/L1RyaWxpb19CYWNrdXA=',
    );
  });

  it('decodes folder names back to their form, and refuses what is not one', () => {
    expect(decodeMountFolder('MTAuMTAuMi4yMDovdXBzdHJlYW0=')).toEqual({
      form: 'export',
      text: '10.10.2.20:/upstream',
    });
    expect(decodeMountFolder('L1RyaWxpb19CYWNrdXA=')).toEqual({ form: 'path', text: '/Trilio_Backup' });
    expect(decodeMountFolder('L1RyaWxpb19CYWNrdXA')).toBeNull(); // padding dropped
    expect(decodeMountFolder('staging')).toBeNull();
    expect(decodeMountFolder(Buffer.from('just text').toString('base64'))).toBeNull();
  });
});

describe('release and installer defaults', () => {
  it('switches the folder form at 4.2 and the config model at 6.x', () => {
    expect(['3.4', '4.0', '4.1', '4.2', '4.3', '5.2', '6.1'].map(folderFormOf)).toEqual([
      'export',
      'export',
      'export',
      'path',
      'path',
      'path',
      'path',
    ]);
    expect(['4.1', '5.2', '6.0', '6.1'].map(configModelOf)).toEqual([
      'export-list',
      'export-list',
      'enabled-backends',
      'enabled-backends',
    ]);
    expect(() => folderFormOf('latest')).toThrow(/major\.minor/);
  });

  it('is today’s lab without input, and follows the installer table otherwise', () => {
    expect(resolveTrilioProfile()).toMatchObject({
      release: '4.1',
      installer: 'packages',
      mountRoot: '/var/triliovault-mounts',
      folderForm: 'export',
      configModel: 'export-list',
      applianceConfigPath: '/etc/workloadmgr/workloadmgr.conf',
      shareOwner: { uid: 162, gid: 162 },
    });
    expect(resolveTrilioProfile({ release: '5.2', installer: 'kolla' })).toMatchObject({
      mountRoot: '/var/trilio/triliovault-mounts',
      folderForm: 'path',
      datamoverConfigPath: '/etc/kolla/triliovault-datamover/triliovault-datamover.conf',
      shareOwner: { uid: 42436, gid: 42436 },
    });
    expect(resolveTrilioProfile({ release: '5.2', installer: 'rhosp' }).mountRoot).toBe(
      '/var/lib/nova/triliovault-mounts',
    );
    expect(resolveTrilioProfile({ release: '6.1' }).configModel).toBe('enabled-backends');
    expect(
      resolveTrilioProfile({
        release: '5.2',
        installer: 'kolla',
        mountRoot: '/var/triliovault-mounts',
        folderForm: 'export',
      }),
    ).toMatchObject({ mountRoot: '/var/triliovault-mounts', folderForm: 'export' });
  });
});
