import type { LogRecord } from '../../../../shared/contract.js';

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Local wall-clock time with milliseconds: lines of one burst stay distinguishable. */
export function formatLogTime(ts: number): string {
  const d = new Date(ts);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** Where a line came from: the host, or the wizard itself for API calls and planning. */
export function logSource(record: LogRecord): string {
  return record.host === '' ? 'wizard' : record.host;
}
