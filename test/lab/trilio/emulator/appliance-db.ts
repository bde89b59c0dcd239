import { readFile } from 'node:fs/promises';
import { StateFile } from './state-file.js';
import type { PickleValue } from './python-pickle.js';

/**
 * The appliance's database (Trilio keeps it in MySQL on the TVM): the workloads, snapshots, restores,
 * trusts and settings it knows. Deletes are soft (`deleted` set, rows kept) like Trilio's; only the
 * purge removes rows. Persisted to `.lab/trilio/state.json`, written atomically after every change,
 * so a restarted emulator keeps its state.
 */

export interface WorkloadRow {
  id: string;
  display_name: string;
  display_description: string;
  project_id: string;
  user_id: string;
  status: string;
  error_msg: string | null;
  created_at: string;
  updated_at: string;
  deleted: boolean;
  deleted_at: string | null;
  availability_zone: string;
  workload_type_id: string;
  metadata: Record<string, string>;
  /** The unpickled `jobschedule` of `workload_db`. */
  jobschedule: Record<string, PickleValue>;
  /** The workload's VMs (from `workload_vms_db`). */
  instances: { id: string; name: string; metadata: Record<string, string> }[];
  /** The NFS export (backup target) the workload was found on. */
  share_export: string;
}

/** A NIC as snapshot show gives it (from `resources_db` and the pickles in `network_db`). */
export interface SnapshotNicRow {
  mac_address: string;
  ip_address: string;
  network: {
    id: string;
    name: string;
    cidr: string | null;
    network_type: string;
    subnet?: { id: string; name: string; cidr: string; ip_version: number; gateway_ip: string };
  };
}

/** A disk as snapshot show gives it, plus where its qcow2 file is (hidden from views). */
export interface SnapshotDiskRow {
  label: string;
  resource_id: string;
  restore_size: number;
  vm_id: string;
  volume_id?: string;
  volume_name?: string;
  volume_size?: string;
  volume_type?: string;
  volume_mountpoint?: string;
  availability_zone?: string;
  image_id?: string;
  image_name?: string;
  hw_qemu_guest_agent?: string;
  /** `disk_db`'s `vault_url` of the top image: relative to the share's mount path, leading slash. */
  vault_url: string;
}

export interface SnapshotInstance {
  id: string;
  name: string;
  status: string;
  metadata: Record<string, string>;
  /** From the flavor resource's metadata (strings, as Trilio stores them). */
  flavor: { name: string; vcpus: string; ram: string; disk: string; ephemeral: string; swap: string };
  nics: SnapshotNicRow[];
  vdisks: SnapshotDiskRow[];
  security_group: { name: string; security_group_type: string }[];
}

export interface SnapshotRow {
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
  deleted_at: string | null;
  metadata: Record<string, string>;
  instances: SnapshotInstance[];
  share_export: string;
}

/** What a restore made of one instance (recorded so tests can compare it with restore.json). */
export interface RestoredInstance {
  id: string;
  name: string;
  status: string;
  /** The snapshot's instance this one restores. */
  source_instance_id: string;
  /** The compute host that read its disks. */
  host: string;
  availability_zone: string;
  flavor: {
    id: string;
    name: string;
    vcpus: number;
    ram: number;
    disk: number;
    ephemeral: number;
    swap: number;
    /** Trilio created it (no flavor of the cloud matched). */
    created: boolean;
  };
  nics: {
    port_id: string;
    mac_address: string;
    ip_address: string;
    network_id: string;
    subnet_id: string;
    /**
     * `nics` (fixed IP and MAC kept), `networks_mapping` (new ones) or `restore_topology` (the
     * snapshot's network recreated, the IP kept).
     */
    source: 'nics' | 'networks_mapping' | 'restore_topology';
    snapshot_mac_address: string;
  }[];
  /** Volumes made for the volume-backed disks. */
  volumes: {
    id: string;
    source_volume_id: string;
    label: string;
    volume_type: string;
    availability_zone: string;
    size: number;
  }[];
  /** How its boot disk came back: from the snapshot's image-backed disk (`restore_boot_disk`) or a volume. */
  boot:
    { from: 'image'; image_id: string; image_name: string } | { from: 'volume'; volume_id: string } | null;
}

export interface RestoreRow {
  id: string;
  display_name: string;
  display_description: string;
  status: 'restoring' | 'executing' | 'available' | 'error' | 'cancelling' | 'cancelled';
  restore_type: string;
  snapshot_id: string;
  workload_id: string;
  project_id: string;
  user_id: string;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
  progress_percent: number;
  progress_msg: string;
  error_msg: string | null;
  warning_msg: string | null;
  time_taken: number;
  size: number;
  uploaded_size: number;
  restore_options: unknown;
  instances: RestoredInstance[];
  /** Networks and subnets a `restore_topology` restore recreated. */
  networks?: { id: string; name: string }[];
  subnets?: { id: string; name: string }[];
  deleted: boolean;
  deleted_at: string | null;
}

export interface TrustRow {
  id: string;
  name: string;
  project_id: string;
  user_id: string;
  role_name: string;
  is_cloud_trust: boolean;
  created_at: string;
}

export interface ApplianceState {
  version: 2;
  workloads: Record<string, WorkloadRow>;
  snapshots: Record<string, SnapshotRow>;
  restores: Record<string, RestoreRow>;
  trusts: Record<string, TrustRow>;
  settings: Record<string, { name: string; value: string; project_id: string; description: string }>;
  /** `global_job_scheduler` enable/disable. */
  globalJobScheduler: boolean;
  /** Fixed IPs handed out by restores per target subnet (so two restored VMs never share one). */
  ipAllocations: Record<string, string[]>;
}

export const stateVersion = 2;

export const emptyState = (): ApplianceState => ({
  version: 2,
  workloads: {},
  snapshots: {},
  restores: {},
  trusts: {},
  settings: {},
  globalJobScheduler: true,
  ipAllocations: {},
});

export class ApplianceDb {
  state: ApplianceState = emptyState();
  private readonly stateFile: StateFile;

  constructor(private readonly file: string) {
    this.stateFile = new StateFile(file, () => this.state);
  }

  /** Loads the state file; false when there is none (a first start) or it is of an older layout. */
  async load(): Promise<boolean> {
    try {
      this.state = JSON.parse(await readFile(this.file, 'utf8')) as ApplianceState;
      if (this.state.version !== stateVersion) throw new Error('older state layout');
      return true;
    } catch {
      this.state = emptyState();
      return false;
    }
  }

  /** Background writes for the benchmarks' loaded appliance (see `StateFile.lazyWrites`). */
  lazyWrites(ms: number): Promise<void> {
    return this.stateFile.lazyWrites(ms);
  }

  save(): Promise<void> {
    return this.stateFile.save();
  }

  liveWorkloads(): WorkloadRow[] {
    return Object.values(this.state.workloads).filter((w) => !w.deleted);
  }

  snapshotsOf(workloadId: string, includeDeleted = false): SnapshotRow[] {
    return Object.values(this.state.snapshots)
      .filter((s) => s.workload_id === workloadId && (includeDeleted || !s.deleted))
      .sort((a, b) => a.created_at.localeCompare(b.created_at));
  }
}

/** Trilio's time format for "now". */
export function nowText(): string {
  return `${new Date().toISOString().slice(0, 19)}.000000`;
}
