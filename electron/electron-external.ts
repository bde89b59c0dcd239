import { shell } from 'electron';
import { isSafeExternalUrl } from './window-options.js';

/**
 * The one way the app opens something outside itself: https links in the system browser. Every other
 * scheme is refused, because `shell.openExternal` would hand `file:` or a custom scheme to the OS,
 * which may run it. Nothing else in the app calls `shell.openExternal`.
 */
export async function safeOpenExternal(url: string): Promise<boolean> {
  if (!isSafeExternalUrl(url)) {
    console.warn(`Refused to open a non-https link: ${JSON.stringify(url.slice(0, 200))}`);
    return false;
  }
  await shell.openExternal(url);
  return true;
}
