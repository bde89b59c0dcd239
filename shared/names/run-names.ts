import type { RunView } from '../run/run-types.js';
import { setName, type NameEntry, type NameMap } from './name-book.js';

/**
 * The names a run learnt itself (the mapping's source project names, the projects and user of the
 * Access step, the target projects and trustees of Reassign), so its report names its ids even when
 * the clouds are not asked or do not answer. Every shape is checked: outcomes are stored JSON.
 */
export function runNames(run: RunView): NameMap {
  const out: NameMap = {};
  const add = (id: unknown, name: unknown, kind: NameEntry['kind'], cloud: NameEntry['cloud']) => {
    if (typeof id !== 'string' || typeof name !== 'string' || id === '' || name === '' || id === name) return;
    if (!Object.prototype.hasOwnProperty.call(out, id)) setName(out, id, { name, kind, cloud });
  };
  if (run.params.kind === 'full')
    for (const m of run.params.mapping) add(m.sourceProjectId, m.sourceProjectName, 'project', 'source');
  const dataOf = (key: string) => run.steps.find((s) => s.key === key)?.outcome?.data;
  const access = record(dataOf('access'));
  if (access) {
    const user = record(access.user);
    add(user?.id, user?.name, 'user', 'target');
    for (const p of list(access.projects)) add(p.id, p.name, 'project', 'target');
  }
  const reassign = record(dataOf('reassign'));
  for (const w of list(reassign?.workloads)) {
    add(w.targetProjectId, w.targetProjectName, 'project', 'target');
    add(w.trusteeUserId, w.trusteeUserName, 'user', 'target');
  }
  return out;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function list(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.map(record).filter((v) => v !== undefined) : [];
}
