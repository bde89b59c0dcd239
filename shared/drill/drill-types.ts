import type { AppError } from '../result.js';
import type { StepKey } from '../run/plan-types.js';
import type { DrillInventory, InventoryDifference } from './drill-inventory.js';

/**
 * A DR drill (issue 21): the DR path rehearsed into isolated `trilio-drill-…` projects on the target
 * cloud, every restore verified, then everything torn down and proved gone by comparing inventories
 * taken before and after. Saved in the store as it goes (one record per drill), read by the CLI, the
 * wizard's Rehearse screen and the drill report.
 */

export type DrillStatus =
  /** Working now (in this process). */
  | 'running'
  /** Every workload restored and verified, tear-down complete, inventories identical. */
  | 'passed'
  /** A workload failed, or the tear-down left something (named in `differences` / `error`). */
  | 'failed'
  /** The process stopped while the drill ran; `trilio-dr drill --resume ID` finishes the tear-down. */
  | 'interrupted'
  /** Refused before anything changed (a real DR run of the profile is active, nothing to drill). */
  | 'refused';

/** The drill's phases, in order; the Rehearse screen and the report show them as a list. */
export const drillPhaseKeys = [
  'checks',
  'inventory-before',
  'isolate',
  'workloads',
  'teardown',
  'inventory-after',
] as const;
export type DrillPhaseKey = (typeof drillPhaseKeys)[number];

export interface DrillPhase {
  key: DrillPhaseKey;
  status: 'pending' | 'running' | 'succeeded' | 'failed';
  startedAt?: string;
  finishedAt?: string;
  /** One sentence: what the phase did or why it failed. */
  detail?: string;
}

/** A drill project the drill made on the target cloud (one per source project of the drilled workloads). */
export interface DrillProject {
  /** The source project it stands in for (cloud A). */
  sourceProjectId: string;
  sourceProjectName: string;
  /** `trilio-drill-<drill id>-<source project name>` (drillProjectName). */
  name: string;
  /** Keystone id once created. */
  id?: string;
  /** Whether the tear-down removed it (with its role grants). */
  removed?: boolean;
}

export type DrillWorkloadStatus = 'pending' | 'running' | 'passed' | 'failed';

/** One restored instance or volume as the drill checked it in Nova / Cinder before tearing it down. */
export interface DrillResource {
  kind: 'instance' | 'volume';
  id: string;
  name: string;
  /** Listed by Nova/Cinder in the drill project (the restore made it). */
  listed: boolean;
  /** Deleted by the tear-down. */
  removed: boolean;
}

export interface DrillWorkloadResult {
  workloadId: string;
  name: string;
  sourceProjectId: string;
  sourceProjectName: string;
  /** The drill project it was restored into. */
  drillProject: string;
  /** The single-workload run that carried it (its log and plans). */
  runId?: string;
  status: DrillWorkloadStatus;
  snapshotId?: string;
  /** When the restored snapshot was taken (UTC). */
  snapshotCreatedAt?: string;
  restoreId?: string;
  /** When the workload's DR started (its run's first step). */
  startedAt?: string;
  /** When the restore was available (Trilio status polled by the wizard). */
  availableAt?: string;
  finishedAt?: string;
  /** Measured RTO: from `startedAt` to `availableAt`, in seconds. */
  rtoSeconds?: number;
  /** RPO: the snapshot's age when the restore started, in seconds. */
  rpoSeconds?: number;
  resources: DrillResource[];
  /** The step that failed, and the error with its fix (`hint`). */
  failedStep?: StepKey;
  error?: AppError;
}

export interface DrillScope {
  /** `--all`: every workload Find sees on the synced share. */
  all: boolean;
  /** The workloads asked for (`--workload`), or those found with `all`. */
  workloadIds: string[];
}

export interface DrillView {
  id: string;
  profileId: string;
  /** Profile name when the drill ran (the report names it). */
  profileName: string;
  status: DrillStatus;
  scope: DrillScope;
  createdAt: string;
  finishedAt?: string;
  /** OS user who started it. */
  operator: string;
  phases: DrillPhase[];
  projects: DrillProject[];
  workloads: DrillWorkloadResult[];
  inventory: {
    before?: DrillInventory;
    after?: DrillInventory;
    /** Empty when the drill left no trace; computed once `after` is taken. */
    differences: InventoryDifference[];
  };
  /** Why the drill failed or was refused, with what to do. */
  error?: AppError;
}

/** A drill in lists (CLI `drills`, the Rehearse screen's history). */
export interface DrillSummary {
  id: string;
  profileId: string;
  status: DrillStatus;
  createdAt: string;
  finishedAt?: string;
  workloads: number;
  passed: number;
  failed: number;
  /** Inventory differences left after the tear-down (0 = no trace). */
  differences: number;
}

/** The summary of a drill view (pure). */
export function drillSummaryOf(drill: DrillView): DrillSummary {
  return {
    id: drill.id,
    profileId: drill.profileId,
    status: drill.status,
    createdAt: drill.createdAt,
    ...(drill.finishedAt ? { finishedAt: drill.finishedAt } : {}),
    workloads: drill.workloads.length,
    passed: drill.workloads.filter((w) => w.status === 'passed').length,
    failed: drill.workloads.filter((w) => w.status === 'failed').length,
    differences: drill.inventory.differences.length,
  };
}

/** Events the drill sends as it goes (the `drill` event): the view after each change. */
export interface DrillProgress {
  drillId: string;
  status: DrillStatus;
  phase?: DrillPhaseKey;
  /** The workload whose state changed, when one did. */
  workloadId?: string;
}
