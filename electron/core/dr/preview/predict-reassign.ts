import {
  reassignActionId,
  type ReassignFacts,
  type ReassignWorkloadFacts,
} from '../../../../shared/plans/reassign-plan.js';
import { ok, type Result } from '../../../../shared/result.js';
import type { FindOutcomeData } from '../../../../shared/run/step-data.js';
import type { StepPredictor } from '../../runs/plan-preview.js';
import type { RunServices } from '../run-services.js';
import { findTrustee } from '../steps/reassign-step.js';
import { resolveTargets } from '../target-projects.js';

/**
 * Reassign, before Trilio B sees the workload as orphaned (it is copied to B1, or B2 configured, by an
 * earlier step): target projects and trustees are looked up now, exactly as the step does; each
 * workload Trilio B does not list yet is planned as the orphan it will be.
 */
export const predictReassign: StepPredictor<RunServices> = {
  async facts(ctx) {
    const clients = await ctx.services.clouds.target();
    if (!clients.ok) return clients;
    const targets = await resolveTargets(ctx, clients.value);
    if (!targets.ok) return targets;
    const trusteeRole = ctx.profile.trilio.trusteeRole.trim() || 'creator';
    const found = ctx.outcomeOf('find')?.data as FindOutcomeData | undefined;
    const workloads: ReassignWorkloadFacts[] = [];
    const notes: string[] = [];
    for (const t of targets.value) {
      const trustee: Result<{ id: string; name: string }> = await findTrustee(
        ctx,
        clients.value,
        t.project,
        trusteeRole,
        t.trusteeUser,
      );
      if (!trustee.ok) return trustee;
      const managed = await clients.value.trilio.getWorkload(t.workloadId, { signal: ctx.signal });
      if (!managed.ok && managed.error.httpStatus !== 404) return managed;
      const inTarget = managed.ok && managed.value.project_id === t.project.id;
      const scanned = found?.workloads.find((w) => w.id === t.workloadId);
      if (!inTarget)
        notes.push(
          `${t.workloadName}: Trilio B lists it as orphaned once it is on ${ctx.params.kind === 'single' ? 'NFS B1 (Copy)' : 'NFS B2 (Reconfigure)'}.`,
        );
      workloads.push({
        workloadId: t.workloadId,
        workloadName: t.workloadName,
        state: inTarget ? 'in-target' : 'orphaned',
        currentProjectId: inTarget
          ? t.project.id
          : scanned?.projectId || t.sourceProjectId || '(its cloud A project, read by Find)',
        currentUserId: scanned?.userId ?? '',
        sourceProjectId: t.sourceProjectId || (scanned?.projectId ?? ''),
        targetProject: { id: t.project.id, name: t.project.name },
        trustee: trustee.value,
      });
    }
    const facts: ReassignFacts = {
      trusteeRole,
      trusteeSource: targets.value.every((t) => t.trusteeUser.trim()) ? 'params' : 'role-assignments',
      workloads,
    };
    return ok({ facts, notes });
  },
  /** What the Reassign step leaves for Restore, Notify and Clean-up (the shape its execute writes). */
  async outcome(_ctx, facts) {
    const f = facts as ReassignFacts;
    return {
      notes: [],
      data: {
        workloads: f.workloads.map((w) => ({
          workloadId: w.workloadId,
          name: w.workloadName,
          sourceProjectId: w.sourceProjectId,
          targetProjectId: w.targetProject.id,
          targetProjectName: w.targetProject.name,
          trusteeUserId: w.trustee.id,
          trusteeUserName: w.trustee.name,
          reassigned: w.state === 'orphaned',
        })),
      },
    };
  },
  /** One recorded move per orphaned workload, as the step records them. */
  changes(facts) {
    return (facts as ReassignFacts).workloads
      .filter((w) => w.state === 'orphaned')
      .map((w) => ({
        actionId: reassignActionId(w.workloadId),
        host: '',
        kind: 'reassign',
        description: `Reassign orphaned workload ${w.workloadName} (${w.workloadId}) to project ${w.targetProject.name}, user ${w.trustee.name}`,
        undo: [],
      }));
  },
};
