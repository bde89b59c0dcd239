import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { fail, ok, type Result } from '../../../shared/result.js';

/** The lock on a data folder's database, held while the store is open. */
export interface StoreLock {
  readonly path: string;
  /** Removes the lock file if it is still ours. Safe to call twice. */
  release(): void;
}

interface LockOwner {
  pid: number;
  hostname: string;
  since: string;
}

/** A lock file that exists but has no owner yet is younger than this while its creator writes it. */
const unreadableGraceMs = 5_000;

/**
 * Takes `<file>.lock` with O_EXCL, holding pid and hostname. SQLite's own locking would let two wizards
 * interleave two runs on the same hosts; this lock makes the second one stop with a clear message.
 * A lock left by a process that died (same host, pid gone) is taken over.
 */
export function acquireStoreLock(file: string): Result<StoreLock> {
  const path = `${file}.lock`;
  const me: LockOwner = { pid: process.pid, hostname: hostname(), since: new Date().toISOString() };
  // Two attempts: the second one follows the removal of a stale lock.
  for (let attempt = 0; attempt < 2; attempt++) {
    const created = tryCreate(path, me);
    if (created === 'created') return ok(lockHandle(path, me));
    if (created instanceof Error)
      return fail({
        code: 'store-locked',
        message: `Cannot create the lock file ${path}: ${created.message}`,
        hint: 'Check that the data folder exists and is writable.',
      });
    const owner = readOwner(path);
    if (owner === 'gone') continue;
    if (owner === 'unreadable') {
      if (ageMs(path) < unreadableGraceMs) return lockedBy(undefined, path);
      removeQuietly(path);
      continue;
    }
    if (owner.hostname === me.hostname && !isAlive(owner.pid)) {
      removeQuietly(path);
      continue;
    }
    return lockedBy(owner, path);
  }
  return lockedBy(undefined, path);
}

function tryCreate(path: string, me: LockOwner): 'created' | 'exists' | Error {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return 'exists';
    return error instanceof Error ? error : new Error(String(error));
  }
  try {
    writeSync(fd, JSON.stringify(me));
  } finally {
    closeSync(fd);
  }
  return 'created';
}

function readOwner(path: string): LockOwner | 'gone' | 'unreadable' {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'gone' : 'unreadable';
  }
  try {
    const parsed = JSON.parse(text) as Partial<LockOwner>;
    if (typeof parsed.pid === 'number' && typeof parsed.hostname === 'string')
      return { pid: parsed.pid, hostname: parsed.hostname, since: String(parsed.since ?? '') };
  } catch {
    // Half-written by a process that is creating it right now, or garbage: decided by age.
  }
  return 'unreadable';
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function ageMs(path: string): number {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Someone else removed it first; the next O_EXCL create decides who wins.
  }
}

function lockHandle(path: string, me: LockOwner): StoreLock {
  let held = true;
  return {
    path,
    release() {
      if (!held) return;
      held = false;
      const owner = readOwner(path);
      // Never remove a lock another process took over (e.g. after ours was deleted by hand).
      if (typeof owner === 'object' && (owner.pid !== me.pid || owner.hostname !== me.hostname)) return;
      removeQuietly(path);
    },
  };
}

function lockedBy(owner: LockOwner | undefined, path: string): Result<never> {
  if (!owner)
    return fail({
      code: 'store-locked',
      message: `The data folder is locked (${path}).`,
      hint: 'Another Trilio DR Wizard is starting with this data folder; close it, or remove the lock file if no wizard is running.',
    });
  const where = owner.hostname === hostname() ? `pid ${owner.pid}` : `pid ${owner.pid} on ${owner.hostname}`;
  return fail({
    code: 'store-locked',
    message: `The data folder is in use by another Trilio DR Wizard (${where}).`,
    hint: `Another Trilio DR Wizard is using this data folder (${where}); close it.`,
  });
}
