import type { LogRecord } from '../../../../shared/contract.js';
import { logSource } from './log-format.js';

/** What the log panel narrows the lines to: a text to look for and one source (host or 'wizard'). */
export interface LogFilter {
  /** Case-insensitive substring of the line's text or its source (host); '' matches every line. */
  text: string;
  /** A host name as shown in the panel (`logSource`), or '' for every host. */
  host: string;
}

export const noLogFilter: LogFilter = { text: '', host: '' };

export function isFilterActive(filter: LogFilter): boolean {
  return filter.text.trim() !== '' || filter.host !== '';
}

/**
 * A predicate for one filter, built once per filter change: the needle is lower-cased here, not per
 * line, so that narrowing 20,000 lines stays well inside one frame.
 */
export function logMatcher(filter: LogFilter): (record: LogRecord) => boolean {
  const needle = filter.text.trim().toLowerCase();
  const host = filter.host;
  if (needle === '' && host === '') return () => true;
  return (record) =>
    (host === '' || logSource(record) === host) &&
    (needle === '' ||
      record.text.toLowerCase().includes(needle) ||
      logSource(record).toLowerCase().includes(needle));
}
