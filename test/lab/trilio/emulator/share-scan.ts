import { chown, readFile, readdir, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { SnapshotRow, WorkloadRow } from './appliance-db.js';
import type { MountedShare } from './lab-hosts.js';
import { pickleDumps, unpickleDict, type PickleValue } from './python-pickle.js';
import { pythonJson } from './python-json.js';
import { metadataOf, readSnapshotInstances } from './snapshot-files.js';

/**
 * Workloads on the backup target, read the way Trilio's import reads them: every `workload_<id>`
 * folder of every mounted share with its `workload_db`, `workload_vms_db` and per snapshot
 * `snapshot_db` and the files behind snapshot show. Shares are walked in configuration order; a
 * workload id found on two shares is two entries here (the orphan and import lists show both,
 * while reassign and import take the first share's copy, as workloadmgr's `update_workload_db` and
 * `get_workload_url` do).
 */

export interface ShareWorkload {
  id: string;
  /** The folder as this machine reaches it (through the TVM's mount namespace). */
  folder: string;
  share: MountedShare;
  workload: Record<string, unknown>;
}

const folderPattern = /^workload_([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

async function readJson<T>(file: string): Promise<T | null> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch {
    return null;
  }
}

/** Every workload folder with a readable `workload_db`, share by share in configuration order. */
export async function scanShares(shares: MountedShare[]): Promise<ShareWorkload[]> {
  const found: ShareWorkload[] = [];
  for (const share of shares) {
    const entries = await readdir(share.visiblePath).catch(() => [] as string[]);
    for (const entry of entries.sort()) {
      const id = folderPattern.exec(entry)?.[1];
      if (!id) continue;
      const folder = path.join(share.visiblePath, entry);
      const workload = await readJson<Record<string, unknown>>(path.join(folder, 'workload_db'));
      if (workload && workload.id === id) found.push({ id, folder, share, workload });
    }
  }
  return found;
}

/** The first copy of each workload id (configuration order), as reassign and import pick them. */
export function firstCopies(found: ShareWorkload[]): Map<string, ShareWorkload> {
  const first = new Map<string, ShareWorkload>();
  for (const copy of found) if (!first.has(copy.id)) first.set(copy.id, copy);
  return first;
}

const text = (value: unknown): string =>
  typeof value === 'string' ? value : value == null ? '' : String(value);

/** The database rows an import makes from a workload folder found on `shareExport`. */
export async function readWorkloadRows(
  folder: string,
  shareExport: string,
): Promise<{ workload: WorkloadRow; snapshots: SnapshotRow[] }> {
  const db = await readJson<Record<string, unknown>>(path.join(folder, 'workload_db'));
  if (!db) throw new Error(`${folder} has no readable workload_db`);
  const vms = (await readJson<Record<string, unknown>[]>(path.join(folder, 'workload_vms_db'))) ?? [];
  const metadata = metadataOf(db.metadata);
  const workload: WorkloadRow = {
    id: text(db.id),
    display_name: text(db.display_name),
    display_description: text(db.display_description),
    project_id: text(db.project_id ?? db.tenant_id),
    user_id: text(db.user_id),
    // Import sets a locked workload back to available (import_workload's update_resource_list).
    status: db.status === 'locked' || !db.status ? 'available' : text(db.status),
    error_msg: null,
    created_at: text(db.created_at),
    updated_at: text(db.updated_at),
    deleted: false,
    deleted_at: null,
    availability_zone: text(db.availability_zone),
    workload_type_id: text(db.workload_type_id),
    metadata,
    jobschedule: unpickleDict(db.jobschedule) ?? {},
    instances: vms.map((vm) => ({
      id: text(vm.vm_id),
      name: text(vm.vm_name),
      metadata: metadataOf(vm.metadata),
    })),
    share_export: shareExport,
  };
  const snapshots: SnapshotRow[] = [];
  for (const entry of (await readdir(folder)).sort()) {
    if (!entry.startsWith('snapshot_')) continue;
    const dir = path.join(folder, entry);
    const snap = await readJson<Record<string, unknown>>(path.join(dir, 'snapshot_db'));
    if (!snap) continue;
    const id = text(snap.id);
    const available = snap.status === 'available';
    snapshots.push({
      id,
      display_name: text(snap.display_name),
      display_description: text(snap.display_description),
      snapshot_type: snap.snapshot_type === 'full' ? 'full' : 'incremental',
      // Import marks a snapshot whose upload did not finish as error (update_resource_list).
      status: available ? 'available' : 'error',
      created_at: text(snap.created_at),
      updated_at: text(snap.updated_at),
      finished_at: text(snap.finished_at),
      size: Number(snap.size ?? 0),
      restore_size: Number(snap.restore_size ?? 0),
      uploaded_size: Number(snap.uploaded_size ?? 0),
      progress_percent: Number(snap.progress_percent ?? 0),
      progress_msg: text(snap.progress_msg),
      error_msg: available ? null : 'Upload was not completed successfully.',
      warning_msg: snap.warning_msg == null ? null : text(snap.warning_msg),
      time_taken: Number(snap.time_taken ?? 0),
      workload_id: text(snap.workload_id),
      project_id: text(snap.project_id ?? snap.tenant_id),
      user_id: text(snap.user_id),
      host: text(snap.host),
      deleted: false,
      deleted_at: null,
      metadata: metadataOf(snap.metadata),
      instances: await readSnapshotInstances(dir, id),
      share_export: shareExport,
    });
  }
  return { workload, snapshots };
}

/** Rewrites a JSON file in place as workloadmgr does (`json.dump`), keeping its owner and mode. */
async function rewriteJson(file: string, change: (value: Record<string, unknown>) => void): Promise<void> {
  const value = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  change(value);
  const info = await stat(file);
  await writeFile(`${file}.tmp`, pythonJson(value), { mode: info.mode & 0o7777 });
  await chown(`${file}.tmp`, info.uid, info.gid);
  await rename(`${file}.tmp`, file);
}

/** Every `*workload_db` and `*snapshot_db` file under a workload folder (os.walk order does not matter). */
async function dbFiles(folder: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(folder, { recursive: true, withFileTypes: true }))
    if (entry.isFile() && (entry.name.endsWith('workload_db') || entry.name.endsWith('snapshot_db')))
      out.push(path.join(entry.parentPath, entry.name));
  return out;
}

/**
 * What reassign writes to the backup target (workloadmgr's `vault.update_workload_db`): the new
 * `project_id` (or `tenant_id`) and `user_id` in `workload_db` and every `snapshot_db`, and the job
 * schedule switched off (`enabled` True → False, re-pickled). Returns the new job schedule.
 */
export async function rewriteOwnership(
  folder: string,
  projectId: string,
  userId: string,
): Promise<Record<string, PickleValue> | undefined> {
  let jobschedule: Record<string, PickleValue> | undefined;
  for (const file of await dbFiles(folder))
    await rewriteJson(file, (value) => {
      if (value.project_id !== undefined && value.project_id !== null) value.project_id = projectId;
      else value.tenant_id = projectId;
      value.user_id = userId;
      const schedule = unpickleDict(value.jobschedule);
      if (schedule) {
        if (schedule.enabled === true) {
          schedule.enabled = false;
          value.jobschedule = pickleDumps(schedule);
        }
        jobschedule = schedule;
      }
    });
  return jobschedule;
}

/** Import's `update_backup_media_target`: the share a workload was found on becomes its target. */
export async function updateBackupMediaTarget(folder: string, shareExport: string): Promise<void> {
  const files = [path.join(folder, 'workload_db')];
  for (const entry of await readdir(folder))
    if (entry.startsWith('snapshot_')) files.push(path.join(folder, entry, 'snapshot_db'));
  for (const file of files) {
    const current = await readJson<Record<string, unknown>>(file);
    const rows =
      current && Array.isArray(current.metadata)
        ? (current.metadata as { key: string; value: unknown }[])
        : [];
    const row = rows.find((r) => r.key === 'backup_media_target');
    if (!row || row.value === shareExport) continue;
    await rewriteJson(file, (value) => {
      const meta = value.metadata as { key: string; value: unknown }[];
      const target = meta.find((r) => r.key === 'backup_media_target');
      if (target) target.value = shareExport;
    });
  }
}

/** Rewrites `workload_db` after a modify (the appliance uploads the changed record). */
export async function writeWorkloadRecord(
  folder: string,
  change: {
    jobschedule: Record<string, PickleValue>;
    user_id: string;
    display_name: string;
    display_description: string;
  },
): Promise<void> {
  await rewriteJson(path.join(folder, 'workload_db'), (value) => {
    value.jobschedule = pickleDumps(change.jobschedule);
    value.user_id = change.user_id;
    value.display_name = change.display_name;
    value.display_description = change.display_description;
  });
}
