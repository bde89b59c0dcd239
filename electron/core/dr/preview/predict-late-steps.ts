import type { CleanupFacts } from '../../../../shared/plans/cleanup-plan.js';
import type { RestoreStepFacts } from '../../../../shared/plans/bulk-restore-plan.js';
import { parseReassignActionId, type ReassignFacts } from '../../../../shared/plans/reassign-plan.js';
import { parseGrantActionId, revokeOf } from '../../../../shared/plans/cleanup-roles.js';
import { liveShareOf, workloadDirName } from '../../../../shared/plans/dr-paths.js';
import { fail, ok } from '../../../../shared/result.js';
import { projectsOf, undoneByCleanup } from '../steps/cleanup-step.js';
import { discoverDbCleanup } from '../steps/db-cleanup.js';
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
  /** Discovery logs in to the workloads' projects, which Access opens first: planned from the changes. */
  async facts(ctx) {
    const changes = ctx.changes();
    const workloadIds = [
      ...new Set(changes.flatMap((c) => (c.kind === 'reassign' ? [parseReassignActionId(c.actionId)] : []))),
    ].filter((id): id is string => id !== undefined);
    const tvm = ctx.services.tvms()[0];
    // Read-only: the script folder is probed and the appliance config read, nothing is written.
    const db = tvm && workloadIds.length > 0 ? await discoverDbCleanup(ctx, tvm) : ok(null);
    if (!db.ok) return db;
    const single = ctx.params.kind === 'single' ? ctx.params : null;
    const copied = single ? changes.find((c) => c.kind === 'workload-copy' && !c.undoneAt) : undefined;
    const facts: CleanupFacts = {
      workloadIds,
      knownToTrilio: workloadIds,
      projects: projectsOf(ctx, workloadIds),
      purged: [],
      tvm: tvm?.id ?? null,
      tvmName: tvm?.name ?? '',
      purgeCommand: ctx.profile.trilio.purgeCommand,
      db: db.value,
      toUndo: undoneByCleanup(changes, ctx.params.removeMountsOnCleanup),
      // The grants Access makes are taken back last, as the step does.
      revokes: changes.flatMap((c) => {
        const grant = c.kind === 'role-grant' && !c.undoneAt ? parseGrantActionId(c.actionId) : null;
        const revoke = revokeOf(c);
        return grant && revoke ? [{ changeId: c.id, ...grant, revoke }] : [];
      }),
      copy:
        copied && single
          ? {
              changeId: copied.id,
              host: copied.host,
              hostName: tvm?.name ?? copied.host,
              target: `${liveShareOf(ctx.profile, ctx.params).mountPath}/${workloadDirName(single.workloadId)}`,
              present: true,
              newSnapshots: [],
            }
          : null,
    };
    return ok({
      facts,
      notes: workloadIds.length
        ? [`Trilio B lists the workloads Reassign moves then: ${workloadIds.join(', ')}.`]
        : [],
    });
  },
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
