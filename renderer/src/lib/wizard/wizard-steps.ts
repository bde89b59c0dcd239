import type { StepKey } from '../../../../shared/run/plan-types.js';
import { stepInfo, stepsFor } from '../../../../shared/run/step-catalog.js';

export interface WizardStepInfo {
  key: StepKey;
  title: string;
  /** One line in the runbook's words: what the step does. */
  summary: string;
  /** Clean-up and revert run only when the user asks, even after a failure. */
  onDemand: boolean;
}

/** The steps of a single-workload DR in runbook order, from the shared catalog (notify replaces restore). */
export function wizardStepsFor(notifyOnly: boolean): WizardStepInfo[] {
  return stepsFor('single', notifyOnly).map((key) => infoOf(key));
}

export function infoOf(key: StepKey): WizardStepInfo {
  const info = stepInfo(key);
  return { key, title: info.title, summary: info.summary, onDemand: info.onDemand === true };
}
