/**
 * The hardening rules of the desktop window, as plain data and pure functions so they are unit-tested
 * without Electron. `electron-window.ts` and `electron-ipc.ts` apply them.
 */

/**
 * Every network call runs in the main process, so the page needs nothing beyond its own files:
 * `default-src 'none'` and `connect-src 'self'` (browser mode fetches its API from the same origin).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The same policy for a `<meta http-equiv>` tag. Chromium ignores `frame-ancestors` there and logs a
 * console error, so it is left out; the response header (Electron and browser mode) still carries it.
 * The meta tag matters for `file://`, where there is no response header to rewrite.
 */
export function cspForMetaTag(csp: string = CONTENT_SECURITY_POLICY): string {
  return csp
    .split(';')
    .map((d) => d.trim())
    .filter((d) => d !== '' && !d.startsWith('frame-ancestors'))
    .join('; ');
}

/** The subset of Electron's `WebPreferences` we set; every flag is explicit, even where it is the default. */
export interface HardenedWebPreferences {
  preload: string;
  sandbox: true;
  contextIsolation: true;
  nodeIntegration: false;
  nodeIntegrationInWorker: false;
  nodeIntegrationInSubFrames: false;
  webSecurity: true;
  allowRunningInsecureContent: false;
  webviewTag: false;
  experimentalFeatures: false;
  navigateOnDragDrop: false;
  spellcheck: false;
  safeDialogs: true;
}

export interface MainWindowOptions {
  width: number;
  height: number;
  minWidth: number;
  minHeight: number;
  title: string;
  /** Shown once the first paint is ready, so the user never sees a white flash. */
  show: false;
  backgroundColor: string;
  autoHideMenuBar: true;
  webPreferences: HardenedWebPreferences;
}

export const PRODUCT_NAME = 'Trilio DR Wizard';

/** Window options for the one main window; `preloadPath` is the bundled `out/preload/preload.cjs`. */
export function mainWindowOptions(preloadPath: string): MainWindowOptions {
  return {
    width: 1360,
    height: 880,
    minWidth: 960,
    minHeight: 600,
    title: PRODUCT_NAME,
    show: false,
    backgroundColor: '#1b1e23',
    autoHideMenuBar: true,
    webPreferences: {
      preload: preloadPath,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      safeDialogs: true,
    },
  };
}

/**
 * Whether the window may show `url`: only the packaged renderer page itself (any hash; query and
 * other files are refused). `rendererIndexUrl` is the `file://…/out/renderer/index.html` URL.
 */
export function isAllowedRendererUrl(url: string, rendererIndexUrl: string): boolean {
  const target = parseUrl(url);
  const expected = parseUrl(rendererIndexUrl);
  if (!target || !expected) return false;
  if (target.protocol !== 'file:' || expected.protocol !== 'file:') return false;
  // A `file://host/…` URL would be a UNC path on Windows: never ours.
  if (target.host !== '' || target.search !== '') return false;
  return target.pathname === expected.pathname;
}

/** What the IPC handler knows about who sent a message, read from the Electron event. */
export interface IpcSender {
  /** `webContents.id` of the sender. */
  webContentsId: number;
  /** URL of the sending frame, or null when the frame is gone. */
  frameUrl: string | null;
  /** The sending frame is the main frame of its webContents (not an iframe). */
  isMainFrame: boolean;
}

/** A message is ours only if it comes from the main frame of our window showing our renderer page. */
export function isValidIpcSender(
  sender: IpcSender,
  windowWebContentsId: number,
  rendererIndexUrl: string,
): boolean {
  if (sender.webContentsId !== windowWebContentsId) return false;
  if (!sender.isMainFrame || sender.frameUrl === null) return false;
  return isAllowedRendererUrl(sender.frameUrl, rendererIndexUrl);
}

/**
 * Links the user clicks (documentation, a Keystone URL) open in the system browser, https only:
 * `file:`, `smb:`, custom schemes and plain http could run or fetch something on the user's behalf.
 */
export function isSafeExternalUrl(url: string): boolean {
  const parsed = parseUrl(url);
  if (!parsed) return false;
  return (
    parsed.protocol === 'https:' && parsed.hostname !== '' && parsed.username === '' && parsed.password === ''
  );
}

function parseUrl(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}
