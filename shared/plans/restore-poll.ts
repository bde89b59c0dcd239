/**
 * How often the restore step reads a restore's status. A fixed interval sees a finished restore half an
 * interval late on average: nothing next to a real restore of 20 minutes, but a full-cloud DR starts
 * hundreds of restores through a handful of workers, and every second a worker spends not noticing
 * that its restore ended is a second the appliance's restore slot stands idle (the DR-at-scale bench
 * measured a fixed 2 s poll as most of the gap to its lower bound).
 *
 * So the wait grows with the restore's age: a tenth of the time followed so far, never under
 * `floorMs` nor over `capMs`. A restore is then seen at most ~10 % (or `floorMs`) after it ended, and
 * a long restore is read no more often than before (every `capMs`); a restore of 20 minutes costs
 * about 20 reads more than a fixed `capMs` poll, all in its first 20 s.
 */

export interface RestorePollPolicy {
  /** The shortest wait between two reads. */
  floorMs: number;
  /** The longest wait between two reads: a long restore is read this often. */
  capMs: number;
  /** The wait as a share of the time followed so far. */
  fraction: number;
}

/** Defaults: 250 ms at first, a tenth of the age after 2.5 s, every 2 s past 20 s (as before). */
export const defaultRestorePoll: RestorePollPolicy = { floorMs: 250, capMs: 2000, fraction: 0.1 };

/** A fixed interval (tests and benches that want the old behaviour): floor and cap both `ms`. */
export function fixedRestorePoll(ms: number): RestorePollPolicy {
  return { floorMs: ms, capMs: ms, fraction: 0 };
}

/** The wait before the next read of a restore followed for `elapsedMs` so far. */
export function restorePollDelay(elapsedMs: number, policy: RestorePollPolicy = defaultRestorePoll): number {
  const floor = Math.min(policy.floorMs, policy.capMs);
  const grown = Math.max(0, elapsedMs) * policy.fraction;
  return Math.round(Math.min(policy.capMs, Math.max(floor, grown)));
}
