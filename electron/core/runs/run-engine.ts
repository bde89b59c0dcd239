import { failedChecksMessage } from '../../../shared/run/verify-summary.js';
import { randomUUID } from 'node:crypto';
import type { LogRecord, StepProgress } from '../../../shared/contract.js';
import type { Profile } from '../../../shared/profile/profile.js';
import { AppFailure, fail, ok, type AppError, type Result } from '../../../shared/result.js';
import type { StepKey } from '../../../shared/run/plan-types.js';
import type { RunParams, RunView, StepState } from '../../../shared/run/run-types.js';
import { stepInfo, stepsFor } from '../../../shared/run/step-catalog.js';
import type { LogSink } from '../log-sink.js';
import { phaseLines } from '../../../shared/report/run-log.js';
import type { RunStore } from './run-store.js';
import type { StepContext, StepDefinition } from './step-definition.js';
import { stepAbortController } from './step-abort.js';

export interface RunEngineDeps<S> {
  store: RunStore;
  steps: Partial<Record<StepKey, StepDefinition<unknown, S>>>;
  loadProfile(profileId: string): Result<Profile>;
  /** Builds the run's services (SSH pool, clients); `close` is called when the run's work ends. */
  openServices(profile: Profile, runId: string, signal: AbortSignal): Promise<Result<S>>;
  closeServices(services: S): Promise<void>;
  log: LogSink;
  emitStep(progress: StepProgress): void;
  emitRun(event: { runId: string; phase: 'started' | 'finished' | 'failed' | 'cancelled' }): void;
  operator: string;
  now?: () => Date;
}

interface Active<S> {
  controller: AbortController;
  services: S | null;
}

/**
 * Runs DR procedures step by step and saves every transition before acting on it, so a crash at any
 * point leaves a run that `resume` completes: the step that was running is executed again, and steps
 * are idempotent (check, then act) so nothing happens twice.
 */
export class RunEngine<S> {
  private readonly active = new Map<string, Active<S>>();
  private readonly now: () => Date;

  constructor(private readonly deps: RunEngineDeps<S>) {
    this.now = deps.now ?? (() => new Date());
  }

  /** Marks runs that were mid-step when the process died as interrupted (call once at start-up). */
  recoverInterrupted(): string[] {
    const interrupted: string[] = [];
    for (const summary of this.deps.store.listRuns()) {
      if (summary.status !== 'running') continue;
      this.deps.store.updateRun(summary.id, { status: 'interrupted' });
      interrupted.push(summary.id);
    }
    return interrupted;
  }

  create(profileId: string, params: RunParams): Result<RunView> {
    const profile = this.deps.loadProfile(profileId);
    if (!profile.ok) return profile;
    const busy = this.deps.store
      .listRuns(profileId)
      .find((r) => r.status === 'running' && this.active.has(r.id));
    if (busy)
      return fail({
        code: 'conflict',
        message: `Run ${busy.id} of this profile is executing a step; one run at a time per profile.`,
        hint: 'Wait for it, or cancel it.',
      });
    const id = `run-${this.now().toISOString().slice(0, 10)}-${randomUUID().slice(0, 8)}`;
    const notifyOnly = params.notifyOnly;
    const drill = params.kind === 'single' && params.drill !== undefined;
    const steps: StepState[] = stepsFor(params.kind, notifyOnly, drill).map((key) => ({
      key,
      status: 'pending',
      attempts: 0,
    }));
    this.deps.store.insertRun(
      {
        id,
        profileId,
        kind: params.kind,
        status: 'created',
        params,
        operator: this.deps.operator,
        createdAt: this.now().toISOString(),
      },
      steps,
    );
    return ok(this.deps.store.getRun(id)!);
  }

  get(runId: string): Result<RunView> {
    const run = this.deps.store.getRun(runId);
    return run ? ok(run) : fail({ code: 'not-found', message: `No run ${runId}.` });
  }

  /** Updates the run's choices (workload, restore form, mapping) before the steps that use them. */
  updateParams(runId: string, params: RunParams): Result<RunView> {
    const run = this.get(runId);
    if (!run.ok) return run;
    if (params.kind !== run.value.kind)
      return fail({ code: 'invalid-argument', message: `This is a ${run.value.kind} run.` });
    if (this.active.has(runId))
      return fail({ code: 'conflict', message: 'A step is executing; change the choices when it is done.' });
    this.deps.store.updateRun(runId, { params });
    return this.get(runId);
  }

  /** Discovers facts and builds the step's plan, without changing anything. */
  async plan(runId: string, key: StepKey): Promise<Result<StepState>> {
    return this.withStep(runId, key, 'plan', async (ctx, def, state) => {
      ctx.log(phaseLines.plan);
      const facts = await def.discover(ctx);
      if (!facts.ok) return facts;
      const plan = def.plan(facts.value, ctx);
      if (!plan.ok) return plan;
      const planned: StepState = { ...state, status: 'planned', facts: facts.value, plan: plan.value };
      delete planned.error;
      return ok(planned);
    });
  }

  /**
   * Executes the step's plan (planning first when there is none, as the CLI does after `--yes`), then
   * its verification. `confirmed` lists manual actions the user says were applied.
   */
  async execute(runId: string, key: StepKey, confirmed: string[] = []): Promise<Result<StepState>> {
    const run = this.get(runId);
    if (!run.ok) return run;
    const blocked = this.blockingStep(run.value, key);
    if (blocked)
      return fail({
        code: 'precondition',
        message: `“${stepInfo(key).title}” needs “${stepInfo(blocked).title}” to succeed first.`,
      });
    const state = run.value.steps.find((s) => s.key === key);
    if (!state?.plan) {
      const planned = await this.plan(runId, key);
      if (!planned.ok) return planned;
    }
    return this.withStep(
      runId,
      key,
      'execute',
      async (ctx, def, current) => {
        if (!current.plan) return fail({ code: 'internal', message: 'The step has no plan.' });
        const started: StepState = {
          ...current,
          status: 'running',
          startedAt: this.now().toISOString(),
          attempts: current.attempts + 1,
        };
        delete started.error;
        delete started.finishedAt;
        this.deps.store.saveStep(runId, started);
        this.deps.store.updateRun(runId, {
          status: 'running',
          ...(run.value.startedAt ? {} : { startedAt: started.startedAt }),
        });
        this.emitStep({ runId, step: key, status: 'running' });
        ctx.log(phaseLines.execute(started.attempts));
        const outcome = await def.execute(current.plan, current.facts, ctx);
        if (!outcome.ok) return outcome;
        const failedChecks = outcome.value.verify.filter((v) => !v.ok);
        if (failedChecks.length > 0) {
          // The failed rows stay with the step (the UI shows them), not only inside the error message.
          this.deps.store.saveStep(runId, { ...started, outcome: outcome.value });
          return fail({
            code: 'precondition',
            message: `Verification failed: ${failedChecksMessage(failedChecks)}.`,
            hint: 'See the verification rows and the log; fix the cause and run the step again (it is safe to repeat).',
          });
        }
        return ok({
          ...started,
          status: 'succeeded',
          outcome: outcome.value,
          finishedAt: this.now().toISOString(),
        });
      },
      confirmed,
    );
  }

  /** Runs every remaining step in order (headless mode), stopping at the first failure. */
  async runAll(
    runId: string,
    options: { includeOnDemand?: StepKey[]; confirmed?: string[] } = {},
  ): Promise<Result<RunView>> {
    const run = this.get(runId);
    if (!run.ok) return run;
    this.deps.emitRun({ runId, phase: 'started' });
    for (const step of run.value.steps) {
      if (step.status === 'succeeded' || step.status === 'skipped') continue;
      if (stepInfo(step.key).onDemand && !options.includeOnDemand?.includes(step.key)) continue;
      const result = await this.execute(runId, step.key, options.confirmed);
      if (!result.ok) {
        this.deps.emitRun({ runId, phase: result.error.code === 'cancelled' ? 'cancelled' : 'failed' });
        return fail(result.error);
      }
    }
    this.deps.emitRun({ runId, phase: 'finished' });
    return this.get(runId);
  }

  /**
   * The user closes the run: done without a clean-up, or given up. Nothing on the hosts or clouds
   * changes; clean-up and revert stay possible afterwards. Closing twice keeps the first time.
   */
  close(runId: string): Result<RunView> {
    const run = this.get(runId);
    if (!run.ok) return run;
    if (this.active.has(runId))
      return fail({ code: 'conflict', message: 'A step is executing; close the run when it is done.' });
    if (!run.value.closedAt) this.deps.store.updateRun(runId, { closedAt: this.now().toISOString() });
    return this.get(runId);
  }

  cancel(runId: string): Result<{ cancelled: boolean }> {
    const active = this.active.get(runId);
    if (!active) return ok({ cancelled: false });
    active.controller.abort(new Error('cancelled by the user'));
    return ok({ cancelled: true });
  }

  private blockingStep(run: RunView, key: StepKey): StepKey | undefined {
    if (stepInfo(key).onDemand) return undefined; // clean-up and revert are offered even after a failure
    for (const s of run.steps) {
      if (s.key === key) return undefined;
      if (stepInfo(s.key).onDemand) continue;
      if (s.status !== 'succeeded' && s.status !== 'skipped') return s.key;
    }
    return undefined;
  }

  private emitStep(progress: StepProgress): void {
    this.deps.emitStep(progress);
  }

  private async withStep(
    runId: string,
    key: StepKey,
    phase: 'plan' | 'execute',
    body: (
      ctx: StepContext<S>,
      def: StepDefinition<unknown, S>,
      state: StepState,
    ) => Promise<Result<StepState>>,
    confirmed: string[] = [],
  ): Promise<Result<StepState>> {
    const run = this.get(runId);
    if (!run.ok) return run;
    const state = run.value.steps.find((s) => s.key === key);
    if (!state) return fail({ code: 'not-found', message: `This run has no step “${stepInfo(key).title}”.` });
    const def = this.deps.steps[key];
    if (!def)
      return fail({
        code: 'internal',
        message: `Step “${stepInfo(key).title}” is not available in this version.`,
      });
    if (this.active.has(runId))
      return fail({
        code: 'conflict',
        message: 'Another step of this run is in progress.',
        hint: 'Wait or cancel it.',
      });
    const profile = this.deps.loadProfile(run.value.profileId);
    if (!profile.ok) return profile;

    const controller = stepAbortController(profile.value);
    const active: Active<S> = { controller, services: null };
    this.active.set(runId, active);
    try {
      const services = await this.deps.openServices(profile.value, runId, controller.signal);
      if (!services.ok) return this.finishFailed(runId, state, phase, services.error);
      active.services = services.value;
      const ctx = this.context(run.value, key, profile.value, services.value, controller.signal, confirmed);
      const result = await body(ctx, def, state).catch((e: unknown) =>
        // An AppFailure is a user-facing error thrown from deep code (a secret that cannot be opened).
        e instanceof AppFailure
          ? fail<StepState>(e.error)
          : fail<StepState>({
              code: 'internal',
              message: `The step stopped on an unexpected error: ${e instanceof Error ? e.message : String(e)}`,
              hint: 'This is a bug in the wizard; the step is safe to run again. The log has what ran before.',
            }),
      );
      if (!result.ok)
        return this.finishFailed(
          runId,
          this.get(runId).ok ? this.currentStep(runId, key) : state,
          phase,
          result.error,
        );
      this.deps.store.saveStep(runId, result.value);
      if (phase === 'execute') this.deps.store.updateRun(runId, this.statusAfter(runId));
      this.emitStep({ runId, step: key, status: result.value.status, fraction: 1 });
      return result;
    } finally {
      this.active.delete(runId);
      if (active.services) await this.deps.closeServices(active.services);
    }
  }

  private currentStep(runId: string, key: StepKey): StepState {
    return this.deps.store.getRun(runId)!.steps.find((s) => s.key === key)!;
  }

  private finishFailed(
    runId: string,
    state: StepState,
    phase: 'plan' | 'execute',
    error: AppError,
  ): Result<StepState> {
    const cancelled = error.code === 'cancelled';
    const status = cancelled ? 'cancelled' : phase === 'plan' ? state.status : 'failed';
    const failed: StepState = {
      ...state,
      status,
      error,
      ...(phase === 'execute' ? { finishedAt: this.now().toISOString() } : {}),
    };
    this.deps.store.saveStep(runId, failed);
    if (phase === 'execute') this.deps.store.updateRun(runId, { status: cancelled ? 'cancelled' : 'failed' });
    this.emitStep({ runId, step: state.key, status, error });
    return fail(error);
  }

  private statusAfter(runId: string): { status: RunView['status']; finishedAt?: string } {
    const run = this.deps.store.getRun(runId)!;
    const mainDone = run.steps
      .filter((s) => !stepInfo(s.key).onDemand)
      .every((s) => s.status === 'succeeded' || s.status === 'skipped');
    return mainDone ? { status: 'succeeded', finishedAt: this.now().toISOString() } : { status: 'waiting' };
  }

  private context(
    run: RunView,
    step: StepKey,
    profile: Profile,
    services: S,
    signal: AbortSignal,
    confirmed: string[],
  ): StepContext<S> {
    const store = this.deps.store;
    const record = (stream: LogRecord['stream'], text: string, host = '') =>
      this.deps.log({ runId: run.id, step, host, stream, ts: Date.now(), text });
    return {
      runId: run.id,
      step,
      profile,
      params: run.params,
      signal,
      services,
      log: (text, options) => record(options?.stream ?? 'info', text, options?.host ?? ''),
      progress: (fraction, message, item) =>
        this.emitStep({
          runId: run.id,
          step,
          status: 'running',
          fraction,
          ...(message ? { message } : {}),
          ...(item ? { item } : {}),
        }),
      previousFacts: () => store.getRun(run.id)?.steps.find((s) => s.key === step)?.facts,
      outcomeOf: (key) => store.getRun(run.id)?.steps.find((s) => s.key === key)?.outcome,
      statusOf: (key) => store.getRun(run.id)?.steps.find((s) => s.key === key)?.status,
      recordChange: (change) => store.addChange(run.id, { ...change, step }, this.now().toISOString()),
      changes: () => store.getRun(run.id)?.changes ?? [],
      markUndone: (id) => store.markChangeUndone(run.id, id, this.now().toISOString()),
      journal: () => store.openChangesOfProfile(run.profileId),
      takeOver: (runId, id) => store.markChangeUndone(runId, id, this.now().toISOString()),
      isConfirmed: (actionId) => confirmed.includes(actionId),
    };
  }
}
