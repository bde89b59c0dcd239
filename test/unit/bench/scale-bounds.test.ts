import { describe, expect, it } from 'vitest';
import { packingBoundMs, wavesBoundMs } from '../../../bench/scale-bounds.js';

describe('scale bench bounds', () => {
  it('packs the recorded times into waves of K, longest first', () => {
    expect(wavesBoundMs([1, 9, 2, 8, 3, 7], 2)).toBe(9 + 7 + 2);
    expect(wavesBoundMs([5, 5, 5], 5)).toBe(5);
    expect(wavesBoundMs([4, 3, 2, 1], 1)).toBe(10);
    expect(wavesBoundMs([], 3)).toBe(0);
  });

  it('is never below the even spread over K slots nor the longest restore', () => {
    expect(packingBoundMs([1, 9, 2, 8, 3, 7], 2)).toBe(15);
    expect(packingBoundMs([10, 1, 1], 3)).toBe(10);
    const times = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3];
    expect(wavesBoundMs(times, 3)).toBeGreaterThanOrEqual(packingBoundMs(times, 3));
  });
});
