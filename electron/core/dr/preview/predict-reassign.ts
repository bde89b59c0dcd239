import { reassignActionId, type ReassignFacts } from '../../../../shared/plans/reassign-plan.js';
import { ok } from '../../../../shared/result.js';
import type { FindOutcomeData } from '../../../../shared/run/step-data.js';
import type { StepPredictor } from '../../runs/plan-preview.js';
import type { RunServices } from '../run-services.js';
import { discoverReassign } from '../steps/reassign-step.js';

/**
 * Reassign, before Trilio B sees the workload as orphaned (it is copied to B1, or B2 configured, by an
 * earlier step): the step's own discovery (target projects, trustee roles and users, what Trilio B
 * lists already), with each workload Trilio B does not list yet taken as the orphan it will be, in the
 * project and of the user its folder names.
 */
export const predictReassign: StepPredictor<RunServices> = {
  async facts(ctx) {
    const found = ctx.outcomeOf('find')?.data as FindOutcomeData | undefined;
    const expected: string[] = [];
    const facts = await discoverReassign(ctx, (t) => {
      const scanned = found?.workloads.find((w) => w.id === t.workloadId);
      expected.push(t.workloadName);
      return {
        state: 'orphaned',
        name: scanned?.name ?? t.workloadName,
        projectId: scanned?.projectId || t.sourceProjectId || '(its cloud A project, read by Find)',
        userId: scanned?.userId ?? '',
      };
    });
    if (!facts.ok) return facts;
    const share = ctx.params.kind === 'single' ? 'NFS B1 (Copy)' : 'NFS B2 (Reconfigure)';
    return ok({
      facts: facts.value,
      notes: expected.map((name) => `${name}: Trilio B lists it as orphaned once it is on ${share}.`),
    });
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
