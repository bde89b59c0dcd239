/**
 * Where each Trilio installer keeps what the DR touches: the mount root, the config files, how its
 * services restart and who owns the backup files. Sources (checked 2026-12): reference/trilio-api.md's
 * installer table, trilioData/triliovault-cfg-scripts branch maint/5.2 — kolla-ansible/ansible/roles/
 * triliovault (defaults: `triliovault_parent_data_directory: /var/trilio`, run_user 42436; tasks/config.yml
 * writes `/etc/kolla/<svc>/<svc>.conf` for each triliovault-wlm-* service), redhat-director-scripts/
 * rhosp17/services (config volumes `triliovaultdm`, `triliovaultwlmworkloads`; mounts
 * `/var/lib/nova/triliovault-mounts`), ansible/roles/openstack-ansible-os_triliovault_wlm (`wlm_cfg`
 * `/etc/triliovault-wlm/triliovault-wlm.conf`, services wlm-api/wlm-workloads, `triliovault_mnt_dir`
 * `/var/triliovault-mounts`), ansible-tvault-contego-extension (`TVAULT_CONTEGO_CONF`
 * `/etc/triliovault-datamover/triliovault-datamover.conf`, tvault-contego.service).
 * Where the reference and the scripts name different files, both are candidates: pre-flight uses the
 * ones that exist on the node.
 */
export const trilioInstallers = ['packages', 'kolla', 'rhosp', 'openstack-ansible', 'juju'] as const;
export type TrilioInstaller = (typeof trilioInstallers)[number];

export type ContainerEngine = 'docker' | 'podman';

export interface InstallerFacts {
  label: string;
  mountRoot: string;
  /** The appliance's (WLM) config files; every one that exists on a node is edited. */
  applianceConfigs: string[];
  /** The datamover's config file candidates on a compute node (the first that exists is edited). */
  datamoverConfigs: string[];
  /** How the WLM workloads service and the datamover restart; `{engine}` is docker or podman. */
  restartAppliance: string[];
  restartDatamover: string[];
  /** Owner of workload folders on the share, as `chown` takes it. */
  owner: string;
  /** False: the orchestrator owns the files (Juju charms); the change is a manual action. */
  editsFiles: boolean;
  /** What keeps a configuration change past the orchestrator's next run, or '' when the file is the truth. */
  durableChange: string;
}

const wlmServices = ['workloads', 'api', 'scheduler', 'cron'] as const;

const facts: Record<TrilioInstaller, InstallerFacts> = {
  packages: {
    label: 'packages (RHEL/Ubuntu, Trilio appliance VM)',
    mountRoot: '/var/triliovault-mounts',
    applianceConfigs: ['/etc/workloadmgr/workloadmgr.conf'],
    datamoverConfigs: ['/etc/tvault-contego/tvault-contego.conf'],
    restartAppliance: ['systemctl', 'restart', 'wlm-workloads'],
    restartDatamover: ['systemctl', 'restart', 'tvault-contego'],
    owner: 'nova:nova',
    editsFiles: true,
    durableChange: '',
  },
  kolla: {
    label: 'Kolla-Ansible (containers)',
    mountRoot: '/var/trilio/triliovault-mounts',
    applianceConfigs: wlmServices.flatMap((s) => [
      `/etc/kolla/triliovault-wlm-${s}/triliovault-wlm-${s}.conf`,
      `/etc/kolla/triliovault-wlm-${s}/triliovault-wlm.conf`,
    ]),
    datamoverConfigs: ['/etc/kolla/triliovault-datamover/triliovault-datamover.conf'],
    restartAppliance: ['{engine}', 'restart', 'triliovault_wlm_workloads'],
    restartDatamover: ['{engine}', 'restart', 'triliovault_datamover'],
    owner: '42436:42436',
    editsFiles: true,
    durableChange:
      'kolla-ansible rewrites these files on its next deploy or reconfigure: the durable setting is `triliovault_nfs_shares` in /etc/kolla/globals.yml, applied with `kolla-ansible reconfigure -t triliovault`.',
  },
  rhosp: {
    label: 'Red Hat OpenStack director (TripleO containers)',
    mountRoot: '/var/lib/nova/triliovault-mounts',
    applianceConfigs: wlmServices.map(
      (s) =>
        `/var/lib/config-data/puppet-generated/triliovaultwlm${s}/etc/triliovault-wlm/triliovault-wlm.conf`,
    ),
    datamoverConfigs: [
      '/var/lib/config-data/puppet-generated/triliovaultdm/etc/triliovault-datamover/triliovault-datamover.conf',
      '/var/lib/config-data/puppet-generated/triliodm/etc/triliovault-datamover/triliovault-datamover.conf',
    ],
    restartAppliance: ['systemctl', 'restart', 'tripleo_triliovault_wlm_workloads'],
    restartDatamover: ['systemctl', 'restart', 'tripleo_triliovault_datamover'],
    owner: '42436:42436',
    editsFiles: true,
    durableChange:
      'The next `openstack overcloud deploy` regenerates the puppet-generated files: the durable setting is `NfsShares` under parameter_defaults in the Trilio environment file (trilio_env.yaml).',
  },
  'openstack-ansible': {
    label: 'OpenStack-Ansible',
    mountRoot: '/var/triliovault-mounts',
    applianceConfigs: ['/etc/triliovault-wlm/triliovault-wlm.conf'],
    datamoverConfigs: ['/etc/triliovault-datamover/triliovault-datamover.conf'],
    restartAppliance: ['systemctl', 'restart', 'wlm-workloads'],
    restartDatamover: ['systemctl', 'restart', 'tvault-contego'],
    owner: 'nova:nova',
    editsFiles: true,
    durableChange:
      'The Trilio playbooks rewrite these files on their next run: the durable setting is `NFS_SHARES` in the Trilio user variables of /etc/openstack_deploy.',
  },
  juju: {
    label: 'Juju charms (trilio-wlm, trilio-data-mover)',
    mountRoot: '/var/triliovault-mounts',
    applianceConfigs: ['/etc/workloadmgr/workloadmgr.conf'],
    datamoverConfigs: ['/etc/tvault-contego/tvault-contego.conf'],
    restartAppliance: [],
    restartDatamover: [],
    owner: 'nova:nova',
    editsFiles: false,
    durableChange:
      'The charms own these files: change the `nfs-shares` option of trilio-wlm and trilio-data-mover with `juju config`; never edit the files.',
  },
};

export function installerFacts(installer: TrilioInstaller): InstallerFacts {
  return facts[installer];
}

/** A restart command with the container engine filled in. */
export function withEngine(argv: readonly string[], engine: ContainerEngine): string[] {
  return argv.map((a) => (a === '{engine}' ? engine : a));
}

/** The Juju applications and their option (charm config `nfs-shares`). */
export const jujuCharms = { wlmApp: 'trilio-wlm', datamoverApp: 'trilio-data-mover', option: 'nfs-shares' };
