import { fail, ok, type Result } from '../result.js';
import type { RemoteAction, StepPlan } from '../run/plan-types.js';
import { scriptArgv } from '../shell/quote.js';
import { MOUNTED_MARK, unmountArgv } from './host-scripts.js';

/**
 * Single-workload DR reads the synced copy of the source share (NFS B2) on the appliance. When the
 * appliance does not mount B2 already, the step mounts it read-only at a staging folder (undone by
 * clean-up): the source data can never be changed through it.
 */
export interface FindFacts {
  tvm: string;
  tvmName: string;
  syncedCopy: string;
  /** Where B2's workloads are read on the appliance. */
  sourceRoot: string;
  /** B2 is already mounted there (by Trilio, or by an earlier attempt). */
  mounted: boolean;
}

export function mountStagingArgv(nfsExport: string, dir: string): string[] {
  return scriptArgv(
    `mountpoint -q "$2" && exit 0; mkdir -p "$2" && mount -t nfs -o ro "$1" "$2" && echo ${MOUNTED_MARK}`,
    [nfsExport, dir],
    'trilio-dr-mount-ro',
  );
}

export function planFind(facts: FindFacts): Result<StepPlan> {
  if (!facts.syncedCopy.trim())
    return fail({
      code: 'validation',
      message: 'The profile has no synced copy share (NFS B2).',
      fields: [{ path: 'nfs.syncedCopy', message: 'required' }],
    });
  const actions: RemoteAction[] = facts.mounted
    ? []
    : [
        {
          kind: 'remote',
          id: `mount-staging:${facts.tvm}`,
          host: facts.tvm,
          argv: mountStagingArgv(facts.syncedCopy, facts.sourceRoot),
          privileged: true,
          description: `Mount ${facts.syncedCopy} read-only at ${facts.sourceRoot} on ${facts.tvmName}`,
          effect: {
            kind: 'mounted',
            source: facts.syncedCopy,
            target: facts.sourceRoot,
            fstype: 'nfs',
            opts: 'ro',
          },
          change: {
            kind: 'staging-mount',
            undo: [
              {
                kind: 'remote',
                id: `umount-staging:${facts.tvm}`,
                host: facts.tvm,
                argv: unmountArgv(facts.sourceRoot),
                privileged: true,
                description: `Unmount ${facts.sourceRoot} on ${facts.tvmName}`,
              },
            ],
          },
        },
      ];
  return ok({
    step: 'find',
    title: 'Find the workload',
    summary: `Scan ${facts.syncedCopy} (${facts.sourceRoot} on ${facts.tvmName}) for workload folders and read their metadata in one pass.`,
    actions,
    verify: [],
    warnings: [],
  });
}
