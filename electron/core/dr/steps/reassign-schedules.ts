import type { ReassignFacts, ReassignWorkloadFacts } from '../../../../shared/plans/reassign-plan.js';
import type { AppError } from '../../../../shared/result.js';
import type { VerifyRow } from '../../../../shared/run/run-types.js';
import {
  readJobSchedule,
  scheduleActionId,
  scheduleState,
  type JobSchedule,
} from '../../../../shared/trilio/job-schedule.js';
import type { TrilioWorkload } from '../../clients/trilio-types.js';
import { openProjectSessions } from '../project-sessions.js';
import type { DrContext } from '../remote-action.js';

/**
 * The Reassign step's second half: turning back on the job schedules Trilio switched off when it
 * reassigned the workloads (migrate_cloud), each with a login scoped to the workload's project (the
 * Access step gave the admin user a role there), as an owner would. A schedule already on is left
 * alone, so running the step again sends nothing twice.
 */
export async function reenableSchedules(
  ctx: DrContext,
  workloads: readonly ReassignWorkloadFacts[],
): Promise<{ names: string; error: AppError }[]> {
  if (workloads.length === 0) return [];
  const errors: { names: string; error: AppError }[] = [];
  const sessions = openProjectSessions(ctx, () => false);
  try {
    for (const w of workloads) {
      const label = `${w.workloadName} (${w.workloadId})`;
      const project = {
        id: w.targetProject.id,
        name: w.targetProject.name,
        domainId: w.targetProject.domainId ?? '',
      };
      const clients = await sessions.get(project);
      if (!clients.ok) {
        errors.push({ names: w.workloadName, error: clients.error });
        continue;
      }
      const now = await clients.value.trilio.getWorkload(w.workloadId, { signal: ctx.signal });
      if (now.ok && readJobSchedule(now.value.jobschedule)?.enabled === true) {
        ctx.log(`The job schedule of ${label} is on already: not changed.`);
        continue;
      }
      ctx.log(`PUT /workloads/${w.workloadId}: turn the job schedule of ${label} on.`);
      const done = await clients.value.trilio.updateJobSchedule(
        w.workloadId,
        { enabled: true },
        { signal: ctx.signal },
      );
      if (!done.ok) {
        errors.push({ names: w.workloadName, error: scheduleError(done.error, label, w.workloadId) });
        continue;
      }
      ctx.recordChange({
        actionId: scheduleActionId(w.workloadId),
        host: '',
        kind: 'schedule',
        description: `Re-enabled the job schedule of ${label} in project ${w.targetProject.name}`,
        undo: [],
      });
    }
  } finally {
    sessions.close();
  }
  return errors;
}

/** Trilio's refusals, with what to do. */
function scheduleError(error: AppError, label: string, workloadId: string): AppError {
  const said = `${error.message} ${error.output ?? ''}`;
  const hint = /global job ?scheduler is disabled/i.test(said)
    ? "Trilio's global job scheduler is off: turn it on (workloadmgr enable-global-job-scheduler), then run the step again."
    : /policy/i.test(said)
      ? 'A workload policy of the project decides this schedule: apply the policy to the workload in Trilio, then run the step again.'
      : `Let the owner turn it on (workloadmgr workload-modify ${workloadId} --jobschedule enabled=True), or run the step again.`;
  return { ...error, message: `Re-enabling the job schedule of ${label} failed: ${error.message}`, hint };
}

/**
 * What the step verifies about a workload's schedule and owner: its schedule's state (on where the run
 * re-enabled it; shown either way) and its user. Trilio records the caller of a schedule change as the
 * workload's user (workloadmgr `workload_modify`), so a re-enabled workload belongs to the acting user
 * afterwards; the plan said so, and the row says what follows.
 */
export function scheduleVerifyRows(
  facts: ReassignFacts,
  w: ReassignWorkloadFacts,
  now: TrilioWorkload,
  schedule: JobSchedule | undefined,
  reenabled: boolean,
): VerifyRow[] {
  const rows: VerifyRow[] = [];
  const wanted = facts.reenableSchedules && reenabled;
  if (w.state === 'orphaned' && !wanted)
    rows.push({
      check: `${w.workloadName} belongs to user ${w.trustee.name}`,
      ok: now.user_id === w.trustee.id,
      detail: `user_id ${now.user_id ?? '?'}`,
    });
  else if (wanted) {
    const owner = w.state === 'orphaned' ? w.trustee : { id: w.currentUserId, name: w.currentUserId };
    rows.push({
      check: `${w.workloadName}'s user after re-enabling its schedule`,
      ok: true,
      detail:
        now.user_id === owner.id
          ? `user_id ${now.user_id}: still ${owner.name}`
          : `user_id ${now.user_id ?? '?'}: Trilio made ${facts.actingUser} (who re-enabled the schedule) the workload's user, so scheduled snapshots run as ${facts.actingUser}. ` +
            `Its role on ${w.targetProject.name} must stay for them (the clean-up removes the role it was given); or let ${owner.name} run workloadmgr workload-modify ${w.workloadId} --jobschedule enabled=True, which makes ${owner.name} the user again.`,
    });
  }
  rows.push({
    check: wanted
      ? `The job schedule of ${w.workloadName} is on`
      : `The job schedule of ${w.workloadName} (backups ${schedule?.enabled ? 'on' : 'off'})`,
    ok: wanted ? schedule?.enabled === true : true,
    detail: scheduleState(schedule),
  });
  return rows;
}
