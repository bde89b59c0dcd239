import type { DeploymentFlavor, TrilioConfig } from '../profile/profile.js';

/**
 * How each deployment flavor keeps Trilio's NFS configuration and restarts its services. The lab runs
 * the systemd flavor for real; the others are planned from these facts (override the paths in the
 * profile where a deployment differs). Juju deployments must change charm config through the
 * orchestrator (runbook: "adapt the environment files for these orchestrators"), so their plan is a
 * manual action the user confirms, then the wizard verifies the mounts.
 */
export interface FlavorFacts {
  /** Edit the files over SSH (false: the orchestrator owns them). */
  editsFiles: boolean;
  wlmConf: string;
  contegoConf: string;
  restartWlm: string[];
  restartContego: string[];
  /** Juju: the charm applications and their option. */
  juju?: { wlmApp: string; datamoverApp: string; option: string };
}

const flavors: Record<DeploymentFlavor, FlavorFacts> = {
  systemd: {
    editsFiles: true,
    wlmConf: '/etc/workloadmgr/workloadmgr.conf',
    contegoConf: '/etc/tvault-contego/tvault-contego.conf',
    restartWlm: ['systemctl', 'restart', 'wlm-workloads'],
    restartContego: ['systemctl', 'restart', 'tvault-contego'],
  },
  kolla: {
    editsFiles: true,
    wlmConf: '/etc/kolla/triliovault-wlm-workloads/triliovault-wlm.conf',
    contegoConf: '/etc/kolla/triliovault-datamover/triliovault-datamover.conf',
    restartWlm: ['docker', 'restart', 'triliovault_wlm_workloads'],
    restartContego: ['docker', 'restart', 'triliovault_datamover'],
  },
  rhosp: {
    editsFiles: true,
    wlmConf: '/var/lib/config-data/puppet-generated/triliovaultwlm/etc/triliovault-wlm/triliovault-wlm.conf',
    contegoConf:
      '/var/lib/config-data/puppet-generated/triliovault-datamover/etc/triliovault-datamover/triliovault-datamover.conf',
    restartWlm: ['podman', 'restart', 'triliovault_wlm_workloads'],
    restartContego: ['podman', 'restart', 'triliovault_datamover'],
  },
  juju: {
    editsFiles: false,
    wlmConf: '/etc/workloadmgr/workloadmgr.conf',
    contegoConf: '/etc/tvault-contego/tvault-contego.conf',
    restartWlm: [],
    restartContego: [],
    juju: { wlmApp: 'trilio-wlm', datamoverApp: 'trilio-data-mover', option: 'nfs-shares' },
  },
};

/** The flavor's facts with the profile's path overrides applied. */
export function flavorFacts(
  trilio: Pick<TrilioConfig, 'flavor' | 'wlmConfPath' | 'contegoConfPath'>,
): FlavorFacts {
  const base = flavors[trilio.flavor];
  return {
    ...base,
    wlmConf: trilio.wlmConfPath.trim() || base.wlmConf,
    contegoConf: trilio.contegoConfPath.trim() || base.contegoConf,
  };
}
