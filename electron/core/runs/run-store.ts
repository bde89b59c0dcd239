import type { ChangeRecord } from '../../../shared/run/plan-types.js';
import type {
  ChangeView,
  RunKind,
  RunParams,
  RunStatus,
  RunSummary,
  RunView,
  StepState,
} from '../../../shared/run/run-types.js';

export interface RunRecord {
  id: string;
  profileId: string;
  kind: RunKind;
  status: RunStatus;
  params: RunParams;
  operator: string;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  closedAt?: string;
}

/**
 * Where runs are saved step by step. The SQLite store implements it for the app; tests use the
 * in-memory one. Every write is durable when the call returns: a crash right after `saveStep` must
 * find that step state on reopen.
 */
export interface RunStore {
  insertRun(run: RunRecord, steps: StepState[]): void;
  getRun(id: string): RunView | undefined;
  listRuns(profileId?: string): RunSummary[];
  updateRun(
    id: string,
    patch: Partial<Pick<RunRecord, 'status' | 'startedAt' | 'finishedAt' | 'params' | 'closedAt'>>,
  ): void;
  saveStep(runId: string, step: StepState): void;
  /**
   * Records what an action changed. Returns null when the same (step, action, host) is already recorded:
   * a re-run after a crash must not list one change twice.
   */
  addChange(runId: string, change: ChangeRecord, appliedAt: string): ChangeView | null;
  markChangeUndone(runId: string, changeId: number, undoneAt: string): void;
  /**
   * Changes not undone yet of every run of a profile, oldest first: what the wizard itself left on the
   * hosts (bind mounts, fstab lines, copies), so a later run can tell its own leftovers from others'.
   */
  openChangesOfProfile(profileId: string): JournalEntry[];
}

/** A change of some run of the profile, with the run it belongs to. */
export interface JournalEntry {
  runId: string;
  change: ChangeView;
}
