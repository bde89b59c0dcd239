import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bottomScrollTop, computeWindow } from '../../../renderer/src/lib/log/virtual-window.js';

describe('computeWindow', () => {
  it('renders only the rows in view plus overscan', () => {
    const w = computeWindow({
      count: 100_000,
      rowHeight: 20,
      scrollTop: 20 * 5000,
      viewportHeight: 400,
      overscan: 10,
    });
    expect(w.start).toBe(4990);
    expect(w.end).toBe(5031);
    expect(w.padTop).toBe(4990 * 20);
    expect(w.padTop + (w.end - w.start) * 20 + w.padBottom).toBe(w.totalHeight);
  });

  it('is empty for an empty list', () => {
    expect(
      computeWindow({ count: 0, rowHeight: 20, scrollTop: 50, viewportHeight: 400, overscan: 5 }),
    ).toEqual({
      start: 0,
      end: 0,
      padTop: 0,
      padBottom: 0,
      totalHeight: 0,
    });
  });

  it('always covers the viewport and stays in bounds, whatever the scroll position', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50_000 }),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: -1000, max: 2_000_000 }),
        fc.integer({ min: 0, max: 3000 }),
        fc.integer({ min: 0, max: 20 }),
        (count, rowHeight, scrollTop, viewportHeight, overscan) => {
          const w = computeWindow({ count, rowHeight, scrollTop, viewportHeight, overscan });
          expect(w.start).toBeGreaterThanOrEqual(0);
          expect(w.end).toBeLessThanOrEqual(count);
          expect(w.start).toBeLessThan(w.end);
          const top = Math.min(Math.max(0, scrollTop), Math.max(0, count * rowHeight - viewportHeight));
          const firstVisible = Math.floor(top / rowHeight);
          const lastVisible = Math.min(count - 1, Math.floor((top + viewportHeight - 1) / rowHeight));
          expect(w.start).toBeLessThanOrEqual(firstVisible);
          expect(w.end).toBeGreaterThan(lastVisible);
          // Bounded DOM: never more than a viewport plus overscan.
          expect(w.end - w.start).toBeLessThanOrEqual(
            Math.ceil(viewportHeight / rowHeight) + 1 + 2 * overscan,
          );
          expect(w.padTop + (w.end - w.start) * rowHeight + w.padBottom).toBe(count * rowHeight);
        },
      ),
    );
  });

  it('knows where the bottom is', () => {
    expect(bottomScrollTop(100, 20, 400)).toBe(1600);
    expect(bottomScrollTop(5, 20, 400)).toBe(0);
  });
});
