import { rm } from 'node:fs/promises';
import path from 'node:path';
import { nowText, type WorkloadRow } from './appliance-db.js';
import { queryFlag, visibleWorkload } from './access.js';
import type { EmulatorApp } from './emulator-app.js';
import { HttpError, badRequest } from './http-kit.js';
import { reassignWorkloads } from './reassign.js';
import type { RequestContext, Route } from './routing.js';
import { readWorkloadRows, scanShares } from './share-scan.js';
import { workloadDetail, workloadSummary } from './views.js';

/**
 * Workload calls: list, show, (soft) delete, orphaned workloads on the mounted shares, reassign.
 * Paths and policies as in workloadmgr's router (`/workloads/orphan_workloads/` keeps its slash).
 */
export function workloadRoutes(app: EmulatorApp): Route[] {
  const list = (ctx: RequestContext): WorkloadRow[] => {
    const all = ctx.token.isAdmin && queryFlag(ctx, 'all_workloads');
    const project = ctx.url.searchParams.get('project_id');
    return app.db
      .liveWorkloads()
      .filter((w) => (all ? !project || w.project_id === project : w.project_id === ctx.token.projectId))
      .sort((a, b) => a.created_at.localeCompare(b.created_at));
  };
  const detail = (ctx: RequestContext, w: WorkloadRow) =>
    workloadDetail(ctx.view, w, app.db.snapshotsOf(w.id));

  return [
    {
      method: 'GET',
      pattern: '/v1/:project/workloads',
      auth: 'token',
      handler: async (ctx) => ({
        status: 200,
        body: { workloads: list(ctx).map((w) => workloadSummary(ctx.view, w)) },
      }),
    },
    {
      method: 'GET',
      pattern: '/v1/:project/workloads/detail',
      auth: 'token',
      handler: async (ctx) => ({ status: 200, body: { workloads: list(ctx).map((w) => detail(ctx, w)) } }),
    },
    {
      method: 'GET',
      pattern: '/v1/:project/workloads/orphan_workloads/',
      auth: 'token',
      adminPolicy: 'workload:get_orphaned_workloads_list',
      handler: async (ctx) => {
        const value = ctx.url.searchParams.get('migrate_cloud');
        // workloadmgr reads qs.get('migrate_cloud')[0]: without the parameter it fails like this.
        if (value === null) throw new HttpError(500, "'NoneType' object is not subscriptable");
        const orphans = await orphanedWorkloads(app, value === 'True' || value === 'true');
        return { status: 200, body: { workloads: orphans } };
      },
    },
    {
      method: 'POST',
      pattern: '/v1/:project/workloads/reasign_workloads',
      auth: 'token',
      adminPolicy: 'workload:workloads_reassign',
      handler: async (ctx) => ({ status: 200, body: await reassignWorkloads(app, ctx) }),
    },
    {
      method: 'GET',
      pattern: '/v1/:project/workloads/:id',
      auth: 'token',
      handler: async (ctx) => ({
        status: 200,
        body: { workload: detail(ctx, visibleWorkload(app, ctx, ctx.params.id!)) },
      }),
    },
    {
      method: 'DELETE',
      pattern: '/v1/:project/workloads/:id',
      auth: 'token',
      handler: async (ctx) => {
        await deleteWorkload(app, ctx, visibleWorkload(app, ctx, ctx.params.id!));
        return { status: 202 };
      },
    },
  ];
}

/**
 * Workloads on the shares the TVM has mounted (its active configuration) that the database does not
 * hold live and whose project is not one of the protected cloud's (`migrate_cloud=True`: not in the
 * appliance's Keystone domain; otherwise: not in Keystone at all).
 */
async function orphanedWorkloads(
  app: EmulatorApp,
  migrateCloud: boolean,
): Promise<Record<string, unknown>[]> {
  const config = await app.hosts.applianceConfig();
  const onShares = await scanShares(await app.hosts.mountedShares());
  const live = new Set(app.db.liveWorkloads().map((w) => w.id));
  const cloudProjects = migrateCloud
    ? new Set((await app.keystone.projectsOfDomain(config.domainName)).map((p) => p.id))
    : undefined;
  const orphans: Record<string, unknown>[] = [];
  for (const found of onShares) {
    if (live.has(found.id)) continue;
    const owned = cloudProjects
      ? cloudProjects.has(found.workload.project_id)
      : (await app.keystone.project(found.workload.project_id)) !== null;
    if (owned) continue;
    const rows = await readWorkloadRows(found.folder, found.share.export);
    const projectView = { baseUrl: app.baseUrl, projectId: rows.workload.project_id };
    orphans.push(workloadDetail(projectView, rows.workload, rows.snapshots));
  }
  return orphans;
}

async function deleteWorkload(app: EmulatorApp, ctx: RequestContext, workload: WorkloadRow): Promise<void> {
  if (workload.status === 'locked')
    throw badRequest(`Workload ${workload.id} is locked by a running restore; wait until it finishes.`);
  const databaseOnly = queryFlag(ctx, 'database_only');
  if (!databaseOnly) {
    // Without database_only Trilio also deletes the backup data from the target.
    const share = (await app.hosts.mountedShares()).find((s) => s.export === workload.share_export);
    if (share)
      await rm(path.join(share.visiblePath, `workload_${workload.id}`), { recursive: true, force: true });
  }
  const now = nowText();
  workload.deleted = true;
  workload.deleted_at = now;
  workload.status = 'deleted';
  workload.updated_at = now;
  for (const snap of app.db.snapshotsOf(workload.id)) {
    snap.deleted = true;
    snap.deleted_at = now;
    snap.status = 'deleted';
  }
  await app.db.save();
}
