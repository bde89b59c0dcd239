import { setMaxListeners } from 'node:events';
import type { Profile } from '../../../shared/profile/profile.js';

/** Channels one SSH connection opens at once (connection.ts's default `maxChannels`). */
const CHANNELS_PER_HOST = 8;
/** Requests beside the hosts' commands: API calls, the connection being opened, the step's own waits. */
const HEADROOM = 16;

/**
 * The abort signal of a step (or a drill) is shared by every command and request it has in flight:
 * each adds one 'abort' listener and removes it when it settles (ssh/exec.ts `finish`, connection.ts
 * `settle`, http-client.ts). At the default concurrency of 20 hosts that is well past Node's default
 * of 10 listeners, so Node printed MaxListenersExceededWarning on every wide step although nothing
 * leaked. The limit is raised to what the step can really hold at once — every host worked on with
 * all its channels busy, plus headroom — so a real leak (listeners that are never removed) still warns.
 */
export function stepAbortController(profile: Pick<Profile, 'ssh'>): AbortController {
  const controller = new AbortController();
  setMaxListeners(stepListenerLimit(profile.ssh.concurrency), controller.signal);
  return controller;
}

export function stepListenerLimit(concurrency: number): number {
  return Math.max(1, concurrency) * (CHANNELS_PER_HOST + 1) + HEADROOM;
}
