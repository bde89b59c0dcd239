import { app, dialog, type BrowserWindow } from 'electron';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createCore } from './core/app-core.js';
import type { Core } from './core/core-types.js';
import { registerIpc } from './electron-ipc.js';
import { createOsKeychain } from './electron-safe-storage.js';
import { createMainWindow, hardenDefaultSession, type MainWindowPaths } from './electron-window.js';
import { guardWindowClose, wireDesktopRuns } from './electron-desktop.js';
import { AppFailure } from '../shared/result.js';

/**
 * The desktop entry: one instance, one hardened window, IPC to the core, and the desktop behaviour
 * around runs (electron-desktop.ts). Everything the wizard does lives in the core (plain Node modules
 * shared with browser mode and the CLI).
 */
const rendererIndexPath = fileURLToPath(new URL('../renderer/index.html', import.meta.url));
const paths: MainWindowPaths = {
  preloadPath: fileURLToPath(new URL('../preload/preload.cjs', import.meta.url)),
  rendererIndexPath,
  rendererIndexUrl: pathToFileURL(rendererIndexPath).href,
};

let core: Core | null = null;
let window: BrowserWindow | null = null;

// Every renderer is sandboxed, whatever a window's options say.
app.enableSandbox();

if (!app.requestSingleInstanceLock()) {
  // Two instances would open the same store; the first one gets focus instead.
  app.quit();
} else {
  app.on('second-instance', focusWindow);
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-attach-webview', (e) => e.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
  app.on('window-all-closed', () => app.quit());
  app.on('will-quit', () => void core?.close());
  app.whenReady().then(onReady, fatal);
}

async function onReady(): Promise<void> {
  hardenDefaultSession();
  const started: Core = await createCore({
    dataDir: app.getPath('userData'),
    keychain: osKeychainOrNull(),
    mode: 'desktop',
    version: app.getVersion(),
  });
  core = started;
  const win = createMainWindow(paths);
  window = win;
  const unregister = registerIpc(started, win, paths.rendererIndexUrl);
  // Awake while a step executes, a notification when a run ends or halts, a question before quitting.
  const desktop = wireDesktopRuns(started, () => window);
  guardWindowClose(win, desktop);
  app.on('will-quit', () => desktop.dispose());
  win.on('closed', () => {
    unregister();
    window = null;
  });
}

/** Without a usable OS key store the core starts locked and asks for a passphrase instead. */
function osKeychainOrNull() {
  try {
    return createOsKeychain();
  } catch (error) {
    if (error instanceof AppFailure) console.warn(`${error.error.message} ${error.error.hint ?? ''}`);
    else throw error;
    return null;
  }
}

function focusWindow(): void {
  if (!window) return;
  if (window.isMinimized()) window.restore();
  window.focus();
}

function fatal(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  dialog.showErrorBox('Trilio DR Wizard could not start', message);
  app.exit(1);
}
