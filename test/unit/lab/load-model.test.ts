import { describe, expect, it } from 'vitest';
import { LoadModel } from '../../lab/trilio/emulator/load-model.js';

/** The emulator's loaded-appliance model: off by default, seeded, a restore limit with busy answers. */

describe('LoadModel', () => {
  it('is off until configured: nothing refused, nothing slowed, nothing drawn', () => {
    const load = new LoadModel();
    expect(load.enabled).toBe(false);
    expect(load.refuseRestore(10_000)).toBeUndefined();
    expect(load.slowDelayMs('GET')).toBe(0);
    expect(load.restoreStarted('r1', 'w1', 1)).toBeUndefined();
    expect(load.report()).toEqual({
      settings: null,
      refusals: 0,
      slowCalls: 0,
      peakRunning: 0,
      restores: [],
    });
  });

  it('refuses past the limit with the busy status and Retry-After, and counts refusals', () => {
    const load = new LoadModel();
    load.configure({ maxConcurrentRestores: 2, busyStatus: 429, retryAfterSeconds: 3 });
    expect(load.refuseRestore(1)).toBeUndefined();
    const refused = load.refuseRestore(2);
    expect(refused).toMatchObject({ status: 429, headers: { 'Retry-After': '3' } });
    load.configure({ maxConcurrentRestores: 1, busyStatus: 503, retryAfterSeconds: 0 });
    expect(load.refuseRestore(1)).toMatchObject({ status: 503, headers: { 'Retry-After': '0' } });
    expect(load.report().refusals).toBe(1);
  });

  it('draws log-normal restore times around the median, the same for the same seed', () => {
    const draws = (seed: number) => {
      const load = new LoadModel();
      load.configure({ seed, restoreMs: { median: 1000, sigma: 0.5 } });
      return Array.from({ length: 401 }, (_, i) => load.restoreStarted(`r${i}`, 'w', 1)!);
    };
    const a = draws(7);
    expect(draws(7)).toEqual(a);
    expect(draws(8)).not.toEqual(a);
    const sorted = [...a].sort((x, y) => x - y);
    expect(sorted[200]).toBeGreaterThan(850);
    expect(sorted[200]).toBeLessThan(1150);
    expect(sorted[0]).toBeGreaterThan(0);
    const none = new LoadModel();
    none.configure({ restoreMs: { median: 1234, sigma: 0 } });
    expect(none.restoreStarted('r', 'w', 1)).toBe(1234);
  });

  it('slows about the given share of GETs only', () => {
    const load = new LoadModel();
    load.configure({ seed: 3, slowCallRate: 0.1, slowCallMs: 250 });
    const delays = Array.from({ length: 2000 }, () => load.slowDelayMs('GET'));
    const slow = delays.filter((d) => d === 250).length;
    expect(slow).toBeGreaterThan(140);
    expect(slow).toBeLessThan(260);
    expect(delays.every((d) => d === 0 || d === 250)).toBe(true);
    expect(load.slowDelayMs('POST')).toBe(0);
    expect(load.report().slowCalls).toBe(slow);
  });

  it('records each restore once: drawn, actual, status, and the peak running', () => {
    const load = new LoadModel();
    load.configure({ restoreMs: { median: 50, sigma: 0 } });
    load.restoreStarted('r1', 'w1', 1);
    load.restoreStarted('r2', 'w2', 2);
    load.restoreFinished('r1', 'available');
    load.restoreFinished('r1', 'error');
    const report = load.report();
    expect(report.peakRunning).toBe(2);
    expect(report.restores.map((r) => [r.restoreId, r.drawnMs, r.status])).toEqual([
      ['r1', 50, 'available'],
      ['r2', 50, undefined],
    ]);
    expect(report.restores[0]!.actualMs).toBeGreaterThanOrEqual(0);
  });

  it('refuses settings outside their ranges', () => {
    const load = new LoadModel();
    expect(() => load.configure({ busyStatus: 500 })).toThrow(/429 or 503/);
    expect(() => load.configure({ maxConcurrentRestores: 0 })).toThrow(/maxConcurrentRestores/);
    expect(() => load.configure({ slowCallRate: 2 })).toThrow(/slowCallRate/);
    expect(() => load.configure({ restoreMs: { median: 0 } })).toThrow(/median/);
    expect(() => load.configure('x')).toThrow(/object/);
    expect(load.enabled).toBe(false);
  });
});
