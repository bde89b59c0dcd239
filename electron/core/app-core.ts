import { isCallName, parseCallArgs, type CallName } from '../../shared/contract.js';
import { AppFailure, fail, ok, type Result } from '../../shared/result.js';
import { CoreState, type CoreMode, type KeychainAccess } from './core-state.js';
import type { Core } from './core-types.js';
import { EventBus } from './event-bus.js';
import type { Handler, HandlerMap } from './handlers/handler-types.js';
import { profileHandlers } from './handlers/profile-handlers.js';
import { openStore, storeFileIn } from './store/database.js';
import { createDrEngine, operatorName, servicesFor } from './dr/dr-engine.js';
import { closeRunServices } from './dr/run-services.js';
import { DrillEngine } from './drill/drill-engine.js';
import { DrillRepo } from './store/drill-repo.js';
import { hostHandlers } from './handlers/host-handlers.js';
import { runHandlers } from './handlers/run-handlers.js';
import { mappingHandlers } from './handlers/mapping-handlers.js';
import { reprotectHandlers } from './handlers/reprotect-handlers.js';
import { drillHandlers } from './handlers/drill-handlers.js';
import { reportHandlers } from './handlers/report-handlers.js';
import { runbookHandlers } from './handlers/runbook-handlers.js';
import { onboardingHandlers } from './handlers/onboarding-handlers.js';
import { previewHandlers } from './handlers/preview-handlers.js';
import { cloudNames, nameHandlers } from './handlers/name-handlers.js';
import { NameCache } from './names/name-lookup.js';
import { argumentStrings } from './secrets/argument-strings.js';
import { createScrubber } from './secrets/secret-scrubber.js';
import { LogWriter } from './store/log-repo.js';
import { RunRepo } from './store/run-repo.js';

export interface CoreOptions {
  dataDir: string;
  /**
   * The desktop app's OS keychain, which wraps the store's data key so the app opens without a
   * prompt; absent in browser mode and the CLI, which open the same key with the passphrase.
   */
  keychain?: KeychainAccess | null;
  /** Before the shared data key: the OS key store cipher. Only `null` is accepted now (no keychain). */
  cipher?: null;
  /** Unlocks a passphrase store at start (browser mode and CLI: TRILIO_DR_PASSPHRASE). */
  passphrase?: string;
  mode: CoreMode;
  version: string;
}

/**
 * The main-process core: the store, the handlers of every contract call, and the events. Electron,
 * browser mode and the CLI host the same core. Fails (AppFailure) when the store cannot be opened:
 * locked by another instance, from a newer version, or damaged.
 */
export async function createCore(options: CoreOptions): Promise<Core> {
  const store = openStore(storeFileIn(options.dataDir));
  if (!store.ok) throw new AppFailure(store.error);
  const bus = new EventBus();
  const state = new CoreState(
    store.value,
    bus,
    options.mode,
    options.version,
    options.dataDir,
    options.keychain ?? null,
  );
  if (options.passphrase) {
    const unlocked = state.unlock(options.passphrase);
    if (!unlocked.ok) {
      store.value.close();
      throw new AppFailure(unlocked.error);
    }
  }
  const runs = new RunRepo(store.value);
  const logs = new LogWriter(store.value, { scrub: (text) => state.scrubber.scrub(text) });
  bus.beforeLogBatch = () => logs.flush();
  const engine = createDrEngine(state, runs, logs);
  // A run that was mid-step when the process died resumes at that step (steps are safe to repeat).
  engine.recoverInterrupted();
  const drillLog = (record: Parameters<typeof logs.write>[0]) => {
    const clean = { ...record, text: state.scrubber.scrub(record.text) };
    logs.write(clean);
    state.bus.log(clean);
  };
  const drills = new DrillEngine({
    state,
    engine,
    runs,
    drills: new DrillRepo(store.value),
    openServices: (profile, signal, sink) => servicesFor(state, profile, signal, sink),
    closeServices: closeRunServices,
    log: drillLog,
    emit: (progress) => state.bus.emit('drill', progress),
    operator: operatorName(),
  });
  drills.recoverInterrupted();
  const names = new NameCache();
  const handlers: HandlerMap = {
    'app.info': () => ok(state.info()),
    'store.unlock': ({ passphrase }) => state.unlock(passphrase),
    'store.setPassphrase': ({ passphrase }) => state.setPassphrase(passphrase),
    ...profileHandlers(state),
    ...hostHandlers(state),
    ...runHandlers(state, engine, runs, logs),
    ...mappingHandlers(state, engine),
    ...reprotectHandlers(state, engine),
    ...reportHandlers(state, logs, async (profileId) => {
      const profile = state.profiles.get(profileId);
      return profile.ok ? (await cloudNames(state, names, profile.value)).names : {};
    }),
    ...runbookHandlers(state, engine),
    ...onboardingHandlers(state),
    ...previewHandlers(state, runs),
    ...nameHandlers(state, engine, names),
    ...drillHandlers(state, drills),
  };

  return {
    info: () => state.info(),
    async handle(name: string, rawArgs: unknown): Promise<Result<unknown>> {
      if (!isCallName(name)) return fail({ code: 'invalid-argument', message: `Unknown call ${name}.` });
      const args = parseCallArgs(name, rawArgs);
      if (!args.ok) return args;
      try {
        return await (handlers[name] as Handler<CallName>)(args.value as never);
      } catch (error) {
        if (error instanceof AppFailure) return fail(error.error);
        // A bug, not a user error: say which call, never echo its arguments (they may hold secrets
        // the store has not registered yet: a password being saved, the passphrase being set).
        const callScrubber = createScrubber();
        for (const text of argumentStrings(rawArgs)) callScrubber.add(text);
        const message = callScrubber.scrub(
          state.scrubber.scrub(error instanceof Error ? error.message : String(error)),
        );
        return fail({ code: 'internal', message: `${name} failed unexpectedly: ${message}` });
      }
    },
    subscribe: (listener) => bus.subscribe(listener),
    async close() {
      logs.close();
      bus.close();
      store.value.close();
    },
  };
}
