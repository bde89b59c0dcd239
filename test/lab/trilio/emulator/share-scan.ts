import { chown, readFile, readdir, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { MetadataRows, SnapshotDbFile, WorkloadDbFile } from '../trilio-records.js';
import type { SnapshotRow, WorkloadRow } from './appliance-db.js';
import type { MountedShare } from './lab-hosts.js';

/**
 * Workloads on the backup target, read the way Trilio's import reads them: every `workload_<id>`
 * folder of a mounted share with its `workload_db`, `workload_vms_db` and `snapshot_<id>/snapshot_db`.
 */

export interface ShareWorkload {
  id: string;
  /** The folder as this machine reaches it (through the TVM's mount namespace). */
  folder: string;
  share: MountedShare;
  workload: WorkloadDbFile;
}

const folderPattern = /^workload_([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

async function readJson<T>(file: string): Promise<T | null> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch {
    return null;
  }
}

/** Workloads on the shares, first share (config order) winning for an id found on two. */
export async function scanShares(shares: MountedShare[]): Promise<ShareWorkload[]> {
  const found = new Map<string, ShareWorkload>();
  for (const share of shares) {
    const entries = await readdir(share.visiblePath).catch(() => [] as string[]);
    for (const entry of entries.sort()) {
      const id = folderPattern.exec(entry)?.[1];
      if (!id || found.has(id)) continue;
      const folder = path.join(share.visiblePath, entry);
      const workload = await readJson<WorkloadDbFile>(path.join(folder, 'workload_db'));
      if (workload && workload.id === id) found.set(id, { id, folder, share, workload });
    }
  }
  return [...found.values()];
}

export const metadataRecord = (
  rows: MetadataRows | Record<string, string> | undefined,
): Record<string, string> =>
  Array.isArray(rows) ? Object.fromEntries(rows.map((r) => [r.key, r.value])) : { ...(rows ?? {}) };

/** The database rows an import makes from a workload folder. */
export async function readWorkloadRows(
  folder: string,
  shareExport: string,
): Promise<{ workload: WorkloadRow; snapshots: SnapshotRow[] }> {
  const db = await readJson<WorkloadDbFile>(path.join(folder, 'workload_db'));
  if (!db) throw new Error(`${folder} has no readable workload_db`);
  const vms =
    (await readJson<{ vm_id: string; vm_name: string; metadata?: MetadataRows }[]>(
      path.join(folder, 'workload_vms_db'),
    )) ?? [];
  const workload: WorkloadRow = {
    id: db.id,
    display_name: db.display_name,
    display_description: db.display_description,
    project_id: db.project_id,
    user_id: db.user_id,
    status: 'available',
    error_msg: null,
    created_at: db.created_at,
    updated_at: db.updated_at,
    deleted: false,
    deleted_at: null,
    availability_zone: db.availability_zone,
    workload_type_id: db.workload_type_id,
    metadata: metadataRecord(db.metadata),
    jobschedule: db.jobschedule,
    instances: vms.map((vm) => ({ id: vm.vm_id, name: vm.vm_name, metadata: metadataRecord(vm.metadata) })),
    share_export: shareExport,
  };
  const snapshots: SnapshotRow[] = [];
  for (const entry of (await readdir(folder)).sort()) {
    if (!entry.startsWith('snapshot_')) continue;
    const snap = await readJson<SnapshotDbFile>(path.join(folder, entry, 'snapshot_db'));
    if (!snap) continue;
    snapshots.push({
      ...snap,
      status: snap.status,
      deleted: false,
      deleted_at: null,
      metadata: metadataRecord(snap.metadata),
      share_export: shareExport,
    });
  }
  return { workload, snapshots };
}

/** Rewrites a JSON file in place, keeping its owner (nova) and mode. */
async function rewriteJson(file: string, change: (value: Record<string, unknown>) => void): Promise<void> {
  const value = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  change(value);
  const info = await stat(file);
  await writeFile(`${file}.tmp`, JSON.stringify(value, null, 2), { mode: info.mode & 0o7777 });
  await chown(`${file}.tmp`, info.uid, info.gid);
  await rename(`${file}.tmp`, file);
}

/** The ownership change a reassign writes to the backup target (workload_db and every snapshot_db). */
export async function rewriteOwnership(folder: string, projectId: string, userId: string): Promise<void> {
  const set = (value: Record<string, unknown>): void => {
    value.project_id = projectId;
    value.user_id = userId;
  };
  await rewriteJson(path.join(folder, 'workload_db'), set);
  for (const entry of await readdir(folder))
    if (entry.startsWith('snapshot_'))
      await rewriteJson(path.join(folder, entry, 'snapshot_db'), set).catch(() => undefined);
}
