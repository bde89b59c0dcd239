import type { Api } from '../../../../shared/contract.js';
import type { RunView } from '../../../../shared/run/run-types.js';
import { endingMessage, RunActivity } from '../../../../shared/run/run-activity.js';

/** The page's Notifications API (injected: tests pass a recorder). */
export interface NotificationCtor {
  readonly permission: NotificationPermission;
  requestPermission(): Promise<NotificationPermission>;
  new (
    title: string,
    options?: NotificationOptions,
  ): { onclick: ((this: unknown, ev: Event) => unknown) | null };
}

/**
 * Browser mode: a notification when a run ends or halts, as the desktop app's OS notification, through
 * the page's Notifications API once the user allowed it (asked from a click, as browsers require).
 * The desktop app notifies from its main process instead (its page may not show notifications).
 */
export class BrowserNotifications {
  permission = $state<NotificationPermission | 'unsupported'>('unsupported');
  readonly #api: Pick<Api, 'call' | 'on'>;
  readonly #ctor: NotificationCtor | undefined;
  readonly #focus: () => void;

  constructor(
    api: Pick<Api, 'call' | 'on'>,
    ctor: NotificationCtor | undefined = globalThis.Notification as NotificationCtor | undefined,
    focus: () => void = () => window.focus(),
  ) {
    this.#api = api;
    this.#ctor = ctor;
    this.#focus = focus;
    this.permission = ctor ? ctor.permission : 'unsupported';
  }

  /** Asks for permission; call it from a click handler. */
  async enable(): Promise<void> {
    if (!this.#ctor || this.permission !== 'default') return;
    this.permission = await this.#ctor.requestPermission();
  }

  /** Follows the runs (the core's step events); returns an unsubscribe. */
  start(): () => void {
    const activity = new RunActivity(async (runId) => {
      const run = await this.#api.call('runs.get', { runId });
      return run.ok ? (run.value as RunView).status : undefined;
    });
    const offActivity = activity.subscribe({
      ended: (ending) => {
        if (!this.#ctor || this.permission !== 'granted') return;
        const { title, body } = endingMessage(ending);
        const shown = new this.#ctor(title, { body, tag: `trilio-dr-${ending.runId}` });
        shown.onclick = () => this.#focus();
      },
    });
    const offSteps = this.#api.on('step', (progress) => void activity.onStep(progress));
    return () => {
      offSteps();
      offActivity();
    };
  }
}
