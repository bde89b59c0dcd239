import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  formatBytes,
  formatDuration,
  formatLocalTime,
  formatUtcTime,
  toDate,
  utcOffset,
} from '../../../renderer/src/lib/format/display-format.js';
import { readablePieces, readableText } from '../../../renderer/src/lib/format/readable-text.js';
import { passphraseStrength } from '../../../renderer/src/lib/app/passphrase-strength.js';

// Local times depend on the zone: the tests pin one with a half-hour offset and no DST (India).
let zone: string | undefined;
beforeEach(() => {
  zone = process.env.TZ;
  process.env.TZ = 'Asia/Kolkata';
});
afterEach(() => {
  if (zone === undefined) delete process.env.TZ;
  else process.env.TZ = zone;
});

describe('display formats', () => {
  it('sizes in binary units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(4_755_991)).toBe('4.5 MiB');
    expect(formatBytes(3 * 1024 ** 3)).toBe('3.0 GiB');
    expect(formatBytes(-1)).toBe('?');
  });

  it("Trilio's zone-less times are UTC, shown in the user's zone with the offset", () => {
    expect(toDate('2025-03-07T01:00:00.000000')?.toISOString()).toBe('2025-03-07T01:00:00.000Z');
    expect(toDate('2025-03-07 01:00:00+02:00')?.toISOString()).toBe('2025-03-06T23:00:00.000Z');
    expect(formatLocalTime('2025-03-07T01:00:00.000000')).toBe('2025-03-07 06:30:00 UTC+05:30');
    expect(formatLocalTime('2025-03-07T01:00:00Z', false)).toBe('2025-03-07 06:30 UTC+05:30');
    expect(formatLocalTime(Date.UTC(2025, 0, 1, 23, 45))).toBe('2025-01-02 05:15:00 UTC+05:30');
    expect(formatLocalTime('yesterday')).toBe('yesterday');
    expect(formatLocalTime(undefined)).toBe('');
    expect(formatUtcTime('2025-03-07T01:00:00.5')).toBe('2025-03-07 01:00:00 UTC');
    expect(utcOffset(new Date(0))).toBe('UTC+05:30');
  });

  it('durations in words', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(42_000)).toBe('42 s');
    expect(formatDuration(185_000)).toBe('3 min 05 s');
    expect(formatDuration(2 * 3_600_000 + 7 * 60_000)).toBe('2 h 07 min');
    expect(formatDuration(undefined)).toBe('');
  });

  it('core texts read with names, sizes and local times; the exact value stays in the tooltip', () => {
    const pid = 'a3c1f0e2b4d5968778695a4b3c2d1e0f';
    const names = { [pid]: { name: 'finance', kind: 'project' as const, cloud: 'source' as const } };
    const text = `Copied 9 files (4755991 bytes) of project ${pid} at 2025-03-07T01:00:00.000000.`;
    expect(readableText(text, names)).toBe(
      `Copied 9 files (4.5 MiB) of project ${pid} (finance) at 2025-03-07 06:30:00 UTC+05:30.`,
    );
    const pieces = readablePieces(text, names);
    expect(pieces.find((p) => p.kind === 'size')).toEqual({
      kind: 'size',
      text: '4.5 MiB',
      exact: '4755991 bytes',
    });
    expect(pieces.find((p) => p.kind === 'time')).toMatchObject({
      exact: '2025-03-07T01:00:00.000000 (2025-03-07 01:00:00 UTC)',
    });
    // Small counts stay as they are ("12 bytes on stdin"), and so do ids nobody named.
    expect(readableText('12 bytes and ffffffffffffffffffffffffffffffff', names)).toBe(
      '12 bytes and ffffffffffffffffffffffffffffffff',
    );
  });

  it('passphrase strength is a hint from length and variety', () => {
    expect(passphraseStrength('short').label).toBe('too short');
    expect(passphraseStrength('aaaaaaaaaa').label).toBe('weak');
    expect(passphraseStrength('correct horse').label).toBe('fair');
    expect(passphraseStrength('correct horse battery staple').label).toBe('strong');
    expect(passphraseStrength('Tr0ub4dor&3xyz!').level).toBeGreaterThanOrEqual(2);
  });
});
