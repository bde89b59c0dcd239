import type { AppError } from '../result.js';
import type { ProjectMapping } from '../profile/profile.js';
import type { RestoreChoices } from '../restore/restore-json.js';
import type { ChangeRecord, StepKey, StepPlan } from './plan-types.js';
import type { RunPhase } from './run-phase.js';

/**
 * A DR run as it is saved step by step: what was planned, what ran, what it changed and how to undo
 * it. A run survives the app closing or crashing: on reopen it resumes at the step that was running.
 */
export type RunKind = 'single' | 'full';

export type RunStatus =
  /** Created, nothing ran yet. */
  | 'created'
  /** A step is executing now (in this process). */
  | 'running'
  /** Between steps: waiting for the user (wizard) to plan or run the next one. */
  | 'waiting'
  /** A step was running when the process died; resuming re-runs it (steps are idempotent). */
  | 'interrupted'
  | 'failed'
  | 'succeeded'
  | 'cancelled';

export type StepStatus = 'pending' | 'planned' | 'running' | 'succeeded' | 'failed' | 'skipped' | 'cancelled';

export interface SingleRunParams {
  kind: 'single';
  workloadId: string;
  /** Target project in cloud B (name or id). */
  targetProject: string;
  /** User with the trustee role in the target project; empty = pick from role assignments. */
  trusteeUser: string;
  /** Snapshot id, or 'latest'. */
  snapshot: string;
  /** Restore form; null = defaults derived from the snapshot and the target networks. */
  restore: RestoreChoices | null;
  /** Notify the project owner instead of restoring. */
  notifyOnly: boolean;
  /** Clean-up also removes the bind mounts and fstab lines this run added. */
  removeMountsOnCleanup: boolean;
  /** Reassign turns the job schedules Trilio switched off (migrate_cloud) back on; absent = no. */
  reenableSchedules?: boolean;
  /**
   * This run is one workload of a DR drill: `targetProject` is the drill's own project, the run adds
   * the drill steps, and clean-up removes the drill project too. Absent for a real DR.
   */
  drill?: { drillId: string };
}

export interface FullRunParams {
  kind: 'full';
  /** Source project id → target project (+ trustee user); empty = suggested by name. */
  mapping: ProjectMapping[];
  notifyOnly: boolean;
  /** How many restores run at once. */
  restoreConcurrency: number;
  removeMountsOnCleanup: boolean;
  /** Reassign turns the job schedules Trilio switched off (migrate_cloud) back on; absent = no. */
  reenableSchedules?: boolean;
}

export type RunParams = SingleRunParams | FullRunParams;

/** One row of a step's verification: what was checked, where, and whether it held. */
export interface VerifyRow {
  host?: string;
  check: string;
  ok: boolean;
  detail?: string;
}

export interface StepOutcome {
  /** One sentence for the step list and the report. */
  summary: string;
  verify: VerifyRow[];
  /** Step-specific results later steps read (e.g. the chosen workload, the restore id). */
  data?: unknown;
}

export interface StepState {
  key: StepKey;
  status: StepStatus;
  /** Read-only facts gathered before planning (shown with the plan). */
  facts?: unknown;
  plan?: StepPlan;
  outcome?: StepOutcome;
  error?: AppError;
  startedAt?: string;
  finishedAt?: string;
  attempts: number;
}

export interface ChangeView extends ChangeRecord {
  id: number;
  appliedAt: string;
  undoneAt?: string;
}

export interface RunView {
  id: string;
  profileId: string;
  kind: RunKind;
  status: RunStatus;
  params: RunParams;
  steps: StepState[];
  changes: ChangeView[];
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  /** When the user closed the run (done without clean-up, or abandoned); absent while it is open. */
  closedAt?: string;
  /** Who started the run (OS user), for the report. */
  operator: string;
}

export interface RunSummary {
  id: string;
  profileId: string;
  kind: RunKind;
  status: RunStatus;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  closedAt?: string;
  /** The end of the last step that ran (the run's duration ends there while it is open). */
  lastActivityAt?: string;
  currentStep?: StepKey;
  title: string;
  /** Where the run stands as the list shows it (run-phase.ts). */
  phase: RunPhase;
  phaseLabel: string;
  /** Names of the run's workloads (the chosen one, or the ones Find saw), at most a few. */
  workloads: string[];
  /** How many workloads the run recovers (0 before Find chose or saw any). */
  workloadCount: number;
  /** The target project(s) in cloud B, as the params name them. */
  target: string;
}
