import { readRestoreOutcomeData } from '../../../../shared/report/restore-outcome.js';
import type { StepKey } from '../../../../shared/run/plan-types.js';
import type { RunView, StepState } from '../../../../shared/run/run-types.js';
import { findDataOf } from './find-data.js';

/** The steps that act on every workload of a full-cloud run and show the per-workload table. */
export const bulkSteps: readonly StepKey[] = ['access', 'reassign', 'restore', 'notify'];

export type BulkState = 'ok' | 'failed' | 'running' | 'pending';

/** One workload in a bulk step: where it goes and how it fared there. */
export interface BulkRow {
  workloadId: string;
  name: string;
  /** Cloud A's project: its name when known, else its id. */
  source: string;
  sourceId: string;
  /** The target project in cloud B ('' = not mapped). */
  target: string;
  /** What the step reported for the workload, in its words ("available", "reassigned", …). */
  status: string;
  state: BulkState;
  error: string;
  /** Restore: the new instances and the restore id; reassign: the trustee. */
  detail: string;
}

/*
 * The outcome data of the access and reassign steps as the renderer reads them. They mirror the data
 * the main process writes (electron/core/dr/steps/{access,reassign}-step.ts), which the renderer may
 * not import; every field is checked, so another core version shows "not reported" instead of breaking.
 */
interface AccessProject {
  id: string;
  name: string;
  granted: boolean;
}
interface ReassignRow {
  workloadId: string;
  targetProjectName: string;
  trusteeUserName: string;
  reassigned: boolean;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

function accessProjects(data: unknown): AccessProject[] | null {
  if (!isRecord(data) || !Array.isArray(data.projects)) return null;
  return data.projects.filter(isRecord).map((p) => ({
    id: str(p.id),
    name: str(p.name),
    granted: p.granted === true,
  }));
}

function reassignRows(data: unknown): ReassignRow[] | null {
  if (!isRecord(data) || !Array.isArray(data.workloads)) return null;
  return data.workloads.filter(isRecord).map((w) => ({
    workloadId: str(w.workloadId),
    targetProjectName: str(w.targetProjectName),
    trusteeUserName: str(w.trusteeUserName),
    reassigned: w.reassigned === true,
  }));
}

const restoreStates: Record<string, BulkState> = {
  available: 'ok',
  notified: 'ok',
  restoring: 'running',
  error: 'failed',
  cancelled: 'failed',
  skipped: 'pending',
};

/** A step error names the workloads it concerns ("res-notebook (id): …"); a row it names failed. */
function namedIn(message: string, row: { name: string; workloadId: string }): boolean {
  return message.includes(row.workloadId) || (row.name !== '' && message.includes(row.name));
}

/**
 * The rows of a bulk step's table: every workload the Find step saw with its source project, the
 * mapping's target, and what the step's outcome says about it. A step that failed without a
 * per-workload outcome marks the rows its error names as failed, the others as not verified.
 */
export function bulkRows(run: RunView, key: StepKey): BulkRow[] {
  const find = findDataOf(run.steps.find((s) => s.key === 'find')?.outcome);
  if (!find) return [];
  const mapping = run.params.kind === 'full' ? run.params.mapping : [];
  const state = run.steps.find((s) => s.key === key);
  const base: BulkRow[] = find.workloads
    .filter((w) => w.projectId)
    .map((w) => {
      const m = mapping.find((x) => x.sourceProjectId === w.projectId);
      return {
        workloadId: w.id,
        name: w.name ?? w.id,
        source: m?.sourceProjectName || (w.projectId ?? ''),
        sourceId: w.projectId ?? '',
        target: m?.targetProject ?? '',
        status: m?.targetProject ? 'not run yet' : 'not mapped',
        state: 'pending' as const,
        error: '',
        detail: '',
      };
    })
    .sort((a, b) => a.source.localeCompare(b.source) || a.name.localeCompare(b.name));
  if (!state) return base;
  const rows = base.map((row) => withOutcome(row, key, state));
  return rows.map((row) => withStepStatus(row, state));
}

function withOutcome(row: BulkRow, key: StepKey, state: StepState): BulkRow {
  const data = state.outcome?.data;
  if (data === undefined) return row;
  if (key === 'access') {
    const project = accessProjects(data)?.find((p) => p.name === row.target || p.id === row.target);
    if (!project) return { ...row, status: 'not reported' };
    return {
      ...row,
      status: project.granted ? 'role granted' : 'role held already',
      state: 'ok',
      detail: `project ${project.name}`,
    };
  }
  if (key === 'reassign') {
    const moved = reassignRows(data)?.find((w) => w.workloadId === row.workloadId);
    if (!moved) return { ...row, status: 'not reported' };
    return {
      ...row,
      target: moved.targetProjectName || row.target,
      status: moved.reassigned ? 'reassigned' : 'already in target',
      state: 'ok',
      detail: moved.trusteeUserName ? `trustee ${moved.trusteeUserName}` : '',
    };
  }
  const restored = readRestoreOutcomeData(data)?.workloads.find((w) => w.workloadId === row.workloadId);
  if (!restored) return { ...row, status: 'not reported' };
  const instances = (restored.instances ?? []).map((i) => i.name).join(', ');
  const detail = [
    instances ? `instances ${instances}` : '',
    restored.restoreId ? `restore ${restored.restoreId}` : '',
  ]
    .filter(Boolean)
    .join('; ');
  return {
    ...row,
    target: restored.targetProject || row.target,
    status: restored.status,
    state: restoreStates[restored.status] ?? 'pending',
    error: restored.error ?? '',
    detail,
  };
}

/** What the step's own status adds: running now, or failed with an error naming the row. */
function withStepStatus(row: BulkRow, state: StepState): BulkRow {
  if (state.status === 'running' && row.state !== 'ok')
    return { ...row, status: 'running', state: 'running' };
  if (state.status !== 'failed' || row.state === 'failed') return row;
  const message = state.error?.message ?? '';
  // A verification that failed for this workload (the outcome holds its row), or an error naming it.
  const check = state.outcome?.verify.find((v) => !v.ok && namedIn(v.check, row));
  if (check) return { ...row, status: 'failed', state: 'failed', error: check.detail ?? check.check };
  if (row.state === 'ok') return row;
  if (message && namedIn(message, row)) return { ...row, status: 'failed', state: 'failed', error: message };
  return { ...row, status: 'not verified', state: 'pending' };
}

/** How many rows are in each state (the table's summary line). */
export function bulkCounts(rows: readonly BulkRow[]): Record<BulkState, number> {
  const counts: Record<BulkState, number> = { ok: 0, failed: 0, running: 0, pending: 0 };
  for (const row of rows) counts[row.state] += 1;
  return counts;
}
