import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { Api } from '../../../shared/contract.js';

// Electron cannot run here; the preload is checked against a recording stand-in of the two modules
// it may touch. What matters is what crosses the bridge, which this observes exactly.
const exposed = new Map<string, unknown>();
const invoked: { channel: string; args: unknown }[] = [];
const listeners = new Map<string, Set<(...a: unknown[]) => void>>();

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, value: unknown) => exposed.set(key, value) },
  ipcRenderer: {
    invoke: async (channel: string, args: unknown) => {
      invoked.push({ channel, args });
      return { ok: true, value: 'answer' };
    },
    on: (channel: string, fn: (...a: unknown[]) => void) => {
      const set = listeners.get(channel) ?? new Set();
      set.add(fn);
      listeners.set(channel, set);
    },
    removeListener: (channel: string, fn: (...a: unknown[]) => void) => listeners.get(channel)?.delete(fn),
  },
}));

let api: Api;
beforeAll(async () => {
  await import('../../../electron/preload.js');
  api = exposed.get('trilioDr') as Api;
});

describe('preload', () => {
  it('exposes one object with exactly call and on', () => {
    expect([...exposed.keys()]).toEqual(['trilioDr']);
    expect(Object.keys(api).sort()).toEqual(['call', 'on']);
  });

  it('forwards contract calls to their own channel', async () => {
    const result = await api.call('profiles.get', { id: 'p1' });
    expect(result).toEqual({ ok: true, value: 'answer' });
    expect(invoked.at(-1)).toEqual({ channel: 'call:profiles.get', args: { id: 'p1' } });
  });

  it('refuses names outside the contract without touching IPC', async () => {
    const before = invoked.length;
    const result = await api.call('shell.exec' as never, {} as never);
    expect(result.ok).toBe(false);
    expect(invoked).toHaveLength(before);
    expect(() => api.on('anything' as never, () => {})).toThrow(/Unknown event/);
  });

  it('delivers event payloads without the IPC event, and unsubscribes', () => {
    const seen: unknown[] = [];
    const off = api.on('step', (payload) => seen.push(payload));
    const [forward] = listeners.get('event:step') ?? [];
    forward?.({ sender: 'the ipc event' }, { runId: 'r', step: 'copy', status: 'running' });
    expect(seen).toEqual([{ runId: 'r', step: 'copy', status: 'running' }]);
    off();
    expect(listeners.get('event:step')?.size).toBe(0);
  });
});
