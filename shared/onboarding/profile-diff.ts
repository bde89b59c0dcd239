import type { Profile } from '../profile/profile.js';

/**
 * What saving a discovered profile would change, field by field, for the "diff before saving". Hosts
 * are compared by id (their stable key), project mappings by source project; secret fields compare as
 * 'set' / 'not set' only.
 */
export interface ProfileChange {
  /** Dotted path, hosts by id: `hosts[compute-1].address`. */
  path: string;
  kind: 'added' | 'removed' | 'changed';
  before?: string;
  after?: string;
}

type Flat = Map<string, string>;

function flatten(value: unknown, prefix: string, out: Flat): void {
  if (Array.isArray(value)) {
    const keyed = value.every(
      (v) => typeof v === 'object' && v !== null && ('id' in v || 'sourceProjectId' in v),
    );
    if (!keyed) {
      out.set(prefix, JSON.stringify(value));
      return;
    }
    for (const item of value as Record<string, unknown>[]) {
      const key = String(item.id ?? item.sourceProjectId);
      flatten(item, `${prefix}[${key}]`, out);
    }
    if (value.length === 0) out.set(prefix, '[]');
    return;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
    return;
  }
  out.set(prefix, String(value));
}

/** Changes from `before` (null: nothing stored yet) to `after`; the profile's own `id` is ignored. */
export function diffProfiles(before: Profile | null, after: Profile): ProfileChange[] {
  const a: Flat = new Map();
  const b: Flat = new Map();
  if (before) flatten({ ...before, id: '' }, '', a);
  flatten({ ...after, id: '' }, '', b);
  const changes: ProfileChange[] = [];
  for (const [path, value] of b) {
    const old = a.get(path);
    if (old === undefined) {
      if (before || (value !== '' && value !== '[]' && value !== 'not set'))
        changes.push({ path, kind: 'added', after: value });
    } else if (old !== value) changes.push({ path, kind: 'changed', before: old, after: value });
  }
  for (const [path, value] of a) if (!b.has(path)) changes.push({ path, kind: 'removed', before: value });
  return changes;
}

/** A host-level summary of the changes (one line per added/removed host, then field changes). */
export function describeChanges(changes: readonly ProfileChange[]): string[] {
  const hostAdded = new Set<string>();
  const hostRemoved = new Set<string>();
  const lines: string[] = [];
  const hostOf = (p: string) => /^hosts\[([^\]]+)\]/.exec(p)?.[1];
  for (const c of changes) {
    const host = hostOf(c.path);
    if (host && c.path.endsWith('.id'))
      (c.kind === 'added' ? hostAdded : c.kind === 'removed' ? hostRemoved : new Set()).add(host);
  }
  for (const h of hostAdded) lines.push(`+ host ${h}`);
  for (const h of hostRemoved) lines.push(`- host ${h}`);
  for (const c of changes) {
    const host = hostOf(c.path);
    if (host && (hostAdded.has(host) || hostRemoved.has(host))) continue;
    if (c.kind === 'added') lines.push(`+ ${c.path} = ${c.after}`);
    else if (c.kind === 'removed') lines.push(`- ${c.path} (was ${c.before})`);
    else lines.push(`~ ${c.path}: ${c.before} → ${c.after}`);
  }
  return lines;
}
