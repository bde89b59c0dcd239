import type { Profile } from '../../../shared/profile/profile.js';
import { mountDirNameFor } from '../../../shared/nfs/mount-path.js';
import { targetMountPath } from '../../../shared/trilio/trilio-facts.js';
import type { RunParams } from '../../../shared/run/run-types.js';

/**
 * Where a run's workloads live on the appliance and the nodes. Single-workload DR copies the workload
 * into B1 (the share Trilio B already uses); full-cloud DR adds B2 to Trilio's configuration, so B2 is
 * mounted at its own folder everywhere (root and folder form of the target cloud's Trilio).
 */
export interface LiveShare {
  nfsExport: string;
  mountPath: string;
}

export function liveShareOf(profile: Profile, params: RunParams): LiveShare {
  const nfsExport = params.kind === 'single' ? profile.nfs.target : profile.nfs.syncedCopy;
  return { nfsExport, mountPath: targetMountPath(profile.trilio, nfsExport) };
}

/**
 * Where the single-workload DR mounts the synced copy (B2) on the appliance to read and copy from it:
 * the wizard's own folder, named by the whole export so two shares never meet there.
 */
export function stagingPathOf(profile: Profile): string {
  return `/mnt/trilio-dr/${mountDirNameFor(profile.nfs.syncedCopy, 'export')}`;
}

export function workloadDirName(workloadId: string): string {
  return `workload_${workloadId}`;
}

/** The folders whose backing chains the run needs: the one workload, or the whole live share. */
export function workloadDirsOf(profile: Profile, params: RunParams): string[] {
  const live = liveShareOf(profile, params).mountPath;
  return params.kind === 'single' && params.workloadId
    ? [`${live}/${workloadDirName(params.workloadId)}`]
    : [live];
}
