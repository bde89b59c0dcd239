/**
 * Shapes of the Trilio workloadmgr API v1 (see reference/trilio-api.md). Only the fields the DR wizard
 * reads are typed; Trilio returns more, and releases differ, so everything beyond the ids is optional
 * and unknown extras are kept as they came.
 */

export type TrilioStatus =
  | 'available'
  | 'creating'
  | 'executing'
  | 'restoring'
  | 'uploading'
  | 'locked'
  | 'cancelling'
  | 'cancelled'
  | 'deleting'
  | 'error'
  | (string & {});

/** A VM as a workload lists it. */
export interface TrilioWorkloadInstance {
  id: string;
  name?: string;
  metadata?: Record<string, unknown>;
}

export interface TrilioWorkload {
  id: string;
  name: string;
  description?: string;
  status: TrilioStatus;
  project_id?: string;
  user_id?: string;
  created_at?: string;
  updated_at?: string | null;
  workload_type_id?: string;
  availability_zone?: string | null;
  instances?: TrilioWorkloadInstance[];
  metadata?: Record<string, unknown> | { key: string; value: string }[];
  jobschedule?: Record<string, unknown>;
  storage_usage?: Record<string, unknown>;
  error_msg?: string | null;
  [extra: string]: unknown;
}

/** A NIC of a VM in a snapshot (`snapshot-show --output networks`). */
export interface TrilioSnapshotNic {
  network?: {
    id?: string;
    name?: string;
    cidr?: string;
    network_type?: string;
    subnet?: { id?: string; name?: string; cidr?: string; gateway_ip?: string };
  };
  ip_address?: string;
  mac_address?: string;
  [extra: string]: unknown;
}

/** A disk of a VM in a snapshot (`snapshot-show --output disks`). */
export interface TrilioSnapshotDisk {
  id?: string;
  label?: string | null;
  resource_id?: string;
  volume_id?: string | null;
  volume_name?: string | null;
  volume_type?: string | null;
  /** GiB. */
  volume_size?: number | null;
  volume_mountpoint?: string | null;
  availability_zone?: string | null;
  /** Bytes of the backed-up disk. */
  restore_size?: number;
  metadata?: Record<string, unknown>;
  [extra: string]: unknown;
}

export interface TrilioSnapshotInstance {
  id: string;
  name: string;
  status?: string;
  availability_zone?: string | null;
  flavor?: {
    id?: string;
    name?: string;
    vcpus?: number | string;
    ram?: number | string;
    disk?: number | string;
  };
  metadata?: Record<string, unknown>;
  nics?: TrilioSnapshotNic[];
  vdisks?: TrilioSnapshotDisk[];
  [extra: string]: unknown;
}

export interface TrilioSnapshot {
  id: string;
  name: string;
  description?: string;
  status: TrilioStatus;
  snapshot_type?: 'full' | 'incremental' | (string & {});
  workload_id?: string;
  created_at?: string;
  size?: number;
  restore_size?: number;
  progress_percent?: number;
  progress_msg?: string | null;
  error_msg?: string | null;
  instances?: TrilioSnapshotInstance[];
  [extra: string]: unknown;
}

export interface TrilioRestore {
  id: string;
  name?: string;
  description?: string;
  status: TrilioStatus;
  snapshot_id?: string;
  workload_id?: string;
  restore_type?: string;
  created_at?: string;
  finished_at?: string | null;
  progress_percent?: number;
  progress_msg?: string | null;
  error_msg?: string | null;
  instances?: { id: string; name?: string; status?: string; [extra: string]: unknown }[];
  [extra: string]: unknown;
}

/** One map of the reassign body (a JSON list of these is sent). */
export interface ReassignMap {
  /** Either workload ids… */
  workload_ids?: string[];
  /** …or the source project ids whose workloads move, never both non-empty. */
  old_tenant_ids?: string[];
  new_tenant_id: string;
  user_id: string;
  /** Trilio's name: move workloads whose data was written by another cloud (the DR case). */
  migrate_cloud: boolean;
}

export interface ReassignResult {
  reassigned_workloads: TrilioWorkload[];
  /** Ids Trilio could not reassign (empty when every one moved). */
  failed_workloads: string[];
}

/** Body of a restore: `{"restore": {name, description, options}}`; `options` is the restore.json. */
export interface RestoreRequest {
  name: string;
  description: string;
  options: Record<string, unknown>;
}

export interface TrilioTrust {
  name: string;
  /** Trilio returns the Keystone trust it made; the wizard reads the role names and ids. */
  metadata?: Record<string, unknown> | { key: string; value: string }[];
  value?: string;
  project_id?: string;
  user_id?: string;
  [extra: string]: unknown;
}

export interface CreateTrustRequest {
  /** The Keystone role the trust delegates (the trustee role); the token's user must hold it. */
  role_name: string;
  /** A cloud-admin trust (`trust-create --is_cloud_trust True admin`), not a project user's. */
  is_cloud_trust?: boolean;
}

export interface TrilioSetting {
  name: string;
  value: unknown;
  description?: string;
  category?: string;
  type?: string;
  [extra: string]: unknown;
}

/** A workloadmgr node (appliance) from `/workloads/metrics/nodes`. */
export interface TrilioNode {
  node: string;
  ipaddress?: string;
  status?: string;
  version?: string;
  is_controller?: boolean;
  is_vip?: boolean;
  [extra: string]: unknown;
}

/** A datamover (tvault-contego) service from `/workloads/metrics/contego_status`. */
export interface TrilioContegoService {
  host?: string;
  name?: string;
  status?: string;
  state?: string;
  zone?: string;
  version?: string;
  [extra: string]: unknown;
}

export interface TrilioLicense {
  [field: string]: unknown;
}
