import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { SnapshotInstance } from '../trilio-records.js';

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
  jobschedule: Record<string, unknown>;
  /** The workload's VMs (from `workload_vms_db`). */
  instances: { id: string; name: string; metadata: Record<string, string> }[];
  /** The NFS export (backup target) the workload was found on. */
  share_export: string;
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

export interface RestoredInstance {
  id: string;
  name: string;
  status: string;
  /** The snapshot's instance this one restores. */
  source_instance_id: string;
  /** The compute host that read its disks. */
  host: string;
  availability_zone: string;
}

export interface RestoreRow {
  id: string;
  display_name: string;
  display_description: string;
  status: 'restoring' | 'available' | 'error' | 'cancelling' | 'cancelled';
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
  version: 1;
  workloads: Record<string, WorkloadRow>;
  snapshots: Record<string, SnapshotRow>;
  restores: Record<string, RestoreRow>;
  trusts: Record<string, TrustRow>;
  settings: Record<string, { name: string; value: string; project_id: string; description: string }>;
}

export const emptyState = (): ApplianceState => ({
  version: 1,
  workloads: {},
  snapshots: {},
  restores: {},
  trusts: {},
  settings: {},
});

export class ApplianceDb {
  state: ApplianceState = emptyState();
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly file: string) {}

  /** Loads the state file; false when there is none (a first start). */
  async load(): Promise<boolean> {
    try {
      this.state = JSON.parse(await readFile(this.file, 'utf8')) as ApplianceState;
      return true;
    } catch {
      this.state = emptyState();
      return false;
    }
  }

  /** Writes the current state atomically; writes are serialised so the last one wins. */
  save(): Promise<void> {
    const text = `${JSON.stringify(this.state, null, 2)}\n`;
    this.writing = this.writing.then(async () => {
      await mkdir(path.dirname(this.file), { recursive: true });
      await writeFile(`${this.file}.tmp`, text);
      await rename(`${this.file}.tmp`, this.file);
    });
    return this.writing;
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
