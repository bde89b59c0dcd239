import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { LabFailure } from '../lab-failure.js';
import { tailOfFile } from '../clouds/local-command.js';
import { pollUntil } from '../clouds/poll-until.js';
import { cmdlineOf, isAlive } from '../clouds/proc-table.js';
import type { HostSpec } from './host-specs.js';
import type { HostsPaths } from './hosts-world.js';
import { netnsPath } from './jump-net.js';

/**
 * A host's life: `boot.sh` started in fresh namespaces, which execs sshd, so one pid (in `sshd.pid`,
 * written by sshd once it listens) is the host. Starting does not wait; `waitUntilListening` does, for
 * many hosts at once.
 */

const files = (paths: HostsPaths, name: string) => {
  const dir = paths.hostDir(name);
  return {
    pid: path.join(dir, 'sshd.pid'),
    config: path.join(dir, 'sshd_config'),
    boot: path.join(dir, 'boot.sh'),
    bootLog: path.join(dir, 'boot.log'),
    sshdLog: path.join(dir, 'sshd.log'),
    digest: path.join(dir, 'booted.digest'),
  };
};

/** The pid of the host's sshd if it runs (pid file, alive, and really this host's sshd). */
export async function runningHostPid(paths: HostsPaths, name: string): Promise<number | undefined> {
  const f = files(paths, name);
  const pid = Number.parseInt((await readFile(f.pid, 'utf8').catch(() => '')).trim(), 10);
  if (!Number.isInteger(pid) || pid <= 1 || !(await isAlive(pid))) return undefined;
  return (await cmdlineOf(pid)).includes(f.config) ? pid : undefined;
}

export async function bootedDigest(paths: HostsPaths, name: string): Promise<string> {
  return (await readFile(files(paths, name).digest, 'utf8').catch(() => '')).trim();
}

/** The command that boots a host: its namespaces, then `boot.sh`. */
export function bootCommand(spec: HostSpec, paths: HostsPaths): string[] {
  const unshare = [
    'unshare',
    '--mount',
    '--uts',
    '--propagation',
    'private',
    '--',
    '/bin/sh',
    files(paths, spec.name).boot,
  ];
  return spec.netns ? ['nsenter', `--net=${netnsPath(spec.netns)}`, '--', ...unshare] : unshare;
}

/** Starts a host detached (its own session, so it outlives `npm run lab -- up`); returns its pid. */
export async function startHost(spec: HostSpec, paths: HostsPaths): Promise<number> {
  const f = files(paths, spec.name);
  await rm(f.pid, { force: true });
  const log = openSync(f.bootLog, 'a');
  try {
    const [command, ...args] = bootCommand(spec, paths);
    const child = spawn(command!, args, { detached: true, stdio: ['ignore', log, log] });
    if (child.pid === undefined)
      throw new LabFailure({
        code: 'internal',
        message: `Could not start lab host ${spec.name} (${command}).`,
      });
    child.unref();
    return child.pid;
  } finally {
    closeSync(log);
  }
}

/** Waits until each started host's sshd wrote its pid file; records the digest it was booted with. */
export async function waitUntilListening(
  paths: HostsPaths,
  started: { name: string; pid: number; digest: string }[],
  timeoutMs: number,
): Promise<void> {
  const pending = new Map(started.map((s) => [s.name, s]));
  const ready = async (): Promise<boolean> => {
    for (const [name, host] of pending) {
      const f = files(paths, name);
      const written = (await readFile(f.pid, 'utf8').catch(() => '')).trim();
      if (written === String(host.pid)) {
        await writeFile(f.digest, `${host.digest}\n`);
        pending.delete(name);
      } else if (!(await isAlive(host.pid))) throw await bootFailure(paths, name, 'exited during boot');
    }
    return pending.size === 0;
  };
  if (await pollUntil(ready, timeoutMs, 25)) return;
  const first = [...pending.keys()][0] ?? '?';
  throw await bootFailure(
    paths,
    first,
    `did not listen within ${timeoutMs / 1000} s (${pending.size} hosts pending)`,
  );
}

async function bootFailure(paths: HostsPaths, name: string, what: string): Promise<LabFailure> {
  const f = files(paths, name);
  return new LabFailure({
    code: 'internal',
    message: `Lab host ${name} ${what}.`,
    host: name,
    output: `--- ${f.bootLog} ---\n${await tailOfFile(f.bootLog, 20)}\n--- ${f.sshdLog} ---\n${await tailOfFile(f.sshdLog, 20)}`,
    hint: 'Another process may listen on the same address:22, or the lab directory may be on a file system overlayfs cannot use.',
  });
}

/** Makes a running sshd re-exec itself (it re-reads its config and host key) and waits until it listens again. */
export async function reloadSshd(paths: HostsPaths, name: string, pid: number): Promise<void> {
  const f = files(paths, name);
  await rm(f.pid, { force: true });
  process.kill(pid, 'SIGHUP');
  const back = await pollUntil(
    async () => (await readFile(f.pid, 'utf8').catch(() => '')).trim() === String(pid),
    10_000,
    25,
  );
  if (!back) throw await bootFailure(paths, name, 'did not come back after SIGHUP');
}
