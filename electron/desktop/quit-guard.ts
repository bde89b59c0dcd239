import type { RunActivity } from '../../shared/run/run-activity.js';
import type { StepKey } from '../../shared/run/plan-types.js';

/** Asks the user (a modal dialog); true = quit anyway. Injected: Electron's dialog, or a test's answer. */
export type ConfirmQuit = (running: { runId: string; step: StepKey }[]) => boolean;

/**
 * Asks before the app quits (or its window closes) while a run executes a step. Quitting anyway
 * cancels the running steps first (`onQuit`), so their remote commands stop; the run stays resumable.
 * One confirmation covers the whole quit sequence (window close, then app quit).
 */
export class QuitGuard {
  private confirmed = false;

  constructor(
    private readonly activity: RunActivity,
    private readonly confirm: ConfirmQuit,
    private readonly onQuit: (running: { runId: string; step: StepKey }[]) => void,
  ) {}

  /** Whether quitting may go on now; false means: prevent it (the user chose to keep the run going). */
  allowQuit(): boolean {
    if (this.confirmed || !this.activity.busy) return true;
    const running = this.activity.running();
    if (!this.confirm(running)) return false;
    this.confirmed = true;
    this.onQuit(running);
    return true;
  }
}
