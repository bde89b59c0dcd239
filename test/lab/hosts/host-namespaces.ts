import { readFile, readdir, readlink, stat } from 'node:fs/promises';
import { pollUntil } from '../clouds/poll-until.js';
import { isAlive } from '../clouds/proc-table.js';

/**
 * Finding a host's processes: every process in a mount namespace whose /etc is an overlay with its
 * upper layer in that host's directory. That finds a host's sshd, its sessions and anything they left
 * running, even when pid files are gone, and never a process of this machine or of another lab.
 */

async function nsOf(pid: number, kind: 'mnt' | 'net'): Promise<string | undefined> {
  return readlink(`/proc/${pid}/ns/${kind}`).catch(() => undefined);
}

async function allPids(): Promise<number[]> {
  const entries = await readdir('/proc');
  return entries.filter((e) => /^\d+$/.test(e)).map(Number);
}

/** Host name → pids in that host's mount namespace(s), for the hosts under `hostsDir`. */
export async function hostProcesses(hostsDir: string): Promise<Map<string, number[]>> {
  const own = await nsOf(process.pid, 'mnt');
  const byNs = new Map<string, number[]>();
  for (const pid of await allPids()) {
    const ns = await nsOf(pid, 'mnt');
    if (ns === undefined || ns === own) continue;
    byNs.set(ns, [...(byNs.get(ns) ?? []), pid]);
  }
  const marker = new RegExp(`upperdir=${escapeRegExp(hostsDir)}/([^/,\\s]+)/root/etc[,\\s]`);
  const found = new Map<string, number[]>();
  for (const pids of byNs.values()) {
    const host = await hostOfNamespace(pids, marker);
    if (host !== undefined) found.set(host, [...(found.get(host) ?? []), ...pids]);
  }
  return found;
}

async function hostOfNamespace(pids: number[], marker: RegExp): Promise<string | undefined> {
  for (const pid of pids) {
    const mountinfo = await readFile(`/proc/${pid}/mountinfo`, 'utf8').catch(() => undefined);
    if (mountinfo === undefined) continue;
    return marker.exec(mountinfo)?.[1];
  }
  return undefined;
}

/** Pids whose network namespace is the one bound at `netnsFile` (`/run/netns/<name>`). */
export async function netnsProcesses(netnsFile: string): Promise<number[]> {
  const inode = await stat(netnsFile).then(
    (s) => s.ino,
    () => undefined,
  );
  if (inode === undefined) return [];
  const wanted = `net:[${inode}]`;
  const pids: number[] = [];
  for (const pid of await allPids())
    if (pid !== process.pid && (await nsOf(pid, 'net')) === wanted) pids.push(pid);
  return pids;
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when all are gone (or reaped as zombies). */
export async function terminateAll(pids: number[], graceMs = 3_000): Promise<void> {
  const send = (signal: NodeJS.Signals): void => {
    for (const pid of pids)
      try {
        process.kill(pid, signal);
      } catch {
        // ESRCH: gone already.
      }
  };
  const gone = async (): Promise<boolean> => (await Promise.all(pids.map(isAlive))).every((alive) => !alive);
  if (pids.length === 0) return;
  send('SIGTERM');
  if (await pollUntil(gone, graceMs, 50)) return;
  send('SIGKILL');
  await pollUntil(gone, 5_000, 50);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
