import { BrowserWindow, session } from 'electron';
import { safeOpenExternal } from './electron-external.js';
import { CONTENT_SECURITY_POLICY, isAllowedRendererUrl, mainWindowOptions } from './window-options.js';

export interface MainWindowPaths {
  /** Absolute path of the bundled preload (`out/preload/preload.cjs`). */
  preloadPath: string;
  /** Absolute path of the packaged renderer page (`out/renderer/index.html`). */
  rendererIndexPath: string;
  /** The same page as a `file://` URL; the only URL the window may show. */
  rendererIndexUrl: string;
}

/**
 * Applies session-wide hardening once, before any window exists: our CSP on every response and a
 * refusal of every permission (camera, notifications, clipboard reads…) the wizard never needs.
 */
export function hardenDefaultSession(): void {
  const ses = session.defaultSession;
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] },
    });
  });
  ses.setPermissionRequestHandler((_webContents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
}

/** Builds the main window with the hardened options and blocks every way of leaving the renderer page. */
export function createMainWindow(paths: MainWindowPaths): BrowserWindow {
  const win = new BrowserWindow(mainWindowOptions(paths.preloadPath));
  const contents = win.webContents;

  const refuseForeign = (event: { preventDefault(): void }, url: string) => {
    if (!isAllowedRendererUrl(url, paths.rendererIndexUrl)) event.preventDefault();
  };
  contents.on('will-navigate', refuseForeign);
  contents.on('will-redirect', refuseForeign);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    // No second window ever; an https link goes to the system browser instead.
    void safeOpenExternal(url);
    return { action: 'deny' };
  });

  win.once('ready-to-show', () => win.show());
  void win.loadFile(paths.rendererIndexPath);
  return win;
}
