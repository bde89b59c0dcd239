/**
 * The soak's verdict on one series of per-minute samples (issue 20 item 5: "no growth after the first
 * 10 minutes beyond 10 %"), made exact: the sample at minute 10 is the base, and every sample after it
 * must be at most 1.10 × that base. The first 10 minutes are the warm-up (caches, the store's pages,
 * the JIT, the panel filling to its cap) and are not judged. Pure: unit-tested
 * (test/unit/bench/soak-series.test.ts).
 */
export const BASE_MINUTE = 10;
export const GROWTH_LIMIT = 0.1;

export const SOAK_RULE =
  `after the first ${BASE_MINUTE} minutes, the max sample ≤ ${(1 + GROWTH_LIMIT).toFixed(2)} × the sample ` +
  `at minute ${BASE_MINUTE}`;

export type SeriesVerdict =
  | { evaluable: false; reason: string }
  | { evaluable: true; base: number; max: number; maxMinute: number; ratio: number; met: boolean };

/**
 * `values[i]` is the sample at minute i + 1. Not evaluable without the minute-10 sample and at least
 * one after it (a short trial run says so instead of passing).
 */
export function judgeSeries(values: readonly number[]): SeriesVerdict {
  if (values.length <= BASE_MINUTE)
    return {
      evaluable: false,
      reason: `${values.length} minute(s) sampled; the rule needs minute ${BASE_MINUTE} and at least one after it`,
    };
  const base = values[BASE_MINUTE - 1]!;
  let max = -Infinity;
  let maxMinute = 0;
  for (let i = BASE_MINUTE; i < values.length; i++)
    if (values[i]! > max) {
      max = values[i]!;
      maxMinute = i + 1;
    }
  const ratio = max / base;
  return { evaluable: true, base, max, maxMinute, ratio, met: ratio <= 1 + GROWTH_LIMIT };
}

/** A series as the row shows it: `190→198 MiB (1.04×, minute 37)`, or first→last when not evaluable. */
export function describeSeries(values: readonly number[], verdict: SeriesVerdict, unit = 'MiB'): string {
  const f = (v: number) => fmt(v, unit);
  if (!verdict.evaluable)
    return values.length ? `${f(values[0]!)}→${f(values[values.length - 1]!)} ${unit}` : 'no samples';
  return `${f(verdict.base)}→${f(verdict.max)} ${unit} (${verdict.ratio.toFixed(2)}×, minute ${verdict.maxMinute})`;
}

const fmt = (v: number, unit: string) => (unit === 'MiB' ? (v / 2 ** 20).toFixed(0) : v.toFixed(0));

/** Every sample of a series on one line, in MiB (or as is), for the note: `181 183 185 …`. */
export const sampleList = (values: readonly number[], unit = 'MiB'): string =>
  values.map((v) => fmt(v, unit)).join(' ');

/**
 * The overall verdict from the series that count (RSS and heaps as they stand): null when any is not
 * evaluable (a trial run), false when any misses, true only when every one is met.
 */
export function overallVerdict(verdicts: readonly SeriesVerdict[]): boolean | null {
  if (verdicts.some((v) => !v.evaluable)) return null;
  return verdicts.every((v) => v.evaluable && v.met);
}
