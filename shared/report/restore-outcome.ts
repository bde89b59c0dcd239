import { z } from 'zod';

/**
 * What the restore step (and the notify step, for notify-only runs) leaves in its outcome `data`: one
 * row per workload it delivered to the target cloud. The run report reads it for the per-workload
 * outcome and the measured RTO; the owner notifications read it for the workload lists.
 */
export const restoreWorkloadStatus = z.enum([
  /** The restore finished; the instances exist in the target cloud. */
  'available',
  /** Trilio reported the restore as failed (see `error`). */
  'error',
  /** Still restoring when the step ended (timeout, interruption). */
  'restoring',
  'cancelled',
  /** Not restored: the owner was told the workload is available to restore themselves. */
  'notified',
  /** Left out by the user. */
  'skipped',
]);
export type RestoreWorkloadStatus = z.infer<typeof restoreWorkloadStatus>;

export const restoredInstanceSchema = z.object({
  /** Instance name in the target cloud (the restore may rename it). */
  name: z.string(),
  id: z.string(),
  /** Name of the VM in the snapshot, when it differs from `name`. */
  sourceName: z.string().optional(),
});
export type RestoredInstance = z.infer<typeof restoredInstanceSchema>;

export const restoredWorkloadSchema = z.object({
  workloadId: z.string(),
  name: z.string(),
  /** Source project id (cloud A), as in the workload's metadata. */
  sourceProject: z.string(),
  /** Source project name, when known. */
  sourceProjectName: z.string().optional(),
  /** Target project (name or id) in cloud B. */
  targetProject: z.string(),
  snapshotId: z.string().optional(),
  restoreId: z.string().optional(),
  status: restoreWorkloadStatus,
  /** ISO time Trilio's restore reached `available` (as observed by the wizard's polling). */
  availableAt: z.string().optional(),
  instances: z.array(restoredInstanceSchema).optional(),
  /** Trilio's `error_msg`, or why the workload was not restored. */
  error: z.string().optional(),
  /**
   * Whether Trilio takes scheduled backups of the workload (its job schedule, which a migrate_cloud
   * reassign turns off), when known; the owners' notification says so.
   */
  backups: z.enum(['on', 'off']).optional(),
});
export type RestoredWorkload = z.infer<typeof restoredWorkloadSchema>;

export const restoreOutcomeDataSchema = z.object({
  workloads: z.array(restoredWorkloadSchema),
});
/** The `data` of the restore/notify step's `StepOutcome`. */
export type RestoreOutcomeData = z.infer<typeof restoreOutcomeDataSchema>;

/** Reads a step outcome's `data` as restore results; undefined when it has another shape. */
export function readRestoreOutcomeData(data: unknown): RestoreOutcomeData | undefined {
  const parsed = restoreOutcomeDataSchema.safeParse(data);
  return parsed.success ? parsed.data : undefined;
}
