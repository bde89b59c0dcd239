import { randomUUID } from 'node:crypto';
import type { SnapshotInstance } from '../trilio-records.js';
import { nowText, type RestoreRow, type SnapshotRow } from './appliance-db.js';
import type { EmulatorApp } from './emulator-app.js';
import { badRequest, isRecord } from './http-kit.js';
import type { Reply, RequestContext } from './routing.js';
import { restoreDetail } from './views.js';

/**
 * Starting a restore: the body `{"restore": {"name", "description", "options": <restore.json>}}` is
 * checked against the snapshot and the target cloud (instances and disks must be the snapshot's;
 * unless `restore_topology` is true, every snapshot network of an included instance must be mapped to
 * a network and subnet that exist in Neutron for the project). Then a `restoring` row is created and
 * the restore runs in the background; the answer is 202 with the restore.
 */

export interface PlannedInstance {
  source: SnapshotInstance;
  name: string;
  availabilityZone: string;
  /** Volume id in the snapshot → requested new volume type ('' = default). */
  volumeTypes: Record<string, string>;
}

function asArray(value: unknown, what: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw badRequest(`${what} must be a list.`);
  return value;
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

export async function startRestore(
  app: EmulatorApp,
  ctx: RequestContext,
  snapshot: SnapshotRow,
): Promise<Reply> {
  const body = ctx.body;
  if (!isRecord(body) || !isRecord(body.restore))
    throw badRequest('Malformed request body: expected {"restore": {...}}.');
  const restore = body.restore;
  const options = isRecord(restore.options) ? restore.options : {};
  if (snapshot.status !== 'available')
    throw badRequest(
      `Snapshot ${snapshot.id} is ${snapshot.status}; only an available snapshot can be restored.`,
    );
  const workload = app.db.state.workloads[snapshot.workload_id]!;
  if (workload.status === 'locked')
    throw badRequest(`Workload ${workload.id} is locked by another restore; wait until it finishes.`);
  const plan = await planRestore(app, ctx, snapshot, options);
  const now = nowText();
  const id = randomUUID();
  const name = text(restore.name) || text(options.name) || `Restore of ${snapshot.display_name}`;
  const row: RestoreRow = {
    id,
    display_name: name,
    display_description: text(restore.description) || text(options.description),
    status: 'restoring',
    restore_type: options.oneclickrestore === true ? 'oneclick' : 'selective',
    snapshot_id: snapshot.id,
    workload_id: snapshot.workload_id,
    project_id: ctx.token.projectId,
    user_id: ctx.token.userId,
    created_at: now,
    updated_at: now,
    finished_at: null,
    progress_percent: 0,
    progress_msg: 'Restore of snapshot is starting',
    error_msg: null,
    warning_msg: null,
    time_taken: 0,
    size: plan.reduce((sum, p) => sum + p.source.vdisks.reduce((s, d) => s + d.restore_size, 0), 0),
    uploaded_size: 0,
    restore_options: options,
    instances: [],
    deleted: false,
    deleted_at: null,
  };
  app.db.state.restores[id] = row;
  workload.status = 'locked';
  await app.db.save();
  app.runner.start(row, snapshot, plan);
  return { status: 202, body: { restore: restoreDetail(ctx.view, row) } };
}

async function planRestore(
  app: EmulatorApp,
  ctx: RequestContext,
  snapshot: SnapshotRow,
  options: Record<string, unknown>,
): Promise<PlannedInstance[]> {
  if (options.type !== undefined && options.type !== 'openstack')
    throw badRequest(`Restore type ${String(options.type)} is not supported; use "openstack".`);
  const byId = new Map(snapshot.instances.map((i) => [i.id, i]));
  if (options.oneclickrestore === true)
    return snapshot.instances.map((source) => ({
      source,
      name: source.name,
      availabilityZone: source.availability_zone,
      volumeTypes: {},
    }));
  const openstack = isRecord(options.openstack) ? options.openstack : undefined;
  if (!openstack) throw badRequest('A selective restore needs options.openstack (restore.json).');
  const planned: PlannedInstance[] = [];
  for (const [index, raw] of asArray(openstack.instances, 'openstack.instances').entries()) {
    if (!isRecord(raw)) throw badRequest(`openstack.instances[${index}] must be a map.`);
    const source = byId.get(text(raw.id));
    if (!source) throw badRequest(`Instance ${text(raw.id) || '(no id)'} is not in snapshot ${snapshot.id}.`);
    if (raw.include === false) continue;
    const disks = new Map(source.vdisks.map((d) => [d.id, d]));
    const volumeTypes: Record<string, string> = {};
    for (const [n, vdisk] of asArray(raw.vdisks, `openstack.instances[${index}].vdisks`).entries()) {
      if (!isRecord(vdisk) || !disks.has(text(vdisk.id)))
        throw badRequest(
          `Disk ${isRecord(vdisk) ? text(vdisk.id) : `#${n}`} is not a disk of instance ${source.name} in snapshot ${snapshot.id}.`,
        );
      volumeTypes[text(vdisk.id)] = text(vdisk.new_volume_type);
    }
    planned.push({
      source,
      name: text(raw.name) || source.name,
      availabilityZone: text(raw.availability_zone) || source.availability_zone,
      volumeTypes,
    });
  }
  if (planned.length === 0)
    throw badRequest('The restore includes no instance: set "include": true on at least one.');
  if (openstack.restore_topology !== true) await checkNetworkMapping(app, ctx, planned, openstack);
  return planned;
}

async function checkNetworkMapping(
  app: EmulatorApp,
  ctx: RequestContext,
  planned: PlannedInstance[],
  openstack: Record<string, unknown>,
): Promise<void> {
  const mapping = isRecord(openstack.networks_mapping) ? openstack.networks_mapping : {};
  const entries = asArray(mapping.networks, 'networks_mapping.networks').filter(isRecord);
  const targetOf = new Map<string, Record<string, unknown>>();
  for (const entry of entries) {
    const snapshotNetwork = isRecord(entry.snapshot_network) ? entry.snapshot_network : {};
    if (isRecord(entry.target_network)) targetOf.set(text(snapshotNetwork.id), entry.target_network);
  }
  const checked = new Set<string>();
  for (const instance of planned)
    for (const nic of instance.source.nics) {
      const network = nic.network;
      if (checked.has(network.id)) continue;
      checked.add(network.id);
      const target = targetOf.get(network.id);
      if (!target)
        throw badRequest(
          `Network ${network.name} (${network.id}) of instance ${instance.source.name} is not mapped: add it to networks_mapping or set restore_topology to true.`,
        );
      const targetId = text(target.id);
      const found = targetId ? await app.neutron.network(targetId) : null;
      if (!found || (found.project_id !== ctx.token.projectId && !found.shared))
        throw badRequest(
          `Target network ${text(target.name) || targetId || '(no id)'} for ${network.name} does not exist in project ${ctx.token.projectName || ctx.token.projectId}.`,
        );
      const subnetId = isRecord(target.subnet) ? text(target.subnet.id) : '';
      if (subnetId && !found.subnets.includes(subnetId))
        throw badRequest(`Subnet ${subnetId} is not a subnet of target network ${found.name} (${found.id}).`);
    }
}
