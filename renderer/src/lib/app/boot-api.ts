import { FIRST_SCREEN_ELEMENT_ID, readFirstScreenAnswers } from '../../../../shared/first-screen.js';
import { selectTransport } from '../transport/index.js';
import { withBootCalls } from './boot-calls.js';

/**
 * The app's one Api. Evaluated first (main.ts imports it before anything else), so the first screen's
 * calls are on their way (or, in browser mode, already answered in the page) while the rest of the
 * app's code is evaluated and mounted.
 */
export const bootApi = withBootCalls(
  selectTransport(),
  undefined,
  readFirstScreenAnswers(document.getElementById(FIRST_SCREEN_ELEMENT_ID)?.textContent),
);
