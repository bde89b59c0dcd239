import type { ProjectMapping } from '../../../../shared/profile/profile.js';

/** Two mappings say the same (row order included: it is the order the user sees). */
export function sameMapping(a: readonly ProjectMapping[], b: readonly ProjectMapping[]): boolean {
  return (
    a.length === b.length &&
    a.every((m, i) => {
      const o = b[i]!;
      return (
        m.sourceProjectId === o.sourceProjectId &&
        m.sourceProjectName === o.sourceProjectName &&
        m.targetProject === o.targetProject &&
        m.trusteeUser === o.trusteeUser
      );
    })
  );
}

/**
 * Rows of a CSV laid over the current rows: a CSV row replaces the row of its source project; rows of
 * source projects the run did not find are kept at the end (they change nothing, and a profile-wide
 * mapping file may well hold them). Returns the merged rows and how many CSV rows matched.
 */
export function mergeMapping(
  current: readonly ProjectMapping[],
  imported: readonly ProjectMapping[],
): { rows: ProjectMapping[]; matched: number } {
  const byId = new Map(imported.map((m) => [m.sourceProjectId, m]));
  let matched = 0;
  const rows = current.map((row) => {
    const next = byId.get(row.sourceProjectId);
    if (!next) return { ...row };
    matched += 1;
    byId.delete(row.sourceProjectId);
    return { ...next, sourceProjectName: next.sourceProjectName || row.sourceProjectName };
  });
  return { rows: [...rows, ...byId.values()], matched };
}
