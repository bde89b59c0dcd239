import { randomUUID } from 'node:crypto';
import { nowText, type RestoreRow, type SnapshotRow } from './appliance-db.js';
import type { EmulatorApp } from './emulator-app.js';
import { badRequest, isRecord } from './http-kit.js';
import { validateRestoreOptions } from './restore-plan.js';
import type { Reply, RequestContext } from './routing.js';
import { restoreDetail } from './views.js';

/**
 * Starting a restore (public `api/v1/snapshots.py` `_restore` and `workloads/api.py`
 * `snapshot_restore`): the body `{"restore": {"name", "description", "options": <restore.json>}}`;
 * only the options' shape is checked here (400), the snapshot and the workload must be available;
 * then a `restoring` row ("Restore operation is scheduled") is created, the workload is locked and
 * the snapshot marked `restoring`, and the restore runs in the background (`executing`, then
 * `available` or `error`). Everything restore.json says about instances, NICs, networks, flavors and
 * disks is acted on while it runs, so a wrong mapping ends the restore in `error`, as on Trilio.
 */
export async function startRestore(
  app: EmulatorApp,
  ctx: RequestContext,
  snapshot: SnapshotRow,
): Promise<Reply> {
  // A loaded appliance's proxy refuses before workloadmgr sees the request: nothing is created.
  const busy = app.load.refuseRestore(app.runningRestores());
  if (busy) return busy;
  const body = isRecord(ctx.body) ? ctx.body : {};
  const restore = isRecord(body.restore) ? body.restore : {};
  const given = restore.options;
  const options = isRecord(given) && Object.keys(given).length > 0 ? given : { type: 'openstack' };
  validateRestoreOptions(options);
  if (snapshot.status !== 'available') throw badRequest('Invalid state: Snapshot status must be available');
  const workload = app.db.state.workloads[snapshot.workload_id]!;
  if (workload.status !== 'available')
    throw badRequest("Invalid state: Workload must be in the 'available' state to restore");
  const now = nowText();
  const id = randomUUID();
  const name = (typeof restore.name === 'string' ? restore.name.trim() : '') || 'restore';
  const description =
    (typeof restore.description === 'string' ? restore.description.trim() : '') || 'no-description';
  const row: RestoreRow = {
    id,
    display_name: name,
    display_description: description,
    status: 'restoring',
    restore_type: 'restore',
    snapshot_id: snapshot.id,
    workload_id: snapshot.workload_id,
    project_id: ctx.token.projectId,
    user_id: ctx.token.userId,
    created_at: now,
    updated_at: now,
    finished_at: null,
    progress_percent: 0,
    progress_msg: 'Restore operation is scheduled',
    error_msg: null,
    warning_msg: null,
    time_taken: 0,
    size: snapshot.instances.reduce((sum, i) => sum + i.vdisks.reduce((s, d) => s + d.restore_size, 0), 0),
    uploaded_size: 0,
    restore_options: options,
    instances: [],
    deleted: false,
    deleted_at: null,
  };
  app.db.state.restores[id] = row;
  workload.status = 'locked';
  snapshot.status = 'restoring';
  await app.db.save();
  app.runner.start(row, snapshot, options);
  return { status: 202, body: { restore: restoreDetail(ctx.view, row) } };
}
