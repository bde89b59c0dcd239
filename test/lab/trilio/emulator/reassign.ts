import { nowText, type SnapshotRow, type WorkloadRow } from './appliance-db.js';
import type { EmulatorApp } from './emulator-app.js';
import { HttpError, badRequest, isRecord } from './http-kit.js';
import type { RequestContext } from './routing.js';
import { readWorkloadRows, rewriteOwnership, scanShares, type ShareWorkload } from './share-scan.js';
import { workloadDetail } from './views.js';

/**
 * `POST /workloads/reasign_workloads`: the body is a list of maps
 * `{workload_ids, old_tenant_ids, new_tenant_id, user_id, migrate}`, validated exactly as
 * workloadmgr's controller does (same 400 messages; a missing key fails like Python's KeyError).
 * Each workload found on a mounted share gets its `workload_db`/`snapshot_db` rewritten to the new
 * owner and is imported into the database; ids that cannot be reassigned are `failed_workloads`.
 */

interface TenantMap {
  workload_ids: string[];
  old_tenant_ids: string[];
  new_tenant_id: string;
  user_id: string;
}

function readMaps(body: unknown): TenantMap[] {
  if (!Array.isArray(body))
    throw badRequest(
      'The body must be a list of maps {workload_ids, old_tenant_ids, new_tenant_id, user_id}.',
    );
  const maps: TenantMap[] = [];
  for (const entry of body) {
    if (!isRecord(entry)) throw new HttpError(500, 'string indices must be integers');
    for (const key of ['workload_ids', 'old_tenant_ids', 'new_tenant_id', 'user_id'])
      if (!(key in entry)) throw new HttpError(500, `'${key}'`);
    const list = (value: unknown): string[] =>
      Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v !== '') : [];
    const workloadIds = list(entry.workload_ids);
    const oldTenantIds = list(entry.old_tenant_ids);
    if (workloadIds.length > 0 && oldTenantIds.length > 0)
      throw badRequest('Please provide only one parameter among workload_ids and old_tenant_ids.');
    if (entry.new_tenant_id === null || entry.new_tenant_id === undefined)
      throw badRequest('Please provide required parameters: new_tenant_id.');
    if (entry.user_id === null || entry.user_id === undefined)
      throw badRequest('Please provide required parameters: user_id.');
    maps.push({
      workload_ids: workloadIds,
      old_tenant_ids: oldTenantIds,
      new_tenant_id: String(entry.new_tenant_id),
      user_id: String(entry.user_id),
    });
  }
  return maps;
}

/** The new owner must exist and hold the trustee role on the new project, or Trilio cannot act for it. */
async function checkOwner(app: EmulatorApp, map: TenantMap, trusteeRole: string): Promise<void> {
  const project = await app.keystone.project(map.new_tenant_id);
  if (!project) throw badRequest(`Project ${map.new_tenant_id} (new_tenant_id) does not exist in Keystone.`);
  if (!(await app.keystone.userExists(map.user_id)))
    throw badRequest(`User ${map.user_id} (user_id) does not exist in Keystone.`);
  const roles = await app.keystone.rolesOn(map.user_id, map.new_tenant_id);
  if (!roles.includes(trusteeRole))
    throw badRequest(
      `User ${map.user_id} does not have the trustee role '${trusteeRole}' on project ${project.name} (${project.id}); ` +
        `Trilio cannot act for this user there. Assign the role (openstack role add --user ${map.user_id} --project ${project.id} ${trusteeRole}) or choose another user.`,
    );
}

export async function reassignWorkloads(app: EmulatorApp, ctx: RequestContext): Promise<unknown> {
  const maps = readMaps(ctx.body);
  const config = await app.hosts.applianceConfig();
  for (const map of maps) await checkOwner(app, map, config.trusteeRole);
  const onShares = new Map((await scanShares(await app.hosts.mountedShares())).map((w) => [w.id, w]));
  const reassigned: Record<string, unknown>[] = [];
  const failed: string[] = [];
  for (const map of maps) {
    const ids =
      map.workload_ids.length > 0
        ? map.workload_ids
        : [
            ...[...onShares.values()]
              .filter((w) => map.old_tenant_ids.includes(w.workload.project_id))
              .map((w) => w.id),
            ...app.db
              .liveWorkloads()
              .filter((w) => map.old_tenant_ids.includes(w.project_id) && !onShares.has(w.id))
              .map((w) => w.id),
          ];
    for (const id of ids) {
      const row = await reassignOne(app, id, onShares.get(id), map);
      if (row) reassigned.push(workloadDetail(ctx.view, row, app.db.snapshotsOf(row.id)));
      else failed.push(id);
    }
  }
  await app.db.save();
  return { workloads: { reassigned_workloads: reassigned, failed_workloads: failed } };
}

async function reassignOne(
  app: EmulatorApp,
  id: string,
  onShare: ShareWorkload | undefined,
  map: TenantMap,
): Promise<WorkloadRow | null> {
  const existing = app.db.state.workloads[id];
  const live = existing && !existing.deleted ? existing : undefined;
  // A soft-deleted row keeps its primary key: importing the same workload again collides until the
  // database is purged (the runbook's clean-up before a second DR).
  if (existing?.deleted) {
    console.error(`reassign ${id}: a deleted row with this id is still in the database (purge it first)`);
    return null;
  }
  if (!onShare && !live) return null;
  if (live?.status === 'locked') return null;
  const now = nowText();
  if (onShare) {
    await rewriteOwnership(onShare.folder, map.new_tenant_id, map.user_id);
    const rows = await readWorkloadRows(onShare.folder, onShare.share.export);
    const workload: WorkloadRow = { ...rows.workload, updated_at: now };
    for (const snap of app.db.snapshotsOf(id, true)) delete app.db.state.snapshots[snap.id];
    app.db.state.workloads[id] = workload;
    for (const snap of rows.snapshots) app.db.state.snapshots[snap.id] = snap;
    return workload;
  }
  const workload = live!;
  workload.project_id = map.new_tenant_id;
  workload.user_id = map.user_id;
  workload.updated_at = now;
  for (const snap of app.db.snapshotsOf(id)) Object.assign(snap, owner(map));
  return workload;
}

const owner = (map: TenantMap): Pick<SnapshotRow, 'project_id' | 'user_id'> => ({
  project_id: map.new_tenant_id,
  user_id: map.user_id,
});
