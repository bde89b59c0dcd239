import { nowText, type WorkloadRow } from './appliance-db.js';
import type { EmulatorApp } from './emulator-app.js';
import { HttpError, badRequest, isRecord } from './http-kit.js';
import { importWorkload } from './import-workloads.js';
import type { RequestContext } from './routing.js';
import { firstCopies, rewriteOwnership, scanShares, type ShareWorkload } from './share-scan.js';
import { workloadDetail } from './views.js';

/**
 * `POST /workloads/reasign_workloads` (sic). The body is a list of maps, each with exactly the five
 * keys workloadmgr indexes directly (`workload_ids`, `old_tenant_ids`, `new_tenant_id`, `user_id`,
 * `migrate_cloud`; trilio-api.md). Validated as the public controller does (same 400 texts for both
 * id lists and for a missing new_tenant_id/user_id); a missing or unknown key is a 400 here (the
 * public code fails with a KeyError). Then, per map (public `workloads/api.py` `workloads_reassign`):
 * - ids already in the database are updated; with `migrate_cloud` true the others are imported
 *   from the first share (configuration order) holding them; without it, ids not in the database
 *   fail the whole call ("Workload id's doesn't belong to current cloud…");
 * - the share's `workload_db` and every `snapshot_db` get the new owner and the job schedule is
 *   switched off (`vault.update_workload_db`);
 * - the new project must be one Trilio lists for import (the appliance's domain) on which the calling
 *   admin holds a role, else the map is skipped; `user_id` must hold a role there (else
 *   UserNotFound) and the trustee role or admin (else RoleNotFound).
 */

const keys = ['workload_ids', 'old_tenant_ids', 'new_tenant_id', 'user_id', 'migrate_cloud'] as const;

interface TenantMap {
  workload_ids: string[];
  old_tenant_ids: string[];
  new_tenant_id: string;
  user_id: string;
  migrate_cloud: boolean;
}

function idList(entry: Record<string, unknown>, key: string, index: number): string[] {
  const value = entry[key];
  if (value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string'))
    throw badRequest(`Invalid input in reassign map ${index}: ${key} must be a list of ids.`);
  return (value as string[]).filter((v) => v !== '');
}

export function readTenantMaps(body: unknown): TenantMap[] {
  if (!Array.isArray(body))
    throw badRequest(
      'Invalid input: the body must be a list of maps with workload_ids, old_tenant_ids, new_tenant_id, user_id and migrate_cloud.',
    );
  return body.map((entry: unknown, index) => {
    if (!isRecord(entry)) throw badRequest(`Invalid input: reassign map ${index} is not a map.`);
    const unknown = Object.keys(entry).filter((k) => !(keys as readonly string[]).includes(k));
    if (unknown.length > 0)
      throw badRequest(
        `Invalid input in reassign map ${index}: unknown key(s) ${unknown.map((k) => `'${k}'`).join(', ')}; the keys are ${keys.join(', ')}.`,
      );
    const missing = keys.filter((k) => !(k in entry));
    if (missing.length > 0)
      throw badRequest(
        `Invalid input in reassign map ${index}: missing key(s) ${missing.map((k) => `'${k}'`).join(', ')}; every map carries ${keys.join(', ')}.`,
      );
    const workloadIds = idList(entry, 'workload_ids', index);
    const oldTenantIds = idList(entry, 'old_tenant_ids', index);
    if (workloadIds.length > 0 && oldTenantIds.length > 0)
      throw badRequest('Please provide only one parameter among workload_ids and old_tenant_ids.');
    if (entry.new_tenant_id === null || entry.new_tenant_id === undefined)
      throw badRequest('Please provide required parameters: new_tenant_id.');
    if (entry.user_id === null || entry.user_id === undefined)
      throw badRequest('Please provide required parameters: user_id.');
    return {
      workload_ids: workloadIds,
      old_tenant_ids: oldTenantIds,
      new_tenant_id: String(entry.new_tenant_id),
      user_id: String(entry.user_id),
      // workloadmgr tests `migrate_cloud is True`: only JSON true counts.
      migrate_cloud: entry.migrate_cloud === true,
    };
  });
}

/** The new owner must be in the project with the trustee role (any of the list) or admin. */
async function checkOwner(app: EmulatorApp, map: TenantMap, trusteeRoles: string[]): Promise<void> {
  const roles = await app.keystone.rolesOn(map.user_id, map.new_tenant_id);
  if (roles.length === 0) throw new HttpError(500, `User ${map.user_id} could not be found.`);
  if (!roles.some((r) => r === 'admin' || trusteeRoles.includes(r)))
    throw new HttpError(
      500,
      `User ${map.user_id} does not have role '${trusteeRoles.join(',')}' on project ${map.new_tenant_id}`,
    );
}

export async function reassignWorkloads(app: EmulatorApp, ctx: RequestContext): Promise<unknown> {
  const maps = readTenantMaps(ctx.body);
  const config = await app.hosts.applianceConfig();
  const cloudProjects = new Set((await app.keystone.projectsOfDomain(config.domain)).map((p) => p.id));
  const copies = await scanShares(await app.hosts.mountedShares());
  const onShares = firstCopies(copies);
  const reassigned: WorkloadRow[] = [];
  const failed: string[] = [];
  for (const map of maps) {
    const live = (id: string) => {
      const row = app.db.state.workloads[id];
      return row && !row.deleted ? row : undefined;
    };
    let toUpdate: string[] = [];
    let toImport: string[] = [];
    if (map.workload_ids.length > 0) {
      const inDb = map.workload_ids.filter((id) => live(id));
      if (inDb.length !== map.workload_ids.length && !map.migrate_cloud)
        throw new HttpError(
          500,
          "Workload id's doesn't belong to current cloud. To reassign them from another cloud ,set migrate_cloud option to True.",
        );
      toUpdate = inDb;
      toImport = map.workload_ids.filter((id) => !live(id));
    }
    // A project Trilio does not list for import (or one the caller has no role on) is passed over.
    if (!cloudProjects.has(map.new_tenant_id)) continue;
    if ((await app.keystone.rolesOn(ctx.token.userId, map.new_tenant_id)).length === 0) continue;
    await checkOwner(app, map, config.trusteeRoles);
    if (map.old_tenant_ids.length > 0) {
      if (!map.migrate_cloud) {
        const unknown = map.old_tenant_ids.find((p) => !cloudProjects.has(p));
        if (unknown) throw new HttpError(500, `Project ${unknown} could not be found.`);
        toUpdate = app.db
          .liveWorkloads()
          .filter((w) => map.old_tenant_ids.includes(w.project_id))
          .map((w) => w.id);
      } else {
        const ids = [
          ...new Set(
            copies.filter((c) => map.old_tenant_ids.includes(String(c.workload.project_id))).map((c) => c.id),
          ),
        ];
        toUpdate = ids.filter((id) => live(id));
        toImport = ids.filter((id) => !live(id));
      }
    }
    for (const id of toImport) {
      const copy = onShares.get(id);
      if (copy) await rewriteOwnership(copy.folder, map.new_tenant_id, map.user_id);
      const row = copy ? await importWorkload(app, copy, cloudProjects) : null;
      if (row) reassigned.push(row);
      else failed.push(id);
    }
    for (const id of toUpdate) reassigned.push(await updateOwner(app, live(id)!, onShares.get(id), map));
  }
  await app.db.save();
  return {
    workloads: {
      reassigned_workloads: reassigned.map((row) =>
        workloadDetail(ctx.view, row, app.db.snapshotsOf(row.id)),
      ),
      failed_workloads: failed,
    },
  };
}

/** A workload already in the database: its share copy and its rows get the new owner, its schedule stops. */
async function updateOwner(
  app: EmulatorApp,
  row: WorkloadRow,
  copy: ShareWorkload | undefined,
  map: TenantMap,
): Promise<WorkloadRow> {
  const schedule = copy ? await rewriteOwnership(copy.folder, map.new_tenant_id, map.user_id) : undefined;
  row.project_id = map.new_tenant_id;
  row.user_id = map.user_id;
  row.jobschedule = schedule ?? { ...row.jobschedule, enabled: false };
  row.updated_at = nowText();
  for (const snap of app.db.snapshotsOf(row.id)) {
    snap.project_id = map.new_tenant_id;
    snap.user_id = map.user_id;
  }
  return row;
}
