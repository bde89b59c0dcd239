import { describe, expect, it } from 'vitest';
import { markdownTable } from '../../../bench/rows.js';
import type { PageSample } from '../../../bench/soak-page-sample.js';
import { soakRow } from '../../../bench/soak-row.js';
import type { ServerSample } from '../../../bench/soak-server-sample.js';
import { garbageSwingCause } from '../../../bench/soak-cause.js';
import { describeSeries, judgeSeries, overallVerdict } from '../../../bench/soak-series.js';

const MiB = 2 ** 20;
/** A flat series of `n` minutes at `base` MiB, with `at` (minute → MiB) overriding some minutes. */
const series = (n: number, base: number, at: Record<number, number> = {}) =>
  Array.from({ length: n }, (_, i) => (at[i + 1] ?? base) * MiB);

describe('the soak rule: after minute 10, max ≤ 1.10 × the minute-10 sample', () => {
  it('ignores growth during the first 10 minutes (warm-up)', () => {
    const v = judgeSeries(series(60, 200, { 1: 50, 5: 120, 9: 260 }));
    expect(v).toMatchObject({ evaluable: true, base: 200 * MiB, max: 200 * MiB, met: true });
  });

  it('passes exactly at 10 % and fails just above, naming the minute', () => {
    expect(judgeSeries(series(60, 200, { 40: 220 }))).toMatchObject({ met: true, ratio: 1.1 });
    const over = judgeSeries(series(60, 200, { 40: 220.5 }));
    expect(over).toMatchObject({ met: false, maxMinute: 40 });
    expect(describeSeries(series(60, 200, { 40: 220.5 }), over)).toBe('200→221 MiB (1.10×, minute 40)');
  });

  it('catches slow steady growth that never jumps', () => {
    const creeping = Array.from({ length: 60 }, (_, i) => (200 + i) * MiB);
    expect(judgeSeries(creeping)).toMatchObject({ met: false, maxMinute: 60 });
  });

  it('cannot judge a short trial, and a trial never counts as met', () => {
    const short = judgeSeries(series(3, 200));
    expect(short.evaluable).toBe(false);
    expect(judgeSeries(series(10, 200)).evaluable).toBe(false);
    expect(judgeSeries(series(11, 200)).evaluable).toBe(true);
    expect(overallVerdict([short, judgeSeries(series(60, 200))])).toBeNull();
    expect(overallVerdict([judgeSeries(series(60, 200)), judgeSeries(series(60, 200, { 30: 300 }))])).toBe(
      false,
    );
  });
});

describe('why a heap series missed', () => {
  const swinging = Array.from({ length: 60 }, (_, i) => (i % 3 === 1 ? 35 : 20) * MiB);
  const flat = series(60, 19);

  it('names uncollected garbage when the after-GC series is flat, with the two halves side by side', () => {
    const cause = garbageSwingCause('The page heap', swinging, flat);
    expect(cause).toContain('swing between 20 and 35 MiB');
    expect(cause).toContain('within 19–19 MiB (met)');
    expect(cause).toMatch(/minutes 11–35 and \d+ MiB over minutes 36–60/);
  });

  it('says nothing when the series met the rule, or when the after-GC series grew as well (a leak)', () => {
    expect(garbageSwingCause('x', series(60, 20), flat)).toBeNull();
    const creeping = Array.from({ length: 60 }, (_, i) => (19 + i) * MiB);
    expect(garbageSwingCause('x', swinging, creeping)).toBeNull();
    expect(garbageSwingCause('x', swinging.slice(0, 5), flat.slice(0, 5))).toBeNull();
  });
});

function samples(minutes: number, rate: number, rssAt: Record<number, number> = {}) {
  const rss = series(minutes, 180, rssAt);
  const servers: ServerSample[] = rss.map((r, i) => ({
    seconds: (i + 1) * 60,
    rss: r,
    heapUsed: 40 * MiB,
    heapAfterGc: 20 * MiB,
    sent: rate * 60 * (i + 1),
    delivered: rate * 60 * (i + 1),
  }));
  const pages: PageSample[] = servers.map((s, i) => ({
    seconds: s.seconds + 0.5,
    heapUsed: 30 * MiB,
    heapAfterGc: 9 * MiB,
    domNodes: 900,
    received: s.sent,
    storeBytes: (i + 1) * 300 * MiB,
    load: '3.10 2.50 2.00',
  }));
  return { servers, pages, before: pages[0]! };
}

describe('the soak row', () => {
  it('says met only after a full run with every judged series flat; the store grows without counting', () => {
    const row = soakRow({ minutes: 60, ...samples(60, 20_000) });
    expect(row.benchmark).toBe('Soak (1 h, 20k lines/s from 100 hosts, UI open)');
    expect(row.met).toBe(true);
    expect(row.ours).toContain('19,997 lines/s achieved');
    expect(row.ours).not.toContain('BELOW');
    expect(row.ours).toMatch(
      /^RSS 180→180 MiB \(1\.00×, minute 11\), heap 40→40 MiB .*page heap 30→30 MiB .* over 60 min/,
    );
    expect(row.note).toContain('store MiB per minute: 300 600 900');
    expect(row.note).toContain('grows by design and is not judged');
    expect(row.note).toContain('ran beside other work');
    expect(row.note).toContain('Load average (1/5/15 min) per sample: 3.10 3.10');
  });

  it('fails on RSS growth and names the minute', () => {
    const row = soakRow({ minutes: 60, ...samples(60, 20_000, { 50: 250 }) });
    expect(row.met).toBe(false);
    expect(row.note).toContain('server RSS NOT met (1.39× at minute 50)');
  });

  it('takes 99 % of the rate asked as that rate, and no less', () => {
    expect(soakRow({ minutes: 60, ...samples(60, 19_850) }).ours).not.toContain('BELOW');
    expect(soakRow({ minutes: 60, ...samples(60, 19_750) }).ours).toContain('19,747 lines/s achieved (BELOW');
  });

  it('says when the achieved rate is below 20k lines/s, and that a trial is no verdict', () => {
    const row = soakRow({ minutes: 3, ...samples(3, 15_000) });
    expect(row.met).toBeNull();
    expect(row.benchmark).toContain('3 min');
    expect(row.ours).toContain('BELOW the 20k lines/s asked');
    expect(row.ours).toContain('rule not evaluable');
    expect(markdownTable([row])).toMatch(/\| — \|$/);
  });
});
