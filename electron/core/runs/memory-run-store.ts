import type { ChangeRecord } from '../../../shared/run/plan-types.js';
import type { ChangeView, RunSummary, RunView, StepState } from '../../../shared/run/run-types.js';
import { stepInfo } from '../../../shared/run/step-catalog.js';
import { runSummaryOf } from '../../../shared/run/run-summary.js';
import type { JournalEntry, RunRecord, RunStore } from './run-store.js';

/** RunStore in memory, for tests of the engine and of steps. Values are deep-copied in and out. */
export class MemoryRunStore implements RunStore {
  private readonly runs = new Map<string, { run: RunRecord; steps: StepState[]; changes: ChangeView[] }>();
  private nextChangeId = 1;

  insertRun(run: RunRecord, steps: StepState[]): void {
    this.runs.set(run.id, { run: clone(run), steps: clone(steps), changes: [] });
  }

  getRun(id: string): RunView | undefined {
    const r = this.runs.get(id);
    if (!r) return undefined;
    return clone({ ...r.run, steps: r.steps, changes: r.changes });
  }

  listRuns(profileId?: string): RunSummary[] {
    return [...this.runs.values()]
      .filter((r) => profileId === undefined || r.run.profileId === profileId)
      .map(({ run, steps, changes }) => runSummaryOf(clone({ ...run, steps, changes })))
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  updateRun(
    id: string,
    patch: Partial<Pick<RunRecord, 'status' | 'startedAt' | 'finishedAt' | 'params' | 'closedAt'>>,
  ): void {
    const r = this.must(id);
    r.run = { ...r.run, ...clone(patch) };
  }

  saveStep(runId: string, step: StepState): void {
    const r = this.must(runId);
    const i = r.steps.findIndex((s) => s.key === step.key);
    if (i < 0) throw new Error(`run ${runId} has no step ${stepInfo(step.key).title}`);
    r.steps[i] = clone(step);
  }

  addChange(runId: string, change: ChangeRecord, appliedAt: string): ChangeView | null {
    const r = this.must(runId);
    const dup = r.changes.find(
      (c) =>
        c.step === change.step && c.actionId === change.actionId && c.host === change.host && !c.undoneAt,
    );
    if (dup) return null;
    const view: ChangeView = { ...clone(change), id: this.nextChangeId++, appliedAt };
    r.changes.push(view);
    return clone(view);
  }

  markChangeUndone(runId: string, changeId: number, undoneAt: string): void {
    const c = this.must(runId).changes.find((x) => x.id === changeId);
    if (c) c.undoneAt = undoneAt;
  }

  openChangesOfProfile(profileId: string): JournalEntry[] {
    return [...this.runs.values()]
      .filter((r) => r.run.profileId === profileId)
      .flatMap((r) =>
        r.changes.filter((c) => !c.undoneAt).map((c) => ({ runId: r.run.id, change: clone(c) })),
      )
      .sort((a, b) => a.change.id - b.change.id);
  }

  private must(id: string) {
    const r = this.runs.get(id);
    if (!r) throw new Error(`no run ${id}`);
    return r;
  }
}

function clone<T>(value: T): T {
  return structuredClone(value);
}
