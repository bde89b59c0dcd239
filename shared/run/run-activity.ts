import type { StepProgress } from '../contract.js';
import type { StepKey } from './plan-types.js';
import type { RunStatus } from './run-types.js';
import { stepInfo } from './step-catalog.js';

/**
 * Which runs are executing a step right now, from the core's `step` events, and when a run ends or
 * halts — what the desktop app keeps the machine awake for, notifies about and asks before quitting
 * (and browser mode notifies about). Pure: the run's status is asked through `runStatus` (the core's
 * `runs.get`), so the same tracker runs in the main process and in the page.
 *
 * A run "ends" when a step succeeds and leaves the run `succeeded` (every main step done), or when an
 * on-demand step (clean-up, revert) succeeds; it "halts" when a step fails or is cancelled. A step
 * that succeeds while more steps wait is neither: the wizard goes on.
 */
export interface RunEnding {
  runId: string;
  step: StepKey;
  kind: 'ended' | 'halted';
  /** The step's status at the end: `succeeded`, `failed` or `cancelled`. */
  status: 'succeeded' | 'failed' | 'cancelled';
  /** The error of a halted step. */
  message?: string;
}

export interface RunActivityListener {
  /** Some run started executing (true), or the last one stopped (false). */
  busy?(busy: boolean): void;
  ended?(ending: RunEnding): void;
}

export class RunActivity {
  /** Run id → the step it is executing. */
  private readonly executing = new Map<string, StepKey>();
  private readonly listeners = new Set<RunActivityListener>();

  constructor(private readonly runStatus: (runId: string) => Promise<RunStatus | undefined>) {}

  subscribe(listener: RunActivityListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get busy(): boolean {
    return this.executing.size > 0;
  }

  /** The runs executing now, with their step. */
  running(): { runId: string; step: StepKey }[] {
    return [...this.executing].map(([runId, step]) => ({ runId, step }));
  }

  /** Feed every `step` event of the core here. */
  async onStep(progress: StepProgress): Promise<void> {
    const step = progress.step as StepKey;
    if (progress.status === 'running') {
      const wasBusy = this.busy;
      this.executing.set(progress.runId, step);
      if (!wasBusy) this.emit((l) => l.busy?.(true));
      return;
    }
    if (!isEnd(progress.status) || !this.executing.has(progress.runId)) return;
    this.executing.delete(progress.runId);
    if (!this.busy) this.emit((l) => l.busy?.(false));
    if (progress.status !== 'succeeded') {
      this.emit((l) =>
        l.ended?.({
          runId: progress.runId,
          step,
          kind: 'halted',
          status: progress.status as 'failed' | 'cancelled',
          ...(progress.error ? { message: progress.error.message } : {}),
        }),
      );
      return;
    }
    const finished = stepInfo(step)?.onDemand || (await this.runStatus(progress.runId)) === 'succeeded';
    if (finished)
      this.emit((l) => l.ended?.({ runId: progress.runId, step, kind: 'ended', status: 'succeeded' }));
  }

  private emit(call: (listener: RunActivityListener) => void): void {
    for (const l of [...this.listeners]) {
      try {
        call(l);
      } catch {
        // One broken listener (a notification backend) must not stop the others.
      }
    }
  }
}

function isEnd(status: StepProgress['status']): status is 'succeeded' | 'failed' | 'cancelled' {
  return status === 'succeeded' || status === 'failed' || status === 'cancelled';
}

/** The notification text for a run that ended or halted (desktop and browser mode say the same). */
export function endingMessage(ending: RunEnding): { title: string; body: string } {
  const step = stepInfo(ending.step)?.title ?? ending.step;
  if (ending.kind === 'ended')
    return stepInfo(ending.step)?.onDemand
      ? { title: `${step} finished`, body: `Run ${ending.runId}: ${step} succeeded.` }
      : { title: 'DR run finished', body: `Run ${ending.runId}: every step succeeded. The report is ready.` };
  return {
    title: ending.status === 'cancelled' ? `DR run cancelled at ${step}` : `DR run stopped at ${step}`,
    body: `Run ${ending.runId}: ${ending.message ?? ending.status}. Open the wizard to see what to do; the step is safe to run again.`,
  };
}
