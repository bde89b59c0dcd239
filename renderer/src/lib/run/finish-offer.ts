import { stepInfo } from '../../../../shared/run/step-catalog.js';
import type { StepKey } from '../../../../shared/run/plan-types.js';
import type { RunView } from '../../../../shared/run/run-types.js';
import { pendingConfigEdits } from './config-changes.js';

/** What the wizard offers once a run has delivered its workloads, or stopped on a failure. */
export interface FinishOffer {
  /** Trilio's configuration still holds B2 (backups of the target region on hold): revert it. */
  revert: boolean;
  /** Clean-up has not run yet (after the revert, when there is one). */
  cleanup: boolean;
  /** Why the offer is shown: the run delivered everything, or a step failed. */
  reason: 'done' | 'failed';
  /** The step that failed (reason 'failed'). */
  failedStep?: StepKey;
  /** Config files this run edited and did not revert yet. */
  pendingEdits: number;
}

/**
 * Revert and clean-up are on demand: the wizard offers them when the restore (or notify) step has
 * succeeded, and also when a step failed halfway — B2 must not stay in Trilio's configuration because a
 * restore failed. Null while the run is under way without a failure.
 */
export function finishOffer(run: RunView): FinishOffer | null {
  const main = run.steps.filter((s) => !stepInfo(s.key).onDemand);
  const failed = main.find((s) => s.status === 'failed' || s.status === 'cancelled');
  const deliver = run.steps.find((s) => s.key === 'restore' || s.key === 'notify');
  const done = deliver?.status === 'succeeded';
  if (!done && !failed) return null;
  const pendingEdits = run.steps.some((s) => s.key === 'revert') ? pendingConfigEdits(run).length : 0;
  const cleanup = run.steps.find((s) => s.key === 'cleanup');
  const revert = pendingEdits > 0;
  return {
    revert,
    cleanup: !revert && cleanup !== undefined && cleanup.status !== 'succeeded',
    reason: done ? 'done' : 'failed',
    ...(failed && !done ? { failedStep: failed.key } : {}),
    pendingEdits,
  };
}
