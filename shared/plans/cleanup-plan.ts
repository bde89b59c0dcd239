import { ok, type Result } from '../result.js';
import type { Action, ApiAction, RemoteAction, StepPlan } from '../run/plan-types.js';
import type { ChangeView } from '../run/run-types.js';
import { scriptArgv } from '../shell/quote.js';

export interface CleanupFacts {
  workloadIds: string[];
  /** Workloads Trilio B still lists (deleted first, keeping their data: database only). */
  knownToTrilio: string[];
  tvm: string | null;
  tvmName: string;
  purgeCommand: string;
  /** Changes of this run not undone yet that clean-up undoes (role grants, staging mount, mounts if asked). */
  toUndo: ChangeView[];
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
export function planCleanup(facts: CleanupFacts): Result<StepPlan> {
  const actions: Action[] = facts.knownToTrilio.map((id): ApiAction => ({
    kind: 'api',
    id: `delete-workload:${id}`,
    service: 'workloads',
    method: 'DELETE',
    path: `/workloads/${id}?database_only=True`,
    description: `Delete workload ${id} from Trilio's database (the backup data stays on the share)`,
  }));
  const warnings: string[] = [];
  if (facts.workloadIds.length > 0) {
    if (!facts.purgeCommand.trim() || !facts.tvm)
      warnings.push(
        `No purge command in the profile: run Trilio's CleanWlmDatabase script on the appliance for ${facts.workloadIds.join(', ')} before the next DR.`,
      );
    else
      actions.push({
        kind: 'remote',
        id: `purge:${facts.tvm}`,
        host: facts.tvm,
        argv: purgeArgv(facts.purgeCommand, facts.workloadIds),
        privileged: true,
        description: `Purge the deleted workload rows from Trilio's database on ${facts.tvmName}`,
      } satisfies RemoteAction);
  }
  for (const change of [...facts.toUndo].sort((a, b) => b.id - a.id))
    for (const undo of change.undo) actions.push({ ...undo, id: `undo-${change.id}:${undo.id}` });
  return ok({
    step: 'cleanup',
    title: 'Clean up',
    summary: `Delete ${facts.knownToTrilio.length} workload record(s), purge them from Trilio's database, and undo ${facts.toUndo.length} change(s) of this run.`,
    actions,
    verify: [],
    warnings,
  });
}
