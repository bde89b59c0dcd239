/**
 * mulberry32, a small seeded generator: the same seed gives the same draws, so a crash suite's points,
 * a run-sequence suite's operations and the loaded emulator's restore times can be drawn again from
 * the seed they print. Not for anything secret.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
