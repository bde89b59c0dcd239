import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { Api, CallArgs, CallName, CallResult, EventName, Events } from '../shared/contract.js';
import type { Result } from '../shared/result.js';
import { callChannel, eventChannel, isIpcCallName, isIpcEventName } from './ipc-channels.js';

/**
 * The renderer's only door to the main process: `window.trilioDr`, exactly the `Api` shape. Names
 * outside the contract are refused here as well as in main; `ipcRenderer` and `process` never cross
 * the bridge (the environment may hold OS_* credentials).
 */
const api: Api = {
  call<N extends CallName>(name: N, args: CallArgs<N>): Promise<Result<CallResult<N>>> {
    if (!isIpcCallName(name))
      return Promise.resolve({
        ok: false,
        error: { code: 'invalid-argument', message: `Unknown call ${JSON.stringify(String(name))}.` },
      });
    return ipcRenderer.invoke(callChannel(name), args) as Promise<Result<CallResult<N>>>;
  },
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
    if (!isIpcEventName(event)) throw new Error(`Unknown event ${JSON.stringify(String(event))}.`);
    if (typeof listener !== 'function') throw new Error('The listener must be a function.');
    const channel = eventChannel(event);
    // The IPC event object (with its `sender`) stays in the preload; the page gets the payload only.
    const forward = (_event: IpcRendererEvent, payload: Events[E]) => listener(payload);
    ipcRenderer.on(channel, forward);
    return () => {
      ipcRenderer.removeListener(channel, forward);
    };
  },
};

contextBridge.exposeInMainWorld('trilioDr', api);
