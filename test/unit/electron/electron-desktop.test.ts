import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { EventName, Events } from '../../../shared/contract.js';
import { ok } from '../../../shared/result.js';
import type { Core } from '../../../electron/core/core-types.js';

/**
 * The Electron glue of the desktop behaviour (electron/electron-desktop.ts) against a recording
 * `electron` module: the real API names and arguments (powerSaveBlocker.start('prevent-app-suspension'),
 * new Notification({title, body}).show(), dialog.showMessageBoxSync, app 'before-quit', window 'close').
 */
const rec = vi.hoisted(() => ({
  calls: [] as string[],
  appListeners: new Map<string, (event: { preventDefault(): void }) => void>(),
  notifications: [] as { options: { title: string; body: string }; handlers: Map<string, () => void> }[],
  answer: 0,
  held: new Set<number>(),
}));

vi.mock('electron', () => ({
  app: {
    on: (event: string, listener: (event: { preventDefault(): void }) => void) =>
      rec.appListeners.set(event, listener),
  },
  dialog: {
    showMessageBoxSync: (_win: unknown, options: { buttons: string[]; detail: string }) => {
      rec.calls.push(`dialog ${options.buttons.join('|')} ${options.detail}`);
      return rec.answer;
    },
  },
  powerSaveBlocker: {
    start: (type: string) => {
      rec.calls.push(`powerSaveBlocker.start ${type}`);
      rec.held.add(7);
      return 7;
    },
    stop: (id: number) => {
      rec.calls.push(`powerSaveBlocker.stop ${id}`);
      rec.held.delete(id);
    },
    isStarted: (id: number) => rec.held.has(id),
  },
  Notification: class {
    static isSupported = () => true;
    readonly handlers = new Map<string, () => void>();
    constructor(readonly options: { title: string; body: string }) {
      rec.notifications.push(this as never);
    }
    on(event: string, handler: () => void) {
      this.handlers.set(event, handler);
      return this;
    }
    show() {
      rec.calls.push(`notification ${this.options.title}`);
    }
  },
}));

const { guardWindowClose, wireDesktopRuns } = await import('../../../electron/electron-desktop.js');

function fakeCore(status = 'succeeded') {
  const listeners = new Set<<E extends EventName>(event: E, payload: Events[E]) => void>();
  const core: Core = {
    info: () => {
      throw new Error('unused');
    },
    handle: async (name: string, args: unknown) => {
      rec.calls.push(`core ${name}`);
      return ok({ id: (args as { runId: string }).runId, status });
    },
    subscribe: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    close: async () => undefined,
  };
  const step = async (status: 'running' | 'succeeded' | 'failed') => {
    for (const l of listeners) l('step', { runId: 'run-1', step: 'restore', status });
    await new Promise((r) => setTimeout(r, 0));
  };
  return { core, step };
}

function fakeWindow() {
  const listeners = new Map<string, (event: { preventDefault(): void }) => void>();
  const win = {
    on: (event: string, l: (event: { preventDefault(): void }) => void) => listeners.set(event, l),
    isMinimized: () => true,
    restore: () => rec.calls.push('win.restore'),
    show: () => rec.calls.push('win.show'),
    focus: () => rec.calls.push('win.focus'),
  };
  return { win, listeners };
}

const prevented = (listener: ((event: { preventDefault(): void }) => void) | undefined) => {
  let was = false;
  listener?.({ preventDefault: () => (was = true) });
  return was;
};

beforeEach(() => {
  rec.calls = [];
  rec.appListeners.clear();
  rec.notifications = [];
  rec.answer = 0;
  rec.held.clear();
});

describe('electron-desktop glue', () => {
  it('holds powerSaveBlocker (prevent-app-suspension) while a step runs', async () => {
    const { core, step } = fakeCore();
    const { win } = fakeWindow();
    wireDesktopRuns(core, () => win as never);
    await step('running');
    expect(rec.calls).toContain('powerSaveBlocker.start prevent-app-suspension');
    await step('succeeded');
    expect(rec.calls).toContain('powerSaveBlocker.stop 7');
  });

  it('shows an OS Notification when the run ends; clicking it brings the window back', async () => {
    const { core, step } = fakeCore('succeeded');
    const { win } = fakeWindow();
    wireDesktopRuns(core, () => win as never);
    await step('running');
    await step('succeeded');
    expect(rec.notifications.map((n) => n.options.title)).toEqual(['DR run finished']);
    expect(rec.calls).toContain('notification DR run finished');
    rec.notifications[0]!.handlers.get('click')!();
    expect(rec.calls.slice(-3)).toEqual(['win.restore', 'win.show', 'win.focus']);
  });

  it('asks before quitting (app and window) while a run executes', async () => {
    const { core, step } = fakeCore();
    const { win, listeners } = fakeWindow();
    const runs = wireDesktopRuns(core, () => win as never);
    guardWindowClose(win as never, runs);
    expect(prevented(rec.appListeners.get('before-quit'))).toBe(false); // idle: no question
    await step('running');
    rec.answer = 0; // Keep running
    expect(prevented(listeners.get('close'))).toBe(true);
    expect(prevented(rec.appListeners.get('before-quit'))).toBe(true);
    expect(rec.calls.filter((c) => c.startsWith('dialog'))).toHaveLength(2);
    expect(rec.calls.find((c) => c.startsWith('dialog'))).toMatch(
      /^dialog Keep running\|Quit anyway Executing: run run-1 \(Restore\)/,
    );
    rec.answer = 1; // Quit anyway
    expect(prevented(listeners.get('close'))).toBe(false);
    expect(prevented(rec.appListeners.get('before-quit'))).toBe(false);
    expect(rec.calls.filter((c) => c.startsWith('dialog'))).toHaveLength(3);
    expect(rec.calls).toContain('core runs.cancel');
  });
});
