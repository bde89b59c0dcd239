import { matchesQuery, type ScannedWorkload } from '../../../../shared/discovery/workload-scan.js';
import type { StepOutcome } from '../../../../shared/run/run-types.js';

/**
 * The find step's outcome data as the renderer reads it. It mirrors `FindOutcomeData` of the main
 * process (electron/core/dr/steps/find-step.ts), which the renderer may not import; the shape is
 * checked before use so an older or newer core shows "no list" instead of breaking the panel.
 */
export interface FindData {
  sourceRoot: string;
  workloads: ScannedWorkload[];
  selected: ScannedWorkload | null;
}

/** The scanned workloads of a find outcome, or null when the outcome has none. */
export function findDataOf(outcome: StepOutcome | undefined): FindData | null {
  const data = outcome?.data as Partial<FindData> | undefined;
  if (!data || typeof data !== 'object' || !Array.isArray(data.workloads)) return null;
  return {
    sourceRoot: typeof data.sourceRoot === 'string' ? data.sourceRoot : '',
    workloads: data.workloads,
    selected: data.selected ?? null,
  };
}

/** One row of the workload table: what a user recognises a workload by. */
export interface WorkloadRow {
  id: string;
  name: string;
  project: string;
  vmCount: number;
  vmNames: string;
  snapshotCount: number;
  /** Creation time of the newest snapshot, '' when there is none. */
  lastSnapshot: string;
  sizeBytes: number;
  /** "file: message" of every file that could not be read. */
  errors: string[];
}

export function workloadRow(w: ScannedWorkload): WorkloadRow {
  const dates = w.snapshots.map((s) => s.createdAt).filter((d): d is string => typeof d === 'string');
  return {
    id: w.id,
    name: w.name ?? '',
    project: w.projectId ?? '',
    vmCount: w.vms.length,
    vmNames: w.vms.map((vm) => vm.name ?? vm.id ?? '?').join(', '),
    snapshotCount: w.snapshots.length,
    lastSnapshot: dates.sort().at(-1) ?? '',
    sizeBytes: w.sizeBytes,
    errors: w.errors.map((e) => `${e.file}: ${e.message}`),
  };
}

/**
 * The rows matching a search (every word must occur in the id, name, project, metadata, VM or
 * snapshot names — the runbook's fallback when the id is not known), sorted by name, then id.
 */
export function workloadRows(workloads: readonly ScannedWorkload[], query: string): WorkloadRow[] {
  return workloads
    .filter((w) => matchesQuery(w, query))
    .map(workloadRow)
    .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
}

const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** Bytes in binary units with one decimal above KiB ("1.5 GiB"). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '?';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** An ISO timestamp as "YYYY-MM-DD HH:MM" (UTC, as Trilio records it); other text unchanged. */
export function formatWhen(iso: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})/.exec(iso);
  return match ? `${match[1]} ${match[2]}` : iso;
}
