import type { CleanupFacts } from '../../../../shared/plans/cleanup-plan.js';
import type { RestoreStepFacts } from '../../../../shared/plans/bulk-restore-plan.js';
import type { ReassignFacts } from '../../../../shared/plans/reassign-plan.js';
import { fail } from '../../../../shared/result.js';
import type { StepPredictor } from '../../runs/plan-preview.js';
import type { RunServices } from '../run-services.js';

/** Workloads the Reassign plan moves into Trilio B (not listed there before it runs). */
function movedByReassign(facts: unknown): Map<string, string> {
  const f = facts as ReassignFacts | undefined;
  return new Map(
    (f?.workloads ?? []).filter((w) => w.state === 'orphaned').map((w) => [w.workloadId, w.workloadName]),
  );
}

/**
 * Restore: the request (snapshot, restore.json mapped to the target networks) is built from the
 * snapshot details Trilio B lists, which it does only after Reassign. Where it lists a workload already,
 * the restore is planned now.
 */
export const predictRestore: StepPredictor<RunServices> = {
  async facts(_ctx, world, failure) {
    const moved = movedByReassign(world.facts.reassign);
    if (moved.size === 0) return fail(failure);
    return fail({
      code: 'precondition',
      message: `The restore request of ${[...moved.values()].join(', ')} (snapshot, restore.json mapped to the target networks) is built from the snapshot details Trilio B lists after Reassign; the step shows it before it starts the restore.`,
    });
  },
  adjust(facts, world) {
    const f = facts as RestoreStepFacts;
    const moved = movedByReassign(world.facts.reassign);
    const later = f.problems.filter((p) => moved.has(p.workloadId));
    if (later.length === 0) return { facts, notes: [] };
    return {
      facts: { ...f, problems: f.problems.filter((p) => !moved.has(p.workloadId)) },
      notes: [
        `Planned when the step runs, after Reassign (Trilio B lists their snapshots then): ${later.map((p) => p.workloadName).join(', ')}.`,
      ],
    };
  },
};

/** Clean-up: the workloads Reassign moves are in Trilio B by then, so each is deleted, then purged. */
export const predictCleanup: StepPredictor<RunServices> = {
  adjust(facts, world) {
    const f = facts as CleanupFacts;
    const moved = movedByReassign(world.facts.reassign);
    const added = f.workloadIds.filter((id) => moved.has(id) && !f.knownToTrilio.includes(id));
    if (added.length === 0) return { facts, notes: [] };
    return {
      facts: { ...f, knownToTrilio: [...f.knownToTrilio, ...added] },
      notes: [`Workloads reassigned by this run are listed by Trilio B then: ${added.join(', ')}.`],
    };
  },
};
