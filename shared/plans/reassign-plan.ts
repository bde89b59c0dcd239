import { ok, type Result } from '../result.js';
import type { ApiAction, StepPlan } from '../run/plan-types.js';

/**
 * Runbook: "The identified orphaned workloads need to be assigned to their new projects … to a user
 * with the backup trustee role that is existing in the target project." One reassign call per
 * workload (`reasign_workloads`, sic), each recorded; a workload already in its target project is
 * left alone.
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
  targetProject: { id: string; name: string };
  trustee: { id: string; name: string };
}

export interface ReassignFacts {
  /** The Keystone role the trustee holds on the target project (Trilio's `trustee_role`). */
  trusteeRole: string;
  /** How the trustee was chosen, for the plan's text. */
  trusteeSource: 'params' | 'role-assignments';
  workloads: ReassignWorkloadFacts[];
}

/** The body of `POST /workloads/reasign_workloads` for one workload (Trilio reads both id lists). */
export function reassignBody(w: ReassignWorkloadFacts): unknown[] {
  return [
    {
      workload_ids: [w.workloadId],
      old_tenant_ids: [],
      new_tenant_id: w.targetProject.id,
      user_id: w.trustee.id,
      migrate: true,
    },
  ];
}

export function reassignActionId(workloadId: string): string {
  return `reassign:${workloadId}`;
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
    if (w.state === 'in-target') {
      warnings.push(`${label} is already in project ${w.targetProject.name}: it is not reassigned again.`);
      continue;
    }
    actions.push({
      kind: 'api',
      id: reassignActionId(w.workloadId),
      service: 'workloads',
      method: 'POST',
      path: '/workloads/reasign_workloads',
      body: reassignBody(w),
      description: `Reassign orphaned workload ${label} from project ${w.currentProjectId} to ${where} (${w.targetProject.id}, ${w.trustee.id})`,
      // Nothing to undo through the API: clean-up deletes the workload record and purges it instead.
      change: { kind: 'reassign', undo: [] },
    });
  }
  const chosen =
    facts.trusteeSource === 'params'
      ? 'the trustee user chosen for the run'
      : `the first user holding the trustee role ${facts.trusteeRole} on the project`;
  return ok({
    step: 'reassign',
    title: 'Reassign',
    summary:
      `Trilio B sees the copied workload as orphaned (its project is in cloud A). ` +
      (actions.length > 0
        ? `It is reassigned to its target project and to ${chosen}, so the project's users can work with it; Trilio then lists it under that project and user.`
        : 'It is already assigned to the target project, so nothing changes.'),
    actions,
    verify,
    warnings,
  });
}
