import {
  planReassign,
  reassignActionId,
  reassignGroupActionId,
  reassignGroups,
  type ReassignFacts,
  type ReassignGroup,
  type ReassignWorkloadFacts,
} from '../../../../shared/plans/reassign-plan.js';
import {
  readJobSchedule,
  scheduleActionId,
  scheduleState,
  type JobSchedule,
} from '../../../../shared/trilio/job-schedule.js';
import { isTrusteeRole, rolesText } from '../../../../shared/trilio/trustee-roles.js';
import { fail, ok, type AppError, type Result } from '../../../../shared/result.js';
import type { VerifyRow } from '../../../../shared/run/run-types.js';
import type { CloudClients } from '../../clients/index.js';
import type { TrilioWorkload } from '../../clients/trilio-types.js';
import type { StepDefinition } from '../../runs/step-definition.js';
import type { DrContext } from '../remote-action.js';
import type { RunServices } from '../run-services.js';
import { resolveTargets, type TargetProject } from '../target-projects.js';
import { resolveTrusteeRoles } from '../trustee-roles.js';
import { reenableSchedules, scheduleVerifyRows } from './reassign-schedules.js';

/**
 * Runbook: "The identified orphaned workloads need to be assigned to their new projects … to a user
 * with the backup trustee role … verify the workload is managed by the Target Trilio and is assigned to
 * the right project and user." Every workload of the run (the chosen one, or every mapped one) goes to
 * its target project and that project's trustee; a workload Trilio B already lists there is skipped.
 * One call per project and trustee; a failed call does not stop the other projects.
 */
export const reassignStep: StepDefinition<ReassignFacts, RunServices> = {
  key: 'reassign',
  async discover(ctx) {
    if (ctx.params.kind === 'single' && !ctx.params.workloadId.trim())
      return fail({
        code: 'validation',
        message: 'The run has no workload to reassign.',
        hint: 'Choose the workload in the “Find the workload” step.',
        fields: [{ path: 'workloadId', message: 'required' }],
      });
    const clients = await ctx.services.clouds.target();
    if (!clients.ok) return clients;
    const targets = await resolveTargets(ctx, clients.value);
    if (!targets.ok) return targets;
    const trusteeRoles = await resolveTrusteeRoles(ctx);
    const admin = await clients.value.session.tokenInfo(ctx.signal);
    if (!admin.ok) return admin;
    const trustees = new Map<string, Promise<Result<{ id: string; name: string }>>>();
    const orphans = lazyOrphans(ctx, clients.value);
    const workloads: ReassignWorkloadFacts[] = [];
    for (const t of targets.value) {
      const key = `${t.project.id}|${t.trusteeUser.trim()}`;
      if (!trustees.has(key))
        trustees.set(key, findTrustee(ctx, clients.value, t.project, trusteeRoles.roles, t.trusteeUser));
      const trustee = await trustees.get(key)!;
      if (!trustee.ok) return trustee;
      const workload = await workloadState(ctx, clients.value, t.workloadId, t.project, orphans);
      if (!workload.ok) return workload;
      ctx.log(
        workload.value.state === 'orphaned'
          ? `Workload ${workload.value.name} is orphaned (project ${workload.value.projectId}); → ${t.project.name}, trustee ${trustee.value.name}.`
          : `Workload ${workload.value.name} is already in project ${t.project.name}.`,
      );
      workloads.push({
        workloadId: t.workloadId,
        workloadName: workload.value.name,
        state: workload.value.state,
        currentProjectId: workload.value.projectId,
        currentUserId: workload.value.userId,
        sourceProjectId:
          workload.value.state === 'orphaned'
            ? workload.value.projectId
            : t.sourceProjectId || earlierSource(ctx, t.workloadId),
        targetProject: { id: t.project.id, name: t.project.name, domainId: t.project.domainId },
        trustee: trustee.value,
        ...(workload.value.schedule ? { schedule: workload.value.schedule } : {}),
      });
    }
    return ok({
      trusteeRoles,
      trusteeSource: targets.value.every((t) => t.trusteeUser.trim()) ? 'params' : 'role-assignments',
      reenableSchedules: ctx.params.reenableSchedules === true,
      actingUser: admin.value.userName,
      workloads,
    });
  },
  plan: (facts) => planReassign(facts),
  async execute(plan, facts, ctx) {
    const clients = await ctx.services.clouds.target();
    if (!clients.ok) return clients;
    const { trilio } = clients.value;
    const groups = new Map(reassignGroups(facts.workloads).map((g) => [reassignGroupActionId(g), g]));
    const errors: { names: string; error: AppError }[] = [];
    const scheduleIds = new Set(facts.workloads.map((w) => scheduleActionId(w.workloadId)));
    for (const action of plan.actions) {
      if (scheduleIds.has(action.id)) continue; // after every reassign, below
      const group = groups.get(action.id);
      if (action.kind !== 'api' || !group)
        return fail({ code: 'internal', message: `The reassign plan has an unknown action ${action.id}.` });
      const failed = await reassignGroup(ctx, clients.value, group);
      errors.push(...failed);
    }
    // Only workloads in their target project now (already, or moved: their move is recorded and not
    // undone) are re-enabled; one whose reassign failed is not Trilio B's to schedule yet.
    const inTarget = (w: ReassignWorkloadFacts) =>
      w.state === 'in-target' ||
      ctx.changes().some((c) => c.actionId === reassignActionId(w.workloadId) && !c.undoneAt);
    const toEnable = facts.workloads.filter(
      (w) => inTarget(w) && plan.actions.some((a) => a.id === scheduleActionId(w.workloadId)),
    );
    errors.push(...(await reenableSchedules(ctx, toEnable)));
    if (errors.length === 1) return fail(errors[0]!.error);
    if (errors.length > 1)
      return fail({
        ...errors[0]!.error,
        message: `Reassigning failed for ${errors.length} group(s) of workloads: ${errors.map((e) => `${e.names}: ${e.error.message}`).join(' ')}`,
        hint: `${errors[0]!.error.hint ?? ''} Workloads that moved are recorded; running the step again only sends the others.`.trim(),
      });
    const verify: VerifyRow[] = [];
    const schedules = new Map<string, JobSchedule | undefined>();
    for (const w of facts.workloads) {
      const now = await trilio.getWorkload(w.workloadId, { signal: ctx.signal });
      if (!now.ok) {
        verify.push({ check: `Trilio lists ${w.workloadName}`, ok: false, detail: now.error.message });
        continue;
      }
      const schedule = readJobSchedule(now.value.jobschedule);
      schedules.set(w.workloadId, schedule);
      verify.push({
        check: `${w.workloadName} is in project ${w.targetProject.name}`,
        ok: now.value.project_id === w.targetProject.id,
        detail: `project_id ${now.value.project_id ?? '?'}`,
      });
      // Its user (the trustee, or who re-enabled the schedule) and its job schedule.
      verify.push(...scheduleVerifyRows(facts, w, now.value, schedule, toEnable.includes(w)));
    }
    const moved = facts.workloads.filter((w) => w.state === 'orphaned');
    const projects = [...new Set(moved.map((w) => `${w.targetProject.name} (user ${w.trustee.name})`))];
    return ok({
      summary:
        moved.length > 0
          ? `Reassigned ${moved.map((w) => w.workloadName).join(', ')} to ${projects.length === 1 ? `project ${moved[0]!.targetProject.name} and user ${moved[0]!.trustee.name}` : `projects ${projects.join(', ')}`}.`
          : `${facts.workloads.map((w) => w.workloadName).join(', ')} already in the target project; nothing changed.`,
      verify,
      data: {
        workloads: facts.workloads.map((w) => ({
          workloadId: w.workloadId,
          name: w.workloadName,
          sourceProjectId: w.sourceProjectId,
          targetProjectId: w.targetProject.id,
          targetProjectName: w.targetProject.name,
          trusteeUserId: w.trustee.id,
          trusteeUserName: w.trustee.name,
          // By this run: now, or in an earlier attempt (its change is recorded).
          reassigned:
            w.state === 'orphaned' ||
            ctx.changes().some((c) => c.actionId === reassignActionId(w.workloadId) && !c.undoneAt),
          // The job schedule as Trilio shows it after the step (notifications tell the owners).
          ...scheduleData(schedules.get(w.workloadId)),
        })),
      },
    });
  },
};

/** Cloud A's project of a workload this run reassigned before (a re-plan finds it in the target already). */
function earlierSource(ctx: DrContext, workloadId: string): string {
  const data = ctx.outcomeOf('reassign')?.data as
    { workloads?: { workloadId?: string; sourceProjectId?: string }[] } | undefined;
  return data?.workloads?.find((w) => w.workloadId === workloadId)?.sourceProjectId ?? '';
}

/** Records one workload's move (also when an earlier attempt of this run did it: clean-up needs it). */
function recordMove(ctx: DrContext, group: ReassignGroup, w: ReassignWorkloadFacts): void {
  ctx.recordChange({
    actionId: reassignActionId(w.workloadId),
    host: '',
    kind: 'reassign',
    description: `Reassign orphaned workload ${w.workloadName} (${w.workloadId}) from project ${w.currentProjectId} to project ${group.targetProject.name}, user ${group.trustee.name}`,
    undo: [],
  });
}

/**
 * Reassigns a group's workloads that Trilio does not list yet (checked first) in one call, and records
 * each that moved. Returns what failed (nothing when all moved).
 */
async function reassignGroup(
  ctx: DrContext,
  clients: CloudClients,
  group: ReassignGroup,
): Promise<{ names: string; error: AppError }[]> {
  const { trilio } = clients;
  const errors: { names: string; error: AppError }[] = [];
  const pending: ReassignWorkloadFacts[] = [];
  for (const w of group.workloads) {
    const label = `${w.workloadName} (${w.workloadId})`;
    const now = await trilio.getWorkload(w.workloadId, { signal: ctx.signal });
    if (now.ok && now.value.project_id === group.targetProject.id) {
      ctx.log(`${label} is in project ${group.targetProject.name} already: not reassigned again.`);
      recordMove(ctx, group, w);
    } else if (now.ok)
      errors.push({
        names: w.workloadName,
        error: {
          code: 'precondition',
          message: `Trilio B now manages ${label} in project ${now.value.project_id ?? '?'}, not ${group.targetProject.name}.`,
          hint: 'Someone reassigned or imported it meanwhile: check the workload, then plan the step again.',
        },
      });
    else if (now.error.httpStatus !== 404) errors.push({ names: w.workloadName, error: now.error });
    else pending.push(w);
  }
  if (pending.length === 0) return errors;
  const names = pending.map((w) => `${w.workloadName} (${w.workloadId})`).join(', ');
  // Recorded before the call, not after: a process killed while Trilio answers would leave moved
  // workloads no change records; the next plan finds them in the target project and clean-up would
  // never delete or purge them. What Trilio then refuses (or an error it answers) is marked undone.
  for (const w of pending) recordMove(ctx, group, w);
  const notMoved = (refused: readonly ReassignWorkloadFacts[]) => {
    const ids = new Set(refused.map((w) => reassignActionId(w.workloadId)));
    for (const c of ctx.changes()) if (ids.has(c.actionId) && !c.undoneAt) ctx.markUndone(c.id);
  };
  ctx.log(
    `POST /workloads/reasign_workloads: ${names} → project ${group.targetProject.name}, user ${group.trustee.name}`,
  );
  const answer = await trilio.reassignWorkloads(
    [
      {
        workload_ids: pending.map((w) => w.workloadId),
        old_tenant_ids: [],
        new_tenant_id: group.targetProject.id,
        user_id: group.trustee.id,
        migrate_cloud: true,
      },
    ],
    { signal: ctx.signal },
  );
  if (!answer.ok) {
    if (answer.error.httpStatus !== undefined) notMoved(pending);
    return [...errors, { names, error: answer.error }];
  }
  const moved = new Set(answer.value.reassigned_workloads.map((r: TrilioWorkload) => r.id));
  const refused = pending.filter(
    (w) => !moved.has(w.workloadId) || answer.value.failed_workloads.includes(w.workloadId),
  );
  notMoved(refused);
  for (const w of pending.filter((x) => !refused.includes(x)))
    ctx.log(`Trilio reassigned ${w.workloadName} (${w.workloadId}).`);
  if (refused.length > 0)
    errors.push({
      names: refused.map((w) => w.workloadName).join(', '),
      error: {
        code: 'precondition',
        message: `Trilio did not reassign ${refused.map((w) => `${w.workloadName} (${w.workloadId})`).join(', ')} (failed_workloads: ${answer.value.failed_workloads.join(', ') || 'none'}).`,
        hint: 'A deleted record of this workload may still be in Trilio’s database (purge it with the clean-up of the earlier DR), or the workload folder is no longer on the share. See the workloadmgr log on the appliance.',
        request: 'POST /workloads/reasign_workloads',
      },
    });
  return errors;
}

interface WorkloadState {
  state: 'orphaned' | 'in-target';
  name: string;
  projectId: string;
  userId: string;
  schedule?: JobSchedule;
}

/** Trilio B's orphan list, read once per discovery and only when a workload needs it. */
function lazyOrphans(ctx: DrContext, clients: CloudClients): () => Promise<Result<TrilioWorkload[]>> {
  let pending: Promise<Result<TrilioWorkload[]>> | undefined;
  return () => (pending ??= clients.trilio.listOrphanedWorkloads({ signal: ctx.signal }));
}

/** Where the workload stands for Trilio B: in the target project already, or among the orphans. */
async function workloadState(
  ctx: DrContext,
  clients: CloudClients,
  workloadId: string,
  project: TargetProject,
  orphanList: () => Promise<Result<TrilioWorkload[]>>,
): Promise<Result<WorkloadState>> {
  const managed = await clients.trilio.getWorkload(workloadId, { signal: ctx.signal });
  if (managed.ok) {
    const w = managed.value;
    const schedule = readJobSchedule(w.jobschedule);
    if (w.project_id === project.id)
      return ok({
        state: 'in-target',
        name: w.name,
        projectId: project.id,
        userId: w.user_id ?? '',
        ...(schedule ? { schedule } : {}),
      });
    return fail({
      code: 'precondition',
      message: `Trilio B already manages workload ${w.name} (${workloadId}) in project ${w.project_id ?? '?'}, not in ${project.name}.`,
      hint: 'It is not orphaned: choose another workload, or the project it belongs to.',
    });
  }
  if (managed.error.httpStatus !== 404) return managed;
  const orphans = await orphanList();
  if (!orphans.ok) return orphans;
  const orphan = orphans.value.find((w) => w.id === workloadId);
  const { nfs } = ctx.profile;
  if (!orphan)
    return fail({
      code: 'precondition',
      message: `Workload ${workloadId} is not among the ${orphans.value.length} orphaned workload(s) Trilio B sees.`,
      hint:
        ctx.params.kind === 'single'
          ? `The copy step puts it on NFS B1 (${nfs.target}): check that workload_${workloadId} is there and that Trilio B’s configuration lists that share.`
          : `The Reconfigure step adds NFS B2 (${nfs.syncedCopy}) to Trilio B: check that workload_${workloadId} is there and that wlm-workloads was restarted with B2 in its configuration.`,
    });
  const schedule = readJobSchedule(orphan.jobschedule);
  return ok({
    state: 'orphaned',
    name: orphan.name,
    projectId: orphan.project_id ?? '',
    userId: orphan.user_id ?? '',
    ...(schedule ? { schedule } : {}),
  });
}

/**
 * The user a project's workloads are assigned to: the run's choice (name or id), which must hold the
 * trustee role on the project, or the first holder by name (preferring someone other than the admin
 * user, whose access is temporary).
 */
export async function findTrustee(
  ctx: DrContext,
  clients: CloudClients,
  project: TargetProject,
  roles: readonly string[],
  wanted: string,
): Promise<Result<{ id: string; name: string }>> {
  const assignments = await clients.keystone.listProjectAssignments(project.id, { signal: ctx.signal });
  if (!assignments.ok) return assignments;
  const role = rolesText(roles);
  const holders = new Map<string, { id: string; name: string }>();
  for (const a of assignments.value)
    if (isTrusteeRole(a.role.name, roles) && a.user)
      holders.set(a.user.id, { id: a.user.id, name: a.user.name });
  const sorted = [...holders.values()].sort((a, b) => a.name.localeCompare(b.name));
  const where = `project ${project.name} (domain ${project.domain})`;
  const addRole = (user: string) =>
    `openstack role add --user ${user} --user-domain ${project.domain} --project ${project.name} --project-domain ${project.domain} ${roles[0] ?? 'creator'}`;
  const choice = wanted.trim();
  if (choice) {
    const found = sorted.find((u) => u.id === choice || u.name === choice);
    if (found) return ok(found);
    return fail({
      code: 'precondition',
      message: `User ${choice} does not hold the trustee role ${role} on ${where}, so Trilio cannot act for it there.`,
      hint: `Give it the role (${addRole(choice)}) or choose a user who has it${sorted.length ? `: ${sorted.map((u) => u.name).join(', ')}` : ''}.`,
      fields: [{ path: 'trusteeUser', message: `lacks role ${role}` }],
    });
  }
  const admin = await clients.session.tokenInfo(ctx.signal);
  if (!admin.ok) return admin;
  const pick = sorted.find((u) => u.id !== admin.value.userId) ?? sorted[0];
  if (pick) return ok(pick);
  return fail({
    code: 'precondition',
    message: `No user holds the trustee role ${role} on ${where}, so Trilio has nobody to act for there.`,
    hint: `Give a user of the project the role (${addRole('<user>')}), choose a trustee user for the run, or fix the trustee role in the profile's Trilio settings if the cloud uses another one.`,
  });
}

function scheduleData(schedule: JobSchedule | undefined): { scheduleEnabled?: boolean; schedule?: string } {
  if (!schedule) return {};
  return { scheduleEnabled: schedule.enabled, schedule: scheduleState(schedule) };
}
