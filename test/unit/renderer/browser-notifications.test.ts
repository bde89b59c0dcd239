import { describe, expect, it } from 'vitest';
import type { StepProgress } from '../../../shared/contract.js';
import { ok } from '../../../shared/result.js';
import {
  BrowserNotifications,
  type NotificationCtor,
} from '../../../renderer/src/lib/app/browser-notifications.svelte.js';

/** Browser mode's run notifications through a recording Notifications API. */
function setup(permission: NotificationPermission, grant: NotificationPermission = 'granted') {
  const shown: { title: string; body?: string; click: () => void }[] = [];
  let asked = 0;
  let focused = 0;
  class FakeNotification {
    static permission = permission;
    static async requestPermission() {
      asked++;
      FakeNotification.permission = grant;
      return grant;
    }
    onclick: (() => unknown) | null = null;
    constructor(title: string, options?: NotificationOptions) {
      const entry = {
        title,
        ...(options?.body ? { body: options.body } : {}),
        click: () => this.onclick?.(),
      };
      shown.push(entry);
    }
  }
  let onStep: ((p: StepProgress) => void) | undefined;
  const api = {
    call: async () => ok({ status: 'succeeded' }),
    on: (_event: string, listener: (p: StepProgress) => void) => {
      onStep = listener;
      return () => (onStep = undefined);
    },
  };
  const n = new BrowserNotifications(
    api as never,
    FakeNotification as unknown as NotificationCtor,
    () => focused++,
  );
  const step = async (status: StepProgress['status'], message?: string) => {
    onStep?.({
      runId: 'run-1',
      step: 'restore',
      status,
      ...(message ? { error: { code: 'http', message } } : {}),
    });
    await new Promise((r) => setTimeout(r, 0));
  };
  return { n, step, shown, asked: () => asked, focused: () => focused };
}

describe('browser-mode notifications', () => {
  it('asks for permission only when the user enables them', async () => {
    const s = setup('default');
    expect(s.n.permission).toBe('default');
    expect(s.asked()).toBe(0);
    await s.n.enable();
    expect(s.asked()).toBe(1);
    expect(s.n.permission).toBe('granted');
  });

  it('notifies when a run ends and when it halts, once allowed; a click focuses the page', async () => {
    const s = setup('granted');
    const stop = s.n.start();
    await s.step('running');
    await s.step('succeeded');
    await s.step('running');
    await s.step('failed', 'Trilio answered 500');
    expect(s.shown.map((n) => n.title)).toEqual(['DR run finished', 'DR run stopped at Restore']);
    expect(s.shown[1]!.body).toContain('Trilio answered 500');
    s.shown[0]!.click();
    expect(s.focused()).toBe(1);
    stop();
    await s.step('running');
    await s.step('failed');
    expect(s.shown).toHaveLength(2);
  });

  it('stays silent without permission', async () => {
    const s = setup('denied');
    s.n.start();
    await s.step('running');
    await s.step('failed', 'x');
    expect(s.shown).toEqual([]);
  });
});
