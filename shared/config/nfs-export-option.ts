import { parseNfsExport } from '../nfs/nfs-export.js';
import { findOption, replaceValue, scanIni, type OptionLocation } from './oslo-ini.js';

/**
 * Adds and removes an NFS export in Trilio's `vault_storage_nfs_export` option (workloadmgr.conf on the
 * appliance, tvault-contego.conf on datamovers): a comma-separated list, "space is not necessary, but
 * can be set" (runbook). Only the value's characters change.
 */
export const NFS_EXPORT_OPTION = 'vault_storage_nfs_export';
export const NFS_EXPORT_SECTION = 'DEFAULT';

export type ConfigEdit =
  | { ok: true; text: string; changed: boolean; before: string[]; after: string[]; line: number }
  | { ok: false; message: string; line?: number };

/**
 * The exports listed in the option, trimmed, in order. Commas separate them (runbook); whitespace too,
 * because OpenStack-Ansible's template joins `NFS_SHARES` with spaces (triliovault-cfg-scripts maint/5.2,
 * openstack-ansible-os_triliovault_wlm/templates/triliovault-wlm.conf.j2). An export has no spaces.
 */
export function splitExportList(value: string): string[] {
  return value
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function locate(
  text: string,
): { ok: true; at: OptionLocation } | { ok: false; message: string; line?: number } {
  const { issues } = scanIni(text);
  if (issues.length > 0) {
    const first = issues[0]!;
    return { ok: false, message: `line ${first.line}: ${first.message}`, line: first.line };
  }
  const at = findOption(text, NFS_EXPORT_SECTION, NFS_EXPORT_OPTION);
  if (!at) return { ok: false, message: `no ${NFS_EXPORT_OPTION} option in [${NFS_EXPORT_SECTION}]` };
  if (at.continuationLines > 0)
    return {
      ok: false,
      line: at.line,
      message: `${NFS_EXPORT_OPTION} continues over ${at.continuationLines + 1} lines; edit it by hand`,
    };
  return { ok: true, at };
}

/** The exports currently configured, or why they cannot be read. */
export function readExports(
  text: string,
): { ok: true; exports: string[]; line: number } | { ok: false; message: string } {
  const found = locate(text);
  if (!found.ok) return found;
  return { ok: true, exports: splitExportList(found.at.value), line: found.at.line };
}

/** Appends `nfsExport` to the list unless present. The separator follows the file's own style. */
export function addExport(text: string, nfsExport: string): ConfigEdit {
  const parsed = parseNfsExport(nfsExport);
  if (!parsed.ok) return { ok: false, message: `${nfsExport}: ${parsed.message}` };
  const found = locate(text);
  if (!found.ok) return found;
  const { at } = found;
  const before = splitExportList(at.value);
  if (before.includes(nfsExport))
    return { ok: true, text, changed: false, before, after: before, line: at.line };
  const separator = /,\s/.test(at.value) ? ', ' : before.length > 1 && !at.value.includes(',') ? ' ' : ',';
  const value = at.value === '' ? nfsExport : `${at.value}${separator}${nfsExport}`;
  return {
    ok: true,
    text: replaceValue(text, at, value),
    changed: true,
    before,
    after: [...before, nfsExport],
    line: at.line,
  };
}

/** Removes every occurrence of `nfsExport` from the list, with the separator that joined it. */
export function removeExport(text: string, nfsExport: string): ConfigEdit {
  const found = locate(text);
  if (!found.ok) return found;
  const { at } = found;
  const before = splitExportList(at.value);
  if (!before.includes(nfsExport))
    return { ok: true, text, changed: false, before, after: before, line: at.line };
  if (before.every((e) => e === nfsExport))
    return {
      ok: false,
      line: at.line,
      message: `removing ${nfsExport} would leave ${NFS_EXPORT_OPTION} empty`,
    };
  // Split keeping separators so that "a, b,c" minus "b" gives "a,c" — the text an addExport of b undid.
  const parts = at.value.split(/(\s*,\s*|\s+)/);
  const items: { item: string; sepBefore: string }[] = [];
  for (let i = 0; i < parts.length; i += 2)
    items.push({ item: parts[i]!, sepBefore: i === 0 ? '' : parts[i - 1]! });
  const kept = items.filter((x) => x.item.trim() !== nfsExport);
  const value = kept
    .map((x, i) => (i === 0 ? x.item : x.sepBefore + x.item))
    .join('')
    .replace(/^\s*,\s*/, '');
  const after = splitExportList(value);
  return { ok: true, text: replaceValue(text, at, value), changed: true, before, after, line: at.line };
}
