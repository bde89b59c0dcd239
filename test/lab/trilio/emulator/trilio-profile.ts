/**
 * The Trilio deployment the emulator plays: release and installer, and what follows from them (mount
 * root, mount-folder form, configuration model, where the appliance's config lives, who owns the
 * share files). Written from trilio-api.md ("Workloads on the backup target", the installer table,
 * "Configuration and services"); every value can be overridden in the emulator config. Without any
 * input the result is today's lab: 4.1 from packages, whole-export folders under
 * `/var/triliovault-mounts`, `vault_storage_nfs_export`, files owned by 162:162.
 */

export type Installer = 'packages' | 'kolla' | 'rhosp' | 'openstack-ansible' | 'juju';
/** `export`: base64 of the whole `IP:/path` (T4O ≤ 4.1); `path`: base64 of the path only (≥ 4.2). */
export type FolderForm = 'export' | 'path';
/** `export-list`: `[DEFAULT] vault_storage_nfs_export`; `enabled-backends`: 6.x backend sections. */
export type ConfigModel = 'export-list' | 'enabled-backends';

export const installers: readonly Installer[] = ['packages', 'kolla', 'rhosp', 'openstack-ansible', 'juju'];

export interface TrilioProfileInput {
  /** `4.1`, `4.2`, `5.2`, `6.1` … (major.minor). */
  release?: string;
  installer?: Installer;
  mountRoot?: string;
  folderForm?: FolderForm;
  /** Path of the appliance's configuration file on the TVM. */
  applianceConfigPath?: string;
  configModel?: ConfigModel;
  /** Owner of the files on the shares (nova). */
  shareOwner?: { uid: number; gid: number };
}

export interface TrilioProfile {
  release: string;
  installer: Installer;
  /** The version string the appliance reports (`workload-nodes`). */
  version: string;
  mountRoot: string;
  folderForm: FolderForm;
  applianceConfigPath: string;
  datamoverConfigPath: string;
  configModel: ConfigModel;
  shareOwner: { uid: number; gid: number };
}

interface InstallerFacts {
  mountRoot: string;
  applianceConfigPath: string;
  datamoverConfigPath: string;
  ownerId: number;
}

/** trilio-api.md's installer table. Kolla and director run nova as 42436 (no name on the host). */
const installerFacts: Record<Installer, InstallerFacts> = {
  packages: {
    mountRoot: '/var/triliovault-mounts',
    applianceConfigPath: '/etc/workloadmgr/workloadmgr.conf',
    datamoverConfigPath: '/etc/tvault-contego/tvault-contego.conf',
    ownerId: 162,
  },
  kolla: {
    mountRoot: '/var/trilio/triliovault-mounts',
    applianceConfigPath: '/etc/kolla/triliovault-wlm-workloads/triliovault-wlm.conf',
    datamoverConfigPath: '/etc/kolla/triliovault-datamover/triliovault-datamover.conf',
    ownerId: 42436,
  },
  rhosp: {
    mountRoot: '/var/lib/nova/triliovault-mounts',
    applianceConfigPath:
      '/var/lib/config-data/puppet-generated/triliovaultwlm/etc/triliovault-wlm/triliovault-wlm.conf',
    datamoverConfigPath:
      '/var/lib/config-data/puppet-generated/triliovaultdm/etc/triliovault-datamover/triliovault-datamover.conf',
    ownerId: 42436,
  },
  'openstack-ansible': {
    mountRoot: '/var/triliovault-mounts',
    applianceConfigPath: '/etc/triliovault-wlm/triliovault-wlm.conf',
    datamoverConfigPath: '/etc/triliovault-datamover/triliovault-datamover.conf',
    ownerId: 162,
  },
  juju: {
    mountRoot: '/var/triliovault-mounts',
    applianceConfigPath: '/etc/workloadmgr/workloadmgr.conf',
    datamoverConfigPath: '/etc/tvault-contego/tvault-contego.conf',
    ownerId: 162,
  },
};

/** Build numbers the lab reports per release (any plausible value; only the prefix matters). */
const versions: Record<string, string> = {
  '4.1': '4.1.94',
  '4.2': '4.2.64',
  '4.3': '4.3.2',
  '5.0': '5.0.14',
  '5.1': '5.1.5',
  '5.2': '5.2.4',
  '6.0': '6.0.11',
  '6.1': '6.1.3',
};

function releaseParts(release: string): [number, number] {
  const match = /^(\d+)\.(\d+)/.exec(release);
  if (!match) throw new Error(`Trilio release "${release}" is not major.minor (e.g. 4.1, 5.2, 6.1).`);
  return [Number(match[1]), Number(match[2])];
}

/** Whole `IP:/path` up to 4.1, the path only from 4.2 (Trilio's "Enabling T4O 4.1 or older backups" page). */
export function folderFormOf(release: string): FolderForm {
  const [major, minor] = releaseParts(release);
  return major < 4 || (major === 4 && minor <= 1) ? 'export' : 'path';
}

/** 6.x keeps its backup targets in `enabled_backends` sections. */
export function configModelOf(release: string): ConfigModel {
  return releaseParts(release)[0] >= 6 ? 'enabled-backends' : 'export-list';
}

export function isInstaller(value: unknown): value is Installer {
  return typeof value === 'string' && (installers as readonly string[]).includes(value);
}

export function resolveTrilioProfile(input: TrilioProfileInput = {}): TrilioProfile {
  const release = input.release ?? '4.1';
  const installer = input.installer ?? 'packages';
  if (!isInstaller(installer)) throw new Error(`Unknown installer "${String(installer)}".`);
  const facts = installerFacts[installer];
  const [major, minor] = releaseParts(release);
  return {
    release,
    installer,
    version: versions[`${major}.${minor}`] ?? `${major}.${minor}.0`,
    mountRoot: (input.mountRoot ?? facts.mountRoot).replace(/\/+$/, '') || '/',
    folderForm: input.folderForm ?? folderFormOf(release),
    applianceConfigPath: input.applianceConfigPath ?? facts.applianceConfigPath,
    datamoverConfigPath: facts.datamoverConfigPath,
    configModel: input.configModel ?? configModelOf(release),
    shareOwner: input.shareOwner ?? { uid: facts.ownerId, gid: facts.ownerId },
  };
}
