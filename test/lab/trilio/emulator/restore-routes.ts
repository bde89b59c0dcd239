import { nowText, type RestoreRow } from './appliance-db.js';
import { visibleRestore, visibleSnapshot } from './access.js';
import type { EmulatorApp } from './emulator-app.js';
import { badRequest, notFound } from './http-kit.js';
import type { RequestContext, Route } from './routing.js';
import { restoreDetail, restoreSummary } from './views.js';

/**
 * Restore calls: `/restores[?snapshot_id=]`, `/restores/detail`, `/restores/{id}` (show, DELETE),
 * `/restores/{id}/cancel` (a GET, as in workloadmgr's router) and the nested
 * `/workloads/{wid}/snapshots/{sid}/restores…` forms.
 */
export function restoreRoutes(app: EmulatorApp): Route[] {
  const list = (ctx: RequestContext, snapshotId: string | null): RestoreRow[] =>
    Object.values(app.db.state.restores)
      .filter(
        (r) =>
          !r.deleted &&
          (ctx.token.isAdmin || r.project_id === ctx.token.projectId) &&
          (snapshotId === null || r.snapshot_id === snapshotId),
      )
      .sort((a, b) => a.created_at.localeCompare(b.created_at));
  const nestedSnapshot = (ctx: RequestContext): string => {
    const snap = visibleSnapshot(app, ctx, ctx.params.snapshot!);
    if (snap.workload_id !== ctx.params.workload) throw notFound(`Snapshot ${snap.id} could not be found.`);
    return snap.id;
  };
  const nestedRestore = (ctx: RequestContext): RestoreRow => {
    const restore = visibleRestore(app, ctx, ctx.params.id!);
    if (restore.snapshot_id !== nestedSnapshot(ctx))
      throw notFound(`Restore ${restore.id} could not be found.`);
    return restore;
  };
  const remove = async (restore: RestoreRow) => {
    if (restore.status === 'restoring' || restore.status === 'executing' || restore.status === 'cancelling')
      throw badRequest("Invalid state: Restore status must be 'available', 'error' or 'cancelled'");
    restore.deleted = true;
    restore.deleted_at = nowText();
    await app.db.save();
    return { status: 202 };
  };

  return [
    {
      method: 'GET',
      pattern: '/v1/:project/restores',
      auth: 'token',
      handler: async (ctx) => ({
        status: 200,
        body: {
          restores: list(ctx, ctx.url.searchParams.get('snapshot_id')).map((r) =>
            restoreSummary(ctx.view, r),
          ),
        },
      }),
    },
    {
      method: 'GET',
      pattern: '/v1/:project/restores/detail',
      auth: 'token',
      handler: async (ctx) => ({
        status: 200,
        body: {
          restores: list(ctx, ctx.url.searchParams.get('snapshot_id')).map((r) => restoreDetail(ctx.view, r)),
        },
      }),
    },
    {
      method: 'GET',
      pattern: '/v1/:project/restores/:id',
      auth: 'token',
      handler: async (ctx) => ({
        status: 200,
        body: { restore: restoreDetail(ctx.view, visibleRestore(app, ctx, ctx.params.id!)) },
      }),
    },
    {
      method: 'DELETE',
      pattern: '/v1/:project/restores/:id',
      auth: 'token',
      handler: async (ctx) => remove(visibleRestore(app, ctx, ctx.params.id!)),
    },
    {
      method: 'GET',
      pattern: '/v1/:project/restores/:id/cancel',
      auth: 'token',
      handler: async (ctx) => {
        const restore = visibleRestore(app, ctx, ctx.params.id!);
        if (
          restore.status !== 'restoring' &&
          restore.status !== 'executing' &&
          restore.status !== 'cancelling'
        )
          throw badRequest(
            `Invalid state: Restore ${restore.id} is ${restore.status}; only a running restore can be cancelled.`,
          );
        restore.status = 'cancelling';
        restore.updated_at = nowText();
        await app.db.save();
        return { status: 200 };
      },
    },
    {
      method: 'GET',
      pattern: '/v1/:project/workloads/:workload/snapshots/:snapshot/restores',
      auth: 'token',
      handler: async (ctx) => ({
        status: 200,
        body: { restores: list(ctx, nestedSnapshot(ctx)).map((r) => restoreSummary(ctx.view, r)) },
      }),
    },
    {
      method: 'GET',
      pattern: '/v1/:project/workloads/:workload/snapshots/:snapshot/restores/detail',
      auth: 'token',
      handler: async (ctx) => ({
        status: 200,
        body: { restores: list(ctx, nestedSnapshot(ctx)).map((r) => restoreDetail(ctx.view, r)) },
      }),
    },
    {
      method: 'GET',
      pattern: '/v1/:project/workloads/:workload/snapshots/:snapshot/restores/:id',
      auth: 'token',
      handler: async (ctx) => ({
        status: 200,
        body: { restore: restoreDetail(ctx.view, nestedRestore(ctx)) },
      }),
    },
    {
      method: 'DELETE',
      pattern: '/v1/:project/workloads/:workload/snapshots/:snapshot/restores/:id',
      auth: 'token',
      handler: async (ctx) => remove(nestedRestore(ctx)),
    },
  ];
}
