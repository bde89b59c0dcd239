import { pickleDumps } from './emulator/python-pickle.js';
import { labMac, labUuid } from './lab-ids.js';
import { snapshotNetworks, type SubnetSpec } from './workload-specs.js';
import type { WorldDisk, WorldNic, WorldSnapshot, WorldVm, WorldWorkload } from './world-types.js';

/**
 * The records Trilio writes next to the backups, as dumps of its database rows (trilio-api.md,
 * "Layout"; the public workloadmgr `workload_utils.upload_snapshot_db_entry`): `workload_db` (its
 * `jobschedule` a pickled string), `workload_vms_db`, and per snapshot `snapshot_db`,
 * `snapshot_vms_db`, `resources_db` (every snapshot_vm_resource: flavor, security group, NICs, disks,
 * and the snapshot-wide networks and subnets), `network/vm_res_id_<id>/network_db` (pickled NIC,
 * network and subnet details), `security_group/vm_res_id_<id>/security_group_db`, and a `disk_db`
 * beside each disk's qcow2 files. Metadata are `{key, value}` rows with string values, times in
 * Trilio's `YYYY-MM-DDTHH:MM:SS.ffffff` form. Pure builders from the world model; the emulator reads
 * the same files back the way workloadmgr's import and snapshot show do.
 */

export type MetadataRows = { key: string; value: string }[];

export interface RecordFile {
  /** Path relative to the snapshot folder. */
  path: string;
  content: unknown;
}

/** Trilio's time format (Python `isoformat()` of a naive UTC datetime with microseconds). */
export function trilioTime(date: Date): string {
  return `${date.toISOString().slice(0, 19)}.000000`;
}

/** The "Serial" workload type every Trilio install has. */
export const serialWorkloadTypeId = 'f82ce76f-17fe-438b-aa37-7a023058e50d';

const rows = (values: Record<string, string | number | boolean>): MetadataRows =>
  Object.entries(values).map(([key, value]) => ({ key, value: String(value) }));

export function subnetOf(nic: WorldNic): SubnetSpec {
  const subnet = snapshotNetworks[nic.network]?.subnets.find((s) => s.name === nic.subnet);
  if (!subnet) throw new Error(`unknown snapshot subnet ${nic.network}/${nic.subnet}`);
  return subnet;
}

export const networkIdOf = (name: string): string => labUuid('network', name);
export const subnetIdOf = (name: string): string => labUuid('subnet', name);

export function diskResourceId(wl: WorldWorkload, snap: WorldSnapshot, vm: WorldVm, disk: WorldDisk): string {
  return labUuid('resource', wl.key, snap.id, vm.key, disk.name);
}

/** Id of a disk's snapshot in one snapshot (`vm_disk_resource_snaps.id`), also the qcow2 file's name. */
export function diskSnapId(wl: WorldWorkload, snap: WorldSnapshot, vm: WorldVm, disk: WorldDisk): string {
  return labUuid('disk-snap', wl.key, snap.id, vm.key, disk.name);
}

/** `workload_<id>/snapshot_<id>/vm_id_<vm>/vm_res_id_<resource>_<disk name>/<disk snapshot id>` */
export function vaultPath(wl: WorldWorkload, snap: WorldSnapshot, vm: WorldVm, disk: WorldDisk): string {
  return [
    `workload_${wl.id}`,
    `snapshot_${snap.id}`,
    `vm_id_${vm.id}`,
    `vm_res_id_${diskResourceId(wl, snap, vm, disk)}_${disk.name}`,
    diskSnapId(wl, snap, vm, disk),
  ].join('/');
}

function ipOf(cidr: string, host: number): string {
  const base = cidr.split('/')[0]!.split('.').map(Number);
  return `${base[0]}.${base[1]}.${base[2]}.${host}`;
}

/** A VM's NIC as the source cloud had it: fixed IP `.10+vm index` of its subnet, a seeded MAC. */
export function nicAddress(wl: WorldWorkload, vm: WorldVm, index: number): { ip: string; mac: string } {
  const vmIndex = wl.vms.indexOf(vm);
  const nic = vm.nics[index]!;
  return { ip: ipOf(subnetOf(nic).cidr, 10 + vmIndex), mac: labMac(wl.key, vm.key, nic.network) };
}

/** The job schedule as workloadmgr keeps it (dates as `%m/%d/%Y`, times as `%I:%M %p`, `24hr`). */
export function jobscheduleOf(wl: WorldWorkload): Record<string, string | boolean> {
  const [year, month, day] = wl.createdAt.slice(0, 10).split('-');
  return {
    fullbackup_interval: '-1',
    start_time: '01:00 AM',
    interval: '24hr',
    enabled: true,
    start_date: `${month}/${day}/${year}`,
    end_date: 'No End',
    retention_policy_type: 'Number of Snapshots to Keep',
    retention_policy_value: '30',
    timezone: 'UTC',
    appliance_timezone: 'UTC',
  };
}

function approxBackupSize(wl: WorldWorkload): number {
  return wl.vms.flatMap((vm) => vm.disks).reduce((sum, d) => sum + d.sizeBytes, 0);
}

export function workloadDb(wl: WorldWorkload): Record<string, unknown> {
  return {
    created_at: wl.createdAt,
    updated_at: wl.snapshots.at(-1)!.createdAt,
    deleted_at: null,
    deleted: false,
    id: wl.id,
    user_id: wl.userId,
    project_id: wl.projectId,
    host: wl.cloud === 'A' ? 'tvm-a' : 'tvm-1',
    availability_zone: 'nova',
    display_name: wl.name,
    display_description: wl.description,
    workload_type_id: serialWorkloadTypeId,
    source_platform: 'openstack',
    status: 'available',
    error_msg: null,
    jobschedule: pickleDumps(jobscheduleOf(wl)),
    metadata: rows({
      backup_media_target: wl.shareExport,
      hostnames: JSON.stringify(wl.vms.map((vm) => vm.name)),
      preferredgroup: '[]',
      workload_approx_backup_size: approxBackupSize(wl),
      lab_workload_key: wl.key,
    }),
  };
}

export function workloadVmsDb(wl: WorldWorkload): Record<string, unknown>[] {
  return wl.vms.map((vm) => ({
    created_at: wl.createdAt,
    deleted: false,
    id: labUuid('workload-vm', wl.key, vm.key),
    vm_id: vm.id,
    vm_name: vm.name,
    workload_id: wl.id,
    status: 'available',
    metadata: rows({ availability_zone: 'nova', flavor: vm.flavor.name }),
  }));
}

export function snapshotDb(wl: WorldWorkload, index: number, sizeBytes: number): Record<string, unknown> {
  const snap = wl.snapshots[index]!;
  const full = snap.type === 'full';
  return {
    created_at: snap.createdAt,
    updated_at: snap.createdAt,
    finished_at: snap.createdAt,
    deleted_at: null,
    deleted: false,
    id: snap.id,
    user_id: wl.userId,
    project_id: wl.projectId,
    workload_id: wl.id,
    display_name: full ? 'initial full' : 'jobscheduler',
    display_description: full ? 'First full snapshot' : 'jobscheduler',
    snapshot_type: snap.type,
    status: 'available',
    size: sizeBytes,
    restore_size: approxBackupSize(wl),
    uploaded_size: sizeBytes,
    progress_percent: 100,
    progress_msg: 'Snapshot of workload is complete',
    error_msg: null,
    warning_msg: null,
    time_taken: full ? 312 : 41,
    pinned: false,
    data_deleted: false,
    host: wl.cloud === 'A' ? 'tvm-a' : 'tvm-1',
    metadata: rows({ backup_media_target: wl.shareExport, lab_snapshot_index: index }),
  };
}

export function snapshotVmsDb(wl: WorldWorkload, index: number): Record<string, unknown>[] {
  const snap = wl.snapshots[index]!;
  return wl.vms.map((vm) => ({
    created_at: snap.createdAt,
    deleted: false,
    id: labUuid('snapshot-vm', wl.key, snap.id, vm.key),
    vm_id: vm.id,
    vm_name: vm.name,
    snapshot_id: snap.id,
    snapshot_type: snap.type,
    status: 'available',
    size: vm.disks.reduce((sum, d) => sum + d.sizeBytes, 0),
    restore_size: vm.disks.reduce((sum, d) => sum + d.sizeBytes, 0),
    metadata: rows({
      availability_zone: 'nova',
      vm_metadata: JSON.stringify({ workload_id: wl.id, workload_name: wl.name }),
      workload_id: wl.id,
      workload_name: wl.name,
      key_name: '',
    }),
  }));
}

interface ResourceRow {
  id: string;
  vm_id: string;
  snapshot_id: string;
  resource_type: string;
  resource_name: string;
  resource_pit_id: string;
  size: number;
  restore_size: number;
  status: string;
  created_at: string;
  deleted: boolean;
  metadata: MetadataRows;
}

/**
 * `resources_db` and the per-resource files of one snapshot. `diskSize(path)` is the size in bytes of
 * the qcow2 file at a vault path (the generator made them before writing the records).
 */
export function snapshotResources(
  wl: WorldWorkload,
  index: number,
  diskSize: (vaultPath: string) => number,
): { resourcesDb: ResourceRow[]; files: RecordFile[] } {
  const snap = wl.snapshots[index]!;
  const previous = index > 0 ? wl.snapshots[index - 1] : undefined;
  const resources: ResourceRow[] = [];
  const files: RecordFile[] = [];
  const resource = (
    id: string,
    vmId: string,
    type: string,
    name: string,
    pitId: string,
    metadata: MetadataRows,
    sizes: { size: number; restore: number } = { size: 0, restore: 0 },
  ): ResourceRow => {
    const row = {
      id,
      vm_id: vmId,
      snapshot_id: snap.id,
      resource_type: type,
      resource_name: name,
      resource_pit_id: pitId,
      size: sizes.size,
      restore_size: sizes.restore,
      status: 'available',
      created_at: snap.createdAt,
      deleted: false,
      metadata,
    };
    resources.push(row);
    return row;
  };
  const networkSnap = (res: ResourceRow, details: Record<string, string | number | boolean | null>) =>
    files.push({
      path: `network/vm_res_id_${res.id}/network_db`,
      content: [
        {
          id: labUuid('network-snap', res.id),
          vm_network_resource_snap_id: res.id,
          pickle: pickleDumps(details),
          status: 'available',
          created_at: snap.createdAt,
          deleted: false,
          metadata: res.metadata,
        },
      ],
    });

  // Snapshot-wide networks and subnets (vm_id = the snapshot id), found by their resource_pit_id.
  const used = new Map<string, Set<string>>();
  for (const vm of wl.vms)
    for (const nic of vm.nics) used.set(nic.network, (used.get(nic.network) ?? new Set()).add(nic.subnet));
  for (const [network, subnets] of used) {
    const net = resource(
      labUuid('resource', wl.key, snap.id, 'network', network),
      snap.id,
      'network',
      network,
      networkIdOf(network),
      [],
    );
    networkSnap(net, {
      id: networkIdOf(network),
      name: network,
      admin_state_up: true,
      shared: false,
      status: 'ACTIVE',
      subnets: [...subnets].map(subnetIdOf).join(','),
    });
    for (const name of subnets) {
      const spec = subnetOf({ network, subnet: name });
      const sub = resource(
        labUuid('resource', wl.key, snap.id, 'subnet', name),
        snap.id,
        'subnet',
        name,
        subnetIdOf(name),
        [],
      );
      networkSnap(sub, {
        id: subnetIdOf(name),
        name,
        cidr: spec.cidr,
        ip_version: 4,
        gateway_ip: spec.gateway,
        network_id: networkIdOf(network),
        enable_dhcp: true,
      });
    }
  }

  for (const vm of wl.vms) {
    const flavor = vm.flavor;
    resource(
      labUuid('resource', wl.key, snap.id, vm.key, 'flavor'),
      vm.id,
      'flavor',
      flavor.name,
      flavor.id,
      rows({
        name: flavor.name,
        id: flavor.id,
        vcpus: flavor.vcpus,
        ram: flavor.ram,
        disk: flavor.disk,
        ephemeral: 0,
        swap: '',
      }),
    );
    const group = resource(
      labUuid('resource', wl.key, snap.id, vm.key, 'security_group'),
      vm.id,
      'security_group',
      'default',
      labUuid('security-group', wl.key, 'default'),
      rows({
        name: 'default',
        security_group_type: 'neutron',
        vm_attached: '1',
        description: 'Default security group',
      }),
    );
    files.push({
      path: `security_group/vm_res_id_${group.id}/security_group_db`,
      content: [
        {
          id: labUuid('security-group-rule', group.id, 'egress'),
          vm_security_group_snap_id: group.id,
          pickle: pickleDumps({
            direction: 'egress',
            ethertype: 'IPv4',
            protocol: null,
            remote_ip_prefix: null,
          }),
          status: 'available',
          metadata: [],
        },
      ],
    });
    vm.nics.forEach((nic, n) => {
      const { ip, mac } = nicAddress(wl, vm, n);
      const spec = subnetOf(nic);
      const portId = labUuid('port', wl.key, vm.key, String(n));
      const res = resource(
        labUuid('resource', wl.key, snap.id, vm.key, 'nic', String(n)),
        vm.id,
        'nic',
        mac,
        portId,
        rows({
          network_id: networkIdOf(nic.network),
          network_name: nic.network,
          subnet_id: subnetIdOf(nic.subnet),
          ip_address: ip,
          mac_address: mac,
        }),
      );
      networkSnap(res, {
        ip_address: ip,
        mac_address: mac,
        network_type: 'neutron',
        cidr: spec.cidr,
        port_id: portId,
        network_id: networkIdOf(nic.network),
        subnet_id: subnetIdOf(nic.subnet),
      });
    });
    for (const disk of vm.disks) {
      const path = vaultPath(wl, snap, vm, disk);
      const backing = previous ? diskSnapId(wl, previous, vm, disk) : null;
      const metadata = disk.image
        ? rows({
            label: disk.name,
            image_id: disk.image.id,
            image_name: disk.image.name,
            hw_qemu_guest_agent: 'no',
            disk_format: 'qcow2',
            boot_index: 0,
          })
        : rows({
            label: disk.name,
            volume_id: disk.volumeId!,
            volume_name: `${vm.name}-${disk.name}`,
            volume_size: 1,
            volume_type: disk.volumeType,
            volume_mountpoint: `/dev/${disk.name}`,
            availability_zone: 'nova',
            disk_format: 'qcow2',
            ...(disk.boot ? { boot_index: 0 } : {}),
          });
      const res = resource(
        diskResourceId(wl, snap, vm, disk),
        vm.id,
        'disk',
        disk.name,
        disk.volumeId ?? disk.image!.id,
        metadata,
        {
          size: diskSize(path),
          restore: disk.sizeBytes,
        },
      );
      files.push({
        path: `vm_id_${vm.id}/vm_res_id_${res.id}_${disk.name}/disk_db`,
        content: [
          {
            id: diskSnapId(wl, snap, vm, disk),
            snapshot_vm_resource_id: res.id,
            vm_disk_resource_snap_backing_id: backing,
            top: true,
            vault_url: `/${path}`,
            size: diskSize(path),
            restore_size: disk.sizeBytes,
            status: 'available',
            created_at: snap.createdAt,
            deleted: false,
            metadata: rows({ disk_format: 'qcow2' }),
          },
        ],
      });
    }
  }
  return { resourcesDb: resources, files };
}

/** The NICs of a VM as restore.json tests expect them (`{mac, ip, network, subnet}`, in order). */
export function worldNics(
  wl: WorldWorkload,
  vm: WorldVm,
): { mac: string; ip: string; network: string; subnet: string }[] {
  return vm.nics.map((nic, n) => ({ ...nicAddress(wl, vm, n), network: nic.network, subnet: nic.subnet }));
}
