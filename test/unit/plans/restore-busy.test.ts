import { describe, expect, it } from 'vitest';
import {
  busyDecision,
  defaultBusyPolicy,
  formatMs,
  isBusyRefusal,
  type BusyPolicy,
} from '../../../shared/plans/restore-busy.js';

/** How long the restore step waits when Trilio answers busy, and when it stops. */

const policy: BusyPolicy = {
  retryAfterCapMs: 60_000,
  baseMs: 2_000,
  maxBackoffMs: 30_000,
  giveUpAfterMs: 600_000,
};

describe('isBusyRefusal', () => {
  it('is 429 and 503 only, and only for HTTP answers', () => {
    expect(isBusyRefusal({ code: 'http', message: '', httpStatus: 429 })).toBe(true);
    expect(isBusyRefusal({ code: 'http', message: '', httpStatus: 503 })).toBe(true);
    for (const status of [400, 404, 409, 500, 502, 504])
      expect(isBusyRefusal({ code: 'http', message: '', httpStatus: status })).toBe(false);
    expect(isBusyRefusal({ code: 'http', message: 'refused the connection' })).toBe(false);
    expect(isBusyRefusal({ code: 'cancelled', message: '', httpStatus: 503 })).toBe(false);
  });
});

describe('busyDecision', () => {
  it('honours Retry-After, never sooner, at most 20 % later', () => {
    const low = busyDecision({ refusals: 1, retryAfterSeconds: 5, waitedMs: 0, random: () => 0 }, policy);
    const high = busyDecision(
      { refusals: 1, retryAfterSeconds: 5, waitedMs: 0, random: () => 0.999 },
      policy,
    );
    expect(low).toEqual({ kind: 'wait', ms: 5000, because: 'Trilio asked to retry after 5 s' });
    expect(high.kind === 'wait' && high.ms).toBe(5999);
  });

  it('cuts a long Retry-After to the cap and says so', () => {
    const d = busyDecision({ refusals: 1, retryAfterSeconds: 3600, waitedMs: 0, random: () => 0.5 }, policy);
    expect(d).toEqual({
      kind: 'wait',
      ms: 60_000,
      because: 'Trilio asked to retry after 3600 s; waiting at most 1 min',
    });
  });

  it('backs off exponentially with jitter without Retry-After, up to the maximum', () => {
    const waits = [1, 2, 3, 4, 5, 6, 7].map((refusals) => {
      const d = busyDecision({ refusals, waitedMs: 0, random: () => 1 }, policy);
      return d.kind === 'wait' ? d.ms : -1;
    });
    expect(waits).toEqual([2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
    const jittered = busyDecision({ refusals: 3, waitedMs: 0, random: () => 0 }, policy);
    expect(jittered.kind === 'wait' && jittered.ms).toBe(4000);
    expect(jittered.kind === 'wait' && jittered.because).toMatch(/no Retry-After/);
  });

  it('gives up when the next wait would pass the limit since the first refusal', () => {
    const near = busyDecision(
      { refusals: 40, retryAfterSeconds: 10, waitedMs: 591_000, random: () => 0 },
      policy,
    );
    expect(near.kind).toBe('give-up');
    expect(near.kind === 'give-up' && near.because).toBe(
      'refused as busy 40 time(s) over 9 min 51 s; the limit is 10 min',
    );
    const fits = busyDecision(
      { refusals: 40, retryAfterSeconds: 9, waitedMs: 591_000, random: () => 0 },
      policy,
    );
    expect(fits.kind).toBe('wait');
  });

  it('defaults to half an hour in all, a minute per wait', () => {
    expect(defaultBusyPolicy.giveUpAfterMs).toBe(1_800_000);
    expect(formatMs(defaultBusyPolicy.retryAfterCapMs)).toBe('1 min');
    expect(formatMs(1500)).toBe('1.5 s');
    expect(formatMs(125_000)).toBe('2 min 5 s');
  });
});
