import type { Api } from '../../../../shared/contract.js';
import { createElectronApi } from './electron-api.js';
import { createHttpApi } from './http-api.js';

/**
 * The desktop app's preload sets `window.trilioDr`; without it the page was served by browser mode
 * and talks HTTP + SSE to the same origin. Everything else in the renderer sees only `Api`.
 */
export function selectTransport(): Api {
  if (window.trilioDr) return createElectronApi(window.trilioDr);
  return createHttpApi();
}
