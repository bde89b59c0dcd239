import type { LogRecord } from '../../../../shared/contract.js';
import { logSource } from './log-format.js';

/** What the log panel narrows the lines to: a text to look for and one source (host or 'wizard'). */
export interface LogFilter {
  /** Case-insensitive substring of the line's text or its source (host); '' matches every line. */
  text: string;
  /** A host name as shown in the panel (`logSource`), or '' for every host. */
  host: string;
  /** A step key (a matrix cell was opened), or '' for every step. */
  step: string;
}

export const noLogFilter: LogFilter = { text: '', host: '', step: '' };

export function isFilterActive(filter: LogFilter): boolean {
  return filter.text.trim() !== '' || filter.host !== '' || filter.step !== '';
}

/**
 * A predicate for one filter, built once per filter change: the needle is lower-cased here, not per
 * line, so that narrowing 20,000 lines stays well inside one frame.
 */
export function logMatcher(filter: LogFilter): (record: LogRecord) => boolean {
  const needle = filter.text.trim().toLowerCase();
  const host = filter.host;
  const step = filter.step;
  if (needle === '' && host === '' && step === '') return () => true;
  return (record) =>
    (step === '' || record.step === step) &&
    (host === '' || logSource(record) === host) &&
    (needle === '' ||
      record.text.toLowerCase().includes(needle) ||
      logSource(record).toLowerCase().includes(needle));
}
