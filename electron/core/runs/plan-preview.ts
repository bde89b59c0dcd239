import { randomUUID } from 'node:crypto';
import type { LogRecord } from '../../../shared/contract.js';
import type { Profile } from '../../../shared/profile/profile.js';
import { AppFailure, fail, type AppError, type Result } from '../../../shared/result.js';
import type { ChangeRecord, StepKey, StepPlan } from '../../../shared/run/plan-types.js';
import type { PreviewStep, RunPreview } from '../../../shared/run/run-preview.js';
import type { ChangeView, RunParams, StepOutcome } from '../../../shared/run/run-types.js';
import { stepInfo, stepsFor } from '../../../shared/run/step-catalog.js';
import type { StepContext, StepDefinition } from './step-definition.js';
import type { JournalEntry } from './run-store.js';

/**
 * Plans a whole run without creating it: each step's own `discover` (read-only by contract) and `plan`,
 * in runbook order, against a scratch world where the earlier steps' predicted outcomes and changes
 * stand in for their execution. Nothing is stored, no `execute` is ever called, and a step that tries
 * to record a change during planning is refused (PlanOnlyViolation): planning cannot change anything.
 */

/** What the earlier steps of the previewed run will have done, as far as planning can tell. */
export interface PreviewWorld {
  facts: Partial<Record<StepKey, unknown>>;
  plans: Partial<Record<StepKey, StepPlan>>;
  outcomes: Partial<Record<StepKey, StepOutcome>>;
  changes: ChangeView[];
}

/** The preview's knowledge of one step beyond its own discovery. */
export interface StepPredictor<S> {
  /**
   * The earlier steps change what this step's discovery reads (the workload is copied into the folder
   * it checks): plan from the prediction without asking the world first.
   */
  predictFirst?(world: PreviewWorld): boolean;
  /**
   * Facts for the step's planner from what the earlier steps will have done, used when its own
   * discovery or plan fails now (the workload is not copied or reassigned yet, …). `failure` is why.
   */
  facts?(
    ctx: StepContext<S>,
    world: PreviewWorld,
    failure: AppError,
  ): Promise<Result<{ facts: unknown; notes: string[] }>>;
  /** Corrects facts discovered now that the earlier steps will change (clean-up: workloads known by then). */
  adjust?(facts: unknown, world: PreviewWorld): { facts: unknown; notes: string[] };
  /**
   * The outcome data later steps read (`outcomeOf`), predicted from the facts and the plan; `params`
   * when the run's choices are completed after this step (the full-cloud mapping after Find).
   */
  outcome?(
    ctx: StepContext<S>,
    facts: unknown,
    plan: StepPlan,
    world: PreviewWorld,
  ): Promise<{ data?: unknown; notes: string[]; params?: RunParams }>;
  /** The changes the step will record; default: the plan's actions that carry a change. */
  changes?(facts: unknown, plan: StepPlan): Omit<ChangeRecord, 'step'>[];
}

export interface PreviewDeps<S> {
  steps: Partial<Record<StepKey, StepDefinition<unknown, S>>>;
  predictors: Partial<Record<StepKey, StepPredictor<S>>>;
  services: S;
  signal: AbortSignal;
  /** Discovery narration (never stored: there is no run to store it with). */
  log(record: LogRecord): void;
  now?: () => Date;
  /** Open changes of this profile's earlier runs (read only); none when absent. */
  journal?: () => JournalEntry[];
}

/** Thrown when planning tries to change the run (record or undo a change): a step defect. */
export class PlanOnlyViolation extends Error {
  constructor(what: string, step: StepKey) {
    super(`Step “${stepInfo(step).title}” tried to ${what} while only planning.`);
    this.name = 'PlanOnlyViolation';
  }
}

export async function previewRun<S>(
  profile: Profile,
  params: RunParams,
  deps: PreviewDeps<S>,
): Promise<RunPreview> {
  const now = deps.now ?? (() => new Date());
  const runId = `preview-${randomUUID().slice(0, 8)}`;
  const world: PreviewWorld = { facts: {}, plans: {}, outcomes: {}, changes: [] };
  const steps: PreviewStep[] = [];
  let current = params;
  for (const key of stepsFor(params.kind, params.notifyOnly)) {
    const ctx = previewContext(runId, key, profile, current, deps, world);
    const { step, params: next } = await previewStep(key, ctx, deps, world, now);
    steps.push(step);
    if (next) current = next;
    if (deps.signal.aborted) break;
  }
  return {
    profileId: profile.id,
    profileName: profile.name,
    kind: params.kind,
    params: current,
    generatedAt: now().toISOString(),
    steps,
    hosts: profile.hosts.map((h) => ({ id: h.id, name: h.name })),
  };
}

async function previewStep<S>(
  key: StepKey,
  ctx: StepContext<S>,
  deps: PreviewDeps<S>,
  world: PreviewWorld,
  now: () => Date,
): Promise<{ step: PreviewStep; params?: RunParams }> {
  const title = stepInfo(key).title;
  const def = deps.steps[key];
  if (!def)
    return {
      step: {
        key,
        title,
        basis: 'deferred',
        notes: [],
        error: { code: 'internal', message: `Step “${title}” is not available in this version.` },
      },
    };
  const predictor = deps.predictors[key];
  const notes: string[] = [];
  let basis: PreviewStep['basis'] = 'discovered';
  let facts: unknown;
  const discover = async (): Promise<Result<StepPlan>> => {
    const found = await def.discover(ctx);
    if (!found.ok) return found;
    facts = found.value;
    if (predictor?.adjust) {
      const adjusted = predictor.adjust(facts, world);
      facts = adjusted.facts;
      notes.push(...adjusted.notes);
      if (adjusted.notes.length > 0) basis = 'predicted';
    }
    return def.plan(facts, ctx);
  };
  let plan: Result<StepPlan> = predictor?.predictFirst?.(world)
    ? fail({ code: 'precondition', message: 'Planned from the earlier steps.' })
    : await guarded(discover);
  if (!plan.ok && predictor?.facts && plan.error.code !== 'cancelled') {
    const failure = plan.error;
    const predicted = await guarded(() => predictor.facts!(ctx, world, failure));
    if (predicted.ok) {
      facts = predicted.value.facts;
      notes.push(...predicted.value.notes);
      basis = 'predicted';
      plan = await guarded(async () => def.plan(facts, ctx));
    } else if (predicted.error.message !== failure.message) {
      // The predictor's reason explains the step better than what discovery ran into now.
      notes.push(`Discovery now: ${failure.message}`);
      plan = predicted;
    }
  }
  if (!plan.ok) return { step: { key, title, basis: 'deferred', notes, error: plan.error } };
  world.facts[key] = facts;
  world.plans[key] = plan.value;
  const changes = predictor?.changes ? predictor.changes(facts, plan.value) : changesOf(plan.value);
  for (const change of changes)
    world.changes.push({
      ...change,
      step: key,
      id: world.changes.length + 1,
      appliedAt: now().toISOString(),
    });
  let params: RunParams | undefined;
  if (predictor?.outcome) {
    const outcome = await guarded(async () => ({
      ok: true as const,
      value: await predictor.outcome!(ctx, facts, plan.value, world),
    }));
    if (outcome.ok) {
      notes.push(...outcome.value.notes);
      world.outcomes[key] = { summary: plan.value.summary, verify: [], data: outcome.value.data };
      params = outcome.value.params;
    } else notes.push(`What this step finds is not known before it runs: ${outcome.error.message}`);
  }
  return { step: { key, title, basis, plan: plan.value, notes }, ...(params ? { params } : {}) };
}

/** The changes a plan's actions record when they run (the executors record exactly these). */
export function changesOf(plan: StepPlan): Omit<ChangeRecord, 'step'>[] {
  return plan.actions.flatMap((a) =>
    a.kind !== 'manual' && a.change
      ? [
          {
            actionId: a.id,
            host: a.kind === 'remote' ? a.host : '',
            kind: a.change.kind,
            description: a.description,
            undo: a.change.undo,
          },
        ]
      : [],
  );
}

/** Runs planning code; an AppFailure or a defect becomes an error value (a preview never throws). */
async function guarded<T>(body: () => Promise<Result<T>>): Promise<Result<T>> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof AppFailure) return fail(error.error);
    if (error instanceof PlanOnlyViolation) throw error;
    return fail({
      code: 'internal',
      message: `Planning stopped on an unexpected error: ${error instanceof Error ? error.message : String(error)}`,
    });
  }
}

function previewContext<S>(
  runId: string,
  step: StepKey,
  profile: Profile,
  params: RunParams,
  deps: PreviewDeps<S>,
  world: PreviewWorld,
): StepContext<S> {
  const refuse = (what: string) => {
    throw new PlanOnlyViolation(what, step);
  };
  return {
    runId,
    step,
    profile,
    params,
    signal: deps.signal,
    services: deps.services,
    log: (text, options) =>
      deps.log({
        runId,
        step,
        host: options?.host ?? '',
        stream: options?.stream ?? 'info',
        ts: Date.now(),
        text,
      }),
    progress: () => undefined,
    previousFacts: () => undefined,
    outcomeOf: (key) => world.outcomes[key],
    recordChange: () => refuse('record a change'),
    changes: () => world.changes.map((c) => ({ ...c })),
    markUndone: () => refuse('mark a change undone'),
    // A step is done in the preview once its plan was predicted (its outcome stands in for it).
    statusOf: (key) => (world.outcomes[key] ? 'succeeded' : undefined),
    journal: () => deps.journal?.() ?? [],
    takeOver: () => refuse('take over a change of another run'),
    isConfirmed: () => false,
  };
}
