import { planCleanup, type CleanupFacts } from '../../../../shared/plans/cleanup-plan.js';
import { fail, ok, type Result } from '../../../../shared/result.js';
import type { VerifyRow } from '../../../../shared/run/run-types.js';
import type { CloudClients } from '../../clients/index.js';
import type { StepDefinition } from '../../runs/step-definition.js';
import { runApiAction } from '../api-action.js';
import { runRemoteAction, type DrContext } from '../remote-action.js';
import type { RunServices } from '../run-services.js';

/** Changes clean-up always undoes; mount paths only when the user asked (other runs may rely on them). */
const alwaysUndone = new Set(['role-grant', 'staging-mount']);
const mountKinds = new Set(['mkdir', 'bind-mount', 'fstab-line']);

export const cleanupStep: StepDefinition<CleanupFacts, RunServices> = {
  key: 'cleanup',
  async discover(ctx) {
    const ids = ctx.params.kind === 'single' && ctx.params.workloadId ? [ctx.params.workloadId] : [];
    const removeMounts = ctx.params.removeMountsOnCleanup;
    const reassigned = ctx.changes().some((c) => c.kind === 'reassign');
    const workloadIds = reassigned ? ids : [];
    const knownToTrilio: string[] = [];
    if (workloadIds.length > 0) {
      const clients = await workloadClients(ctx);
      if (!clients.ok) return clients;
      for (const id of workloadIds) {
        const found = await clients.value.trilio.getWorkload(id, { signal: ctx.signal });
        if (found.ok && found.value.status !== 'deleted') knownToTrilio.push(id);
        else if (!found.ok && found.error.httpStatus !== 404) return found;
      }
    }
    const tvm = ctx.services.tvms()[0];
    return ok({
      workloadIds,
      knownToTrilio,
      tvm: tvm?.id ?? null,
      tvmName: tvm?.name ?? '',
      purgeCommand: ctx.profile.trilio.purgeCommand,
      toUndo: ctx
        .changes()
        .filter((c) => !c.undoneAt && (alwaysUndone.has(c.kind) || (removeMounts && mountKinds.has(c.kind)))),
    });
  },
  plan: (facts) => planCleanup(facts),
  async execute(plan, facts, ctx) {
    const admin = await ctx.services.clouds.target();
    if (!admin.ok) return admin;
    const verify: VerifyRow[] = [];
    for (const action of plan.actions) {
      if (action.id.startsWith('undo-')) continue;
      if (action.kind === 'api') {
        const clients = await workloadClients(ctx);
        if (!clients.ok) return clients;
        const done = await runApiAction(ctx, clients.value, action);
        if (!done.ok && done.error.httpStatus !== 404) return done;
      } else if (action.kind === 'remote') {
        const done = await runRemoteAction(ctx, action);
        if (!done.ok) return done;
      }
    }
    // Undo newest first; each change is marked undone as soon as its undo succeeded (safe to re-run).
    for (const change of [...facts.toUndo].sort((a, b) => b.id - a.id)) {
      for (const undo of change.undo) {
        const done =
          undo.kind === 'api'
            ? await runApiAction(ctx, admin.value, undo)
            : undo.kind === 'remote'
              ? await runRemoteAction(ctx, undo)
              : ok(undefined);
        if (!done.ok && done.error.httpStatus !== 404)
          return fail({ ...done.error, message: `Undoing “${change.description}”: ${done.error.message}` });
      }
      ctx.markUndone(change.id);
      verify.push({
        ...(change.host ? { host: hostName(ctx, change.host) } : {}),
        check: `undone: ${change.description}`,
        ok: true,
      });
    }
    for (const id of facts.knownToTrilio) {
      const clients = await workloadClients(ctx);
      if (!clients.ok) return clients;
      const left = await clients.value.trilio.getWorkload(id, { signal: ctx.signal });
      verify.push({
        check: `workload ${id} no longer active in Trilio`,
        ok: !left.ok || left.value.status === 'deleted',
        ...(left.ok ? { detail: `status ${left.value.status}` } : {}),
      });
    }
    return ok({
      summary: `Deleted ${facts.knownToTrilio.length} workload record(s), undid ${facts.toUndo.length} change(s).${plan.warnings.length ? ` ${plan.warnings.join(' ')}` : ''}`,
      verify,
    });
  },
};

function hostName(ctx: DrContext, id: string): string {
  const host = ctx.services.host(id);
  return host.ok ? host.value.name : id;
}

/** The workload belongs to the target project now: act with a token scoped to it. */
function workloadClients(ctx: DrContext): Promise<Result<CloudClients>> {
  const project = ctx.params.kind === 'single' ? ctx.params.targetProject : '';
  return project ? ctx.services.projectClients(project) : ctx.services.clouds.target();
}
