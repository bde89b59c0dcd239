import type { AppError } from '../result.js';
import type { StepKey, StepPlan } from './plan-types.js';
import type { RunKind, RunParams } from './run-types.js';

/**
 * The complete plan of a run before it exists (`trilio-dr plan`): every step planned by its own planner
 * from read-only discovery, with no run saved and nothing changed. Later steps read what earlier ones
 * will have done (a copy, a reassign): their plan is then made from that prediction and says so.
 */
export type PreviewBasis =
  /** Planned from what the step's own discovery finds now, exactly as a run would plan it now. */
  | 'discovered'
  /** Planned by the same planner from what the earlier steps will have done (see the notes). */
  | 'predicted'
  /** Cannot be planned before the earlier steps ran (see the notes and the error). */
  | 'deferred';

export interface PreviewStep {
  key: StepKey;
  title: string;
  basis: PreviewBasis;
  plan?: StepPlan;
  /** What the plan assumes the earlier steps will have done, or why it is made only at run time. */
  notes: string[];
  /** Why the step could not be planned now. */
  error?: AppError;
}

export interface RunPreview {
  profileId: string;
  profileName: string;
  kind: RunKind;
  params: RunParams;
  generatedAt: string;
  steps: PreviewStep[];
  /** Host id → name, to print the plans' hosts by name. */
  hosts: { id: string; name: string }[];
}
