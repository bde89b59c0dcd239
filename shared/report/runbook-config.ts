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

/**
 * The lines of `after` that differ from `before`: removed ones with `-`, added ones with `+`, and `…`
 * between changes apart from each other. A longest-common-subsequence over lines, written here because
 * the files are small (a config file of a few hundred lines) and only the changed lines may ever be shown.
 */
function changedLines(before: string, after: string): string {
  // A final newline ends the last line; it is no line of its own.
  const lines = (text: string) => text.replace(/\n$/, '').split('\n');
  const a = lines(before);
  const b = lines(after);
  // common[i][j]: length of the longest common subsequence of a[i..] and b[j..].
  const common = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--)
      common[i]![j] =
        a[i] === b[j] ? common[i + 1]![j + 1]! + 1 : Math.max(common[i + 1]![j]!, common[i]![j + 1]!);
  const out: string[] = [];
  let gap = false;
  const emit = (line: string) => {
    if (gap && out.length > 0) out.push('…');
    gap = false;
    out.push(line);
  };
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      gap = true;
      i++;
      j++;
    } else if (i < a.length && (j === b.length || common[i + 1]![j]! >= common[i]![j + 1]!))
      emit(`- ${a[i++]}`);
    else emit(`+ ${b[j++]}`);
  }
  return out.join('\n');
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
