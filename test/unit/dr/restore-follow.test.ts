import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CloudClients } from '../../../electron/core/clients/index.js';
import type { TrilioRestore } from '../../../electron/core/clients/trilio-types.js';
import type { DrContext } from '../../../electron/core/dr/remote-action.js';
import { follow, type RestoreReporter } from '../../../electron/core/dr/steps/restore-follow.js';
import { defaultRestorePoll, fixedRestorePoll } from '../../../shared/plans/restore-poll.js';
import { ok } from '../../../shared/result.js';

/**
 * Following one restore: how late a finished restore is seen and how many reads it costs, with the
 * growing wait against the old fixed 2 s. Fake timers and a fake Trilio (control flow only; the lab's
 * api-steps test follows the emulator's restores).
 */

afterEach(() => vi.useRealTimers());

async function followRestoreOf(durationMs: number, poll = defaultRestorePoll) {
  vi.useFakeTimers();
  const start = Date.now();
  let reads = 0;
  const trilio = {
    getRestore: async (id: string) => {
      reads += 1;
      const done = Date.now() - start >= durationMs;
      return ok({
        id,
        status: done ? 'available' : 'restoring',
        progress_percent: done ? 100 : 50,
      } as TrilioRestore);
    },
  };
  const ctx = { signal: new AbortController().signal } as unknown as DrContext;
  const report: RestoreReporter = { log: () => undefined, progress: () => undefined };
  const ended = follow(ctx, { trilio } as unknown as CloudClients, 'r1', poll, report);
  await vi.advanceTimersByTimeAsync(durationMs + 10_000);
  const got = await ended;
  expect(got.ok && got.value.restore.status).toBe('available');
  const seenAt = got.ok ? Date.parse(got.value.availableAt) - start : NaN;
  return { reads, lateMs: seenAt - durationMs };
}

describe('follow', () => {
  it('sees a short restore within the 250 ms floor (the fixed 2 s poll saw it up to 2 s late)', async () => {
    const grown = await followRestoreOf(800);
    const fixed = await followRestoreOf(800, fixedRestorePoll(2000));
    expect(grown.lateMs).toBeLessThanOrEqual(250);
    expect(fixed.lateMs).toBe(1200);
    expect(grown.reads).toBe(5);
  });

  it('sees a 10 s restore within a tenth of its time', async () => {
    const grown = await followRestoreOf(10_000);
    expect(grown.lateMs).toBeLessThanOrEqual(1000);
    expect(grown.lateMs).toBeGreaterThanOrEqual(0);
  });

  it('reads a long restore no more often than every 2 s once it is 20 s old', async () => {
    const grown = await followRestoreOf(10 * 60_000);
    const fixed = await followRestoreOf(10 * 60_000, fixedRestorePoll(2000));
    expect(grown.reads - fixed.reads).toBeGreaterThan(10);
    expect(grown.reads - fixed.reads).toBeLessThan(30);
    expect(grown.lateMs).toBeLessThan(2000);
  });
});
