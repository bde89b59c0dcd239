import { DEFAULT_RTO_TARGET_MINUTES, type ReportingConfig } from '../profile/profile.js';

/**
 * Recovery objectives of a run, as an auditor reads them per workload:
 * - RPO achieved: how old the restored snapshot was when its restore started (restore start − snapshot
 *   time), i.e. how much data the recovery gave up;
 * - RTO achieved: run start → Trilio reported the restore `available`, against the profile's target
 *   (the target project's own target when the profile sets one).
 */
export type RtoVerdict =
  /** Available within the target. */
  | 'met'
  /** Available, later than the target. */
  | 'missed'
  /** A restore was due but the workload is not available (failed, cancelled, still restoring). */
  | 'not-restored'
  /** No restore was due (owners notified, workload left out). */
  | 'not-applicable';

export interface RtoTarget {
  ms: number;
  /** `project`: the target project's own target; `profile`: the profile's. */
  source: 'project' | 'profile';
}

/** The RTO target of a workload restored into `targetProject` (name or id, as the run names it). */
export function rtoTargetFor(
  reporting: ReportingConfig | undefined,
  targetProject: string,
  targetProjectId?: string,
): RtoTarget {
  const own = reporting?.perProject.find(
    (p) => p.project === targetProject || (targetProjectId !== undefined && p.project === targetProjectId),
  );
  if (own) return { ms: own.rtoTargetMinutes * 60_000, source: 'project' };
  return { ms: (reporting?.rtoTargetMinutes ?? DEFAULT_RTO_TARGET_MINUTES) * 60_000, source: 'profile' };
}

export function rtoVerdict(status: string, rtoMs: number | undefined, target: RtoTarget): RtoVerdict {
  if (status === 'notified' || status === 'skipped') return 'not-applicable';
  if (status !== 'available' || rtoMs === undefined) return 'not-restored';
  return rtoMs > target.ms ? 'missed' : 'met';
}

/**
 * A time as Trilio and OpenStack write it, read as UTC: `2025-03-14T09:00:00.000000` (no zone: the
 * services log UTC, and JavaScript would otherwise read it as the reader's local time), with a space
 * instead of the `T`, or with a zone. ISO 8601 UTC, or undefined when it is not a time.
 */
export function serviceTimeIso(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const text = value.trim().replace(' ', 'T');
  const zoned = /(Z|[+-]\d{2}:?\d{2})$/i.test(text) ? text : `${text}Z`;
  const t = Date.parse(zoned);
  return Number.isFinite(t) ? new Date(t).toISOString() : undefined;
}

/** `h:mm:ss` (hours not wrapped at 24): how the CSV writes durations so spreadsheets read them as times. */
export function clockDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '';
  const sign = ms < 0 ? '-' : '';
  const s = Math.round(Math.abs(ms) / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${sign}${h}:${String(m).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}
