import type { RunStatus, RunView } from '../../shared/run/run-types.js';
import type { StepProgress } from '../../shared/contract.js';
import type { Result } from '../../shared/result.js';
import { RunActivity } from '../../shared/run/run-activity.js';
import type { Core } from '../core/core-types.js';
import { keepAwakeWhileRunning, type PowerSaveBlocker } from './keep-awake.js';
import { QuitGuard, type ConfirmQuit } from './quit-guard.js';
import { notifyRunEndings, type DesktopNotifications } from './run-notifier.js';

/** What the desktop behaviour needs from Electron, injected by the glue (electron/electron-desktop.ts). */
export interface DesktopApis {
  powerSaveBlocker: PowerSaveBlocker;
  notifications: DesktopNotifications;
  confirmQuit: ConfirmQuit;
  focusWindow(): void;
}

export interface DesktopRuns {
  activity: RunActivity;
  quitGuard: QuitGuard;
  dispose(): void;
}

/**
 * The desktop app's behaviour around runs: the machine stays awake while a step executes, an OS
 * notification says when a run ended or halted, and quitting with a run in progress asks first.
 * Everything is driven by the core's `step` events.
 */
export function setupDesktopRuns(core: Pick<Core, 'handle' | 'subscribe'>, apis: DesktopApis): DesktopRuns {
  const activity = new RunActivity(async (runId): Promise<RunStatus | undefined> => {
    const run = (await core.handle('runs.get', { runId })) as Result<RunView>;
    return run.ok ? run.value.status : undefined;
  });
  const offEvents = core.subscribe((event, payload) => {
    if (event === 'step') void activity.onStep(payload as StepProgress);
  });
  const offAwake = keepAwakeWhileRunning(activity, apis.powerSaveBlocker);
  const offNotify = notifyRunEndings(activity, apis.notifications, apis.focusWindow);
  const quitGuard = new QuitGuard(activity, apis.confirmQuit, (running) => {
    for (const r of running) void core.handle('runs.cancel', { runId: r.runId });
  });
  return {
    activity,
    quitGuard,
    dispose() {
      offEvents();
      offNotify();
      offAwake();
    },
  };
}
