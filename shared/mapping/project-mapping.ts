import { closestByName } from '../restore/restore-json.js';
import type { ProjectMapping } from '../profile/profile.js';
import { fail, ok, type Result } from '../result.js';

/**
 * Full-cloud DR maps every source project found in the workloads' metadata to a target project:
 * suggested by name (`finance` → `finance-dr`), editable, saved in the profile and exchanged as CSV
 * (`source_project_id,source_project_name,target_project,trustee_user`).
 */
export interface SourceProject {
  id: string;
  name: string;
}

export function suggestMapping(
  sources: readonly SourceProject[],
  targets: readonly { name: string }[],
  saved: readonly ProjectMapping[] = [],
): ProjectMapping[] {
  return sources.map((s) => {
    const kept = saved.find((m) => m.sourceProjectId === s.id);
    if (kept) return { ...kept, sourceProjectName: kept.sourceProjectName || s.name };
    const match = s.name ? closestByName(s.name, [...targets]) : undefined;
    return {
      sourceProjectId: s.id,
      sourceProjectName: s.name,
      targetProject: match?.name ?? '',
      trusteeUser: '',
    };
  });
}

const header = ['source_project_id', 'source_project_name', 'target_project', 'trustee_user'];

function csvField(value: string): string {
  // Quote everything that could be read as a formula by a spreadsheet, or that holds separators.
  return /[",\r\n]|^[=+\-@]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

export function formatMappingCsv(mapping: readonly ProjectMapping[]): string {
  const rows = mapping.map((m) => [m.sourceProjectId, m.sourceProjectName, m.targetProject, m.trusteeUser]);
  return `${[header, ...rows].map((r) => r.map(csvField).join(',')).join('\n')}\n`;
}

/** RFC 4180 fields: quoted fields may hold commas, quotes ("") and line breaks. */
function parseCsvRows(text: string): Result<string[][]> {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  let line = 1;
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (c === '"') quoted = false;
      else field += c;
      if (c === '\n') line += 1;
      i += 1;
      continue;
    }
    if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i += 1;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      line += 1;
    } else field += c;
    i += 1;
  }
  if (quoted) return fail({ code: 'validation', message: `CSV line ${line}: a quoted field is not closed.` });
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return ok(rows.filter((r) => r.some((f) => f.trim() !== '')));
}

export function parseMappingCsv(text: string): Result<ProjectMapping[]> {
  const rows = parseCsvRows(text.replace(/^\uFEFF/, ''));
  if (!rows.ok) return rows;
  const [first, ...rest] = rows.value;
  const hasHeader = first?.[0]?.trim().toLowerCase() === header[0];
  const body = hasHeader ? rest : rows.value;
  const mapping: ProjectMapping[] = [];
  const seen = new Set<string>();
  for (const [index, r] of body.entries()) {
    const lineNo = index + (hasHeader ? 2 : 1);
    const [id = '', name = '', target = '', trustee = ''] = r.map((f) => f.trim());
    if (!id)
      return fail({ code: 'validation', message: `CSV row ${lineNo}: the source project id is empty.` });
    if (!target)
      return fail({ code: 'validation', message: `CSV row ${lineNo}: no target project for ${name || id}.` });
    if (seen.has(id))
      return fail({
        code: 'validation',
        message: `CSV row ${lineNo}: source project ${id} is mapped twice.`,
      });
    seen.add(id);
    mapping.push({
      sourceProjectId: id,
      sourceProjectName: name,
      targetProject: target,
      trusteeUser: trustee,
    });
  }
  return ok(mapping);
}
