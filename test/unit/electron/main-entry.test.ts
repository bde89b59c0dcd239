import { beforeEach, describe, expect, it, vi } from 'vitest';

/**
 * The desktop entry's process-wide switches (issue 8's Electron checklist), with Electron's `app`
 * replaced by a recorder: every renderer sandboxed, a second instance quits instead of opening the same
 * store, and every web contents refuses new windows and webviews. `electron/main.ts` acts when it is
 * imported, so each case imports a fresh copy.
 */
interface Recorder {
  lock: boolean;
  calls: string[];
  listeners: Map<string, (...args: unknown[]) => void>;
}
const recorder: Recorder = { lock: true, calls: [], listeners: new Map() };

vi.mock('electron', () => ({
  app: {
    enableSandbox: () => recorder.calls.push('enableSandbox'),
    requestSingleInstanceLock: () => {
      recorder.calls.push('requestSingleInstanceLock');
      return recorder.lock;
    },
    quit: () => recorder.calls.push('quit'),
    on: (event: string, listener: (...args: unknown[]) => void) => {
      recorder.listeners.set(event, listener);
      return undefined;
    },
    // Never ready: the window itself is covered by window-options and electron-window's users.
    whenReady: () => {
      recorder.calls.push('whenReady');
      return new Promise(() => {});
    },
  },
  dialog: {},
}));

async function importMain(lock: boolean): Promise<void> {
  recorder.lock = lock;
  recorder.calls = [];
  recorder.listeners = new Map();
  vi.resetModules();
  await import('../../../electron/main.js');
}

describe('electron/main.ts', () => {
  beforeEach(() => vi.resetModules());

  it('sandboxes every renderer before anything else happens', async () => {
    await importMain(true);
    expect(recorder.calls[0]).toBe('enableSandbox');
  });

  it('a second instance quits at once: it never opens the store nor a window', async () => {
    await importMain(false);
    expect(recorder.calls).toEqual(['enableSandbox', 'requestSingleInstanceLock', 'quit']);
    expect([...recorder.listeners.keys()]).toEqual([]);
  });

  it('the first instance focuses its window when a second one starts', async () => {
    await importMain(true);
    expect(recorder.calls).toEqual(['enableSandbox', 'requestSingleInstanceLock', 'whenReady']);
    expect(recorder.listeners.has('second-instance')).toBe(true);
  });

  it('every web contents denies new windows and refuses to attach a webview', async () => {
    await importMain(true);
    const created = recorder.listeners.get('web-contents-created');
    expect(created).toBeDefined();
    let openHandler: (() => { action: string }) | null = null;
    const contentsListeners = new Map<string, (event: { preventDefault: () => void }) => void>();
    created!(
      {},
      {
        on: (event: string, listener: (event: { preventDefault: () => void }) => void) =>
          contentsListeners.set(event, listener),
        setWindowOpenHandler: (handler: () => { action: string }) => (openHandler = handler),
      },
    );
    expect(openHandler!()).toEqual({ action: 'deny' });
    const prevented = vi.fn();
    contentsListeners.get('will-attach-webview')!({ preventDefault: prevented });
    expect(prevented).toHaveBeenCalledOnce();
  });
});
