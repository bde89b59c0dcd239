import { describe, expect, it } from 'vitest';
import {
  defaultRestorePoll,
  fixedRestorePoll,
  restorePollDelay,
} from '../../../shared/plans/restore-poll.js';

/** The wait between two status reads of a restore: grows with its age, within floor and cap. */
describe('restorePollDelay', () => {
  it('starts at the floor, grows as a tenth of the age, stops at the cap', () => {
    const at = (s: number) => restorePollDelay(s * 1000);
    expect([at(0), at(1), at(2.5), at(5), at(10), at(20), at(600)]).toEqual([
      250, 250, 250, 500, 1000, 2000, 2000,
    ]);
  });

  it('a fixed policy waits the same whatever the age', () => {
    const fixed = fixedRestorePoll(200);
    expect([0, 5_000, 3_600_000].map((e) => restorePollDelay(e, fixed))).toEqual([200, 200, 200]);
  });

  it('never waits longer than the cap, even when the floor is set above it', () => {
    expect(restorePollDelay(0, { floorMs: 5000, capMs: 1000, fraction: 0.1 })).toBe(1000);
    expect(restorePollDelay(-50, defaultRestorePoll)).toBe(250);
  });

  it('a 20-minute restore costs about 20 reads more than a fixed 2 s poll, a finished one is seen within ~10 %', () => {
    const reads = (durationMs: number) => {
      let t = 0;
      let n = 1;
      while (t < durationMs) {
        t += restorePollDelay(t);
        n += 1;
      }
      return { n, lateMs: t - durationMs };
    };
    const long = reads(20 * 60_000);
    expect(long.n - (20 * 60_000) / 2000).toBeGreaterThan(10);
    expect(long.n - (20 * 60_000) / 2000).toBeLessThan(30);
    for (const d of [800, 1_100, 3_000, 7_300, 15_000]) {
      expect(reads(d).lateMs).toBeLessThanOrEqual(Math.max(250, d * 0.1 * 1.1) + 1);
    }
  });
});
