import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { LabFailure } from '../lab-failure.js';
import { isAlive } from './proc-table.js';
import { pollUntil } from './poll-until.js';

/** Small state files of the lab: configs written only on change, one-time step markers, a lock. */

/** Writes a file only when its content differs; returns whether it changed. */
export async function writeFileIfChanged(file: string, content: string, mode = 0o600): Promise<boolean> {
  try {
    if ((await readFile(file, 'utf8')) === content) return false;
  } catch {
    // Missing: written below.
  }
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, content, { mode });
  return true;
}

/** Runs a one-time step unless its marker file says it is done; writes the marker after success. */
export async function once(
  markerDir: string,
  step: string,
  action: () => Promise<unknown>,
): Promise<boolean> {
  const marker = path.join(markerDir, step);
  try {
    await readFile(marker);
    return false;
  } catch {
    // Not done yet.
  }
  await action();
  await mkdir(markerDir, { recursive: true });
  await writeFile(marker, `${new Date().toISOString()}\n`);
  return true;
}

/**
 * Runs `action` holding an exclusive lock file (so two `up`/`down` runs do not start the same service
 * twice). A lock left by a process that died is taken over.
 */
export async function withLock<T>(lockFile: string, timeoutMs: number, action: () => Promise<T>): Promise<T> {
  await mkdir(path.dirname(lockFile), { recursive: true });
  const acquired = await pollUntil(() => tryLock(lockFile), timeoutMs, 250);
  if (!acquired)
    throw new LabFailure({
      code: 'store-locked',
      message: `Another lab process holds ${lockFile} (pid ${(await readFile(lockFile, 'utf8').catch(() => '?')).trim()}).`,
      hint: 'Wait for the other `npm run lab` to finish, or remove the lock file if that process is gone.',
    });
  try {
    return await action();
  } finally {
    await rm(lockFile, { force: true });
  }
}

async function tryLock(lockFile: string): Promise<boolean> {
  try {
    await writeFile(lockFile, `${process.pid}\n`, { flag: 'wx' });
    return true;
  } catch {
    const holder = Number.parseInt((await readFile(lockFile, 'utf8').catch(() => '')).trim(), 10);
    if (Number.isInteger(holder) && holder !== process.pid && (await isAlive(holder))) return false;
    // The holder died without cleaning up (or the file is being written right now: retry next round).
    if (Number.isInteger(holder)) await rm(lockFile, { force: true });
    return false;
  }
}
