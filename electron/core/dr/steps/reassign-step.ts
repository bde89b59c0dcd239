import {
  planReassign,
  reassignActionId,
  type ReassignFacts,
  type ReassignWorkloadFacts,
} from '../../../../shared/plans/reassign-plan.js';
import { fail, ok, type Result } from '../../../../shared/result.js';
import type { VerifyRow } from '../../../../shared/run/run-types.js';
import type { CloudClients } from '../../clients/index.js';
import type { StepDefinition } from '../../runs/step-definition.js';
import type { DrContext } from '../remote-action.js';
import type { RunServices } from '../run-services.js';
import { findTargetProject, singleRunParams, type TargetProject } from './access-step.js';

/**
 * Runbook: "The identified orphaned workloads need to be assigned to their new projects … to a user
 * with the backup trustee role … verify the workload is managed by the Target Trilio and is assigned to
 * the right project and user." A workload Trilio B already lists in the target project is skipped.
 */
export const reassignStep: StepDefinition<ReassignFacts, RunServices> = {
  key: 'reassign',
  async discover(ctx) {
    const params = singleRunParams(ctx);
    if (!params.ok) return params;
    const workloadId = params.value.workloadId.trim();
    if (!workloadId)
      return fail({
        code: 'validation',
        message: 'The run has no workload to reassign.',
        hint: 'Choose the workload in the “Find the workload” step.',
        fields: [{ path: 'workloadId', message: 'required' }],
      });
    const clients = await ctx.services.clouds.target();
    if (!clients.ok) return clients;
    const project = await findTargetProject(ctx, clients.value, params.value.targetProject);
    if (!project.ok) return project;
    const trusteeRole = ctx.profile.trilio.trusteeRole.trim() || 'creator';
    const trustee = await findTrustee(
      ctx,
      clients.value,
      project.value,
      trusteeRole,
      params.value.trusteeUser,
    );
    if (!trustee.ok) return trustee;
    const workload = await workloadState(ctx, clients.value, workloadId, project.value);
    if (!workload.ok) return workload;
    ctx.log(
      workload.value.state === 'orphaned'
        ? `Workload ${workload.value.name} is orphaned (project ${workload.value.projectId}); trustee ${trustee.value.name}.`
        : `Workload ${workload.value.name} is already in project ${project.value.name}.`,
    );
    return ok({
      trusteeRole,
      trusteeSource: params.value.trusteeUser.trim() ? 'params' : 'role-assignments',
      workloads: [
        {
          workloadId,
          workloadName: workload.value.name,
          state: workload.value.state,
          currentProjectId: workload.value.projectId,
          currentUserId: workload.value.userId,
          sourceProjectId:
            workload.value.state === 'orphaned' ? workload.value.projectId : earlierSource(ctx, workloadId),
          targetProject: { id: project.value.id, name: project.value.name },
          trustee: trustee.value,
        },
      ],
    });
  },
  plan: (facts) => planReassign(facts),
  async execute(plan, facts, ctx) {
    const clients = await ctx.services.clouds.target();
    if (!clients.ok) return clients;
    const { trilio } = clients.value;
    const byAction = new Map(facts.workloads.map((w) => [reassignActionId(w.workloadId), w]));
    for (const action of plan.actions) {
      const w = byAction.get(action.id);
      if (action.kind !== 'api' || !w)
        return fail({ code: 'internal', message: `The reassign plan has an unknown action ${action.id}.` });
      const done = await reassignOnce(ctx, clients.value, w);
      if (!done.ok) return done;
      // Recorded also when an earlier attempt of this run did it (the plan saw it orphaned): clean-up
      // must delete the record either way. The store ignores a repeat.
      if (action.change)
        ctx.recordChange({
          actionId: action.id,
          host: '',
          kind: action.change.kind,
          description: action.description,
          undo: action.change.undo,
        });
    }
    const verify: VerifyRow[] = [];
    for (const w of facts.workloads) {
      const now = await trilio.getWorkload(w.workloadId, { signal: ctx.signal });
      if (!now.ok) {
        verify.push({ check: `Trilio lists ${w.workloadName}`, ok: false, detail: now.error.message });
        continue;
      }
      verify.push({
        check: `${w.workloadName} is in project ${w.targetProject.name}`,
        ok: now.value.project_id === w.targetProject.id,
        detail: `project_id ${now.value.project_id ?? '?'}`,
      });
      if (w.state === 'orphaned')
        verify.push({
          check: `${w.workloadName} belongs to user ${w.trustee.name}`,
          ok: now.value.user_id === w.trustee.id,
          detail: `user_id ${now.value.user_id ?? '?'}`,
        });
    }
    const moved = facts.workloads.filter((w) => w.state === 'orphaned');
    return ok({
      summary:
        moved.length > 0
          ? `Reassigned ${moved.map((w) => w.workloadName).join(', ')} to project ${moved[0]!.targetProject.name} and user ${moved[0]!.trustee.name}.`
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

/** Reassigns one workload unless Trilio already lists it in the target project (checked first). */
async function reassignOnce(
  ctx: DrContext,
  clients: CloudClients,
  w: ReassignWorkloadFacts,
): Promise<Result<void>> {
  const { trilio } = clients;
  const label = `${w.workloadName} (${w.workloadId})`;
  const now = await trilio.getWorkload(w.workloadId, { signal: ctx.signal });
  if (now.ok && now.value.project_id === w.targetProject.id) {
    ctx.log(`${label} is in project ${w.targetProject.name} already: not reassigned again.`);
    return ok(undefined);
  }
  if (now.ok)
    return fail({
      code: 'precondition',
      message: `Trilio B now manages ${label} in project ${now.value.project_id ?? '?'}, not ${w.targetProject.name}.`,
      hint: 'Someone reassigned or imported it meanwhile: check the workload, then plan the step again.',
    });
  if (now.error.httpStatus !== 404) return now;
  ctx.log(
    `POST /workloads/reasign_workloads: ${label} → project ${w.targetProject.name}, user ${w.trustee.name}`,
  );
  const answer = await trilio.reassignWorkloads(
    [
      {
        workload_ids: [w.workloadId],
        old_tenant_ids: [],
        new_tenant_id: w.targetProject.id,
        user_id: w.trustee.id,
        migrate: true,
      },
    ],
    { signal: ctx.signal },
  );
  if (!answer.ok) return answer;
  const moved = answer.value.reassigned_workloads.some((r) => r.id === w.workloadId);
  if (!moved || answer.value.failed_workloads.includes(w.workloadId))
    return fail({
      code: 'precondition',
      message: `Trilio did not reassign ${label} (failed_workloads: ${answer.value.failed_workloads.join(', ') || 'none'}).`,
      hint: 'A deleted record of this workload may still be in Trilio’s database (purge it with the clean-up of the earlier DR), or the workload folder is no longer on the share. See the workloadmgr log on the appliance.',
      request: 'POST /workloads/reasign_workloads',
    });
  ctx.log(`Trilio reassigned ${label}.`);
  return ok(undefined);
}

interface WorkloadState {
  state: 'orphaned' | 'in-target';
  name: string;
  projectId: string;
  userId: string;
}

/** Where the workload stands for Trilio B: in the target project already, or among the orphans. */
async function workloadState(
  ctx: DrContext,
  clients: CloudClients,
  workloadId: string,
  project: TargetProject,
): Promise<Result<WorkloadState>> {
  const { trilio } = clients;
  const managed = await trilio.getWorkload(workloadId, { signal: ctx.signal });
  if (managed.ok) {
    const w = managed.value;
    if (w.project_id === project.id)
      return ok({ state: 'in-target', name: w.name, projectId: project.id, userId: w.user_id ?? '' });
    return fail({
      code: 'precondition',
      message: `Trilio B already manages workload ${w.name} (${workloadId}) in project ${w.project_id ?? '?'}, not in ${project.name}.`,
      hint: 'It is not orphaned: choose another workload, or the project it belongs to.',
    });
  }
  if (managed.error.httpStatus !== 404) return managed;
  const orphans = await trilio.listOrphanedWorkloads({ signal: ctx.signal });
  if (!orphans.ok) return orphans;
  const orphan = orphans.value.find((w) => w.id === workloadId);
  if (!orphan)
    return fail({
      code: 'precondition',
      message: `Workload ${workloadId} is not among the ${orphans.value.length} orphaned workload(s) Trilio B sees.`,
      hint: `The copy step puts it on NFS B1 (${ctx.profile.nfs.target}): check that workload_${workloadId} is there and that Trilio B’s configuration lists that share.`,
    });
  return ok({
    state: 'orphaned',
    name: orphan.name,
    projectId: orphan.project_id ?? '',
    userId: orphan.user_id ?? '',
  });
}

/**
 * The user the workload is assigned to: the run's choice (name or id), which must hold the trustee
 * role on the project, or the first holder by name (preferring someone other than the admin user,
 * whose access is temporary).
 */
async function findTrustee(
  ctx: DrContext,
  clients: CloudClients,
  project: TargetProject,
  role: string,
  wanted: string,
): Promise<Result<{ id: string; name: string }>> {
  const assignments = await clients.keystone.listProjectAssignments(project.id, { signal: ctx.signal });
  if (!assignments.ok) return assignments;
  const holders = new Map<string, { id: string; name: string }>();
  for (const a of assignments.value)
    if (a.role.name === role && a.user) holders.set(a.user.id, { id: a.user.id, name: a.user.name });
  const sorted = [...holders.values()].sort((a, b) => a.name.localeCompare(b.name));
  const where = `project ${project.name} (domain ${project.domain})`;
  const addRole = (user: string) =>
    `openstack role add --user ${user} --user-domain ${project.domain} --project ${project.name} --project-domain ${project.domain} ${role}`;
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
