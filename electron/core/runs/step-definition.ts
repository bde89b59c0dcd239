import type { LogRecord, StepItemProgress } from '../../../shared/contract.js';
import type { JournalEntry } from './run-store.js';
import type { Profile } from '../../../shared/profile/profile.js';
import type { Result } from '../../../shared/result.js';
import type { ChangeRecord, StepKey, StepPlan } from '../../../shared/run/plan-types.js';
import type { ChangeView, RunParams, StepOutcome, StepStatus } from '../../../shared/run/run-types.js';

/**
 * What a step sees while it discovers, plans and executes. Everything a step does to the world goes
 * through here, so that it is logged, cancellable and recorded with its undo.
 */
export interface StepContext<S = unknown> {
  readonly runId: string;
  readonly step: StepKey;
  readonly profile: Profile;
  readonly params: RunParams;
  /** Aborted when the user cancels; pass it to every SSH command and API request. */
  readonly signal: AbortSignal;
  /** SSH pool, cloud clients, secret scrubber: built once per run by the core. */
  readonly services: S;
  /** A narration line (stream `info`), or another stream, optionally for a host. */
  log(text: string, options?: { host?: string; stream?: LogRecord['stream'] }): void;
  /**
   * Progress of the step, 0..1, with a short message for the progress bar; `item` says how one workload
   * of a bulk step stands now (the live matrix and the per-workload table follow it).
   */
  progress(fraction: number, message?: string, item?: StepItemProgress): void;
  /**
   * The facts this step's last plan in this run found, or undefined before its first plan. A step
   * planned again after a kill compares them with what it finds now, to tell its own earlier work
   * (a copy that finished just before the kill) from what was there before the run.
   */
  previousFacts(): unknown;
  /** The outcome of an earlier step of this run (e.g. the workload `find` chose). */
  outcomeOf(step: StepKey): StepOutcome | undefined;
  /**
   * Status of a step of this run as saved (this step while it runs: `running`). Clean-up asks whether
   * an earlier attempt of itself finished, to tell its own interrupted undo from a later manual change.
   */
  statusOf(step: StepKey): StepStatus | undefined;
  /** Records a change this step made and how to undo it; a repeat of the same (action, host) is ignored. */
  recordChange(change: Omit<ChangeRecord, 'step'>): ChangeView | null;
  /** Changes recorded by this run so far (clean-up and revert undo them). */
  changes(): ChangeView[];
  markUndone(changeId: number): void;
  /**
   * Open changes of every run of this profile (this one included), oldest first: the wizard's own
   * leftovers on the hosts, which a later run may re-point after saying so.
   */
  journal(): JournalEntry[];
  /**
   * Marks a change of another run (or this one) undone because this run takes it over: its undo would
   * now undo this run's work (a bind mount re-pointed to another share).
   */
  takeOver(runId: string, changeId: number): void;
  /** Whether the user confirmed a manual action (an orchestrator change) of this step's plan. */
  isConfirmed(actionId: string): boolean;
}

/**
 * One runbook step. `discover` only reads; `plan` is pure (usually a planner from `shared/plans/`);
 * `execute` runs exactly the plan's actions, then its verification, and must be safe to run twice.
 */
export interface StepDefinition<F = unknown, S = unknown> {
  key: StepKey;
  discover(ctx: StepContext<S>): Promise<Result<F>>;
  plan(facts: F, ctx: StepContext<S>): Result<StepPlan>;
  execute(plan: StepPlan, facts: F, ctx: StepContext<S>): Promise<Result<StepOutcome>>;
}
