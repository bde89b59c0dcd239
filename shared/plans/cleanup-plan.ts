import { ok, type Result } from '../result.js';
import type { Action, ApiAction, RemoteAction, StepPlan } from '../run/plan-types.js';
import type { ChangeView } from '../run/run-types.js';
import { scriptArgv } from '../shell/quote.js';
import { removeCopyAction } from './copy-plan.js';
import { dbCleanupActions, type DbCleanupFacts } from './db-cleanup-plan.js';
import { regrantAction, type RegrantFacts, type RevokeFacts } from './cleanup-roles.js';

export interface CleanupFacts {
  /** Every workload this run reassigned (purged from Trilio's database). */
  workloadIds: string[];
  /** Workloads Trilio B still lists (deleted first, keeping their data: database only). */
  knownToTrilio: string[];
  /** Workload id → its target project (the delete runs with a token of that project). */
  projects?: Record<string, string>;
  /** Workloads an earlier attempt of the clean-up purged already (not purged again). */
  purged?: string[];
  tvm: string | null;
  tvmName: string;
  /** Trilio's published database clean-up on the appliance (profile `trilio.dbCleanup`), or null. */
  db?: DbCleanupFacts | null;
  /** Older profiles: the command run with the ids when no `db` is set up. */
  purgeCommand: string;
  /**
   * Changes of this run not undone yet that clean-up undoes, role grants aside (staging mount, mounts if
   * asked). None of their undos takes away what a resumed clean-up needs: the deletes and the purge
   * use Trilio's API and the appliance's shell, not the staging mount or the bind mounts.
   */
  toUndo: ChangeView[];
  /** Role grants of this run taken back last, newest first (per project the last act of clean-up). */
  revokes?: RevokeFacts[];
  /** Projects the deletes need a token of where the admin user holds no role now: granted again first. */
  regrants?: RegrantFacts[];
  /** Single-workload runs: the workload folder this run copied to the target share, until removed. */
  copy?: CopyRemovalFacts | null;
}

/**
 * The copy of the workload folder the Copy step made on the target share (B1). It is a copy (the
 * original stays on B2): clean-up removes it once Trilio's record of it is gone, after the user
 * confirmed once — left there, the same workload id sits on two shares of Trilio B and a later
 * full-cloud DR of the same cloud does not see it as orphaned.
 */
export interface CopyRemovalFacts {
  /** The copy's row in the run's change log. */
  changeId: number;
  host: string;
  hostName: string;
  target: string;
  /** Whether the folder is there now (an interrupted removal may have taken it away already). */
  present: boolean;
  /** `snapshot_*` folders in it that the copy did not bring (backups taken on the target since). */
  newSnapshots: string[];
}

/**
 * The operator's purge command (Trilio's CleanWlmDatabase) with the workload ids as arguments: `{ids}`
 * in the command becomes "$@", so ids are never spliced into shell text.
 */
export function purgeArgv(command: string, ids: readonly string[]): string[] {
  const script = command.includes('{ids}') ? command.replaceAll('{ids}', '"$@"') : `${command} "$@"`;
  return scriptArgv(script, ids, 'trilio-dr-purge');
}

/**
 * Runbook clean-up: delete the restored workload from Trilio B (its data stays on the share), purge its
 * soft-deleted rows with Trilio's script, remove the admin user's role from the project again; and
 * undo what else this run changed that the user asked to remove.
 */
/** Id of a workload's delete action (the executor reads the workload id back from it). */
export function deleteWorkloadActionId(workloadId: string): string {
  return `delete-workload:${workloadId}`;
}

export function planCleanup(facts: CleanupFacts): Result<StepPlan> {
  const warnings: string[] = [];
  const actions: Action[] = (facts.regrants ?? []).map(regrantAction);
  for (const r of facts.regrants ?? [])
    warnings.push(
      `${r.user.name} holds no role on ${r.projectName} now (${r.reason}): role ${r.role.name} is granted again for the deletes left there, recorded, and revoked at the end.`,
    );
  const deletes = facts.knownToTrilio.map((id): ApiAction => {
    const project = facts.projects?.[id];
    return {
      kind: 'api',
      id: deleteWorkloadActionId(id),
      service: 'workloads',
      method: 'DELETE',
      path: `/workloads/${id}?database_only=True`,
      description: `Delete workload ${id}${project ? ` (project ${project})` : ''} from Trilio's database (the backup data stays on the share)`,
    };
  });
  actions.push(...deletes);
  const purged = new Set(facts.purged ?? []);
  const toPurge = facts.workloadIds.filter((id) => !purged.has(id));
  if (purged.size > 0)
    warnings.push(`Purged by an earlier attempt of this clean-up: ${[...purged].join(', ')}.`);
  if (toPurge.length > 0) {
    if (facts.db) {
      actions.push(...dbCleanupActions(facts.db, toPurge));
      if (facts.db.needsPhysicalDeleteOnce)
        warnings.push(
          `Trilio up to 4.0 needs enablephysicaldelete.py run once on ${facts.db.tvmName} (in ${facts.db.scriptDir}) before workloads_delete.py can delete rows; it changes the database schema, so the wizard leaves it to you (back up the workloadmgr database first).`,
        );
    } else if (!facts.purgeCommand.trim() || !facts.tvm)
      warnings.push(
        `No database clean-up in the profile: run Trilio's CleanWlmDatabase script (wlSnapshotDeletePython) on the appliance for ${toPurge.join(', ')} before the next DR, or set its folder in the profile.`,
      );
    else
      actions.push({
        kind: 'remote',
        id: `purge:${facts.tvm}`,
        host: facts.tvm,
        argv: purgeArgv(facts.purgeCommand, toPurge),
        privileged: true,
        description: `Purge the deleted rows of ${toPurge.length} workload(s) from Trilio's database on ${facts.tvmName} (one call)`,
      } satisfies RemoteAction);
  }
  const copy = facts.copy;
  if (copy && copy.newSnapshots.length > 0)
    warnings.push(
      `${copy.target} holds ${copy.newSnapshots.length} snapshot(s) the copy did not bring (${copy.newSnapshots.join(', ')}): backups taken on the target cloud since. It is kept; remove it by hand when they are not needed.`,
    );
  else if (copy) {
    const remove = removeCopyAction(copy.host, copy.hostName, copy.target);
    if (copy.present)
      actions.push({ ...remove, description: `${remove.description}; asks once before it runs` });
    else {
      // Gone already (an interrupted removal): only what it set aside is cleared, nothing to confirm.
      const finish: RemoteAction = {
        ...remove,
        description: `${remove.description} (removed already; clears what an interrupted removal set aside)`,
      };
      delete finish.destructive;
      actions.push(finish);
    }
  }
  for (const change of [...facts.toUndo].sort((a, b) => b.id - a.id))
    for (const undo of change.undo) actions.push({ ...undo, id: `undo-${change.id}:${undo.id}` });
  // Last: the roles. Nothing after a project's revoke needs a token of that project.
  for (const r of facts.regrants ?? []) {
    const revoke = regrantAction(r).change!.undo[0]!;
    actions.push({ ...revoke, id: `undo-regrant:${revoke.id}` });
  }
  for (const r of facts.revokes ?? [])
    actions.push({
      ...r.revoke,
      id: `undo-${r.changeId}:${r.revoke.id}`,
      ...(r.interrupted
        ? { description: `${r.revoke.description} (an interrupted attempt of this clean-up recorded it)` }
        : {}),
    });
  const roles = (facts.revokes?.length ?? 0) + (facts.regrants?.length ?? 0);
  return ok({
    step: 'cleanup',
    title: 'Clean up',
    summary:
      `Delete ${facts.knownToTrilio.length} workload record(s), purge them from Trilio's database, ` +
      (copy?.present && copy.newSnapshots.length === 0 ? `remove the workload copy ${copy.target}, ` : '') +
      `and undo ${facts.toUndo.length + roles} change(s) of this run` +
      (roles > 0 ? `; the admin user's role on the target projects is taken away last.` : '.'),
    actions,
    verify: [],
    warnings,
  });
}
