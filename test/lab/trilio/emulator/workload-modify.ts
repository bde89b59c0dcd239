import { nowText, type WorkloadRow } from './appliance-db.js';
import type { EmulatorApp } from './emulator-app.js';
import { HttpError, badRequest, isRecord } from './http-kit.js';
import type { PickleValue } from './python-pickle.js';
import type { RequestContext } from './routing.js';
import { writeWorkloadRecord } from './share-scan.js';

/**
 * `PUT /v1/{p}/workloads/{id}` with `{"workload": {name?, description?, jobschedule?: {…}}}`
 * (`workload-modify`), checked as the public controller and `workloads/api.py` `workload_modify`
 * do: the body must be `{"workload": {…}}` (else a bare 400); a job schedule is merged over the
 * current one (keys not given are kept); `enabled` as `true`/`false`/`1`/`0` in any case; with a
 * `timezone`, `start_date`/`start_time` must parse as `%m/%d/%Y %I:%M %p` and the interval as
 * `<n>hr`, else the call fails like Python's ValueError (500); no job schedule change while the
 * global job scheduler is disabled. The workload's `user_id` becomes the caller's (workloadmgr
 * always takes it from the request context). The new record is written to `workload_db` on the
 * share, as the appliance uploads it after a modify.
 */

const malformed =
  'The server could not comply with the request since it is either malformed or otherwise incorrect.';

function enabledOf(value: PickleValue | undefined): boolean {
  const text = String(value).toLowerCase();
  if (value === true || text === 'true' || text === '1') return true;
  if (value === false || text === 'false' || text === '0') return false;
  throw badRequest(`Invalid value for jobschedule enabled: ${JSON.stringify(value)} (give true or false).`);
}

const datePattern = /^(0?[1-9]|1[0-2])\/(0?[1-9]|[12]\d|3[01])\/\d{4}$/;
const timePattern = /^(0?[1-9]|1[0-2]):[0-5]\d (AM|PM)$/i;

function checkSchedule(schedule: Record<string, PickleValue>): void {
  if ('timezone' in schedule) {
    const when = `${String(schedule.start_date)} ${String(schedule.start_time)}`;
    if (!datePattern.test(String(schedule.start_date)) || !timePattern.test(String(schedule.start_time)))
      throw new HttpError(500, `time data '${when}' does not match format '%m/%d/%Y %I:%M %p'`);
  }
  const interval = String(schedule.interval ?? '');
  if (!/^\s*\d+\s*$/.test(interval.split('hr')[0] ?? ''))
    throw new HttpError(500, `invalid literal for int() with base 10: '${interval.split('hr')[0]}'`);
}

export async function modifyWorkload(
  app: EmulatorApp,
  ctx: RequestContext,
  workload: WorkloadRow,
): Promise<void> {
  const body = ctx.body;
  if (!isRecord(body) || !isRecord(body.workload)) throw badRequest(malformed);
  const change = body.workload;
  if (typeof change.name === 'string' && change.name) workload.display_name = change.name;
  if (typeof change.description === 'string' && change.description)
    workload.display_description = change.description;
  if (change.jobschedule !== undefined && change.jobschedule !== null) {
    if (!isRecord(change.jobschedule)) throw badRequest(malformed);
    if (Object.keys(change.jobschedule).length > 0) {
      if (app.db.state.globalJobScheduler === false)
        throw new HttpError(
          500,
          'Cannot update scheduler related fields when global jobscheduler is disabled.',
        );
      const merged: Record<string, PickleValue> = { ...workload.jobschedule };
      for (const [key, value] of Object.entries(change.jobschedule)) merged[key] = value as PickleValue;
      merged.enabled = enabledOf(merged.enabled);
      checkSchedule(merged);
      workload.jobschedule = merged;
    }
  }
  workload.user_id = ctx.token.userId;
  workload.updated_at = nowText();
  const share = (await app.hosts.mountedShares()).find((s) => s.export === workload.share_export);
  if (share)
    await writeWorkloadRecord(`${share.visiblePath}/workload_${workload.id}`, {
      jobschedule: workload.jobschedule,
      user_id: workload.user_id,
      display_name: workload.display_name,
      display_description: workload.display_description,
    }).catch((error: unknown) =>
      console.error(`modify ${workload.id}: workload_db not rewritten: ${String(error)}`),
    );
  await app.db.save();
}
