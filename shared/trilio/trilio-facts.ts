import type { NfsConfig, TrilioCloudConfig, TrilioConfig } from '../profile/profile.js';
import { mountPathFor } from '../nfs/mount-path.js';
import { installerFacts, trilioInstallers, withEngine, type TrilioInstaller } from './installer-facts.js';
import {
  configModelOf,
  folderFormOf,
  parseRelease,
  type ConfigModel,
  type FolderForm,
} from './trilio-release.js';

/** Where a fact's value came from, shown beside it so the user knows what to override. */
export type FactOrigin = 'profile' | 'release' | 'installer';

/**
 * One cloud's Trilio as the DR plans with it: the release's and installer's defaults with the
 * profile's overrides applied. Every planner reads paths, commands and forms from here, never from a
 * constant of its own.
 */
export interface TrilioFacts {
  side: 'source' | 'target';
  release: string;
  installer: TrilioInstaller;
  installerLabel: string;
  mountRoot: string;
  folderForm: FolderForm;
  configModel: ConfigModel;
  /** Appliance (WLM) config files: every one that exists on a node is edited. */
  applianceConfigs: string[];
  /** Datamover config candidates: the first that exists on a compute node is edited. */
  datamoverConfigs: string[];
  restartAppliance: string[];
  restartDatamover: string[];
  owner: string;
  editsFiles: boolean;
  durableChange: string;
  origin: Record<'mountRoot' | 'folderForm' | 'configModel' | 'configs' | 'restart' | 'owner', FactOrigin>;
}

function pick<T>(override: T | '' | 'auto' | readonly never[], fallback: T, from: FactOrigin) {
  const empty = override === '' || override === 'auto' || (Array.isArray(override) && override.length === 0);
  return empty ? { value: fallback, origin: from } : { value: override as T, origin: 'profile' as const };
}

export function trilioFactsFor(cloud: TrilioCloudConfig, side: 'source' | 'target'): TrilioFacts {
  const base = installerFacts(cloud.installer);
  // An unreadable release falls back to the oldest behaviour (whole-export folders, export list);
  // validation reports it, and pre-flight compares with what the nodes show.
  const release = parseRelease(cloud.release) ?? { major: 4, minor: 1 };
  const mountRoot = pick(cloud.mountRoot.trim().replace(/(.)\/+$/, '$1'), base.mountRoot, 'installer');
  const folderForm = pick(cloud.folderForm, folderFormOf(release), 'release');
  const configModel = pick(cloud.configModel, configModelOf(release), 'release');
  const engine = cloud.containerEngine;
  const restartAppliance = pick(
    cloud.restartAppliance,
    withEngine(base.restartAppliance, engine),
    'installer',
  );
  const restartDatamover = pick(
    cloud.restartDatamover,
    withEngine(base.restartDatamover, engine),
    'installer',
  );
  const owner = pick(cloud.owner.trim(), base.owner, 'installer');
  const appliance = cloud.applianceConfPath.trim();
  const datamover = cloud.datamoverConfPath.trim();
  return {
    side,
    release: cloud.release,
    installer: cloud.installer,
    installerLabel: base.label,
    mountRoot: mountRoot.value,
    folderForm: folderForm.value,
    configModel: configModel.value,
    applianceConfigs: appliance ? [appliance] : base.applianceConfigs,
    datamoverConfigs: datamover ? [datamover] : base.datamoverConfigs,
    restartAppliance: restartAppliance.value,
    restartDatamover: restartDatamover.value,
    owner: owner.value,
    editsFiles: base.editsFiles,
    durableChange: base.durableChange,
    origin: {
      mountRoot: mountRoot.origin,
      folderForm: folderForm.origin,
      configModel: configModel.origin,
      configs: appliance || datamover ? 'profile' : 'installer',
      restart:
        restartAppliance.origin === 'profile' || restartDatamover.origin === 'profile'
          ? 'profile'
          : 'installer',
      owner: owner.origin,
    },
  };
}

/** The facts of one side of a profile. */
export function trilioFactsOf(
  trilio: Pick<TrilioConfig, 'source' | 'target'>,
  side: 'source' | 'target',
): TrilioFacts {
  return trilioFactsFor(trilio[side], side);
}

/** Where the target Trilio mounts an export (its root and folder form). */
export function targetMountPath(trilio: Pick<TrilioConfig, 'target'>, nfsExport: string): string {
  const facts = trilioFactsFor(trilio.target, 'target');
  return mountPathFor(nfsExport, facts.mountRoot, facts.folderForm);
}

/**
 * Every mount root a backing-file path may start with: both clouds' roots and every installer's
 * default, since backups written by another installer (or before a migration) keep their paths.
 */
export function knownMountRoots(trilio: Pick<TrilioConfig, 'source' | 'target'>): string[] {
  const roots = [
    trilioFactsOf(trilio, 'source').mountRoot,
    trilioFactsOf(trilio, 'target').mountRoot,
    ...trilioInstallers.map((i) => installerFacts(i).mountRoot),
  ];
  return [...new Set(roots)];
}

/** The share B2 as the target Trilio would mount it, and A1 as cloud A's Trilio did (for the runbook). */
export function shareMountPaths(
  trilio: Pick<TrilioConfig, 'source' | 'target'>,
  nfs: NfsConfig,
): { target: string; syncedCopy: string; source: string | null } {
  const source = trilioFactsOf(trilio, 'source');
  return {
    target: targetMountPath(trilio, nfs.target),
    syncedCopy: targetMountPath(trilio, nfs.syncedCopy),
    source: nfs.source ? mountPathFor(nfs.source, source.mountRoot, source.folderForm) : null,
  };
}
