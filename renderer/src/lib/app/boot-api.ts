import { selectTransport } from '../transport/index.js';
import { withBootCalls } from './boot-calls.js';

/**
 * The app's one Api. Evaluated first (main.ts imports it before anything else), so the first screen's
 * calls are on their way while the rest of the app's code is evaluated and mounted.
 */
export const bootApi = withBootCalls(selectTransport());
