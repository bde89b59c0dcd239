import {
  deleteWorkloadActionId,
  planCleanup,
  type CleanupFacts,
  type CopyRemovalFacts,
} from '../../../../shared/plans/cleanup-plan.js';
import { listSnapshotFoldersArgv, parseSnapshotFolders } from '../../../../shared/plans/copy-plan.js';
import { regrantActionId } from '../../../../shared/plans/cleanup-roles.js';
import { dbInputsChangeKind } from '../../../../shared/plans/db-cleanup-plan.js';
import { parseReassignActionId } from '../../../../shared/plans/reassign-plan.js';
import { fail, ok, type Result } from '../../../../shared/result.js';
import type { ApiAction, RemoteAction } from '../../../../shared/run/plan-types.js';
import type { FindOutcomeData } from '../../../../shared/run/step-data.js';
import type { ChangeView, VerifyRow } from '../../../../shared/run/run-types.js';
import type { CloudClients } from '../../clients/index.js';
import type { StepDefinition } from '../../runs/step-definition.js';
import { runApiAction } from '../api-action.js';
import { drTargets } from '../dr-targets.js';
import { liveShareOf, workloadDirName } from '../dr-paths.js';
import { runOn, runRemoteAction, type DrContext } from '../remote-action.js';
import type { RunServices } from '../run-services.js';
import { discoverCleanupRoles, regrant } from './cleanup-roles.js';
import { discoverDbCleanup, runDbCleanup } from './db-cleanup.js';

/**
 * Changes clean-up always undoes besides the role grants; mount paths only when the user asked (other
 * runs may rely on them). Role grants are taken back separately, last. A drill's own changes (its
 * networks, trustee grant and project, newest first) go with its clean-up: the drill project is deleted
 * after the workload records in it, and the admin role's revoke then finds it gone (404 = done).
 */
const alwaysUndone = new Set([
  'staging-mount',
  dbInputsChangeKind,
  'drill-network',
  'drill-grant',
  'drill-project',
]);
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
 * operator's script; the staging mount is undone, the mount paths only when the user asked; the admin
 * role grants go last. What is left to do is read without a project token (the admin session lists
 * every project's workloads), so a clean-up stopped anywhere — even right after a role was taken away —
 * finishes when run again: a project that still needs a token but has lost the role gets it again for
 * that time (recorded, revoked at the end). A purge that succeeded is recorded and not repeated.
 */
export const cleanupStep: StepDefinition<CleanupFacts, RunServices> = {
  key: 'cleanup',
  async discover(ctx) {
    const admin = await ctx.services.clouds.target();
    if (!admin.ok) return admin;
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
    const live = await liveWorkloads(ctx, admin.value, workloadIds);
    if (!live.ok) return live;
    const knownToTrilio = workloadIds.filter((id) => live.value.has(id));
    const scopeNeeded = [...new Set(knownToTrilio.flatMap((id) => (projects[id] ? [projects[id]] : [])))];
    const roles = await discoverCleanupRoles(ctx, admin.value, changes, scopeNeeded);
    if (!roles.ok) return roles;
    const tvm = ctx.services.tvms()[0];
    const copy = await copyToRemove(ctx, changes);
    if (!copy.ok) return copy;
    const purgedHere = purged.filter((id) => workloadIds.includes(id));
    const purgeLeft = workloadIds.some((id) => !purgedHere.includes(id));
    const db = tvm && purgeLeft ? await discoverDbCleanup(ctx, tvm) : ok(null);
    if (!db.ok) return db;
    return ok({
      workloadIds,
      knownToTrilio,
      projects,
      purged: purgedHere,
      tvm: tvm?.id ?? null,
      tvmName: tvm?.name ?? '',
      db: db.value,
      purgeCommand: ctx.profile.trilio.purgeCommand,
      toUndo: undoneByCleanup(changes, removeMounts).filter(
        // Inputs of an interrupted database clean-up: written again and removed by the new one.
        (c) => !(c.kind === dbInputsChangeKind && db.value),
      ),
      revokes: roles.value.revokes,
      regrants: roles.value.regrants,
      copy: copy.value,
    });
  },
  plan: (facts) => planCleanup(facts),
  async execute(plan, facts, ctx) {
    const admin = await ctx.services.clouds.target();
    if (!admin.ok) return admin;
    const verify: VerifyRow[] = [];
    const byDelete = new Map(facts.knownToTrilio.map((id) => [deleteWorkloadActionId(id), id]));
    const regrants = new Map(
      (facts.regrants ?? []).map((r) => [regrantActionId(r.projectId, r.user.id, r.role.id), r]),
    );
    for (const action of plan.actions) {
      if (action.id.startsWith('undo-')) continue;
      const again = regrants.get(action.id);
      if (again && action.kind === 'api') {
        const done = await regrant(ctx, admin.value, again, action);
        if (!done.ok) return done;
      } else if (action.kind === 'api') {
        const id = byDelete.get(action.id);
        const clients = await workloadClients(ctx, id ? facts.projects?.[id] : undefined);
        if (!clients.ok) return clients;
        const done = await runApiAction(ctx, clients.value, action);
        if (!done.ok && done.error.httpStatus !== 404) return done;
      } else if (action.kind === 'remote' && action.id.startsWith('db-') && facts.db) {
        // The database clean-up's actions run together (its inputs are removed even when it fails).
        if (!action.id.startsWith('db-ids:')) continue;
        const db = plan.actions.filter(
          (a): a is RemoteAction => a.kind === 'remote' && a.id.startsWith('db-'),
        );
        const done = await runDbCleanup(ctx, facts.db, db);
        if (!done.ok) return done;
        recordPurged(ctx, action.host, facts);
      } else if (action.kind === 'remote' && action.id.startsWith('remove-copy:')) {
        const done = await removeCopy(ctx, admin.value, action, facts);
        if (!done.ok) return done;
        verify.push({
          host: facts.copy?.hostName ?? action.host,
          check: `removed: ${action.description}`,
          ok: true,
        });
      } else if (action.kind === 'remote') {
        const done = await runRemoteAction(ctx, action);
        if (!done.ok) return done;
        if (action.id.startsWith('purge:')) recordPurged(ctx, action.host, facts);
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
    // Checked with the admin session before any role goes: a record still there fails the step while
    // the role is still held, so running clean-up again can delete it.
    const live = await liveWorkloads(ctx, admin.value, facts.workloadIds);
    if (!live.ok) return live;
    for (const id of facts.workloadIds)
      verify.push({ check: `workload ${id} no longer active in Trilio`, ok: !live.value.has(id) });
    if (verify.some((v) => !v.ok)) return ok({ summary: 'Workload records are left.', verify });
    const revoked = await revokeRoles(ctx, admin.value, facts);
    if (!revoked.ok) return revoked;
    verify.push(...revoked.value);
    return ok({
      summary: `Deleted ${facts.knownToTrilio.length} workload record(s), undid ${facts.toUndo.length + revoked.value.length} change(s).${plan.warnings.length ? ` ${plan.warnings.join(' ')}` : ''}`,
      verify,
    });
  },
};

/**
 * The last act of clean-up: every role grant of this run still open (the Access step's, and any this
 * clean-up made again) is marked undone and then revoked, newest first. Marked before the request, so
 * an attempt stopped in between is known to its successor (which revokes again if the role is still
 * there). A grant already gone (404) counts as revoked.
 */
async function revokeRoles(
  ctx: DrContext,
  admin: CloudClients,
  facts: CleanupFacts,
): Promise<Result<VerifyRow[]>> {
  const interrupted = (facts.revokes ?? []).filter((r) => r.interrupted);
  const open = ctx
    .changes()
    .filter((c) => c.kind === 'role-grant' && !c.undoneAt)
    .sort((a, b) => b.id - a.id);
  const rows: VerifyRow[] = [];
  const revoke = async (description: string, undo: ApiAction): Promise<Result<void>> => {
    const done = await runApiAction(ctx, admin, undo);
    if (!done.ok && done.error.httpStatus !== 404)
      return fail({
        ...done.error,
        message: `Undoing “${description}”: ${done.error.message}`,
        hint: `${done.error.hint ?? ''} Run clean-up again: it revokes what is still there.`.trim(),
      });
    rows.push({ check: `undone: ${description}`, ok: true });
    return ok(undefined);
  };
  for (const change of open) {
    const undo = change.undo.find((a): a is ApiAction => a.kind === 'api');
    if (!undo) continue;
    ctx.markUndone(change.id);
    const done = await revoke(change.description, undo);
    if (!done.ok) return done;
  }
  for (const r of interrupted) {
    const done = await revoke(r.revoke.description, r.revoke);
    if (!done.ok) return done;
  }
  return ok(rows);
}

/**
 * The workload folder this single-workload run copied to the target share, while its copy change is
 * open: where it is (as the Copy step reported it), whether it is still there, and which snapshot
 * folders it holds that the copy did not bring.
 */
async function copyToRemove(
  ctx: DrContext,
  changes: readonly { id: number; kind: string; host: string; undoneAt?: string }[],
): Promise<Result<CopyRemovalFacts | null>> {
  if (ctx.params.kind !== 'single') return ok(null);
  const change = changes.find((c) => c.kind === 'workload-copy' && !c.undoneAt);
  if (!change) return ok(null);
  const reported = (ctx.outcomeOf('copy')?.data as { target?: string } | undefined)?.target;
  const target =
    reported ?? `${liveShareOf(ctx.profile, ctx.params).mountPath}/${workloadDirName(ctx.params.workloadId)}`;
  const listed = await runOn(ctx, change.host, { argv: listSnapshotFoldersArgv(target), privileged: true });
  if (!listed.ok) return listed;
  const now = parseSnapshotFolders(listed.value.stdout);
  const found = ctx.outcomeOf('find')?.data as FindOutcomeData | undefined;
  const copied = new Set((found?.selected?.snapshots ?? []).map((s) => `snapshot_${s.id}`));
  return ok({
    changeId: change.id,
    host: change.host,
    hostName: hostName(ctx, change.host),
    target,
    present: now !== null,
    // Without the Find step's list nothing counts as new: the copy is the run's own by its record.
    newSnapshots: copied.size > 0 ? (now ?? []).filter((s) => !copied.has(s)) : [],
  });
}

/**
 * Removes the run's workload copy from the target share once the user confirmed it (once, for the
 * step) and Trilio no longer lists the workload (its record was deleted above): the folder is a copy,
 * the original stays on the synced share. Marked undone when it is gone; a repeat finds nothing.
 */
async function removeCopy(
  ctx: DrContext,
  admin: CloudClients,
  action: RemoteAction,
  facts: CleanupFacts,
): Promise<Result<void>> {
  const copy = facts.copy;
  if (!copy) return ok(undefined);
  if (action.destructive && !ctx.isConfirmed(action.id))
    return fail({
      code: 'precondition',
      message: `Clean-up removes ${action.destructive}: confirm it first.`,
      hint: 'In the wizard, answer the confirmation when you run clean-up; on the command line, add --yes.',
    });
  const id = ctx.params.kind === 'single' ? ctx.params.workloadId : '';
  const live = await liveWorkloads(ctx, admin, [id]);
  if (!live.ok) return live;
  if (live.value.has(id))
    return fail({
      code: 'precondition',
      message: `Trilio still lists workload ${id}: its folder ${copy.target} is not removed.`,
      hint: 'Run clean-up again: it deletes the record first.',
    });
  const done = await runRemoteAction(ctx, action);
  if (!done.ok) return fail({ ...done.error, host: done.error.host ?? copy.hostName });
  ctx.markUndone(copy.changeId);
  return ok(undefined);
}

/** One `purge` record per workload the purge just took out of Trilio's database (not repeated). */
function recordPurged(ctx: DrContext, host: string, facts: CleanupFacts): void {
  for (const id of facts.workloadIds.filter((w) => !facts.purged?.includes(w)))
    ctx.recordChange({
      actionId: `purge:${id}`,
      host,
      kind: 'purge',
      description: `Purged workload ${id} from Trilio's database`,
      undo: [],
    });
}

function hostName(ctx: DrContext, id: string): string {
  const host = ctx.services.host(id);
  return host.ok ? host.value.name : id;
}

/**
 * The run's workloads Trilio still lists as active, read with the admin session (every project's
 * workloads): no token of a target project is needed, whatever became of the roles there.
 */
async function liveWorkloads(
  ctx: DrContext,
  admin: CloudClients,
  workloadIds: readonly string[],
): Promise<Result<Set<string>>> {
  if (workloadIds.length === 0) return ok(new Set());
  const listed = await admin.trilio.listWorkloads({ allWorkloads: true, signal: ctx.signal });
  if (!listed.ok) return listed;
  const wanted = new Set(workloadIds);
  return ok(new Set(listed.value.filter((w) => wanted.has(w.id) && w.status !== 'deleted').map((w) => w.id)));
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
