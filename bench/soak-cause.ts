import { BASE_MINUTE, judgeSeries } from './soak-series.js';

const mibs = (v: number) => (v / 2 ** 20).toFixed(0);
const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;

/**
 * Why a heap series as it stands missed the rule when the same heap after a forced collection did
 * not: V8 collects when its young generation fills or the old generation reaches its limit, not on
 * the sampling clock, so a sample taken as it stands carries whatever garbage happens to be waiting.
 * Says so with the figures that show it (the swing of the samples against the flat after-GC floor,
 * and the two halves after minute 10 side by side, which a leak would set apart). Null when the
 * series met the rule, or when the after-GC series grew too (then the growth is retained memory and
 * this is not the cause). Pure: unit-tested (test/unit/bench/soak-series.test.ts).
 */
export function garbageSwingCause(
  name: string,
  live: readonly number[],
  afterGc: readonly number[],
): string | null {
  const v = judgeSeries(live);
  const g = judgeSeries(afterGc);
  if (!v.evaluable || v.met || !g.evaluable || !g.met) return null;
  const after = live.slice(BASE_MINUTE);
  const floor = afterGc.slice(BASE_MINUTE);
  const half = Math.ceil(after.length / 2);
  const [first, second] = [after.slice(0, half), after.slice(half)];
  return (
    `${name} missed the rule on samples that swing between ${mibs(Math.min(...after))} and ` +
    `${mibs(Math.max(...after))} MiB after minute ${BASE_MINUTE} (the minute-${BASE_MINUTE} sample, ` +
    `${mibs(v.base)} MiB, is one point of that swing) while the same heap after a forced collection stays ` +
    `within ${mibs(Math.min(...floor))}–${mibs(Math.max(...floor))} MiB (met): the excess is garbage not yet ` +
    `collected when the sample was taken, not memory kept; the mean of the samples is ${mibs(mean(first))} MiB ` +
    `over minutes ${BASE_MINUTE + 1}–${BASE_MINUTE + half} and ${mibs(mean(second))} MiB over minutes ` +
    `${BASE_MINUTE + half + 1}–${BASE_MINUTE + after.length}.`
  );
}
