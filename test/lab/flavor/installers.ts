import type { ContainerEngine, LabInstaller } from './flavor.js';

/**
 * How each installer lays Trilio out on the hosts the lab builds: mount root, config files, how each
 * service is started (systemd unit and/or container), who nova is, which port the API is registered
 * with. Sources (checked for this lab; see test/lab/README.md "Flavors"):
 *
 * - reference/trilio-api.md, installer table and "Configuration and services".
 * - trilioData/triliovault-cfg-scripts, branch maint/5.2:
 *   - kolla-ansible/ansible/roles/triliovault/defaults/main.yml: containers triliovault_wlm_{api,
 *     workloads,scheduler,cron}, triliovault_datamover; run_user/group 42436;
 *     `triliovault_parent_data_directory: /var/trilio`; `triliovault_wlm_api_port: 8781`;
 *     `kolla_container_engine: docker`.
 *   - kolla-ansible/.../tasks/config.yml: each WLM service gets
 *     `{{ node_config_directory }}/<svc>/<svc>.conf` (= /etc/kolla/triliovault-wlm-<svc>/
 *     triliovault-wlm-<svc>.conf; the reference says `…/triliovault-wlm.conf` — that is the name the
 *     file gets *inside* the container, per templates/triliovault-wlm-<svc>.json.j2; the lab follows
 *     the scripts for the host path), /etc/kolla/triliovault-datamover/triliovault-datamover.conf,
 *     `/var/trilio/triliovault-mounts` created 42436:42436 0755; templates set
 *     `vault_data_directory = /var/trilio/triliovault-mounts`.
 *   - redhat-director-scripts/rhosp17/services/triliovault-*.yaml: config volumes
 *     triliovaultwlm{api,workloads,scheduler,cron} and triliovaultdm under
 *     /var/lib/config-data/puppet-generated/, /var/lib/nova/triliovault-mounts, containers
 *     triliovault_wlm_* and triliovault_datamover (TripleO runs each as systemd unit
 *     tripleo_<container> with podman); puppet/trilio manifests own files as '42436' by number.
 *     environments/endpoint_map.yaml and defaults.yaml register the WLM API on 8781 (HAProxy; the
 *     service itself listens on 8780): the lab registers 8781, as the scripts do (the reference names
 *     8781 for Kolla and OSA only).
 *   - ansible/roles/openstack-ansible-os_triliovault_wlm: `wlm_cfg` /etc/triliovault-wlm/
 *     triliovault-wlm.conf, services wlm-api, wlm-workloads, wlm-scheduler, wlm-cron,
 *     `triliovault_mnt_dir: /var/triliovault-mounts`, `osapi_workloads_listen_port: 8781`;
 *     templates/nova_userid.sh gives nova uid/gid 42436 in the WLM container.
 *   - ansible/roles/ansible-tvault-contego-extension and ansible/environments/group_vars/all/vars.yml:
 *     `TVAULT_CONTEGO_CONF: /etc/triliovault-datamover/triliovault-datamover.conf`, service
 *     tvault-contego.service, user/group `nova` (uid read with `id -u nova`).
 * - Juju: the charms keep the package layout (/etc/workloadmgr, /etc/tvault-contego, the same units)
 *   and own the files (the standard OpenStack charm header says so); port 8780.
 */

/** The lab's names for Trilio's services: what their state files are called on every installer. */
export type LabServiceName = 'wlm-api' | 'wlm-scheduler' | 'wlm-workloads' | 'wlm-cron' | 'tvault-contego';

export interface ServiceLayout {
  service: LabServiceName;
  description: string;
  /** The config file the service reads (on the host; a container gets it copied in at start). */
  config: string;
  /** systemd unit that starts it, if any. */
  unit?: string;
  /** Container it runs in, if any. */
  container?: string;
  /** Whether starting it mounts the backup targets (wlm-workloads and the datamover). */
  mounts: boolean;
}

export interface Account {
  uid: number;
  gid: number;
  /** None: the id has no name on the host (Kolla's and director's nova). */
  name: string | null;
}

export interface InstallerLayout {
  mountRoot: string;
  /** Owner and mode of the mount root as the installer creates it. */
  mountRootOwner: { uid: number; gid: number; mode: number };
  nova: Account;
  /** Port of the `workloads` endpoint in the catalog. */
  apiPort: number;
  appliance: ServiceLayout[];
  datamover: ServiceLayout[];
  /** Restart commands an operator uses ([] where the orchestrator owns the service: Juju). */
  restartAppliance: string[];
  restartDatamover: string[];
  /** The files belong to an orchestrator that rewrites them (Juju charms). */
  charmManaged: boolean;
  /** Which config text style the installer writes (see hosts/trilio-configs.ts). */
  style: 'workloadmgr' | 'kolla' | 'rhosp' | 'openstack-ansible';
}

const wlm = ['api', 'scheduler', 'workloads', 'cron'] as const;
const wlmDescription = {
  api: 'TrilioVault Workload Manager API',
  scheduler: 'TrilioVault Workload Manager scheduler',
  workloads: 'TrilioVault Workload Manager workloads',
  cron: 'TrilioVault Workload Manager cron',
} as const;
const datamoverDescription = 'TrilioVault datamover (tvault-contego)';

const packageUnits = (wlmConf: string, datamoverConf: string) => ({
  appliance: wlm.map((s): ServiceLayout => ({
    service: `wlm-${s}`,
    description: wlmDescription[s],
    config: wlmConf,
    unit: `wlm-${s}`,
    mounts: s === 'workloads',
  })),
  datamover: [
    {
      service: 'tvault-contego',
      description: datamoverDescription,
      config: datamoverConf,
      unit: 'tvault-contego',
      mounts: true,
    } satisfies ServiceLayout,
  ],
  restartAppliance: ['systemctl', 'restart', 'wlm-workloads'],
  restartDatamover: ['systemctl', 'restart', 'tvault-contego'],
});

const nova162: Account = { uid: 162, gid: 162, name: 'nova' };
const rootOwned = { uid: 0, gid: 0, mode: 0o755 };

export function installerLayout(installer: LabInstaller, engine: ContainerEngine | null): InstallerLayout {
  switch (installer) {
    case 'packages':
    case 'juju':
      return {
        mountRoot: '/var/triliovault-mounts',
        mountRootOwner: rootOwned,
        nova: nova162,
        apiPort: 8780,
        ...packageUnits('/etc/workloadmgr/workloadmgr.conf', '/etc/tvault-contego/tvault-contego.conf'),
        ...(installer === 'juju' ? { restartAppliance: [], restartDatamover: [] } : {}),
        charmManaged: installer === 'juju',
        style: 'workloadmgr',
      };
    case 'openstack-ansible': {
      const nova: Account = { uid: 42436, gid: 42436, name: 'nova' };
      return {
        mountRoot: '/var/triliovault-mounts',
        mountRootOwner: { uid: nova.uid, gid: nova.gid, mode: 0o775 },
        nova,
        apiPort: 8781,
        ...packageUnits(
          '/etc/triliovault-wlm/triliovault-wlm.conf',
          '/etc/triliovault-datamover/triliovault-datamover.conf',
        ),
        charmManaged: false,
        style: 'openstack-ansible',
      };
    }
    case 'kolla': {
      const tool = engine ?? 'docker';
      return {
        mountRoot: '/var/trilio/triliovault-mounts',
        mountRootOwner: { uid: 42436, gid: 42436, mode: 0o755 },
        nova: { uid: 42436, gid: 42436, name: null },
        apiPort: 8781,
        appliance: wlm.map((s) => ({
          service: `wlm-${s}`,
          description: wlmDescription[s],
          config: `/etc/kolla/triliovault-wlm-${s}/triliovault-wlm-${s}.conf`,
          container: `triliovault_wlm_${s}`,
          mounts: s === 'workloads',
        })),
        datamover: [
          {
            service: 'tvault-contego',
            description: datamoverDescription,
            config: '/etc/kolla/triliovault-datamover/triliovault-datamover.conf',
            container: 'triliovault_datamover',
            mounts: true,
          },
        ],
        restartAppliance: [tool, 'restart', 'triliovault_wlm_workloads'],
        restartDatamover: [tool, 'restart', 'triliovault_datamover'],
        charmManaged: false,
        style: 'kolla',
      };
    }
    case 'rhosp': {
      const generated = '/var/lib/config-data/puppet-generated';
      return {
        mountRoot: '/var/lib/nova/triliovault-mounts',
        mountRootOwner: { uid: 42436, gid: 42436, mode: 0o755 },
        nova: { uid: 42436, gid: 42436, name: null },
        apiPort: 8781,
        appliance: wlm.map((s) => ({
          service: `wlm-${s}`,
          description: wlmDescription[s],
          config: `${generated}/triliovaultwlm${s}/etc/triliovault-wlm/triliovault-wlm.conf`,
          unit: `tripleo_triliovault_wlm_${s}`,
          container: `triliovault_wlm_${s}`,
          mounts: s === 'workloads',
        })),
        datamover: [
          {
            service: 'tvault-contego',
            description: datamoverDescription,
            config: `${generated}/triliovaultdm/etc/triliovault-datamover/triliovault-datamover.conf`,
            unit: 'tripleo_triliovault_datamover',
            container: 'triliovault_datamover',
            mounts: true,
          },
        ],
        restartAppliance: ['systemctl', 'restart', 'tripleo_triliovault_wlm_workloads'],
        restartDatamover: ['systemctl', 'restart', 'tripleo_triliovault_datamover'],
        charmManaged: false,
        style: 'rhosp',
      };
    }
  }
}
