/**
 * A DR drill must leave no trace (issue 21): the drill takes an inventory of both clouds and every node
 * before it starts and after its tear-down, and its report proves the two are the same — or names
 * each difference in the user's terms, with what undoes it. Pure: the collecting is the drill's.
 */

/** One node's state a drill may touch: fstab, mount table, Trilio config files, the shares' listing. */
export interface NodeInventory {
  host: string;
  fstab: string;
  /** `TARGET SOURCE` per mount point, as listed (order kept). */
  mounts: string[];
  /** Config file path → SHA-256 of its bytes (a byte-identical revert keeps it). */
  configHashes: Record<string, string>;
}

/** What a drill may change in a cloud: Keystone, Neutron, Trilio. Lists are ids (or `a→b` pairs). */
export interface CloudInventory {
  projects: string[];
  /** `project:user:role` of every role assignment the admin can list. */
  roleAssignments: string[];
  networks: string[];
  subnets: string[];
  /**
   * `name:id:project` of every security group: Neutron makes a project's `default` group by itself, and
   * it outlives the project (absent in inventories taken before it was read: compared as empty).
   */
  securityGroups?: string[];
  /** `id:project_id:status` of every Trilio workload. */
  workloads: string[];
  /** `id:status` of every restore. */
  restores: string[];
}

export interface DrillInventory {
  takenAt: string;
  clouds: Record<'source' | 'target', CloudInventory>;
  nodes: NodeInventory[];
  /** Share export → workload folders on it. */
  shares: Record<string, string[]>;
}

/** A difference between the inventories before and after a drill. */
export interface InventoryDifference {
  /** `target cloud projects`, `compute-1 fstab`, `10.20.3.22:/upstream_target`. */
  where: string;
  added: string[];
  removed: string[];
}

function diffList(where: string, before: readonly string[], after: readonly string[]): InventoryDifference[] {
  const was = new Set(before);
  const now = new Set(after);
  const added = [...now].filter((x) => !was.has(x));
  const removed = [...was].filter((x) => !now.has(x));
  return added.length > 0 || removed.length > 0 ? [{ where, added, removed }] : [];
}

/** fstab compared line by line: a line added twice or an edited comment counts. */
function diffText(where: string, before: string, after: string): InventoryDifference[] {
  if (before === after) return [];
  const count = (text: string) => {
    const m = new Map<string, number>();
    for (const l of text.split('\n')) m.set(l, (m.get(l) ?? 0) + 1);
    return m;
  };
  const b = count(before);
  const a = count(after);
  const added = [...a].flatMap(([l, n]) => Array<string>(Math.max(0, n - (b.get(l) ?? 0))).fill(l));
  const removed = [...b].flatMap(([l, n]) => Array<string>(Math.max(0, n - (a.get(l) ?? 0))).fill(l));
  // Same lines in another order, or only the final newline: still a difference, named as such.
  if (added.length === 0 && removed.length === 0)
    return [{ where, added: ['(same lines, other bytes)'], removed: [] }];
  return [{ where, added, removed }];
}

/** Every difference between two inventories; empty when the drill left no trace. */
export function compareInventories(before: DrillInventory, after: DrillInventory): InventoryDifference[] {
  const out: InventoryDifference[] = [];
  for (const side of ['source', 'target'] as const) {
    const b = before.clouds[side];
    const a = after.clouds[side];
    for (const key of [
      'projects',
      'roleAssignments',
      'networks',
      'subnets',
      'securityGroups',
      'workloads',
      'restores',
    ] as const)
      out.push(...diffList(`${side} cloud ${key}`, b[key] ?? [], a[key] ?? []));
  }
  const hosts = [...new Set([...before.nodes, ...after.nodes].map((n) => n.host))];
  for (const host of hosts) {
    const b = before.nodes.find((n) => n.host === host);
    const a = after.nodes.find((n) => n.host === host);
    if (!b || !a) {
      out.push({
        where: `${host}`,
        added: a ? ['(node listed only after)'] : [],
        removed: b ? ['(node listed only before)'] : [],
      });
      continue;
    }
    out.push(...diffText(`${host} /etc/fstab`, b.fstab, a.fstab));
    out.push(...diffList(`${host} mounts`, b.mounts, a.mounts));
    const files = [...new Set([...Object.keys(b.configHashes), ...Object.keys(a.configHashes)])];
    for (const f of files)
      if (b.configHashes[f] !== a.configHashes[f])
        out.push({
          where: `${host} ${f}`,
          added: a.configHashes[f] ? [`sha256 ${a.configHashes[f]}`] : [],
          removed: b.configHashes[f] ? [`sha256 ${b.configHashes[f]}`] : [],
        });
  }
  const shares = [...new Set([...Object.keys(before.shares), ...Object.keys(after.shares)])];
  for (const s of shares) out.push(...diffList(`share ${s}`, before.shares[s] ?? [], after.shares[s] ?? []));
  return out;
}

/**
 * The name of a drill project on the target cloud: nobody mistakes it for a real one, and it says which
 * drill and which target project it stands in for. Keystone allows 64 characters.
 */
export function drillProjectName(drillId: string, targetProject: string): string {
  return `trilio-drill-${drillId}-${targetProject}`.slice(0, 64);
}

/** Whether a project name is one a drill creates (tear-down removes only these). */
export function isDrillProject(name: string): boolean {
  return name.startsWith('trilio-drill-');
}
