import type { StepKey } from './plan-types.js';
import type { RunView, StepState, StepStatus } from './run-types.js';
import { stepInfo } from './step-catalog.js';

/**
 * Where a run stands as an admin reads it. The stored status says what the engine did last
 * (`succeeded` once the main sequence is through); the phase adds what only the whole run tells:
 * a run is done after its clean-up or when the user closes it, and a run cleaned up or closed before
 * it delivered its workloads was abandoned.
 */
export type RunPhase =
  | 'new'
  | 'in-progress'
  | 'running'
  | 'interrupted'
  | 'failed'
  | 'cancelled'
  /** Every main step succeeded; clean-up (and revert) still to do, or the user closes the run. */
  | 'delivered'
  | 'done'
  | 'abandoned';

export interface RunPhaseView {
  phase: RunPhase;
  /** Short words for a badge: "delivered, clean-up pending". */
  label: string;
  /** The step the user goes on with, if any. */
  next?: StepKey;
}

type PhaseInput = Pick<RunView, 'status' | 'steps' | 'params'> & { closedAt?: string };

const isDone = (s: StepState) => s.status === 'succeeded' || s.status === 'skipped';

/**
 * Whether a step's choice is made, beyond its status: the Find step of a single-workload run has
 * succeeded as a listing before a workload is chosen, and the Find step of a full-cloud run before
 * the project mapping is saved. Until then the step is not done.
 */
export function choicePending(run: Pick<RunView, 'params' | 'steps'>, key: StepKey): boolean {
  if (key !== 'find') return false;
  const find = run.steps.find((s) => s.key === 'find');
  if (find?.status !== 'succeeded') return false;
  if (run.params.kind === 'single') return run.params.workloadId.trim() === '';
  return run.params.mapping.length === 0;
}

/** The status a step is shown with: `choose` while its choice is pending (see `choicePending`). */
export type StepDisplayStatus = StepStatus | 'choose';

export function stepDisplayStatus(run: Pick<RunView, 'params' | 'steps'>, key: StepKey): StepDisplayStatus {
  const step = run.steps.find((s) => s.key === key);
  if (!step) return 'pending';
  return choicePending(run, key) ? 'choose' : step.status;
}

/** The main sequence (everything but clean-up and revert) has delivered: each step succeeded, choices made. */
export function delivered(run: Pick<RunView, 'params' | 'steps'>): boolean {
  const main = run.steps.filter((s) => !stepInfo(s.key).onDemand);
  return main.length > 0 && main.every(isDone) && !main.some((s) => choicePending(run, s.key));
}

/** The first main step that is not done (or whose choice is pending), where the user goes on. */
export function nextMainStep(run: Pick<RunView, 'params' | 'steps'>): StepKey | undefined {
  return run.steps.find((s) => !stepInfo(s.key).onDemand && (!isDone(s) || choicePending(run, s.key)))?.key;
}

export function runPhase(run: PhaseInput): RunPhaseView {
  const cleanup = run.steps.find((s) => s.key === 'cleanup');
  const cleaned = cleanup?.status === 'succeeded';
  const hasDelivered = delivered(run);
  if (run.status === 'running') return { phase: 'running', label: 'running' };
  if (cleaned || run.closedAt)
    return hasDelivered
      ? { phase: 'done', label: cleaned ? 'done' : 'done, closed without clean-up' }
      : { phase: 'abandoned', label: cleaned ? 'abandoned, cleaned up' : 'abandoned, closed' };
  const next = nextMainStep(run);
  const withNext = (view: RunPhaseView): RunPhaseView => (next ? { ...view, next } : view);
  if (run.status === 'interrupted') return withNext({ phase: 'interrupted', label: 'interrupted' });
  if (run.status === 'failed') return withNext({ phase: 'failed', label: 'failed' });
  if (run.status === 'cancelled') return withNext({ phase: 'cancelled', label: 'cancelled' });
  if (hasDelivered) {
    const revert = run.steps.find((s) => s.key === 'revert');
    const then: StepKey = revert && revert.status !== 'succeeded' ? 'revert' : 'cleanup';
    return { phase: 'delivered', label: 'delivered, clean-up pending', next: then };
  }
  if (run.status === 'created' && run.steps.every((s) => s.attempts === 0))
    return withNext({ phase: 'new', label: 'not started' });
  return withNext({ phase: 'in-progress', label: 'in progress' });
}

/**
 * Overall progress of a run: the main steps done, plus the running step's own fraction, plus one unit
 * for closing the run (clean-up, or the user closing it), so a run reads 100 % only when it is done.
 */
export function runProgress(
  run: PhaseInput,
  live: Partial<Record<StepKey, { fraction?: number | undefined }>> = {},
): { done: number; total: number; fraction: number } {
  const phase = runPhase(run).phase;
  const main = run.steps.filter((s) => !stepInfo(s.key).onDemand);
  const total = main.length + 1;
  if (phase === 'done' || phase === 'abandoned') return { done: total, total, fraction: 1 };
  const done = main.filter((s) => isDone(s) && !choicePending(run, s.key)).length;
  const running = run.steps.find((s) => s.status === 'running');
  const partial = running ? Math.max(0, Math.min(1, live[running.key]?.fraction ?? 0)) : 0;
  return { done, total, fraction: Math.min(1, (done + partial) / total) };
}
