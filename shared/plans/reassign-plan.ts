import { ok, type Result } from '../result.js';
import type { ApiAction, StepPlan } from '../run/plan-types.js';
import {
  describeSchedule,
  reenableScheduleBody,
  scheduleActionId,
  scheduleState,
  type JobSchedule,
} from '../trilio/job-schedule.js';
import { describeTrusteeRoles, type TrusteeRoles } from '../trilio/trustee-roles.js';

/**
 * Runbook: "The identified orphaned workloads need to be assigned to their new projects … to a user
 * with the backup trustee role that is existing in the target project." One reassign call
 * (`reasign_workloads`, sic) per target project and trustee with the ids of its orphaned workloads;
 * each workload's move is recorded; a workload already in its target project is left alone.
 *
 * With `migrate_cloud` Trilio turns each reassigned workload's job schedule off. The plan shows every
 * workload's schedule, and — when the run asks for it — re-enables it (`PUT /workloads/{id}`), so the
 * owners' backups go on where they stopped.
 */

export interface ReassignWorkloadFacts {
  workloadId: string;
  workloadName: string;
  /** `orphaned`: on the share, unknown to Trilio B; `in-target`: Trilio B already lists it in the project. */
  state: 'orphaned' | 'in-target';
  /** Project and user the workload belongs to now (cloud A's ids for an orphan). */
  currentProjectId: string;
  currentUserId: string;
  /** Cloud A's project of the workload ('' when unknown: it was in the target project before this run looked). */
  sourceProjectId: string;
  /** `domainId`: what a login scoped to the project names (the re-enable calls run there). */
  targetProject: { id: string; name: string; domainId?: string };
  trustee: { id: string; name: string };
  /**
   * The job schedule as Trilio shows it now: an orphan's as written on the share (the reassign turns
   * it off), an assigned workload's as it runs. Absent when Trilio shows none.
   */
  schedule?: JobSchedule;
}

export interface ReassignFacts {
  /** The Keystone roles that make a user a trustee (Trilio's `trustee_role`), and where they came from. */
  trusteeRoles: TrusteeRoles;
  /** How the trustee was chosen, for the plan's text. */
  trusteeSource: 'params' | 'role-assignments';
  /** The run asks to turn the job schedules back on after the reassign. */
  reenableSchedules: boolean;
  /** The user the re-enable calls run as (in each target project). */
  actingUser: string;
  workloads: ReassignWorkloadFacts[];
}

/** The schedule once the step's reassign is done: off for an orphan (migrate_cloud), else as it is. */
export function scheduleAfterReassign(w: ReassignWorkloadFacts): JobSchedule | undefined {
  if (w.state !== 'orphaned' || !w.schedule) return w.schedule;
  return { ...w.schedule, enabled: false };
}

/**
 * Workloads whose schedule is off after the reassign: shown off, or an orphan whose schedule Trilio did
 * not show (the reassign turns any schedule off). An assigned workload showing none is left alone.
 */
export function schedulesOff(facts: ReassignFacts): ReassignWorkloadFacts[] {
  return facts.workloads.filter((w) => {
    const after = scheduleAfterReassign(w);
    return after ? !after.enabled : w.state === 'orphaned';
  });
}

/** Orphaned workloads that move to the same project and trustee: one reassign call. */
export interface ReassignGroup {
  targetProject: { id: string; name: string };
  trustee: { id: string; name: string };
  workloads: ReassignWorkloadFacts[];
}

/**
 * The body of `POST /workloads/reasign_workloads` for a group: its workload ids only (Trilio refuses a
 * map with both `workload_ids` and `old_tenant_ids`; it reads both keys, so the unused one is empty).
 */
export function reassignGroupBody(group: ReassignGroup): unknown[] {
  return [
    {
      workload_ids: group.workloads.map((w) => w.workloadId),
      old_tenant_ids: [],
      new_tenant_id: group.targetProject.id,
      user_id: group.trustee.id,
      migrate_cloud: true,
    },
  ];
}

/** The body of the reassign call for one workload. */
export function reassignBody(w: ReassignWorkloadFacts): unknown[] {
  return reassignGroupBody({ targetProject: w.targetProject, trustee: w.trustee, workloads: [w] });
}

/** Id of one workload's recorded move (clean-up reads the workload ids from these). */
export function reassignActionId(workloadId: string): string {
  return `reassign:${workloadId}`;
}

/** The workload id of a recorded move; undefined for another action id. */
export function parseReassignActionId(actionId: string): string | undefined {
  const match = /^reassign:([^:,]+)$/.exec(actionId);
  return match ? match[1] : undefined;
}

/** Id of a group's reassign call: its workload ids (one workload: the same as its recorded move). */
export function reassignGroupActionId(group: ReassignGroup): string {
  return reassignActionId(group.workloads.map((w) => w.workloadId).join(','));
}

/** The orphaned workloads grouped by target project and trustee, in the order they were found. */
export function reassignGroups(workloads: readonly ReassignWorkloadFacts[]): ReassignGroup[] {
  const groups = new Map<string, ReassignGroup>();
  for (const w of workloads) {
    if (w.state !== 'orphaned') continue;
    const key = `${w.targetProject.id}|${w.trustee.id}`;
    const group = groups.get(key) ?? { targetProject: w.targetProject, trustee: w.trustee, workloads: [] };
    group.workloads.push(w);
    groups.set(key, group);
  }
  return [...groups.values()];
}

function describeGroup(group: ReassignGroup): string {
  const where = `project ${group.targetProject.name}, user ${group.trustee.name} (${group.targetProject.id}, ${group.trustee.id})`;
  const [only] = group.workloads;
  if (group.workloads.length === 1 && only)
    return `Reassign orphaned workload ${only.workloadName} (${only.workloadId}) from project ${only.currentProjectId} to ${where}`;
  const from = [...new Set(group.workloads.map((w) => w.currentProjectId))].join(', ');
  const names = group.workloads.map((w) => `${w.workloadName} (${w.workloadId})`).join(', ');
  return `Reassign ${group.workloads.length} orphaned workloads ${names} from project(s) ${from} to ${where}`;
}

export function planReassign(facts: ReassignFacts): Result<StepPlan> {
  const actions: ApiAction[] = [];
  const verify: ApiAction[] = [];
  const warnings: string[] = [];
  for (const w of facts.workloads) {
    const label = `${w.workloadName} (${w.workloadId})`;
    const where = `project ${w.targetProject.name}, user ${w.trustee.name}`;
    verify.push({
      kind: 'api',
      id: `check-workload:${w.workloadId}`,
      service: 'workloads',
      method: 'GET',
      path: `/workloads/${encodeURIComponent(w.workloadId)}`,
      description: `Check that Trilio lists ${label} under ${w.state === 'orphaned' ? where : `project ${w.targetProject.name}`}`,
      readOnly: true,
    });
    if (w.state === 'in-target')
      warnings.push(`${label} is already in project ${w.targetProject.name}: it is not reassigned again.`);
  }
  for (const group of reassignGroups(facts.workloads))
    actions.push({
      kind: 'api',
      id: reassignGroupActionId(group),
      service: 'workloads',
      method: 'POST',
      path: '/workloads/reasign_workloads',
      body: reassignGroupBody(group),
      description: describeGroup(group),
      // Nothing to undo through the API: clean-up deletes the workload records and purges them instead.
      change: { kind: 'reassign', undo: [] },
    });
  const off = schedulesOff(facts);
  if (facts.reenableSchedules) actions.push(...off.map((w) => reenableAction(w, facts.actingUser)));
  warnings.push(...scheduleWarnings(facts, off));
  const orphaned = facts.workloads.filter((w) => w.state === 'orphaned').length;
  const chosen =
    facts.trusteeSource === 'params'
      ? `the trustee user chosen for the run (who must hold ${describeTrusteeRoles(facts.trusteeRoles)})`
      : `the first user holding ${describeTrusteeRoles(facts.trusteeRoles)} on each project`;
  const schedules = facts.workloads
    .map((w) => `${w.workloadName} ${scheduleState(scheduleAfterReassign(w))}`)
    .join('; ');
  return ok({
    step: 'reassign',
    title: 'Reassign',
    summary:
      `Trilio B sees the workloads of cloud A as orphaned (their projects are in cloud A). ` +
      (actions.length > 0
        ? `${orphaned} orphaned workload(s) are reassigned to their target projects and to ${chosen}, in ${reassignGroups(facts.workloads).length} call(s), so the projects' users can work with them; Trilio then lists them under those projects and users.`
        : 'They are already assigned to their target projects.') +
      ` Job schedules after the reassign: ${schedules || 'none'}.` +
      (facts.reenableSchedules
        ? off.length > 0
          ? ` The step turns ${off.length} of them back on.`
          : ' Every schedule is on already.'
        : off.length > 0
          ? ' They stay off (re-enabling is not chosen for this run).'
          : ''),
    actions,
    verify,
    warnings,
  });
}

/** What a re-enable call needs to know of its workload (the reassign's facts, or re-protect's). */
export interface ScheduleTarget {
  workloadId: string;
  workloadName: string;
  schedule?: JobSchedule;
  targetProject: { name: string };
}

/**
 * The planned re-enable call of one workload (`workload-modify --jobschedule enabled=True`). Built
 * here once: the reassign step and re-protect after DR both plan it.
 */
export function reenableAction(w: ScheduleTarget, actingUser: string): ApiAction {
  const what = w.schedule ? describeSchedule(w.schedule) : '';
  const shown = what ? ` (${what})` : '';
  return {
    kind: 'api',
    id: scheduleActionId(w.workloadId),
    service: 'workloads',
    method: 'PUT',
    path: `/workloads/${encodeURIComponent(w.workloadId)}`,
    body: reenableScheduleBody(),
    description: `Re-enable the job schedule of ${w.workloadName} (${w.workloadId})${shown} in project ${w.targetProject.name}, as ${actingUser}`,
    // Clean-up leaves the owners' backups on; nothing to undo.
    change: { kind: 'schedule', undo: [] },
  };
}

function scheduleWarnings(facts: ReassignFacts, off: readonly ReassignWorkloadFacts[]): string[] {
  const warnings: string[] = [];
  const names = off.map((w) => w.workloadName).join(', ');
  if (off.length > 0 && !facts.reenableSchedules)
    warnings.push(
      `Trilio turns a workload's job schedule off when it reassigns it from another cloud (migrate_cloud): scheduled backups of ${names} stay off. ` +
        'Choose “Re-enable job schedules” for this run (CLI: --reenable-schedules), or let each owner run workloadmgr workload-modify <workload id> --jobschedule enabled=True; the owners’ notification says which are off.',
    );
  if (off.length > 0 && facts.reenableSchedules)
    warnings.push(
      `The schedules are re-enabled as ${facts.actingUser}: Trilio records the user who changes a schedule as the workload's user (workloadmgr workload_modify), so ${names} will belong to ${facts.actingUser} and their scheduled snapshots run as ${facts.actingUser}, ` +
        `who then needs its role on their projects beyond the clean-up. To keep the owners as users, leave this off: each owner runs workloadmgr workload-modify <workload id> --jobschedule enabled=True (the notification says so).`,
    );
  if (facts.workloads.some((w) => w.schedule?.globalScheduler === false))
    warnings.push(
      "Trilio's global job scheduler is off: no scheduled snapshot runs, and Trilio refuses to change a schedule until it is on (workloadmgr enable-global-job-scheduler).",
    );
  return warnings;
}
