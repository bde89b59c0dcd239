import type { StepKey } from '../../../shared/run/plan-types.js';
import type { StepDefinition } from '../runs/step-definition.js';
import type { RunServices } from './run-services.js';
import { accessStep } from './steps/access-step.js';
import { cleanupStep } from './steps/cleanup-step.js';
import { copyStep } from './steps/copy-step.js';
import { drillNetworksStep } from './steps/drill-networks-step.js';
import { drillProjectStep } from './steps/drill-project-step.js';
import { drillTeardownStep } from './steps/drill-teardown-step.js';
import { findStep } from './steps/find-step.js';
import { mountPathsStep } from './steps/mount-paths-step.js';
import { notifyStep } from './steps/notify-step.js';
import { preflightStep } from './steps/preflight-step.js';
import { reassignStep } from './steps/reassign-step.js';
import { reconfigureStep } from './steps/reconfigure-step.js';
import { restoreStep } from './steps/restore-step.js';
import { revertStep } from './steps/revert-step.js';

type AnyStep = StepDefinition<unknown, RunServices>;

/**
 * The DR step registry: one definition per runbook step (steps/…). A step missing here is reported by
 * the engine as "not available in this version".
 */
export const drSteps: Partial<Record<StepKey, AnyStep>> = {
  preflight: preflightStep as AnyStep,
  find: findStep as AnyStep,
  copy: copyStep as AnyStep,
  reconfigure: reconfigureStep as AnyStep,
  'mount-paths': mountPathsStep as AnyStep,
  'drill-project': drillProjectStep as AnyStep,
  access: accessStep as AnyStep,
  reassign: reassignStep as AnyStep,
  'drill-networks': drillNetworksStep as AnyStep,
  restore: restoreStep as AnyStep,
  'drill-teardown': drillTeardownStep as AnyStep,
  notify: notifyStep as AnyStep,
  revert: revertStep as AnyStep,
  cleanup: cleanupStep as AnyStep,
};
