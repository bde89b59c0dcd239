import type { EmulatorApp } from './emulator-app.js';
import { badRequest, isRecord } from './http-kit.js';
import type { Route } from './routing.js';

/**
 * Loopback-only lab controls (no token): fault injection, restores made to fail, the benchmarks'
 * load model (`/_lab/load`, load-model.ts), reset to the
 * generated world, the database purge the TVM's purge script calls, and a read of the appliance's
 * whole database (soft-deleted rows too) for the tests' inventories. Not part of Trilio's API.
 */

/** CleanWlmDatabase's tables, child tables first (trilio-api.md). */
export const purgeTables = [
  'taskdetails',
  'task_status_messages',
  'tasks',
  'snap_network_resource_metadata',
  'snap_network_resources',
  'vm_security_group_rule_snap_metadata',
  'vm_security_group_rule_snaps',
  'vm_network_resource_snap_metadata',
  'vm_network_resource_snaps',
  'snapshot_vm_resource_metadata',
  'snapshot_vm_metadata',
  'snapshot_vms',
  'snapshot_metadata',
  'vm_disk_resource_snap_metadata',
  'vm_disk_resource_snaps',
  'snapshot_vm_resources',
  'vm_recent_snapshot',
  'restore_metadata',
  'restored_vm_metadata',
  'restored_vms',
  'restored_vm_resource_metadata',
  'restored_vm_resources',
  'restores',
  'workload_metadata',
  'workload_vm_metadata',
  'workload_vms',
  'snapshots',
  'workloads',
] as const;

export function labRoutes(app: EmulatorApp): Route[] {
  return [
    {
      method: 'GET',
      pattern: '/_lab/faults',
      auth: 'loopback',
      handler: async () => ({ status: 200, body: { faults: app.faults.list() } }),
    },
    {
      method: 'POST',
      pattern: '/_lab/faults',
      auth: 'loopback',
      handler: async (ctx) => ({ status: 201, body: { fault: app.faults.add(ctx.body) } }),
    },
    {
      method: 'DELETE',
      pattern: '/_lab/faults',
      auth: 'loopback',
      handler: async () => ({ status: 200, body: { cleared: app.faults.clear() } }),
    },
    {
      method: 'GET',
      pattern: '/_lab/restore-failures',
      auth: 'loopback',
      handler: async () => ({ status: 200, body: { restoreFailures: app.restoreFailures.list() } }),
    },
    {
      method: 'POST',
      pattern: '/_lab/restore-failures',
      auth: 'loopback',
      handler: async (ctx) => ({ status: 201, body: { restoreFailure: app.restoreFailures.add(ctx.body) } }),
    },
    {
      method: 'DELETE',
      pattern: '/_lab/restore-failures',
      auth: 'loopback',
      handler: async () => ({ status: 200, body: { cleared: app.restoreFailures.clear() } }),
    },
    {
      method: 'GET',
      pattern: '/_lab/load',
      auth: 'loopback',
      handler: async () => ({ status: 200, body: app.load.report() }),
    },
    {
      method: 'POST',
      pattern: '/_lab/load',
      auth: 'loopback',
      handler: async (ctx) => {
        const settings = app.load.configure(ctx.body);
        await app.db.lazyWrites(2000);
        await app.novaCinder.lazyWrites(2000);
        // Networks and subnets the bench names are looked up now, so no measured restore waits for
        // the lab's Neutron the first time (the same for every run the bench compares).
        const warm = isRecord(ctx.body) && isRecord(ctx.body.neutronWarm) ? ctx.body.neutronWarm : {};
        const ids = (v: unknown) =>
          Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
        for (const id of ids(warm.networks)) await app.neutron.network(id);
        for (const id of ids(warm.subnets)) await app.neutron.subnet(id);
        return { status: 200, body: { settings } };
      },
    },
    {
      method: 'DELETE',
      pattern: '/_lab/load',
      auth: 'loopback',
      handler: async () => {
        app.load.clear();
        await app.db.lazyWrites(0);
        await app.novaCinder.lazyWrites(0);
        return { status: 200, body: { cleared: true } };
      },
    },
    {
      method: 'GET',
      pattern: '/_lab/database',
      auth: 'loopback',
      handler: async () => ({ status: 200, body: databaseRows(app) }),
    },
    {
      method: 'POST',
      pattern: '/_lab/reset',
      auth: 'loopback',
      handler: async () => ({ status: 200, body: { reset: true, ...(await app.resetToWorld()) } }),
    },
    {
      method: 'POST',
      pattern: '/_lab/purge',
      auth: 'loopback',
      handler: async (ctx) => {
        const ids = isRecord(ctx.body) && Array.isArray(ctx.body.ids) ? ctx.body.ids : undefined;
        if (!ids || ids.some((id) => typeof id !== 'string') || ids.length === 0)
          throw badRequest('Give {"ids": ["<workload id>", ...]}.');
        const connection = isRecord(ctx.body) ? ctx.body.connection : undefined;
        if (connection === undefined) return { status: 200, body: await purge(app, ids as string[], false) };
        // The operator's CleanWlmDatabase copy: it logs in to the appliance's MySQL first.
        const denied = await loginRefusal(app, connection);
        if (denied) return { status: 403, body: { mysqlError: denied } };
        return { status: 200, body: await purge(app, ids as string[], true) };
      },
    },
  ];
}

/**
 * Every row of the appliance's database, soft-deleted ones included (what the API hides and only the
 * purge removes): workloads, snapshots and restores without their per-VM details, trusts, settings and
 * the global job scheduler.
 */
function databaseRows(app: EmulatorApp): Record<string, unknown> {
  const state = app.db.state;
  return {
    workloads: Object.values(state.workloads),
    snapshots: Object.values(state.snapshots).map(({ instances: _instances, ...row }) => row),
    restores: Object.values(state.restores).map(
      ({ instances: _instances, restore_options: _options, ...row }) => row,
    ),
    trusts: Object.values(state.trusts),
    settings: Object.values(state.settings),
    globalJobScheduler: state.globalJobScheduler,
  };
}

/**
 * What MySQL answers the script's `mysql.connector.connect(**connection.json)`: null when the
 * credentials are the appliance's (`[database] connection` of its active configuration), else the
 * error text mysql.connector prints.
 */
async function loginRefusal(app: EmulatorApp, given: unknown): Promise<string | null> {
  const config = await app.hosts.applianceConfig();
  const db = config.database;
  const c = isRecord(given) ? given : {};
  const user = typeof c.user === 'string' ? c.user : '';
  const host = typeof c.host === 'string' && c.host ? c.host : 'localhost';
  const port = c.port === undefined || c.port === null || c.port === '' ? 3306 : Number(c.port);
  const local = (h: string) => h === 'localhost' || h === '127.0.0.1' || h === '::1';
  if (!db) return `2003 (HY000): Can't connect to MySQL server on '${host}:${port}' (111)`;
  if (local(host) !== local(db.host) || (!local(host) && host !== db.host) || port !== db.port)
    return `2003 (HY000): Can't connect to MySQL server on '${host}:${port}' (111)`;
  if (user !== db.user || c.password !== db.password)
    return `1045 (28000): Access denied for user '${user}'@'localhost' (using password: ${c.password ? 'YES' : 'NO'})`;
  if (c.database !== db.database) return `1049 (42000): Unknown database '${String(c.database ?? '')}'`;
  return null;
}

/**
 * Removes workloads and everything hanging off them, reporting rows per table the way the clean-up
 * script does. The old lab command (`physical` false) refuses a workload that is not soft-deleted;
 * the operator's workloads_delete.py (`physical` true) deletes the `workloads` row of any id it is
 * given, its children going with it, as the published script does. An unknown id (already purged)
 * deletes nothing and succeeds, like the SQL it stands in for.
 */
async function purge(
  app: EmulatorApp,
  ids: string[],
  physical: boolean,
): Promise<{
  purged: { id: string; name: string; tables: { table: string; rows: number }[] }[];
  errors: { id: string; message: string }[];
}> {
  const state = app.db.state;
  const purged = [];
  const errors = [];
  for (const id of ids) {
    const workload = state.workloads[id];
    if (!workload) {
      // The real clean-up is SQL `DELETE … WHERE workload_id IN (…)`: for an id already gone it deletes
      // nothing and succeeds, so a clean-up repeated after a crash mid-purge goes through.
      purged.push({ id, name: '(no rows left)', tables: purgeTables.map((table) => ({ table, rows: 0 })) });
      continue;
    }
    if (!workload.deleted && !physical) {
      errors.push({
        id,
        message: `Workload ${id} (${workload.display_name}) is not deleted; delete it first (workload-delete --database_only True).`,
      });
      continue;
    }
    const snapshots = app.db.snapshotsOf(id, true);
    const restores = Object.values(state.restores).filter((r) => r.workload_id === id);
    const vmCount = workload.instances.length;
    const per = (f: (s: (typeof snapshots)[number]) => number) => snapshots.reduce((sum, s) => sum + f(s), 0);
    const nics = per((s) => s.instances.reduce((n, i) => n + i.nics.length, 0));
    const networks = per((s) => new Set(s.instances.flatMap((i) => i.nics.map((n) => n.network.id))).size);
    const disks = per((s) => s.instances.reduce((n, i) => n + i.vdisks.length, 0));
    const snapVms = per((s) => s.instances.length);
    const restoredVms = restores.reduce((n, r) => n + r.instances.length, 0);
    const tasks = snapshots.length + restores.length;
    const rows: Record<(typeof purgeTables)[number], number> = {
      taskdetails: tasks * 3,
      task_status_messages: tasks * 2,
      tasks,
      snap_network_resource_metadata: networks * 2,
      snap_network_resources: networks,
      vm_security_group_rule_snap_metadata: snapVms * 2,
      vm_security_group_rule_snaps: snapVms,
      vm_network_resource_snap_metadata: nics * 3,
      vm_network_resource_snaps: nics,
      snapshot_vm_resource_metadata: disks * 4,
      snapshot_vm_metadata: snapVms * 3,
      snapshot_vms: snapVms,
      snapshot_metadata: per((s) => Object.keys(s.metadata).length),
      vm_disk_resource_snap_metadata: disks * 2,
      vm_disk_resource_snaps: disks,
      snapshot_vm_resources: disks + nics + snapVms,
      vm_recent_snapshot: vmCount,
      restore_metadata: restores.length,
      restored_vm_metadata: restoredVms * 2,
      restored_vms: restoredVms,
      restored_vm_resource_metadata: restoredVms,
      restored_vm_resources: restoredVms,
      restores: restores.length,
      workload_metadata: Object.keys(workload.metadata).length,
      workload_vm_metadata: workload.instances.reduce((n, i) => n + Object.keys(i.metadata).length, 0),
      workload_vms: vmCount,
      snapshots: snapshots.length,
      workloads: 1,
    };
    for (const snap of snapshots) delete state.snapshots[snap.id];
    for (const restore of restores) delete state.restores[restore.id];
    delete state.workloads[id];
    purged.push({
      id,
      name: workload.display_name,
      tables: purgeTables.map((table) => ({ table, rows: rows[table] })),
    });
  }
  await app.db.save();
  return { purged, errors };
}
