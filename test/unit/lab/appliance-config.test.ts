import { describe, expect, it } from 'vitest';
import { parseDatabaseUrl, readApplianceConfig } from '../../lab/trilio/emulator/appliance-config.js';

/** The emulator's own reader of the appliance configuration, on the shapes trilio-api.md names. */
describe('appliance configuration', () => {
  it('reads vault_storage_nfs_export as a comma list, with or without spaces', () => {
    const conf = `[DEFAULT]
# backup targets
vault_storage_type = nfs
vault_storage_nfs_export = 10.10.2.20:/upstream,10.20.3.22:/upstream_target, 10.20.3.23:/synced
vault_data_directory = /var/triliovault-mounts
trustee_role = _member_, creator
domain_name = cloud_b

[database]
connection = mysql+pymysql://workloadmgr:wlm-db-secret@127.0.0.1/workloadmgr
`;
    expect(readApplianceConfig(conf, 'export-list')).toEqual({
      model: 'export-list',
      exports: ['10.10.2.20:/upstream', '10.20.3.22:/upstream_target', '10.20.3.23:/synced'],
      backends: [],
      dataDirectory: '/var/triliovault-mounts',
      domainName: 'cloud_b',
      trusteeRoles: ['_member_', 'creator'],
      database: {
        user: 'workloadmgr',
        password: 'wlm-db-secret',
        host: '127.0.0.1',
        port: 3306,
        database: 'workloadmgr',
      },
    });
  });

  it('takes a whitespace-separated list (OpenStack-Ansible joins NFS_SHARES with spaces)', () => {
    const conf = '[DEFAULT]\nvault_storage_nfs_export = 10.0.0.1:/a 10.0.0.2:/b\n';
    expect(readApplianceConfig(conf, 'export-list').exports).toEqual(['10.0.0.1:/a', '10.0.0.2:/b']);
  });

  it('lets the last occurrence win, joins continuation lines and ignores comments', () => {
    const conf = `[DEFAULT]
vault_storage_nfs_export = 10.0.0.1:/old
; a comment
vault_storage_nfs_export = 10.0.0.1:/a,
    10.0.0.2:/b
`;
    expect(readApplianceConfig(conf, 'export-list').exports).toEqual(['10.0.0.1:/a', '10.0.0.2:/b']);
  });

  it('reads 6.x enabled_backends sections and ignores vault_storage_nfs_export there', () => {
    const conf = `[DEFAULT]
enabled_backends = t1, t2,t3
vault_storage_nfs_export = 10.9.9.9:/ignored

[t1]
vault_storage_type = nfs
vault_storage_filesystem_export = 10.10.2.20:/Trilio_Backup
vault_storage_nfs_options = nolock
is_default = 1

[t2]
vault_storage_type = s3
vault_s3_bucket = backups

[t3]
vault_storage_type = nfs
vault_storage_filesystem_export = 10.10.2.21:/second
is_default = 0
`;
    const config = readApplianceConfig(conf, 'enabled-backends');
    expect(config.exports).toEqual(['10.10.2.20:/Trilio_Backup', '10.10.2.21:/second']);
    expect(config.backends).toEqual([
      { name: 't1', type: 'nfs', export: '10.10.2.20:/Trilio_Backup', isDefault: true },
      { name: 't2', type: 's3', export: '', isDefault: false },
      { name: 't3', type: 'nfs', export: '10.10.2.21:/second', isDefault: false },
    ]);
    // The same file read as an older release: only the DEFAULT list counts.
    expect(readApplianceConfig(conf, 'export-list').exports).toEqual(['10.9.9.9:/ignored']);
  });

  it('parses SQLAlchemy MySQL URLs with port, encoded password and query', () => {
    expect(parseDatabaseUrl('mysql+pymysql://wlm:p%40ss@10.0.0.5:3307/workloadmgr?charset=utf8')).toEqual({
      user: 'wlm',
      password: 'p@ss',
      host: '10.0.0.5',
      port: 3307,
      database: 'workloadmgr',
    });
    expect(parseDatabaseUrl('sqlite:///tmp/x.db')).toBeUndefined();
  });
});
