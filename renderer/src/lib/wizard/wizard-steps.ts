import type { StepKey } from '../../../../shared/run/plan-types.js';
import { stepInfo, stepsFor } from '../../../../shared/run/step-catalog.js';
import type { RunKind } from '../../../../shared/run/run-types.js';

export interface WizardStepInfo {
  key: StepKey;
  title: string;
  /** One line in the runbook's words: what the step does. */
  summary: string;
  /** Clean-up and revert run only when the user asks, even after a failure. */
  onDemand: boolean;
}

/** The steps of a DR run in runbook order, from the shared catalog (notify replaces restore). */
export function wizardStepsFor(kind: RunKind, notifyOnly: boolean): WizardStepInfo[] {
  return stepsFor(kind, notifyOnly).map((key) => infoOf(key));
}

export function infoOf(key: StepKey): WizardStepInfo {
  const info = stepInfo(key);
  return { key, title: info.title, summary: info.summary, onDemand: info.onDemand === true };
}
