import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { SnapshotDiskRow, SnapshotInstance, SnapshotNicRow } from './appliance-db.js';
import { unpickleDict, type PickleValue } from './python-pickle.js';

/**
 * A snapshot's VMs, read from its folder the way workloadmgr imports and shows them (public
 * `workloads/api.py` `snapshot_show`): `snapshot_vms_db` lists the VMs; `resources_db` holds each
 * VM's `flavor`, `security_group`, `nic` and `disk` resources (`vm_id` = the VM) and the snapshot-wide
 * `network`/`subnet` resources (`vm_id` = the snapshot); a NIC's details are the pickle in
 * `network/vm_res_id_<id>/network_db`, its subnet the common resource whose `resource_pit_id` is the
 * NIC's `subnet_id`; a disk's files are named by `disk_db` beside them. Missing or damaged files leave
 * out what they would have given, as snapshot show does (it logs and returns what it has).
 */

type Row = Record<string, unknown>;
type Metadata = { key: string; value: string }[];

async function readJson(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}

const list = (value: unknown): Row[] =>
  Array.isArray(value) ? value.filter((v): v is Row => typeof v === 'object' && v !== null) : [];
const str = (value: unknown): string =>
  typeof value === 'string' ? value : value == null ? '' : String(value);

/** `get_metadata_value`: metadata rows `[{key, value}]` (or an already flat map). */
export function metadataOf(value: unknown): Record<string, string> {
  if (Array.isArray(value))
    return Object.fromEntries(
      (value as Metadata).filter((m) => m && typeof m.key === 'string').map((m) => [m.key, str(m.value)]),
    );
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, str(v)]));
  return {};
}

/** The `vm_res_id_…` folder name Trilio gives a resource: its id, then `_<label>` when it has one. */
const resourceFolder = (resource: Row, meta: Record<string, string>): string =>
  meta.label
    ? `vm_res_id_${str(resource.id)}_${meta.label.replace(/ /g, '')}`
    : `vm_res_id_${str(resource.id)}`;

async function networkPickle(dir: string, resource: Row): Promise<Record<string, PickleValue> | undefined> {
  const rows = list(await readJson(path.join(dir, 'network', `vm_res_id_${str(resource.id)}`, 'network_db')));
  return unpickleDict(rows[0]?.pickle);
}

async function nicOf(dir: string, nic: Row, common: Row[]): Promise<SnapshotNicRow | undefined> {
  const rows = list(await readJson(path.join(dir, 'network', `vm_res_id_${str(nic.id)}`, 'network_db')));
  const snap = rows[0];
  const data = unpickleDict(snap?.pickle);
  if (!snap || !data) return undefined;
  const meta = metadataOf(snap.metadata);
  const result: SnapshotNicRow = {
    mac_address: str(data.mac_address),
    ip_address: str(data.ip_address),
    network: {
      id: meta.network_id ?? '',
      name: meta.network_name ?? '',
      cidr: data.cidr === undefined || data.cidr === null ? null : str(data.cidr),
      network_type: str(data.network_type),
    },
  };
  const pit = meta.subnet_id;
  const subnetResource = pit ? common.find((r) => str(r.resource_pit_id) === pit) : undefined;
  const subnet = subnetResource ? await networkPickle(dir, subnetResource) : undefined;
  if (subnet)
    result.network.subnet = {
      id: str(subnet.id),
      name: str(subnet.name),
      cidr: str(subnet.cidr),
      ip_version: Number(subnet.ip_version ?? 4),
      gateway_ip: str(subnet.gateway_ip),
    };
  return result;
}

async function diskOf(dir: string, disk: Row): Promise<SnapshotDiskRow | undefined> {
  const meta = metadataOf(disk.metadata);
  const folder = path.join(dir, `vm_id_${str(disk.vm_id)}`, resourceFolder(disk, meta));
  const snaps = list(await readJson(path.join(folder, 'disk_db')));
  const top = snaps.find((s) => s.top === true) ?? snaps[0];
  if (!top || typeof top.vault_url !== 'string') return undefined;
  const row: SnapshotDiskRow = {
    label: meta.label ?? str(disk.resource_name),
    resource_id: str(disk.id),
    restore_size: Number(disk.restore_size ?? 0),
    vm_id: str(disk.vm_id),
    vault_url: top.vault_url,
  };
  if (meta.image_id) {
    row.image_id = meta.image_id;
    row.image_name = meta.image_name ?? '';
    row.hw_qemu_guest_agent = meta.hw_qemu_guest_agent ?? '';
  } else {
    row.volume_id = meta.volume_id ?? '';
    row.volume_name = meta.volume_name ?? '';
    row.volume_size = meta.volume_size ?? '';
    row.volume_type = meta.volume_type ?? '';
    row.volume_mountpoint = meta.volume_mountpoint ?? '';
    if (meta.availability_zone) row.availability_zone = meta.availability_zone;
  }
  return row;
}

/** The instances of the snapshot in folder `dir` (`…/workload_<w>/snapshot_<id>`). */
export async function readSnapshotInstances(dir: string, snapshotId: string): Promise<SnapshotInstance[]> {
  const vms = list(await readJson(path.join(dir, 'snapshot_vms_db')));
  const resources = list(await readJson(path.join(dir, 'resources_db')));
  const common = resources.filter((r) => str(r.vm_id) === snapshotId);
  const instances: SnapshotInstance[] = [];
  for (const vm of vms) {
    const vmId = str(vm.vm_id);
    const own = resources.filter((r) => str(r.vm_id) === vmId);
    const flavorMeta = metadataOf(own.find((r) => r.resource_type === 'flavor')?.metadata);
    const instance: SnapshotInstance = {
      id: vmId,
      name: str(vm.vm_name),
      status: str(vm.status),
      metadata: metadataOf(vm.metadata),
      flavor: {
        name: flavorMeta.name ?? '',
        vcpus: flavorMeta.vcpus ?? '',
        ram: flavorMeta.ram ?? '',
        disk: flavorMeta.disk ?? '',
        ephemeral: flavorMeta.ephemeral ?? '',
        swap: flavorMeta.swap ?? '',
      },
      nics: [],
      vdisks: [],
      security_group: [],
    };
    for (const resource of own) {
      const meta = metadataOf(resource.metadata);
      if (
        resource.resource_type === 'security_group' &&
        ['1', 'True', 'true', ''].includes(meta.vm_attached ?? '')
      )
        instance.security_group.push({
          name: meta.name ?? '',
          security_group_type: meta.security_group_type ?? '',
        });
      if (resource.resource_type === 'nic') {
        const nic = await nicOf(dir, resource, common);
        if (nic) instance.nics.push(nic);
      }
      if (resource.resource_type === 'disk') {
        const disk = await diskOf(dir, resource);
        if (disk) instance.vdisks.push(disk);
      }
    }
    instances.push(instance);
  }
  return instances;
}
