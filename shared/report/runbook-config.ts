import { editShares, type FileConfigModel } from '../config/share-config.js';
import type { ExportEdit } from '../plans/reconfigure-plan.js';

/**
 * How a planned config edit reads in the runbook: the lines it changes, worked out by the same editor
 * the wizard writes the file with, on the file as read from a node (only the changed lines are ever
 * shown: these files hold database and service passwords) or on the file the profile implies.
 */

/** The backup-target part of a Trilio config file that configures only NFS B1, in the release's model. */
export function assumedConfigText(model: FileConfigModel, b1: string): string {
  if (model === 'export-list')
    return `[DEFAULT]\nvault_storage_type = nfs\nvault_storage_nfs_export = ${b1}\n`;
  return [
    '[DEFAULT]',
    'enabled_backends = nfs_b1',
    '',
    '[nfs_b1]',
    'vault_storage_type = nfs',
    `vault_storage_filesystem_export = ${b1}`,
    'is_default = 1',
    '',
  ].join('\n');
}

/** The lines of `after` that differ from `before`: removed ones with `-`, added ones with `+`. */
function changedLines(before: string, after: string): string {
  const a = before.split('\n');
  const b = after.split('\n');
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail]
  )
    tail++;
  return [
    ...a.slice(head, a.length - tail).map((l) => `- ${l}`),
    ...b.slice(head, b.length - tail).map((l) => `+ ${l}`),
  ].join('\n');
}

/**
 * The lines an edit changes in `sample` (the file before the DR): an addition as it applies to it, a
 * removal as it applies to the file the addition left. Null when the editor refuses the file.
 */
export function editedLines(sample: string, edit: ExportEdit): string | null {
  let before = sample;
  if (edit.mode === 'remove') {
    const added = editShares(sample, 'add', edit.nfsExport);
    if (!added.ok) return null;
    before = added.text;
  }
  const next = editShares(before, edit.mode, edit.nfsExport);
  if (!next.ok) return null;
  return next.changed ? changedLines(before, next.text) : '';
}
