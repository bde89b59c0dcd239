import { rm } from 'node:fs/promises';
import path from 'node:path';
import { nowText, type WorkloadRow } from './appliance-db.js';
import { queryFlag, visibleWorkload } from './access.js';
import type { EmulatorApp } from './emulator-app.js';
import { HttpError, badRequest, policyRefusal } from './http-kit.js';
import { importWorkloads, importableWorkloads } from './import-workloads.js';
import { modifyWorkload } from './workload-modify.js';
import { reassignWorkloads } from './reassign.js';
import type { RequestContext, Route } from './routing.js';
import { readWorkloadRows, scanShares } from './share-scan.js';
import { workloadDetail, workloadSummary } from './views.js';

/**
 * Workload calls: list, show, modify, (soft) delete, orphaned workloads on the mounted shares,
 * reassign, and the import list/import of newer releases. Paths and policies as in workloadmgr's
 * router and policy.json (`/workloads/orphan_workloads/` keeps its slash).
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
        const orphans = await orphanedWorkloads(app, ctx, value === 'True' || value === 'true');
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
      pattern: '/v1/:project/workloads/get_list/import_workloads',
      auth: 'token',
      adminPolicy: 'workload:get_import_workloads_list',
      handler: async (ctx) => ({ status: 200, body: { workloads: await importableWorkloads(app, ctx) } }),
    },
    {
      method: 'POST',
      pattern: '/v1/:project/workloads/import_workloads',
      auth: 'token',
      adminPolicy: 'workload:import_workloads',
      handler: async (ctx) => ({ status: 200, body: await importWorkloads(app, ctx) }),
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
      method: 'PUT',
      pattern: '/v1/:project/workloads/:id',
      auth: 'token',
      handler: async (ctx) => {
        await modifyWorkload(app, ctx, visibleWorkload(app, ctx, ctx.params.id!));
        return { status: 202 };
      },
    },
    {
      method: 'DELETE',
      pattern: '/v1/:project/workloads/:id',
      auth: 'token',
      handler: async (ctx) => {
        const databaseOnly = queryFlag(ctx, 'database_only');
        // workload_delete raises AdminRequired for a non-admin database_only delete.
        if (databaseOnly && !ctx.token.isAdmin) throw policyRefusal('workload:workload_delete');
        await deleteWorkload(app, visibleWorkload(app, ctx, ctx.params.id!), databaseOnly);
        return { status: 202 };
      },
    },
  ];
}

/**
 * workloadmgr's `get_orphaned_workloads_list`. With `migrate_cloud=True`: every workload folder on
 * every configured share (a workload on two shares is listed twice, once per copy) whose project is
 * not a project of the cloud (the appliance's Keystone domain) or whose user holds no role in it.
 * Without: the database's live workloads of such projects or users.
 */
async function orphanedWorkloads(
  app: EmulatorApp,
  ctx: RequestContext,
  migrateCloud: boolean,
): Promise<Record<string, unknown>[]> {
  const config = await app.hosts.applianceConfig();
  const cloudProjects = new Set((await app.keystone.projectsOfDomain(config.domain)).map((p) => p.id));
  const memberships = new Map<string, Promise<boolean>>();
  const userIn = (userId: string, projectId: string): Promise<boolean> => {
    const key = `${userId} ${projectId}`;
    if (!memberships.has(key))
      memberships.set(
        key,
        app.keystone.rolesOn(userId, projectId).then(
          (r) => r.length > 0,
          () => false,
        ),
      );
    return memberships.get(key)!;
  };
  const orphaned = async (projectId: string, userId: string): Promise<boolean> =>
    !cloudProjects.has(projectId) || !(await userIn(userId, projectId));
  const orphans: Record<string, unknown>[] = [];
  if (!migrateCloud) {
    for (const w of app.db.liveWorkloads())
      if (await orphaned(w.project_id, w.user_id))
        orphans.push(workloadDetail(ctx.view, w, app.db.snapshotsOf(w.id)));
    return orphans;
  }
  for (const copy of await scanShares(await app.hosts.mountedShares())) {
    const project = String(copy.workload.project_id ?? copy.workload.tenant_id ?? '');
    if (!(await orphaned(project, String(copy.workload.user_id ?? '')))) continue;
    const rows = await readWorkloadRows(copy.folder, copy.share.export);
    orphans.push(workloadDetail({ ...ctx.view, projectId: project }, rows.workload, rows.snapshots));
  }
  return orphans;
}

async function deleteWorkload(app: EmulatorApp, workload: WorkloadRow, databaseOnly: boolean): Promise<void> {
  if (workload.status !== 'available' && workload.status !== 'error')
    throw badRequest("Invalid state: Workload status must be 'available' or 'error'");
  if (!databaseOnly) {
    if (app.db.snapshotsOf(workload.id).length > 0)
      throw badRequest(
        'Invalid state: This workload contains snapshots. Please delete all snapshots and try again..',
      );
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
