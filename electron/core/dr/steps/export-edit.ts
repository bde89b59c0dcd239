import { editShares, sharesOptionName } from '../../../../shared/config/share-config.js';
import type { ExportEdit } from '../../../../shared/plans/reconfigure-plan.js';
import { fail, ok, type Result } from '../../../../shared/result.js';
import type { RemoteAction } from '../../../../shared/run/plan-types.js';
import { readRemoteFile, writeRemoteFile, type FileChange } from '../../ssh/remote-files.js';
import { execContextOf, runRemoteAction, type DrContext } from '../remote-action.js';

/**
 * Applies a backup-target edit (export list or 6.x backend section) on a host: re-read the file now (it may have changed since
 * the plan), edit only the option's value, write atomically with a backup. Editing back (revert) works
 * whether or not the file changed meanwhile; a file that no longer has the option is an error.
 */
export async function applyExportEdit(
  ctx: DrContext,
  host: string,
  edit: ExportEdit,
  beforeWrite?: () => void,
): Promise<Result<FileChange>> {
  const name = hostName(ctx, host);
  const conn = await ctx.services.pool.get(host);
  if (!conn.ok) return conn;
  const exec = execContextOf(ctx);
  const file = await readRemoteFile(conn.value, edit.file, exec);
  if (!file.ok) return file;
  if (!file.value.exists)
    return fail({ code: 'not-found', message: `${name}: ${edit.file} does not exist.`, host: name });
  const next = editShares(file.value.content, edit.mode, edit.nfsExport);
  if (!next.ok)
    return fail({
      code: 'precondition',
      message: `${name}: ${edit.file}: ${next.message}`,
      host: name,
      hint: 'Edit the file by hand, then run the step again.',
    });
  if (!next.changed) return ok({ changed: false });
  ctx.log(
    `${edit.file}: ${sharesOptionName(next.model)} = ${next.after.join(', ')} (was ${next.before.join(', ')})`,
    { host: name },
  );
  beforeWrite?.();
  return writeRemoteFile(conn.value, edit.file, next.text, exec);
}

/**
 * Runs an action that may be a config edit (carries `edit`) or a plain command. `beforeWrite` is called
 * when an edit is about to write the file (not for an unchanged file or a failed read).
 */
export function runEditOrCommand(
  ctx: DrContext,
  action: RemoteAction,
  beforeWrite?: () => void,
): Promise<Result<unknown>> {
  const edit = (action as RemoteAction & { edit?: ExportEdit }).edit;
  return edit ? applyExportEdit(ctx, action.host, edit, beforeWrite) : runRemoteAction(ctx, action);
}

export function hostName(ctx: DrContext, id: string): string {
  const host = ctx.services.host(id);
  return host.ok ? host.value.name : id;
}
