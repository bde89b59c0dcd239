import net from 'node:net';
import { LabFailure } from '../lab-failure.js';
import { runCommand, tailOfFile } from './local-command.js';
import { pollUntil } from './poll-until.js';
import { isAlive } from './proc-table.js';

/** Waiting for services by polling (a port, an HTTP GET) with a deadline, never a fixed sleep. */

/** Whether something accepts TCP connections on host:port. */
export function portOpen(host: string, port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (open: boolean): void => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Whether GET url answers with a status below 500 within the timeout. */
export async function httpAnswers(url: string, timeoutMs = 2_000): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await response.arrayBuffer();
    return response.status < 500;
  } catch {
    return false;
  }
}

export interface ReadyWait {
  name: string;
  /** Returns true once the service answers. */
  ready: () => Promise<boolean>;
  timeoutMs: number;
  pid: number;
  logFile: string;
}

/**
 * Waits for a freshly started service; fails early if its process dies, and puts the tail of its log
 * in the error either way.
 */
export async function waitReady(wait: ReadyWait): Promise<void> {
  let died = false;
  const ok = await pollUntil(async () => {
    if (await wait.ready()) return true;
    died = !(await isAlive(wait.pid));
    return died;
  }, wait.timeoutMs);
  if (ok && !died) return;
  throw new LabFailure({
    code: 'internal',
    message: died
      ? `${wait.name} exited while starting.`
      : `${wait.name} did not become ready within ${wait.timeoutMs / 1000} s.`,
    output: `--- tail of ${wait.logFile} ---\n${await tailOfFile(wait.logFile)}`,
    hint: `Read ${wait.logFile}; \`npm run lab -- down\` then \`up\` restarts the lab's clouds.`,
  });
}

/**
 * Refuses to start a service on a port something else already holds, naming the holder so the user
 * can decide what to stop (the lab never kills processes it did not start).
 */
export async function assertPortFree(name: string, host: string, port: number): Promise<void> {
  if (!(await portOpen(host, port))) return;
  let holder = '';
  try {
    holder = (await runCommand('/usr/bin/ss', ['-Hltnp', `sport = :${port}`])).stdout.trim();
  } catch {
    holder = '(ss failed)';
  }
  throw new LabFailure({
    code: 'conflict',
    message: `Cannot start the lab's ${name}: ${host}:${port} is already in use by a process the lab did not start.`,
    output: holder,
    hint: `Stop that process (or a lab started from another checkout with \`npm run lab -- down\`) and run up again.`,
  });
}
