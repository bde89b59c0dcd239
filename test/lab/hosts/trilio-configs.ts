/**
 * The initial files of a lab host, as an operator would find them before DR: Trilio's oslo INI
 * configuration (only the B1 share configured) and an fstab with the host's root file system.
 */

export interface InitialConfigInput {
  hostName: string;
  tvmAddress: string;
  /** The one export configured at first (B1). */
  nfsExport: string;
  mountRoot: string;
}

const nfsOptions = 'nolock,soft,timeo=180,intr,lookupcache=none';

export function workloadmgrConf(input: InitialConfigInput): string {
  return `[DEFAULT]
# TrilioVault Workload Manager, appliance ${input.hostName}.
# Written by the configurator; keep the option names as they are.

verbose = True
debug = False
log_dir = /var/log/workloadmgr
use_syslog = False

api_paste_config = /etc/workloadmgr/api-paste.ini
rootwrap_config = /etc/workloadmgr/rootwrap.conf
state_path = /var/lib/workloadmgr
osapi_workloads_listen = 0.0.0.0
osapi_workloads_listen_port = 8780
api_workers = 4
workloads_workers = 4
config_status = configured
triliovault_hostnames = ${input.tvmAddress}

# Keystone role a user needs so that Trilio can act for them (trusts).
trustee_role = creator
region_name_for_services = RegionB
domain_name = cloud_b

# Backup target
vault_storage_type = nfs
vault_storage_nfs_export = ${input.nfsExport}
vault_storage_nfs_options = ${nfsOptions}
vault_data_directory = ${input.mountRoot}
vault_data_directory_old = /var/triliovault

[database]
connection = mysql+pymysql://workloadmgr:wlm-db-secret@127.0.0.1/workloadmgr

[keystone_authtoken]
www_authenticate_uri = http://127.0.0.1:5000/v3
auth_url = http://127.0.0.1:5000/v3
auth_type = password
project_domain_name = Default
user_domain_name = Default
project_name = service
username = trilio
password = lab-trilio-pw
region_name = RegionB

[oslo_messaging_rabbit]
rabbit_ha_queues = False
amqp_durable_queues = False

[clients]
endpoint_type = internal
insecure = True
`;
}

export function tvaultContegoConf(input: InitialConfigInput): string {
  return `[DEFAULT]
# TrilioVault datamover (tvault-contego) on compute node ${input.hostName}.
vault_storage_type = nfs
vault_storage_nfs_export = ${input.nfsExport}
vault_storage_nfs_options = ${nfsOptions}
vault_data_directory = ${input.mountRoot}
vault_data_directory_old = /var/triliovault
log_file = /var/log/nova/tvault-contego.log
debug = False
verbose = True
max_uploads_pending = 3
max_commit_pending = 3

[contego_sys_admin]
helper_command = sudo /usr/bin/privsep-helper

[conductor]
use_local = True

[oslo_messaging_rabbit]
ssl = false

[libvirt]
images_rbd_ceph_conf = /etc/ceph/ceph.conf
rbd_user = nova

[ceph]
keyring_ext = .nova.keyring
`;
}

/**
 * fstab with the host's real root file system (so `mount -a` has nothing to do at first) and no
 * Trilio lines: Trilio's services mount their shares themselves.
 */
export function initialFstab(root: { source: string; fstype: string }): string {
  return `# /etc/fstab: static file system information.
#
# Use 'blkid' to print the universally unique identifier for a
# device; this may be used with UUID= as a more robust way to name devices
# that works even if disks are added and removed. See fstab(5).
#
# <file system> <mount point>   <type>  <options>       <dump>  <pass>
# / was on ${root.source} during installation
${root.source} /               ${root.fstype}    errors=remount-ro 0       1
# swap was on /dev/vdb1 during installation
#/dev/vdb1 none            swap    sw              0       0
`;
}
