import { ok, type Result } from '../../../../shared/result.js';
import type { RemoteAction } from '../../../../shared/run/plan-types.js';
import { planRevert, revertEdits, type RevertFacts } from '../../../../shared/plans/revert-plan.js';
import type { StepDefinition } from '../../runs/step-definition.js';
import type { RunServices } from '../run-services.js';
import { fanOut } from '../../ssh/fan-out.js';
import { hostName, runEditOrCommand } from './export-edit.js';
import { verifyMounted } from './reconfigure-step.js';
import { fail } from '../../../../shared/result.js';

/**
 * Runbook: "return the Trilio installation to its original configuration": B2 out of every config file
 * this run edited (edited back, so a file changed meanwhile keeps its other changes), services
 * restarted, B2 no longer mounted. Offered also after a failed run. Nodes are reverted in parallel; one
 * that fails is reported and the others still are reverted, so running it again touches only that one.
 */
export const revertStep: StepDefinition<RevertFacts, RunServices> = {
  key: 'revert',
  async discover(ctx) {
    return ok({ edits: revertEdits(ctx.changes()) });
  },
  plan: (facts, ctx) => planRevert(facts, ctx.profile.nfs.syncedCopy),
  async execute(_plan, facts, ctx) {
    // Run again after a failure, the plan's facts still list the edits reverted before it: skip those.
    const open = new Set(ctx.changes().flatMap((c) => (c.undoneAt ? [] : [c.id])));
    const pending = facts.edits.filter((c) => open.has(c.id)).sort((a, b) => b.id - a.id);
    // Nodes in parallel, each node's edits newest first; a node that fails does not stop the others.
    const outcomes = await fanOut(
      [...new Set(pending.map((c) => c.host))],
      async (host): Promise<Result<void>> => {
        for (const change of pending.filter((c) => c.host === host)) {
          for (const undo of change.undo) {
            if (undo.kind !== 'remote') continue;
            const done = await runEditOrCommand(ctx, undo as RemoteAction);
            if (!done.ok)
              return fail({
                ...done.error,
                message: `Reverting “${change.description}”: ${done.error.message}`,
              });
          }
          ctx.markUndone(change.id);
        }
        return ok(undefined);
      },
      { concurrency: ctx.services.concurrency, signal: ctx.signal },
    );
    const failed = outcomes.flatMap((o) => (o.ok ? [] : [o]));
    if (failed[0])
      return fail({
        ...failed[0].error,
        ...(failed.length > 1
          ? {
              message: `${failed.length} nodes failed (${failed.map((f) => hostName(ctx, f.host)).join(', ')}). First: ${failed[0].error.message}`,
            }
          : {}),
        hint: `${failed[0].error.hint ?? ''} Run Revert again when fixed: nodes already reverted are not touched again.`.trim(),
      });
    if (facts.edits.length === 0) return ok({ summary: 'Nothing to revert.', verify: [] });
    const verify = await verifyMounted(ctx, ctx.profile.nfs.syncedCopy, false);
    if (!verify.ok) return verify;
    return ok({
      summary: `Trilio's configuration is back to the original on ${facts.edits.length} node(s).`,
      verify: verify.value,
    });
  },
};
