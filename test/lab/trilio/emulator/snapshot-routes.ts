import type { SnapshotRow } from './appliance-db.js';
import { queryFlag, visibleSnapshot, visibleWorkload } from './access.js';
import type { EmulatorApp } from './emulator-app.js';
import { notFound } from './http-kit.js';
import { startRestore } from './restore-start.js';
import type { RequestContext, Route } from './routing.js';
import { snapshotDetail, snapshotSummary } from './views.js';

/**
 * Snapshot calls: `/snapshots[?workload_id=]`, `/snapshots/detail`, `/snapshots/{id}` and the nested
 * `/workloads/{wid}/snapshots…` forms; restore by `POST /snapshots/{id}` or
 * `POST /workloads/{wid}/snapshots/{id}/restores`.
 */
export function snapshotRoutes(app: EmulatorApp): Route[] {
  const list = (ctx: RequestContext, workloadId: string | null): SnapshotRow[] => {
    const all = ctx.token.isAdmin && queryFlag(ctx, 'all');
    const live = new Set(app.db.liveWorkloads().map((w) => w.id));
    return Object.values(app.db.state.snapshots)
      .filter(
        (s) =>
          !s.deleted &&
          live.has(s.workload_id) &&
          (all || s.project_id === ctx.token.projectId) &&
          (workloadId === null || s.workload_id === workloadId),
      )
      .sort((a, b) => a.created_at.localeCompare(b.created_at));
  };
  const nested = (ctx: RequestContext): string => visibleWorkload(app, ctx, ctx.params.workload!).id;
  const inWorkload = (ctx: RequestContext): SnapshotRow => {
    const snap = visibleSnapshot(app, ctx, ctx.params.id!);
    if (snap.workload_id !== nested(ctx)) throw notFound(`Snapshot ${ctx.params.id} could not be found.`);
    return snap;
  };
  const summaries = (ctx: RequestContext, rows: SnapshotRow[]) => ({
    status: 200,
    body: { snapshots: rows.map((s) => snapshotSummary(ctx.view, s)) },
  });
  const details = (ctx: RequestContext, rows: SnapshotRow[]) => ({
    status: 200,
    body: { snapshots: rows.map((s) => snapshotDetail(ctx.view, s)) },
  });

  return [
    {
      method: 'GET',
      pattern: '/v1/:project/snapshots',
      auth: 'token',
      handler: async (ctx) => summaries(ctx, list(ctx, ctx.url.searchParams.get('workload_id'))),
    },
    {
      method: 'GET',
      pattern: '/v1/:project/snapshots/detail',
      auth: 'token',
      handler: async (ctx) => details(ctx, list(ctx, ctx.url.searchParams.get('workload_id'))),
    },
    {
      method: 'GET',
      pattern: '/v1/:project/snapshots/:id',
      auth: 'token',
      handler: async (ctx) => ({
        status: 200,
        body: { snapshot: snapshotDetail(ctx.view, visibleSnapshot(app, ctx, ctx.params.id!)) },
      }),
    },
    {
      method: 'POST',
      pattern: '/v1/:project/snapshots/:id',
      auth: 'token',
      handler: async (ctx) => startRestore(app, ctx, visibleSnapshot(app, ctx, ctx.params.id!)),
    },
    {
      method: 'GET',
      pattern: '/v1/:project/workloads/:workload/snapshots',
      auth: 'token',
      handler: async (ctx) => summaries(ctx, list(ctx, nested(ctx))),
    },
    {
      method: 'GET',
      pattern: '/v1/:project/workloads/:workload/snapshots/detail',
      auth: 'token',
      handler: async (ctx) => details(ctx, list(ctx, nested(ctx))),
    },
    {
      method: 'GET',
      pattern: '/v1/:project/workloads/:workload/snapshots/:id',
      auth: 'token',
      handler: async (ctx) => ({
        status: 200,
        body: { snapshot: snapshotDetail(ctx.view, inWorkload(ctx)) },
      }),
    },
    {
      method: 'POST',
      pattern: '/v1/:project/workloads/:workload/snapshots/:id/restores',
      auth: 'token',
      handler: async (ctx) => startRestore(app, ctx, inWorkload(ctx)),
    },
  ];
}
