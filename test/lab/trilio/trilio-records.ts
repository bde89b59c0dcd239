import { labMac, labUuid } from './lab-ids.js';
import { snapshotNetworks } from './workload-specs.js';
import type { WorldDisk, WorldSnapshot, WorldVm, WorldWorkload } from './world-types.js';

/**
 * The JSON files Trilio writes next to the backups (`workload_db`, `workload_vms_db`, `snapshot_db`,
 * `snapshot_vms_db`): dumps of its database rows, metadata as `{key, value}` rows, times in
 * Trilio's `YYYY-MM-DDTHH:MM:SS.ffffff` form. Pure builders from the world model.
 */

export type MetadataRows = { key: string; value: string }[];

export interface SnapshotNetwork {
  id: string;
  name: string;
  network_type: string;
  cidr: string;
  subnet: { id: string; name: string; cidr: string; ip_version: number; gateway_ip: string };
}

export interface SnapshotNic {
  mac_address: string;
  ip_address: string;
  network: SnapshotNetwork;
}

export interface SnapshotVdisk {
  id: string;
  volume_id: string;
  volume_name: string;
  /** GiB, as Cinder reports it (the lab's images are MiB; the nominal size stays 1). */
  volume_size: number;
  volume_type: string;
  volume_mountpoint: string;
  availability_zone: string;
  resource_id: string;
  vm_id: string;
  label: string;
  /** Virtual size of the backed-up disk in bytes. */
  restore_size: number;
  /** The qcow2 file, relative to the share's mount path. */
  vault_path: string;
  metadata: Record<string, string>;
}

export interface SnapshotInstance {
  id: string;
  name: string;
  status: string;
  availability_zone: string;
  flavor: {
    id: string;
    name: string;
    vcpus: number;
    ram: number;
    disk: number;
    ephemeral: number;
    swap: number;
  };
  metadata: Record<string, string>;
  nics: SnapshotNic[];
  vdisks: SnapshotVdisk[];
  security_group: { name: string; security_group_type: string }[];
}

export interface SnapshotDbFile {
  id: string;
  display_name: string;
  display_description: string;
  snapshot_type: 'full' | 'incremental';
  status: string;
  created_at: string;
  updated_at: string;
  finished_at: string;
  size: number;
  restore_size: number;
  uploaded_size: number;
  progress_percent: number;
  progress_msg: string;
  error_msg: string | null;
  warning_msg: string | null;
  time_taken: number;
  workload_id: string;
  project_id: string;
  user_id: string;
  host: string;
  deleted: boolean;
  metadata: MetadataRows;
  instances: SnapshotInstance[];
}

export interface WorkloadDbFile {
  id: string;
  display_name: string;
  display_description: string;
  project_id: string;
  user_id: string;
  status: string;
  created_at: string;
  updated_at: string;
  deleted: boolean;
  availability_zone: string;
  workload_type_id: string;
  source_platform: string;
  metadata: MetadataRows;
  jobschedule: Record<string, string | boolean | number>;
}

/** Trilio's time format (Python `isoformat()` of a naive UTC datetime with microseconds). */
export function trilioTime(date: Date): string {
  return `${date.toISOString().slice(0, 19)}.000000`;
}

/** The "Serial" workload type every Trilio install has. */
export const serialWorkloadTypeId = 'f82ce76f-17fe-438b-aa37-7a023058e50d';

export function snapshotNetwork(name: string): SnapshotNetwork {
  const net = snapshotNetworks[name];
  if (!net) throw new Error(`unknown snapshot network ${name}`);
  return {
    id: labUuid('network', name),
    name,
    network_type: 'neutron',
    cidr: net.cidr,
    subnet: {
      id: labUuid('subnet', net.subnet),
      name: net.subnet,
      cidr: net.cidr,
      ip_version: 4,
      gateway_ip: net.gateway,
    },
  };
}

export function diskResourceId(wl: WorldWorkload, snap: WorldSnapshot, vm: WorldVm, disk: WorldDisk): string {
  return labUuid('resource', wl.key, snap.id, vm.key, disk.name);
}

/** `workload_<id>/snapshot_<id>/vm_id_<vm>/vm_res_id_<resource>_<disk name>/<volume id>` */
export function vaultPath(wl: WorldWorkload, snap: WorldSnapshot, vm: WorldVm, disk: WorldDisk): string {
  return [
    `workload_${wl.id}`,
    `snapshot_${snap.id}`,
    `vm_id_${vm.id}`,
    `vm_res_id_${diskResourceId(wl, snap, vm, disk)}_${disk.name}`,
    disk.volumeId,
  ].join('/');
}

function ipOf(cidr: string, host: number): string {
  const base = cidr.split('/')[0]!.split('.').map(Number);
  return `${base[0]}.${base[1]}.${base[2]}.${host}`;
}

export function workloadDb(wl: WorldWorkload): WorkloadDbFile {
  return {
    id: wl.id,
    display_name: wl.name,
    display_description: wl.description,
    project_id: wl.projectId,
    user_id: wl.userId,
    status: 'available',
    created_at: wl.createdAt,
    updated_at: wl.snapshots.at(-1)!.createdAt,
    deleted: false,
    availability_zone: 'nova',
    workload_type_id: serialWorkloadTypeId,
    source_platform: 'openstack',
    metadata: [
      { key: 'backup_media_target', value: wl.shareExport },
      { key: 'hostnames', value: JSON.stringify(wl.vms.map((vm) => vm.name)) },
      { key: 'preferredgroup', value: '[]' },
      { key: 'workload_approx_backup_size', value: String(approxBackupSize(wl)) },
      { key: 'lab_workload_key', value: wl.key },
    ],
    jobschedule: {
      enabled: true,
      start_date: wl.createdAt.slice(0, 10),
      start_time: '01:00 AM',
      interval: '24 hrs',
      retention_policy_type: 'Number of Snapshots to Keep',
      retention_policy_value: '30',
      fullbackup_interval: '-1',
      timezone: 'UTC',
    },
  };
}

function approxBackupSize(wl: WorldWorkload): number {
  return wl.vms.flatMap((vm) => vm.disks).reduce((sum, d) => sum + d.sizeBytes, 0);
}

export function workloadVmsDb(wl: WorldWorkload): Record<string, unknown>[] {
  return wl.vms.map((vm) => ({
    id: labUuid('workload-vm', wl.key, vm.key),
    vm_id: vm.id,
    vm_name: vm.name,
    workload_id: wl.id,
    status: 'available',
    created_at: wl.createdAt,
    deleted: false,
    metadata: [
      { key: 'availability_zone', value: 'nova' },
      { key: 'flavor', value: vm.flavor.name },
      { key: 'networks', value: JSON.stringify(vm.networks) },
    ],
  }));
}

export function snapshotInstances(wl: WorldWorkload, snap: WorldSnapshot): SnapshotInstance[] {
  return wl.vms.map((vm, vmIndex) => ({
    id: vm.id,
    name: vm.name,
    status: 'available',
    availability_zone: 'nova',
    flavor: { ...vm.flavor, ephemeral: 0, swap: 0 },
    metadata: { workload_id: wl.id, workload_name: wl.name },
    nics: vm.networks.map((name) => {
      const network = snapshotNetwork(name);
      return {
        mac_address: labMac(wl.key, vm.key, name),
        ip_address: ipOf(network.cidr, 10 + vmIndex),
        network,
      };
    }),
    vdisks: vm.disks.map((disk) => ({
      id: disk.volumeId,
      volume_id: disk.volumeId,
      volume_name: `${vm.name}-${disk.name}`,
      volume_size: 1,
      volume_type: disk.volumeType,
      volume_mountpoint: `/dev/${disk.name}`,
      availability_zone: 'nova',
      resource_id: diskResourceId(wl, snap, vm, disk),
      vm_id: vm.id,
      label: disk.name,
      restore_size: disk.sizeBytes,
      vault_path: vaultPath(wl, snap, vm, disk),
      metadata: { boot_disk: disk.boot ? 'true' : 'false', disk_format: 'qcow2' },
    })),
    security_group: [{ name: 'default', security_group_type: 'neutron' }],
  }));
}

export function snapshotDb(wl: WorldWorkload, index: number, sizeBytes: number): SnapshotDbFile {
  const snap = wl.snapshots[index]!;
  const full = snap.type === 'full';
  const restoreSize = approxBackupSize(wl);
  return {
    id: snap.id,
    display_name: full ? 'initial full' : 'jobscheduler',
    display_description: full ? 'First full snapshot' : 'jobscheduler',
    snapshot_type: snap.type,
    status: 'available',
    created_at: snap.createdAt,
    updated_at: snap.createdAt,
    finished_at: snap.createdAt,
    size: sizeBytes,
    restore_size: restoreSize,
    uploaded_size: sizeBytes,
    progress_percent: 100,
    progress_msg: 'Snapshot of workload is complete',
    error_msg: null,
    warning_msg: null,
    time_taken: full ? 312 : 41,
    workload_id: wl.id,
    project_id: wl.projectId,
    user_id: wl.userId,
    host: wl.cloud === 'A' ? 'tvm-a' : 'tvm-1',
    deleted: false,
    metadata: [
      { key: 'backup_media_target', value: wl.shareExport },
      { key: 'lab_snapshot_index', value: String(index) },
    ],
    instances: snapshotInstances(wl, snap),
  };
}

export function snapshotVmsDb(wl: WorldWorkload, index: number): Record<string, unknown>[] {
  const snap = wl.snapshots[index]!;
  return wl.vms.map((vm) => ({
    id: labUuid('snapshot-vm', wl.key, snap.id, vm.key),
    vm_id: vm.id,
    vm_name: vm.name,
    snapshot_id: snap.id,
    snapshot_type: snap.type,
    status: 'available',
    created_at: snap.createdAt,
    size: vm.disks.reduce((sum, d) => sum + d.sizeBytes, 0),
    restore_size: vm.disks.reduce((sum, d) => sum + d.sizeBytes, 0),
    deleted: false,
    metadata: [
      { key: 'availability_zone', value: 'nova' },
      { key: 'vm_metadata', value: JSON.stringify({ workload_id: wl.id, workload_name: wl.name }) },
      { key: 'flavor_id', value: vm.flavor.id },
    ],
  }));
}
