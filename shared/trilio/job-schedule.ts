/**
 * A workload's job schedule (`jobschedule` of `GET /workloads/{id}`): whether Trilio takes scheduled
 * snapshots of it. With `migrate_cloud` Trilio's reassign sets `enabled` to false (workloadmgr
 * `vault.update_workload_db`), so after a DR every reassigned workload's backups are off until someone
 * turns them on again.
 *
 * Re-enabling is `workload-modify --jobschedule enabled=True`: `PUT /workloads/{id}` with
 * `{"workload": {"jobschedule": {"enabled": true}}}`. workloadmgr's `workload_modify` fills every
 * schedule key the body leaves out from the stored schedule, so `enabled` alone keeps the rest as it
 * is — sending the whole shown schedule back would trip Trilio's refusal to change policy fields on a
 * project with workload policies, and shift the start time again when it carries a `timezone`.
 */

export interface JobSchedule {
  enabled: boolean;
  /** The schedule's settings as Trilio shows them, without its view-only keys. */
  settings: Record<string, unknown>;
  /** Trilio's global job scheduler runs (`global_jobscheduler` in the view), when it says. */
  globalScheduler?: boolean;
}

/** Keys Trilio's workload view adds to the stored schedule; not settings. */
const viewOnly = new Set(['nextrun', 'global_jobscheduler']);

/** True/'true'/'True'/'1'/1, as workloadmgr reads `enabled`. */
function truthy(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value === 1 ? true : value === 0 ? false : undefined;
  if (typeof value !== 'string') return undefined;
  const v = value.trim().toLowerCase();
  return v === 'true' || v === '1' ? true : v === 'false' || v === '0' ? false : undefined;
}

/** The schedule of a workload as Trilio shows it; undefined when it shows none (or not a map). */
export function readJobSchedule(raw: unknown): JobSchedule | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const shown = raw as Record<string, unknown>;
  const enabled = truthy(shown['enabled']);
  if (enabled === undefined) return undefined;
  const settings = Object.fromEntries(Object.entries(shown).filter(([k]) => !viewOnly.has(k)));
  const global = truthy(shown['global_jobscheduler']);
  return { enabled, settings, ...(global !== undefined ? { globalScheduler: global } : {}) };
}

/** The body of the re-enable call (see the module comment for why `enabled` alone). */
export function reenableScheduleBody(): { workload: { jobschedule: { enabled: true } } } {
  return { workload: { jobschedule: { enabled: true } } };
}

/** `every 24hr from 09:00 PM, keep 30 (Number of Snapshots to Keep)`: the schedule in a few words. */
export function describeSchedule(s: JobSchedule): string {
  const text = (key: string) => {
    const v = s.settings[key];
    return typeof v === 'string' || typeof v === 'number' ? String(v) : '';
  };
  const parts: string[] = [];
  if (text('interval')) parts.push(`every ${text('interval')}`);
  if (text('start_time')) parts.push(`from ${text('start_time')}`);
  if (text('retention_policy_value'))
    parts.push(
      `keep ${text('retention_policy_value')}${text('retention_policy_type') ? ` (${text('retention_policy_type')})` : ''}`,
    );
  return parts.join(', ');
}

/** `on (every 24hr …)` / `off (every 24hr …)`: a schedule's state for tables and messages. */
export function scheduleState(s: JobSchedule | undefined): string {
  if (!s) return 'unknown (Trilio shows no job schedule)';
  const what = describeSchedule(s);
  return `${s.enabled ? 'on' : 'off'}${what ? ` (${what})` : ''}`;
}

/** Id of a planned re-enable call; a done one is recorded under it. */
export function scheduleActionId(workloadId: string): string {
  return `schedule:${workloadId}`;
}
