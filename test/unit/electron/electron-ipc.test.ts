import { describe, expect, it, vi } from 'vitest';
import { calls, type EventName, type Events } from '../../../shared/contract.js';
import type { Result } from '../../../shared/result.js';
import type { Core } from '../../../electron/core/core-types.js';

// ipcMain is replaced by a registry the test can call into like Electron would.
const handlers = new Map<string, (event: unknown, args: unknown) => Promise<unknown>>();
vi.mock('electron', () => ({
  ipcMain: {
    handle: (channel: string, fn: (event: unknown, args: unknown) => Promise<unknown>) => {
      if (handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
      handlers.set(channel, fn);
    },
    removeHandler: (channel: string) => handlers.delete(channel),
  },
}));

const { registerIpc } = await import('../../../electron/electron-ipc.js');
const index = 'file:///app/out/renderer/index.html';

function setup() {
  const handled: { name: string; args: unknown }[] = [];
  let emit: (<E extends EventName>(event: E, payload: Events[E]) => void) | null = null;
  const core: Core = {
    info: () => ({
      version: '1',
      mode: 'desktop',
      storeLocked: false,
      storeNew: false,
      cipher: 'safe-storage',
      passphraseSet: false,
      keychain: true,
      dataDir: '/d',
    }),
    handle: async (name, args): Promise<Result<unknown>> => {
      handled.push({ name, args });
      return { ok: true, value: name };
    },
    subscribe: (listener) => {
      emit = listener;
      return () => (emit = null);
    },
    close: async () => {},
  };
  const sent: { channel: string; payload: unknown }[] = [];
  const mainFrame = { url: index, parent: null };
  const win = {
    isDestroyed: () => false,
    webContents: {
      id: 3,
      isDestroyed: () => false,
      send: (channel: string, payload: unknown) => sent.push({ channel, payload }),
    },
  };
  const undo = registerIpc(core, win as never, index);
  const event = (over: Record<string, unknown> = {}) => ({
    sender: { id: 3 },
    senderFrame: mainFrame,
    ...over,
  });
  return { handled, sent, undo, event, emit: () => emit };
}

describe('registerIpc', () => {
  it('registers one handler per contract call and removes them again', () => {
    const { undo } = setup();
    expect([...handlers.keys()].sort()).toEqual(
      Object.keys(calls)
        .map((n) => `call:${n}`)
        .sort(),
    );
    undo();
    expect(handlers.size).toBe(0);
  });

  it('passes calls from our window to the core, raw', async () => {
    const { handled, undo, event } = setup();
    const answer = await handlers.get('call:profiles.get')!(event(), { id: 'p1' });
    expect(answer).toEqual({ ok: true, value: 'profiles.get' });
    expect(handled).toEqual([{ name: 'profiles.get', args: { id: 'p1' } }]);
    undo();
  });

  it('refuses other windows, iframes and foreign pages before the core sees them', async () => {
    const { handled, undo, event } = setup();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const foreign = [
      event({ sender: { id: 4 } }),
      event({ senderFrame: { url: index, parent: {} } }),
      event({ senderFrame: { url: 'https://evil.example/', parent: null } }),
      event({ senderFrame: null }),
    ];
    for (const e of foreign) {
      const answer = (await handlers.get('call:app.info')!(e, {})) as Result<unknown>;
      expect(answer.ok).toBe(false);
    }
    expect(handled).toEqual([]);
    expect(warn).toHaveBeenCalledTimes(foreign.length);
    warn.mockRestore();
    undo();
  });

  it('forwards core events to the window until undone', () => {
    const { sent, undo, emit } = setup();
    emit()!('run', { runId: 'r1', phase: 'started' });
    expect(sent).toEqual([{ channel: 'event:run', payload: { runId: 'r1', phase: 'started' } }]);
    undo();
    expect(emit()).toBeNull();
  });
});
