import { endingMessage, type RunActivity } from '../../shared/run/run-activity.js';

/** An OS notification backend (Electron's `Notification`, injected). */
export interface DesktopNotifications {
  isSupported(): boolean;
  /** Shows a notification; `onClick` when the user clicks it. */
  show(message: { title: string; body: string }, onClick: () => void): void;
}

/**
 * An OS notification when a run ends or halts, so the admin who looked away from a long run learns of
 * it; clicking it brings the window back (`focus`). Returns an unsubscribe.
 */
export function notifyRunEndings(
  activity: RunActivity,
  notifications: DesktopNotifications,
  focus: () => void,
): () => void {
  return activity.subscribe({
    ended(ending) {
      if (notifications.isSupported()) notifications.show(endingMessage(ending), focus);
    },
  });
}
