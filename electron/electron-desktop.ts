import { app, dialog, Notification, powerSaveBlocker, type BrowserWindow } from 'electron';
import { stepInfo } from '../shared/run/step-catalog.js';
import type { Core } from './core/core-types.js';
import { setupDesktopRuns, type DesktopRuns } from './desktop/desktop-runs.js';

/**
 * Electron glue of the desktop behaviour around runs (the logic is electron/desktop/*): the real
 * powerSaveBlocker, OS notifications, the quit confirmation dialog, and the app's quit and the
 * window's close asking the quit guard first.
 */
export function wireDesktopRuns(core: Core, getWindow: () => BrowserWindow | null): DesktopRuns {
  // Shown notifications are kept referenced until closed, or their click handler may be collected.
  const shown = new Set<Notification>();
  const runs = setupDesktopRuns(core, {
    powerSaveBlocker,
    notifications: {
      isSupported: () => Notification.isSupported(),
      show: ({ title, body }, onClick) => {
        const n = new Notification({ title, body });
        shown.add(n);
        n.on('click', onClick);
        n.on('close', () => shown.delete(n));
        n.show();
      },
    },
    confirmQuit: (running) => {
      const what = running.map((r) => `run ${r.runId} (${stepInfo(r.step)?.title ?? r.step})`).join(', ');
      const options = {
        type: 'warning' as const,
        buttons: ['Keep running', 'Quit anyway'],
        defaultId: 0,
        cancelId: 0,
        title: 'A DR run is in progress',
        message: 'A DR run is executing a step. Quit anyway?',
        detail: `Executing: ${what}. Quitting cancels the step (its commands on the hosts are stopped); the run stays saved and can be resumed, and the step is safe to run again.`,
      };
      const win = getWindow();
      const answer = win ? dialog.showMessageBoxSync(win, options) : dialog.showMessageBoxSync(options);
      return answer === 1;
    },
    focusWindow: () => {
      const win = getWindow();
      if (!win) return;
      if (win.isMinimized()) win.restore();
      win.show();
      win.focus();
    },
  });
  app.on('before-quit', (event) => {
    if (!runs.quitGuard.allowQuit()) event.preventDefault();
  });
  return runs;
}

/** Closing the window (which quits the app) asks the same question first. */
export function guardWindowClose(win: BrowserWindow, runs: DesktopRuns): void {
  win.on('close', (event) => {
    if (!runs.quitGuard.allowQuit()) event.preventDefault();
  });
}
