import type { LogRecord } from '../../../shared/contract.js';
import { ok, type Result } from '../../../shared/result.js';
import type { RunPreview } from '../../../shared/run/run-preview.js';
import type { CoreState } from '../core-state.js';
import { servicesFor } from '../dr/dr-engine.js';
import { drSteps } from '../dr/dr-steps.js';
import { drPredictors } from '../dr/preview/dr-predictors.js';
import { closeRunServices } from '../dr/run-services.js';
import { previewRun } from '../runs/plan-preview.js';
import type { RunStore } from '../runs/run-store.js';
import type { PartialHandlers } from './handler-types.js';
import { stepAbortController } from '../runs/step-abort.js';

/**
 * `runs.preview`: the complete plan of a run that is not created (`trilio-dr plan`). Nothing reaches the
 * store: no run, no step, no log line (discovery narration goes to the UI/terminal only); the steps only
 * discover and plan.
 */
export function previewHandlers(
  state: CoreState,
  runs: Pick<RunStore, 'openChangesOfProfile'>,
): PartialHandlers<'runs.preview'> {
  return {
    'runs.preview': async ({ profileId, params }): Promise<Result<RunPreview>> => {
      const profile = state.profiles.get(profileId);
      if (!profile.ok) return profile;
      const controller = stepAbortController(profile.value);
      const show = (record: LogRecord) =>
        state.bus.log({ ...record, text: state.scrubber.scrub(record.text) });
      const services = servicesFor(state, profile.value, controller.signal, show);
      if (!services.ok) return services;
      try {
        return ok(
          await previewRun(profile.value, params, {
            steps: drSteps,
            predictors: drPredictors,
            services: services.value,
            signal: controller.signal,
            log: show,
            // The wizard's open changes of earlier runs (read only): Mount paths plans to re-point them.
            journal: () => runs.openChangesOfProfile(profileId),
          }),
        );
      } finally {
        state.bus.flushLogs();
        await closeRunServices(services.value);
      }
    },
  };
}
