import os from 'node:os';
import type { StepKey } from '../../../shared/run/plan-types.js';
import type { Profile } from '../../../shared/profile/profile.js';
import { AppFailure, ok, type Result } from '../../../shared/result.js';
import type { LogSink } from '../log-sink.js';
import type { CoreState } from '../core-state.js';
import { RunEngine } from '../runs/run-engine.js';
import type { StepDefinition } from '../runs/step-definition.js';
import type { LogWriter } from '../store/log-repo.js';
import type { RunRepo } from '../store/run-repo.js';
import { closeRunServices, openRunServices, type RunServices } from './run-services.js';
import { drSteps } from './dr-steps.js';

/**
 * The run engine of the app: runs saved in SQLite, steps from the DR step registry, services (SSH
 * pool, clients) opened per step with the profile's secrets, every log line to the store and the UI.
 */
export function createDrEngine(
  state: CoreState,
  runs: RunRepo,
  logs: LogWriter,
  steps: Partial<Record<StepKey, StepDefinition<unknown, RunServices>>> = drSteps,
): RunEngine<RunServices> {
  return new RunEngine<RunServices>({
    store: runs,
    steps,
    loadProfile: (id) => state.profiles.get(id),
    openServices: async (profile, _runId, signal) =>
      servicesFor(state, profile, signal, (record) => {
        const clean = { ...record, text: state.scrubber.scrub(record.text) };
        logs.write(clean);
        state.bus.log(clean);
      }),
    closeServices: closeRunServices,
    log: (record) => {
      const clean = { ...record, text: state.scrubber.scrub(record.text) };
      logs.write(clean);
      state.bus.log(clean);
    },
    emitStep: (progress) => state.bus.emit('step', progress),
    emitRun: (event) => {
      logs.flush();
      state.bus.emit('run', event);
    },
    operator: operatorName(),
  });
}

/**
 * A run's services for `profile` (SSH pool, cloud clients) with the profile's secrets, every command's
 * output going to `sink` (the store and the UI for a run; the UI only for a plan preview).
 */
export function servicesFor(
  state: CoreState,
  profile: Profile,
  signal: AbortSignal,
  sink: LogSink,
): Result<RunServices> {
  const cipher = state.requireCipher();
  if (!cipher.ok) return cipher;
  return ok(
    openRunServices(
      profile,
      {
        getSecret: (key) => {
          const secret = state.secret(profile.id, key);
          if (!secret.ok) throw new AppFailure(secret.error);
          return secret.value;
        },
        knownHosts: state.knownHosts(profile.id),
        sink,
        scrub: (text) => state.scrubber.scrub(text),
        addSecret: (value) => state.scrubber.add(value),
        ...(process.env.SSH_AUTH_SOCK ? { agentSocket: process.env.SSH_AUTH_SOCK } : {}),
      },
      signal,
    ),
  );
}

export function operatorName(): string {
  try {
    return `${os.userInfo().username}@${os.hostname()}`;
  } catch {
    return 'unknown';
  }
}
