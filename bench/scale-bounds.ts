/**
 * The references of the scale bench that are computed, not run (pure, unit-tested): the lower bound
 * of a bulk restore at the appliance's concurrency limit K from the restore times the emulator
 * recorded, and the percentiles of the workloads' RTOs.
 */

/**
 * Waves of K: the restores run K at a time, a wave ending with its slowest. The times sorted longest
 * first and cut into groups of K give the smallest sum of wave maxima of any grouping, so this is the
 * best any wave-by-wave runbook can do at K.
 */
export function wavesBoundMs(durationsMs: readonly number[], k: number): number {
  const sorted = [...durationsMs].sort((a, b) => b - a);
  let total = 0;
  for (let i = 0; i < sorted.length; i += k) total += sorted[i]!;
  return total;
}

/** No schedule at K can beat the work spread evenly over K slots, nor the longest single restore. */
export function packingBoundMs(durationsMs: readonly number[], k: number): number {
  if (durationsMs.length === 0) return 0;
  const sum = durationsMs.reduce((a, b) => a + b, 0);
  return Math.max(sum / k, Math.max(...durationsMs));
}
