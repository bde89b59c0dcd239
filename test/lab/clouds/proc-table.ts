import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { pollUntil } from './poll-until.js';

/** What /proc says about the lab's processes, and ending them (whole process groups, by pid). */

export async function cmdlineOf(pid: number): Promise<string> {
  try {
    return (await readFile(`/proc/${pid}/cmdline`, 'utf8')).replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

interface ProcStat {
  pid: number;
  state: string;
  pgid: number;
}

async function procStat(pid: number): Promise<ProcStat | undefined> {
  try {
    const text = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may itself contain spaces or parentheses.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { pid, state: fields[0] ?? '?', pgid: Number(fields[2]) };
  } catch {
    return undefined;
  }
}

/** Alive and not a zombie (a zombie keeps its pid until its parent reaps it). */
export async function isAlive(pid: number): Promise<boolean> {
  const stat = await procStat(pid);
  return stat !== undefined && stat.state !== 'Z' && stat.state !== 'X';
}

/** Live (non-zombie) members of a process group. */
export async function groupMembers(pgid: number): Promise<number[]> {
  const entries = await readdir('/proc');
  const stats = await Promise.all(entries.filter((e) => /^\d+$/.test(e)).map((e) => procStat(Number(e))));
  return stats
    .filter((s): s is ProcStat => s !== undefined && s.pgid === pgid && s.state !== 'Z' && s.state !== 'X')
    .map((s) => s.pid);
}

/**
 * SIGTERM, wait, SIGKILL: ends the process `pgid` and every process of the group it leads (a lost
 * worker may not lead a group, so the process itself is signalled too).
 */
export async function terminateGroup(pgid: number, graceMs: number): Promise<void> {
  const gone = async (): Promise<boolean> =>
    !(await isAlive(pgid)) && (await groupMembers(pgid)).length === 0;
  signal(-pgid, 'SIGTERM');
  signal(pgid, 'SIGTERM');
  if (await pollUntil(gone, graceMs, 100)) return;
  signal(-pgid, 'SIGKILL');
  signal(pgid, 'SIGKILL');
  await pollUntil(gone, 5_000, 100);
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // ESRCH: already gone.
  }
}

/**
 * Lab services whose pid file was lost: processes whose program (first or second word of the command
 * line, as a base name; `gunicorn:`-style titles count) is one of `programs` and that refer to one of
 * the lab's directories, in its arguments or in the one environment
 * variable that locates a service's config (gunicorn's title hides Keystone's config path). A shell
 * or `tail` looking at a lab log is not matched. Never this process or its ancestors.
 */
export async function strayServices(
  dirs: string[],
  programs: string[],
): Promise<{ pid: number; cmdline: string }[]> {
  const ancestors = await ancestorsOfSelf();
  const mentionsDir = (text: string): boolean =>
    dirs.some((dir) => text.includes(`${dir}/`) || text.endsWith(dir) || text.includes(`${dir} `));
  const found: { pid: number; cmdline: string }[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (ancestors.has(pid) || !(await isAlive(pid))) continue;
    const cmdline = (await cmdlineOf(pid)).trim();
    const words = cmdline
      .split(/\s+/)
      .slice(0, 2)
      .map((word) => path.basename(word).replace(/:$/, ''));
    if (!words.some((word) => programs.includes(word))) continue;
    const environ = (await readFile(`/proc/${pid}/environ`, 'latin1').catch(() => '')).split('\0');
    const configVar = environ.find((variable) => variable.startsWith('OS_KEYSTONE_CONFIG_FILES=')) ?? '';
    if (mentionsDir(cmdline) || mentionsDir(configVar)) found.push({ pid, cmdline });
  }
  return found;
}

async function ancestorsOfSelf(): Promise<Set<number>> {
  const seen = new Set<number>();
  let pid = process.pid;
  while (pid > 1 && !seen.has(pid)) {
    seen.add(pid);
    const text = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    pid = Number(text.slice(text.lastIndexOf(')') + 2).split(' ')[1] ?? 0);
  }
  return seen;
}
