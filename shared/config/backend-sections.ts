import { parseNfsExport } from '../nfs/nfs-export.js';
import { findOption, replaceValue, scanIni } from './oslo-ini.js';

/**
 * Trilio 6.0/6.1 configure backup targets as `[DEFAULT] enabled_backends = t1,t2` with one section per
 * target (`vault_storage_type`, `vault_storage_filesystem_export`, `vault_storage_nfs_options`,
 * `is_default`). The DR adds NFS B2 as a section of its own and names it in `enabled_backends`; the
 * revert removes exactly those bytes, so the file comes back byte for byte. Like the export-list editor
 * this splices text instead of re-serialising: the files hold comments and passwords that must stay.
 */
export const ENABLED_BACKENDS = 'enabled_backends';
export const FILESYSTEM_EXPORT = 'vault_storage_filesystem_export';

/** Name of the section the DR adds; a fixed name so a resumed run recognises its own section. */
export const DR_BACKEND = 'trilio_dr_b2';

const marker = (name: string, newlineAdded: boolean) =>
  `# trilio-dr: backup target ${name} added for the disaster recovery; the revert removes this section${newlineAdded ? ' (and the final newline it added)' : ''}.`;

export interface BackendTarget {
  name: string;
  type: string;
  nfsExport: string;
  nfsOptions: string;
  isDefault: boolean;
}

export type BackendEdit =
  | { ok: true; text: string; changed: boolean; before: string[]; after: string[] }
  | { ok: false; message: string; line?: number };

function splitNames(value: string): string[] {
  return value
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** Whether the file configures targets as backend sections (6.x) rather than one export list. */
export function usesBackendSections(text: string): boolean {
  return findOption(text, 'DEFAULT', ENABLED_BACKENDS) !== null;
}

/** The enabled backends with their settings, or why they cannot be read. */
export function readBackends(
  text: string,
): { ok: true; backends: BackendTarget[] } | { ok: false; message: string } {
  const { issues } = scanIni(text);
  if (issues.length > 0) return { ok: false, message: `line ${issues[0]!.line}: ${issues[0]!.message}` };
  const enabled = findOption(text, 'DEFAULT', ENABLED_BACKENDS);
  if (!enabled) return { ok: false, message: `no ${ENABLED_BACKENDS} option in [DEFAULT]` };
  const value = (section: string, name: string) => findOption(text, section, name)?.value.trim() ?? '';
  const backends = splitNames(enabled.value).map((name) => ({
    name,
    type: value(name, 'vault_storage_type'),
    nfsExport: value(name, FILESYSTEM_EXPORT),
    nfsOptions: value(name, 'vault_storage_nfs_options'),
    isDefault: value(name, 'is_default') === '1' || value(name, 'is_default').toLowerCase() === 'true',
  }));
  return { ok: true, backends };
}

/** The NFS exports of the enabled backends, in order. */
export function backendExports(
  text: string,
): { ok: true; exports: string[] } | { ok: false; message: string } {
  const read = readBackends(text);
  if (!read.ok) return read;
  return {
    ok: true,
    exports: read.backends.filter((b) => b.type === 'nfs' && b.nfsExport).map((b) => b.nfsExport),
  };
}

/**
 * Adds `nfsExport` as backend `DR_BACKEND` (not default, the NFS options of the default NFS backend)
 * unless an enabled backend already exports it.
 */
export function addBackend(text: string, nfsExport: string): BackendEdit {
  const parsed = parseNfsExport(nfsExport);
  if (!parsed.ok) return { ok: false, message: `${nfsExport}: ${parsed.message}` };
  const read = readBackends(text);
  if (!read.ok) return read;
  const before = read.backends.map((b) => b.name);
  if (read.backends.some((b) => b.nfsExport === nfsExport))
    return { ok: true, text, changed: false, before, after: before };
  if (before.includes(DR_BACKEND) || scanIni(text).options.some((o) => o.section === DR_BACKEND))
    return {
      ok: false,
      message: `a section [${DR_BACKEND}] exists already but does not export ${nfsExport}; remove it by hand`,
    };
  const enabled = findOption(text, 'DEFAULT', ENABLED_BACKENDS)!;
  if (enabled.continuationLines > 0)
    return {
      ok: false,
      line: enabled.line,
      message: `${ENABLED_BACKENDS} continues over several lines; edit it by hand`,
    };
  const template =
    read.backends.find((b) => b.type === 'nfs' && b.isDefault) ?? read.backends.find((b) => b.type === 'nfs');
  const separator = /,\s/.test(enabled.value) ? ', ' : ',';
  const listed = enabled.value === '' ? DR_BACKEND : `${enabled.value}${separator}${DR_BACKEND}`;
  const withName = replaceValue(text, enabled, listed);
  const newlineAdded = withName.length > 0 && !withName.endsWith('\n');
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = [
    marker(DR_BACKEND, newlineAdded),
    `[${DR_BACKEND}]`,
    'vault_storage_type = nfs',
    `${FILESYSTEM_EXPORT} = ${nfsExport}`,
    ...(template?.nfsOptions ? [`vault_storage_nfs_options = ${template.nfsOptions}`] : []),
    'is_default = 0',
  ];
  const block = (newlineAdded ? eol : '') + eol + lines.join(eol) + eol;
  return { ok: true, text: withName + block, changed: true, before, after: [...before, DR_BACKEND] };
}

/** Removes the section `addBackend` added and its name from `enabled_backends`, restoring the bytes. */
export function removeBackend(text: string, nfsExport: string): BackendEdit {
  const read = readBackends(text);
  if (!read.ok) return read;
  const before = read.backends.map((b) => b.name);
  const ours = read.backends.find((b) => b.name === DR_BACKEND);
  const sectionThere = scanIni(text).options.some((o) => o.section === DR_BACKEND);
  if (!ours && !sectionThere) return { ok: true, text, changed: false, before, after: before };
  if (ours && ours.nfsExport !== nfsExport)
    return {
      ok: false,
      message: `[${DR_BACKEND}] exports ${ours.nfsExport}, not ${nfsExport}; leave it to the operator`,
    };
  let next = text;
  const enabled = findOption(next, 'DEFAULT', ENABLED_BACKENDS)!;
  if (splitNames(enabled.value).includes(DR_BACKEND)) {
    const value = enabled.value
      .split(/(\s*,\s*)/)
      .reduce<{ item: string; sep: string }[]>((acc, part, i, all) => {
        if (i % 2 === 0) acc.push({ item: part, sep: i === 0 ? '' : all[i - 1]! });
        return acc;
      }, [])
      .filter((x) => x.item.trim() !== DR_BACKEND)
      .map((x, i) => (i === 0 ? x.item : x.sep + x.item))
      .join('');
    next = replaceValue(next, enabled, value);
  }
  const eol = next.includes('\r\n') ? '\r\n' : '\n';
  for (const newlineAdded of [true, false]) {
    const start = next.indexOf(marker(DR_BACKEND, newlineAdded));
    if (start < 0) continue;
    // Our block has no blank line: it ends where a blank line or another section starts, or at EOF.
    const header = next.indexOf(`[${DR_BACKEND}]`, start);
    const ends = [next.indexOf(eol + eol, header), next.indexOf(`${eol}[`, header)].filter((i) => i >= 0);
    const end = ends.length > 0 ? Math.min(...ends) + eol.length : next.length;
    const lead = eol.repeat(newlineAdded ? 2 : 1);
    const from = start - lead.length;
    if (header < 0 || from < 0 || next.slice(from, start) !== lead)
      return { ok: false, message: `the section [${DR_BACKEND}] was changed by hand; remove it by hand` };
    next = next.slice(0, from) + next.slice(end);
    const after = splitNames(findOption(next, 'DEFAULT', ENABLED_BACKENDS)?.value ?? '');
    return { ok: true, text: next, changed: true, before, after };
  }
  return {
    ok: false,
    message: `[${DR_BACKEND}] has no trilio-dr marker: it was not added by the wizard; remove it by hand`,
  };
}
