import type { RunParams } from '../run/run-types.js';

/**
 * What became of a change a run recorded, for the report's "changes not undone": undone, kept on
 * purpose (the recovered workload itself, the mount paths clean-up was told to keep, what cannot be
 * taken back), or left over (a grant, a staging mount, a configuration edit that clean-up or revert
 * should still undo).
 */
export type ChangeDisposition = 'undone' | 'kept' | 'leftover';

const kept: Record<string, string> = {
  'workload-copy': 'The recovered workload’s folder on NFS B1: it is what Trilio B restores from.',
  copy: 'The recovered workload’s folder on NFS B1: it is what Trilio B restores from.',
  reassign: 'The recovered workload now belongs to its target project (clean-up deletes its record later).',
  restore: 'The restored workload: its VMs run in the target project.',
  notify: 'The owners were told; a message cannot be taken back.',
  purge: 'Clean-up itself: the workload’s rows are gone from Trilio’s database.',
};

const mountKinds = new Set(['mkdir', 'bind-mount', 'fstab-line']);

const leftoverHints: Record<string, string> = {
  'role-grant': 'The admin user still holds the role on the project: run clean-up.',
  'staging-mount': 'NFS B2 is still mounted read-only on the appliance: run clean-up.',
  'config-edit': 'NFS B2 is still in Trilio’s configuration (backups of the region are on hold): run revert.',
};

export function changeDisposition(
  change: { kind: string; undone: boolean },
  params: Pick<RunParams, 'removeMountsOnCleanup'>,
): { disposition: ChangeDisposition; note?: string } {
  if (change.undone) return { disposition: 'undone' };
  const reason = kept[change.kind];
  if (reason) return { disposition: 'kept', note: reason };
  if (mountKinds.has(change.kind))
    return params.removeMountsOnCleanup
      ? { disposition: 'leftover', note: 'Clean-up was asked to remove the mount paths: run it (again).' }
      : {
          disposition: 'kept',
          note: 'Mount path kept: clean-up keeps the bind mounts and fstab lines unless asked (other workloads may rely on them).',
        };
  return {
    disposition: 'leftover',
    note: leftoverHints[change.kind] ?? 'Not undone yet: run clean-up (or revert for configuration edits).',
  };
}
