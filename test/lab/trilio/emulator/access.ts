import type { RestoreRow, SnapshotRow, WorkloadRow } from './appliance-db.js';
import type { EmulatorApp } from './emulator-app.js';
import { notFound } from './http-kit.js';
import type { RequestContext } from './routing.js';

/**
 * Looking rows up the way workloadmgr's API does: a project sees its own live rows; an admin sees
 * every project's. Anything else is "could not be found".
 */

const visible = (ctx: RequestContext, projectId: string): boolean =>
  ctx.token.isAdmin || projectId === ctx.token.projectId;

export function visibleWorkload(app: EmulatorApp, ctx: RequestContext, id: string): WorkloadRow {
  const row = app.db.state.workloads[id];
  if (!row || row.deleted || !visible(ctx, row.project_id))
    throw notFound(`Workload ${id} could not be found.`);
  return row;
}

export function visibleSnapshot(app: EmulatorApp, ctx: RequestContext, id: string): SnapshotRow {
  const row = app.db.state.snapshots[id];
  const workload = row ? app.db.state.workloads[row.workload_id] : undefined;
  if (!row || row.deleted || !workload || workload.deleted || !visible(ctx, row.project_id))
    throw notFound(`Snapshot ${id} could not be found.`);
  return row;
}

export function visibleRestore(app: EmulatorApp, ctx: RequestContext, id: string): RestoreRow {
  const row = app.db.state.restores[id];
  if (!row || row.deleted || !visible(ctx, row.project_id))
    throw notFound(`Restore ${id} could not be found.`);
  return row;
}

/** Python's truthy strings for query flags (`all_workloads=True`, `database_only=true`). */
export function queryFlag(ctx: RequestContext, name: string): boolean {
  const value = ctx.url.searchParams.get(name);
  return value === 'True' || value === 'true' || value === '1';
}
