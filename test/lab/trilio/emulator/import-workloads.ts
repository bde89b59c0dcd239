import type { WorkloadRow } from './appliance-db.js';
import type { EmulatorApp } from './emulator-app.js';
import { badRequest, isRecord } from './http-kit.js';
import type { RequestContext } from './routing.js';
import {
  firstCopies,
  readWorkloadRows,
  scanShares,
  updateBackupMediaTarget,
  type ShareWorkload,
} from './share-scan.js';
import { workloadDetail } from './views.js';

/**
 * Importing workloads from the backup target into the appliance's database (public
 * `db/imports/import_workload_*.py`, used by reassign and by `POST /workloads/import_workloads`):
 * - a workload is taken from the FIRST share (configuration order) that holds its folder; a copy of
 *   the same id on a later share is not looked at;
 * - its `backup_media_target` (workload_db and every snapshot_db) becomes that share's export;
 * - its project must be one of the cloud's (`check_tenant`), else it fails;
 * - rows already in the database are left as they are (not imported again, not failed); a deleted
 *   row still holding the id makes the import fail until the database is purged.
 */

export async function importWorkload(
  app: EmulatorApp,
  copy: ShareWorkload,
  cloudProjects: Set<string>,
): Promise<WorkloadRow | null> {
  const existing = app.db.state.workloads[copy.id];
  if (existing?.deleted) {
    console.error(`import ${copy.id}: a deleted row with this id is still in the database (purge it first)`);
    return null;
  }
  // Read now: a reassign has just rewritten the owner in workload_db.
  const rows = await readWorkloadRows(copy.folder, copy.share.export);
  const project = rows.workload.project_id;
  if (!cloudProjects.has(project)) {
    console.error(`import ${copy.id}: Workload ${copy.id} tenant ${project} does not belong to this cloud`);
    return null;
  }
  await updateBackupMediaTarget(copy.folder, copy.share.export);
  rows.workload.metadata.backup_media_target = copy.share.export;
  for (const snap of rows.snapshots) snap.metadata.backup_media_target = copy.share.export;
  if (existing) return existing;
  app.db.state.workloads[copy.id] = rows.workload;
  for (const snap of rows.snapshots)
    if (!app.db.state.snapshots[snap.id]) app.db.state.snapshots[snap.id] = snap;
  return rows.workload;
}

/** `GET /workloads/get_list/import_workloads[?project_id=]`: every workload_db on every share. */
export async function importableWorkloads(
  app: EmulatorApp,
  ctx: RequestContext,
): Promise<Record<string, unknown>[]> {
  const project = ctx.url.searchParams.get('project_id');
  const out: Record<string, unknown>[] = [];
  for (const copy of await scanShares(await app.hosts.mountedShares())) {
    if (project !== null && copy.workload.project_id !== project) continue;
    const rows = await readWorkloadRows(copy.folder, copy.share.export);
    out.push(workloadDetail(ctx.view, rows.workload, rows.snapshots));
  }
  return out;
}

/** `POST /workloads/import_workloads` `{"workload_ids": [...], "upgrade": false}`. */
export async function importWorkloads(app: EmulatorApp, ctx: RequestContext): Promise<unknown> {
  const body = isRecord(ctx.body) ? ctx.body : {};
  const ids = body.workload_ids ?? [];
  if (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string'))
    throw badRequest('Invalid input: workload_ids must be a list of workload ids.');
  const config = await app.hosts.applianceConfig();
  const cloudProjects = new Set((await app.keystone.projectsOfDomain(config.domain)).map((p) => p.id));
  const copies = await scanShares(await app.hosts.mountedShares());
  const wanted: ShareWorkload[] = [];
  const failed: string[] = [];
  if (ids.length === 0) wanted.push(...copies);
  else {
    const first = firstCopies(copies);
    for (const id of ids as string[]) {
      const copy = first.get(id);
      if (copy) wanted.push(copy);
      else failed.push(id);
    }
  }
  const imported: WorkloadRow[] = [];
  for (const copy of wanted) {
    const before = app.db.state.workloads[copy.id];
    const row = await importWorkload(app, copy, cloudProjects);
    if (!row) failed.push(copy.id);
    else if (!before) imported.push(row);
  }
  await app.db.save();
  return {
    workloads: {
      imported_workloads: imported.map((row) => workloadDetail(ctx.view, row, app.db.snapshotsOf(row.id))),
      failed_workloads: failed,
    },
  };
}
