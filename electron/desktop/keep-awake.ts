import type { RunActivity } from '../../shared/run/run-activity.js';

/** The part of Electron's `powerSaveBlocker` used here (injected: tests pass a recorder). */
export interface PowerSaveBlocker {
  start(type: 'prevent-app-suspension' | 'prevent-display-sleep'): number;
  stop(id: number): void;
  isStarted(id: number): boolean;
}

/**
 * Keeps the machine from sleeping while a run executes a step: a laptop that suspends in the middle of
 * a copy or a restore drops every SSH session. `prevent-app-suspension` keeps the system awake and
 * lets the screen turn off. Released as soon as no run executes. Returns an unsubscribe (which also
 * releases a held blocker).
 */
export function keepAwakeWhileRunning(activity: RunActivity, blocker: PowerSaveBlocker): () => void {
  let id: number | null = null;
  const release = () => {
    if (id !== null && blocker.isStarted(id)) blocker.stop(id);
    id = null;
  };
  const unsubscribe = activity.subscribe({
    busy(busy) {
      if (busy && id === null) id = blocker.start('prevent-app-suspension');
      else if (!busy) release();
    },
  });
  return () => {
    unsubscribe();
    release();
  };
}
