import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { calls, type CallName } from '../shared/contract.js';
import { fail } from '../shared/result.js';
import type { Core } from './core/core-types.js';
import { callChannel, eventChannel } from './ipc-channels.js';
import { isValidIpcSender } from './window-options.js';

/**
 * Registers one `ipcMain.handle` per contract call. Each handler checks that the message comes from
 * our window's main frame showing our page, then hands the raw arguments to the core, which validates
 * them against the contract schema. Core events are forwarded to the window. Returns an undo.
 */
export function registerIpc(core: Core, win: BrowserWindow, rendererIndexUrl: string): () => void {
  const windowId = win.webContents.id;
  const names = Object.keys(calls) as CallName[];

  for (const name of names) {
    ipcMain.handle(callChannel(name), async (event: IpcMainInvokeEvent, rawArgs: unknown) => {
      if (!isOurs(event, windowId, rendererIndexUrl)) {
        console.warn(`Refused IPC ${name} from a foreign sender (${event.senderFrame?.url ?? 'no frame'}).`);
        return fail({ code: 'precondition', message: 'This window is not allowed to call the wizard.' });
      }
      return core.handle(name, rawArgs);
    });
  }

  const unsubscribe = core.subscribe((eventName, payload) => {
    if (win.isDestroyed() || win.webContents.isDestroyed()) return;
    win.webContents.send(eventChannel(eventName), payload);
  });

  return () => {
    unsubscribe();
    for (const name of names) ipcMain.removeHandler(callChannel(name));
  };
}

function isOurs(event: IpcMainInvokeEvent, windowId: number, rendererIndexUrl: string): boolean {
  const frame = event.senderFrame;
  return isValidIpcSender(
    {
      webContentsId: event.sender.id,
      frameUrl: frame?.url ?? null,
      // A frame without a parent is the top frame; iframes (there should be none) are refused.
      isMainFrame: frame !== null && frame.parent === null,
    },
    windowId,
    rendererIndexUrl,
  );
}
