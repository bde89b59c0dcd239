/**
 * How values read in the UI: sizes in binary units, times in the user's own zone with the UTC offset
 * (an admin on call compares them with the wall clock, Trilio records UTC), durations in words.
 */

const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** Bytes in binary units with one decimal above KiB ("4.5 MiB"). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '?';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

const pad = (n: number, width = 2) => String(Math.trunc(n)).padStart(width, '0');

/** "UTC+01:00", "UTC−05:30", "UTC" for the offset a local time had at that moment. */
export function utcOffset(date: Date): string {
  const minutes = -date.getTimezoneOffset();
  if (minutes === 0) return 'UTC';
  const sign = minutes > 0 ? '+' : '−';
  const abs = Math.abs(minutes);
  return `UTC${sign}${pad(abs / 60)}:${pad(abs % 60)}`;
}

/**
 * A time as the UI shows it: `2025-03-07 02:00:00 UTC+01:00` in the user's zone. Accepts ISO text
 * with or without a zone (Trilio writes `2025-03-07T01:00:00.000000`, meaning UTC) or epoch ms.
 * Text that is not a time comes back unchanged.
 */
export function formatLocalTime(value: string | number | undefined | null, withSeconds = true): string {
  if (value === undefined || value === null || value === '') return '';
  const date = toDate(value);
  if (!date) return String(value);
  const day = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  const time = `${pad(date.getHours())}:${pad(date.getMinutes())}${withSeconds ? `:${pad(date.getSeconds())}` : ''}`;
  return `${day} ${time} ${utcOffset(date)}`;
}

/** The UTC reading of a time, for a tooltip next to the local one. */
export function formatUtcTime(value: string | number): string {
  const date = toDate(value);
  return date ? `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC` : String(value);
}

/** ISO times with up to six fraction digits and an optional zone; no zone means UTC (Trilio's way). */
export const isoTimePattern =
  /\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:?\d{2})?(?![\d:]|\.\d)/g;

export function toDate(value: string | number): Date | null {
  if (typeof value === 'number') return Number.isFinite(value) ? new Date(value) : null;
  const m =
    /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(
      value.trim(),
    );
  if (!m) return null;
  const ms = m[7] ? Number(m[7].padEnd(3, '0').slice(0, 3)) : 0;
  const utc = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, m[6] ? +m[6] : 0, ms);
  const zone = m[8];
  if (!zone || zone === 'Z') return new Date(utc);
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const offset = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2)));
  return new Date(utc - offset * 60_000);
}

/** "850 ms", "42 s", "3 min 05 s", "2 h 07 min". */
export function formatDuration(ms: number | undefined | null): string {
  if (ms === undefined || ms === null || !Number.isFinite(ms) || ms < 0) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${pad(s % 60)} s`;
  return `${Math.floor(m / 60)} h ${pad(m % 60)} min`;
}

/** Milliseconds between two times (ISO text or epoch ms); undefined when either is missing. */
export function between(
  from: string | number | undefined,
  to: string | number | undefined,
): number | undefined {
  if (from === undefined || to === undefined) return undefined;
  const a = toDate(from);
  const b = toDate(to);
  return a && b ? b.getTime() - a.getTime() : undefined;
}
