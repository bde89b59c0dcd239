import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { LabFailure } from '../lab-failure.js';
import { cmdlineOf, isAlive, terminateGroup } from './proc-table.js';
import { assertPortFree, waitReady } from './readiness.js';

/**
 * The lab's long-running services: started detached in their own process group with a pid file
 * under `.lab/clouds/run`, reused when alive, stopped by process group.
 */

export interface ServiceSpec {
  /** Short name: pid file `<runDir>/<name>.pid`. */
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** stdout and stderr are appended here. */
  logFile: string;
  /** A word that must occur in /proc/<pid>/cmdline for a pid file to be trusted (guards against pid reuse). */
  cmdlineMark: string;
}

/**
 * Starts a service detached in its own process group (so `stopService` can end its workers too) and
 * writes its pid file. The caller waits for readiness.
 */
export async function startService(runDir: string, spec: ServiceSpec): Promise<number> {
  await mkdir(runDir, { recursive: true });
  await mkdir(path.dirname(spec.logFile), { recursive: true });
  const log = openSync(spec.logFile, 'a');
  try {
    const child = spawn(spec.command, spec.args, {
      env: spec.env ?? process.env,
      cwd: spec.cwd,
      detached: true,
      stdio: ['ignore', log, log],
    });
    const pid = child.pid;
    if (pid === undefined)
      throw new LabFailure({ code: 'internal', message: `Could not start ${spec.name} (${spec.command}).` });
    child.unref();
    await writeFile(pidFile(runDir, spec.name), `${pid}\n`);
    return pid;
  } finally {
    closeSync(log);
  }
}

export const pidFile = (runDir: string, name: string): string => path.join(runDir, `${name}.pid`);

/**
 * The pid of a service recorded in its pid file, if that process is still alive and is that service.
 * A stale pid file is removed.
 */
export async function runningPid(
  runDir: string,
  name: string,
  cmdlineMark: string,
): Promise<number | undefined> {
  const file = pidFile(runDir, name);
  let pid: number;
  try {
    pid = Number.parseInt((await readFile(file, 'utf8')).trim(), 10);
  } catch {
    return undefined;
  }
  if (
    Number.isInteger(pid) &&
    pid > 1 &&
    (await isAlive(pid)) &&
    (await cmdlineOf(pid)).includes(cmdlineMark)
  )
    return pid;
  await rm(file, { force: true });
  return undefined;
}

/**
 * Stops a service started by `startService`: SIGTERM to its process group, SIGKILL after the grace
 * period, then removes the pid file. Returns whether something was running.
 */
export async function stopService(
  runDir: string,
  name: string,
  cmdlineMark: string,
  graceMs = 15_000,
): Promise<boolean> {
  const pid = await runningPid(runDir, name, cmdlineMark);
  if (pid === undefined) return false;
  await terminateGroup(pid, graceMs);
  await rm(pidFile(runDir, name), { force: true });
  return true;
}

export interface DaemonSpec extends ServiceSpec {
  /** Human name for messages, e.g. "Keystone". */
  title: string;
  host: string;
  port: number;
  ready: () => Promise<boolean>;
  readyTimeoutMs: number;
  /** Its configuration changed since it was started: restart it instead of reusing it. */
  restart?: boolean;
}

/**
 * Reuses a running service (pid file alive, answering) or starts it and waits until it answers.
 * A running one whose configuration changed is restarted, so `up` always converges on this code's config.
 */
export async function ensureDaemon(
  runDir: string,
  spec: DaemonSpec,
): Promise<'reused' | 'started' | 'restarted'> {
  let pid = await runningPid(runDir, spec.name, spec.cmdlineMark);
  const restarting = pid !== undefined && spec.restart === true;
  if (pid !== undefined && restarting) {
    await stopService(runDir, spec.name, spec.cmdlineMark);
    pid = undefined;
  }
  if (pid !== undefined) {
    // Alive: it answers now, or it is still starting (another `up` started it a moment ago).
    await waitReady({
      name: spec.title,
      ready: spec.ready,
      timeoutMs: spec.readyTimeoutMs,
      pid,
      logFile: spec.logFile,
    });
    return 'reused';
  }
  await assertPortFree(spec.title, spec.host, spec.port);
  const started = await startService(runDir, spec);
  await waitReady({
    name: spec.title,
    ready: spec.ready,
    timeoutMs: spec.readyTimeoutMs,
    pid: started,
    logFile: spec.logFile,
  });
  return restarting ? 'restarted' : 'started';
}
