import { stringify } from 'csv-stringify/sync';
import type { RunReport } from './report-schema.js';
import { clockDuration } from './report-rto.js';

/** The CSV's columns, in order (docs/report-schema.md). */
export const REPORT_CSV_HEADER = [
  'workload',
  'project',
  'snapshot',
  'snapshot_time',
  'rpo',
  'rto',
  'rto_target',
  'status',
  'error',
] as const;

/**
 * The run report for auditors' spreadsheets: one row per workload with its target project, the
 * restored snapshot and when it was taken (UTC), the RPO and RTO achieved and the RTO target (`h:mm:ss`,
 * which spreadsheets read as durations), the status, and the error — where a workload that came back
 * later than its target says so. Written by csv-stringify (RFC 4180 quoting), with cells that a
 * spreadsheet would run as a formula (`=`, `+`, `-`, `@` first) escaped with a leading quote.
 */
export function renderReportCsv(report: RunReport): string {
  const rows = report.workloads.map((w) => [
    w.name,
    w.targetProject,
    w.snapshotId ?? '',
    w.snapshotCreatedAt ?? '',
    clockDuration(w.rpoMs),
    clockDuration(w.rtoMs),
    clockDuration(w.rtoTargetMs),
    w.rtoVerdict === 'missed' ? `${w.status} (over RTO target)` : w.status,
    [
      w.rtoVerdict === 'missed' && w.rtoMs !== undefined
        ? `RTO ${clockDuration(w.rtoMs)} is over the target ${clockDuration(w.rtoTargetMs)} by ${clockDuration(w.rtoMs - w.rtoTargetMs)}`
        : '',
      w.error ?? '',
    ]
      .filter((t) => t !== '')
      .join('; '),
  ]);
  return stringify([[...REPORT_CSV_HEADER], ...rows], { escape_formulas: true, record_delimiter: 'windows' });
}
