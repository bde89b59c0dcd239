import type { StepProgress, StepStatus } from '../../../../shared/contract.js';
import type { StepKey } from '../../../../shared/run/plan-types.js';
import { wizardSteps, type WizardStepInfo } from './wizard-steps.js';

export interface WizardStepView extends WizardStepInfo {
  status: StepStatus;
  message: string;
  fraction: number | undefined;
}

/** Step statuses of the wizard for one profile, fed by the core's `step` events. */
export class WizardState {
  steps = $state<WizardStepView[]>(
    wizardSteps.map((s) => ({ ...s, status: 'pending', message: '', fraction: undefined })),
  );
  selected = $state<StepKey>(wizardSteps[0]!.key);
  /** The run whose events are shown; events of other runs are ignored. */
  runId = $state<string | null>(null);

  readonly current = $derived(this.steps.find((s) => s.key === this.selected) ?? this.steps[0]!);

  select(key: StepKey): void {
    if (this.steps.some((s) => s.key === key)) this.selected = key;
  }

  /** Applies a progress event; unknown steps and other runs are ignored. Returns whether it applied. */
  apply(progress: StepProgress): boolean {
    if (this.runId !== null && progress.runId !== this.runId) return false;
    const step = this.steps.find((s) => s.key === progress.step);
    if (!step) return false;
    step.status = progress.status;
    step.message = progress.message ?? progress.error?.message ?? '';
    step.fraction = progress.fraction;
    return true;
  }

  reset(runId: string | null = null): void {
    this.runId = runId;
    for (const step of this.steps) {
      step.status = 'pending';
      step.message = '';
      step.fraction = undefined;
    }
  }
}
