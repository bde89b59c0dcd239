import {
  deleteWorkloadActionId,
  planCleanup,
  type CleanupFacts,
} from '../../../../shared/plans/cleanup-plan.js';
import { parseReassignActionId } from '../../../../shared/plans/reassign-plan.js';
import { fail, ok, type Result } from '../../../../shared/result.js';
import type { ChangeView, VerifyRow } from '../../../../shared/run/run-types.js';
import type { CloudClients } from '../../clients/index.js';
import type { StepDefinition } from '../../runs/step-definition.js';
import { runApiAction } from '../api-action.js';
import { drTargets } from '../dr-targets.js';
import { runRemoteAction, type DrContext } from '../remote-action.js';
import type { RunServices } from '../run-services.js';

/** Changes clean-up always undoes; mount paths only when the user asked (other runs may rely on them). */
const alwaysUndone = new Set(['role-grant', 'staging-mount']);
const mountKinds = new Set(['mkdir', 'bind-mount', 'fstab-line']);

/** The changes of a run clean-up undoes (not undone yet; mount paths only with `removeMounts`). */
export function undoneByCleanup(changes: readonly ChangeView[], removeMounts: boolean): ChangeView[] {
  return changes.filter(
    (c) => !c.undoneAt && (alwaysUndone.has(c.kind) || (removeMounts && mountKinds.has(c.kind))),
  );
}

/**
 * Runbook clean-up: every workload this run reassigned (read from the Reassign step's recorded moves)
 * is deleted from Trilio B's database with a token of its project and purged with one call of the
 * operator's script; the admin role grants and the staging mount are undone, the mount paths only when
 * the user asked. A purge that succeeded is recorded, so running clean-up again does not repeat it.
 */
export const cleanupStep: StepDefinition<CleanupFacts, RunServices> = {
  key: 'cleanup',
  async discover(ctx) {
    const removeMounts = ctx.params.removeMountsOnCleanup;
    const changes = ctx.changes();
    const workloadIds = [
      ...new Set(
        changes
          // A move marked undone never happened (Trilio refused it after it was recorded).
          .filter((c) => c.kind === 'reassign' && !c.undoneAt)
          .flatMap((c) => {
            const id = parseReassignActionId(c.actionId);
            return id ? [id] : [];
          }),
      ),
    ];
    const purged = changes.filter((c) => c.kind === 'purge').map((c) => c.actionId.replace(/^purge:/, ''));
    const projects = projectsOf(ctx, workloadIds);
    const knownToTrilio: string[] = [];
    for (const id of workloadIds) {
      const clients = await workloadClients(ctx, projects[id]);
      if (!clients.ok) return clients;
      const found = await clients.value.trilio.getWorkload(id, { signal: ctx.signal });
      if (found.ok && found.value.status !== 'deleted') knownToTrilio.push(id);
      else if (!found.ok && found.error.httpStatus !== 404) return found;
    }
    const tvm = ctx.services.tvms()[0];
    return ok({
      workloadIds,
      knownToTrilio,
      projects,
      purged: purged.filter((id) => workloadIds.includes(id)),
      tvm: tvm?.id ?? null,
      tvmName: tvm?.name ?? '',
      purgeCommand: ctx.profile.trilio.purgeCommand,
      toUndo: undoneByCleanup(changes, removeMounts),
    });
  },
  plan: (facts) => planCleanup(facts),
  async execute(plan, facts, ctx) {
    const admin = await ctx.services.clouds.target();
    if (!admin.ok) return admin;
    const verify: VerifyRow[] = [];
    const byDelete = new Map(facts.knownToTrilio.map((id) => [deleteWorkloadActionId(id), id]));
    for (const action of plan.actions) {
      if (action.id.startsWith('undo-')) continue;
      if (action.kind === 'api') {
        const id = byDelete.get(action.id);
        const clients = await workloadClients(ctx, id ? facts.projects?.[id] : undefined);
        if (!clients.ok) return clients;
        const done = await runApiAction(ctx, clients.value, action);
        if (!done.ok && done.error.httpStatus !== 404) return done;
      } else if (action.kind === 'remote') {
        const done = await runRemoteAction(ctx, action);
        if (!done.ok) return done;
        if (action.id.startsWith('purge:'))
          for (const id of facts.workloadIds.filter((w) => !facts.purged?.includes(w)))
            ctx.recordChange({
              actionId: `purge:${id}`,
              host: action.host,
              kind: 'purge',
              description: `Purged workload ${id} from Trilio's database`,
              undo: [],
            });
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
      const clients = await workloadClients(ctx, facts.projects?.[id]);
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

/**
 * Each workload's target project: as the Reassign step reported it, else from the run's targets (a
 * reassign that stopped halfway has no outcome yet, but its moves are recorded).
 */
export function projectsOf(ctx: DrContext, workloadIds: string[]): Record<string, string> {
  const projects: Record<string, string> = {};
  const data = ctx.outcomeOf('reassign')?.data as
    { workloads?: { workloadId?: string; targetProjectName?: string }[] } | undefined;
  for (const w of data?.workloads ?? [])
    if (w.workloadId && w.targetProjectName) projects[w.workloadId] = w.targetProjectName;
  const targets = drTargets(ctx);
  if (targets.ok)
    for (const t of targets.value) if (!projects[t.workloadId]) projects[t.workloadId] = t.targetProject;
  return Object.fromEntries(workloadIds.flatMap((id) => (projects[id] ? [[id, projects[id]]] : [])));
}

/** The workload belongs to its target project now: act with a token scoped to it. */
function workloadClients(ctx: DrContext, project: string | undefined): Promise<Result<CloudClients>> {
  return project ? ctx.services.projectClients(project) : ctx.services.clouds.target();
}
