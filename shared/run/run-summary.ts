import { runPhase } from './run-phase.js';
import type { RunSummary, RunView } from './run-types.js';
import type { FindOutcomeData } from './step-data.js';

/** How many workload names a run list row carries (the count says the rest). */
const MAX_NAMES = 3;

/**
 * A run as the run list shows it: what it recovers (workloads, target), where it stands and when it
 * ran. Built from the saved run by both stores, so the list never re-derives it in the page.
 */
export function runSummaryOf(run: RunView): RunSummary {
  const phase = runPhase(run);
  const finished = run.steps.map((s) => s.finishedAt).filter((t): t is string => typeof t === 'string');
  const lastActivityAt = finished.length > 0 ? finished.reduce((a, b) => (a > b ? a : b)) : undefined;
  const { names, count } = workloadsOf(run);
  return {
    id: run.id,
    profileId: run.profileId,
    kind: run.kind,
    status: run.status,
    createdAt: run.createdAt,
    ...(run.startedAt ? { startedAt: run.startedAt } : {}),
    ...(run.finishedAt ? { finishedAt: run.finishedAt } : {}),
    ...(run.closedAt ? { closedAt: run.closedAt } : {}),
    ...(lastActivityAt ? { lastActivityAt } : {}),
    ...(phase.next ? { currentStep: phase.next } : {}),
    title: `${run.kind === 'single' ? 'Single workload' : 'Full cloud'} DR`,
    phase: phase.phase,
    phaseLabel: phase.label,
    workloads: names,
    workloadCount: count,
    target: targetOf(run),
  };
}

function findData(run: RunView): FindOutcomeData | undefined {
  const data = run.steps.find((s) => s.key === 'find')?.outcome?.data as FindOutcomeData | undefined;
  return data && Array.isArray(data.workloads) ? data : undefined;
}

function workloadsOf(run: RunView): { names: string[]; count: number } {
  const found = findData(run);
  if (run.params.kind === 'single') {
    const id = run.params.workloadId;
    if (!id) return { names: [], count: 0 };
    const w = found?.workloads.find((x) => x.id === id);
    return { names: [w?.name || id], count: 1 };
  }
  const all = (found?.workloads ?? []).filter((w) => w.projectId);
  const names = all.map((w) => w.name || w.id).sort((a, b) => a.localeCompare(b));
  return { names: names.slice(0, MAX_NAMES), count: names.length };
}

function targetOf(run: RunView): string {
  if (run.params.kind === 'single') return run.params.targetProject;
  const targets = [...new Set(run.params.mapping.map((m) => m.targetProject).filter(Boolean))].sort();
  return targets.join(', ');
}
