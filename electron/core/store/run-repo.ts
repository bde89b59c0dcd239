import type Database from 'better-sqlite3';
import type { ChangeRecord, StepKey } from '../../../shared/run/plan-types.js';
import type {
  ChangeView,
  RunKind,
  RunStatus,
  RunSummary,
  RunView,
  StepState,
} from '../../../shared/run/run-types.js';
import { stepInfo } from '../../../shared/run/step-catalog.js';
import { runSummaryOf } from '../../../shared/run/run-summary.js';
import type { JournalEntry, RunRecord, RunStore } from '../runs/run-store.js';
import type { StoreDb } from './database.js';

interface RunRow {
  id: string;
  profile_id: string;
  kind: RunKind;
  status: RunStatus;
  params: string;
  operator: string;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  closed_at: string | null;
}

interface ChangeRow {
  id: number;
  step: StepKey;
  action_id: string;
  host: string;
  kind: string;
  description: string;
  undo: string;
  applied_at: string;
  undone_at: string | null;
}

type RunPatch = Partial<Pick<RunRecord, 'status' | 'startedAt' | 'finishedAt' | 'params' | 'closedAt'>>;

/**
 * The app's `RunStore`: runs, their steps and their change log in SQLite. Each call is one statement
 * or one transaction, committed with full sync before it returns, so a crash right after a call finds
 * its effect on reopen. Step states, params and undo actions are stored as JSON (values must be
 * JSON-serialisable, which everything crossing IPC is anyway).
 */
export class RunRepo implements RunStore {
  private readonly db: Database.Database;
  private readonly statements;

  constructor(store: StoreDb) {
    this.db = store.db;
    const db = this.db;
    this.statements = {
      insertRun: db.prepare(
        `INSERT INTO runs (id, profile_id, kind, status, params, operator, created_at, started_at, finished_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertStep: db.prepare(
        'INSERT INTO steps (run_id, key, position, status, state) VALUES (?, ?, ?, ?, ?)',
      ),
      run: db.prepare<[string], RunRow>('SELECT * FROM runs WHERE id = ?'),
      steps: db.prepare<[string], { state: string }>(
        'SELECT state FROM steps WHERE run_id = ? ORDER BY position',
      ),
      changes: db.prepare<[string], ChangeRow>('SELECT * FROM changes WHERE run_id = ? ORDER BY id'),
      runIds: db.prepare<[string | null, string | null], { id: string }>(
        'SELECT id FROM runs WHERE ? IS NULL OR profile_id = ? ORDER BY created_at DESC, rowid',
      ),
      updateStep: db.prepare<[string, string, string, StepKey]>(
        'UPDATE steps SET status = ?, state = ? WHERE run_id = ? AND key = ?',
      ),
      insertChange: db.prepare<
        [string, StepKey, string, string, string, string, string, string],
        { id: number }
      >(
        `INSERT INTO changes (run_id, step, action_id, host, kind, description, undo, applied_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
      ),
      // Checked before inserting: a conflicting insert would still use up an AUTOINCREMENT id.
      openChange: db.prepare<[string, StepKey, string, string], { id: number }>(
        `SELECT id FROM changes WHERE run_id = ? AND step = ? AND action_id = ? AND host = ? AND undone_at IS NULL`,
      ),
      markUndone: db.prepare<[string, string, number]>(
        'UPDATE changes SET undone_at = ? WHERE run_id = ? AND id = ?',
      ),
      exists: db.prepare<[string], { one: number }>('SELECT 1 AS one FROM runs WHERE id = ?'),
      openOfProfile: db.prepare<[string], ChangeRow & { run_id: string }>(
        `SELECT c.* FROM changes c JOIN runs r ON r.id = c.run_id
         WHERE r.profile_id = ? AND c.undone_at IS NULL ORDER BY c.id`,
      ),
    };
  }

  insertRun(run: RunRecord, steps: StepState[]): void {
    this.db.transaction(() => {
      this.statements.insertRun.run(
        run.id,
        run.profileId,
        run.kind,
        run.status,
        JSON.stringify(run.params),
        run.operator,
        run.createdAt,
        run.startedAt ?? null,
        run.finishedAt ?? null,
      );
      steps.forEach((s, i) => this.statements.insertStep.run(run.id, s.key, i, s.status, JSON.stringify(s)));
    })();
  }

  getRun(id: string): RunView | undefined {
    const row = this.statements.run.get(id);
    if (!row) return undefined;
    return {
      ...recordOf(row),
      steps: this.statements.steps.all(id).map((s) => JSON.parse(s.state) as StepState),
      changes: this.statements.changes.all(id).map(changeOf),
    };
  }

  listRuns(profileId?: string): RunSummary[] {
    const p = profileId ?? null;
    // Read in one transaction so every row is of the same moment; a summary needs the run's steps
    // (what Find saw, where the run stands), which only the saved step states hold.
    return this.db.transaction(() =>
      this.statements.runIds
        .all(p, p)
        .map((r) => this.getRun(r.id))
        .filter((run): run is RunView => run !== undefined)
        .map(runSummaryOf),
    )();
  }

  updateRun(id: string, patch: RunPatch): void {
    this.must(id);
    // Only the fields present in the patch change; a present `undefined` clears the field.
    const columns: [keyof RunPatch, string, (v: unknown) => unknown][] = [
      ['status', 'status', (v) => v],
      ['startedAt', 'started_at', (v) => v ?? null],
      ['finishedAt', 'finished_at', (v) => v ?? null],
      ['params', 'params', (v) => JSON.stringify(v)],
      ['closedAt', 'closed_at', (v) => v ?? null],
    ];
    const set = columns.filter(([key]) => key in patch);
    if (set.length === 0) return;
    this.db
      .prepare(`UPDATE runs SET ${set.map(([, column]) => `${column} = ?`).join(', ')} WHERE id = ?`)
      .run(...set.map(([key, , encode]) => encode(patch[key])), id);
  }

  saveStep(runId: string, step: StepState): void {
    this.must(runId);
    const changed = this.statements.updateStep.run(step.status, JSON.stringify(step), runId, step.key);
    if (changed.changes === 0) throw new Error(`run ${runId} has no step ${stepInfo(step.key).title}`);
  }

  addChange(runId: string, change: ChangeRecord, appliedAt: string): ChangeView | null {
    this.must(runId);
    const inserted = this.db.transaction(() => {
      if (this.statements.openChange.get(runId, change.step, change.actionId, change.host)) return undefined;
      return this.statements.insertChange.get(
        runId,
        change.step,
        change.actionId,
        change.host,
        change.kind,
        change.description,
        JSON.stringify(change.undo),
        appliedAt,
      );
    })();
    if (!inserted) return null;
    return {
      step: change.step,
      actionId: change.actionId,
      host: change.host,
      kind: change.kind,
      description: change.description,
      undo: structuredClone(change.undo),
      id: inserted.id,
      appliedAt,
    };
  }

  markChangeUndone(runId: string, changeId: number, undoneAt: string): void {
    this.must(runId);
    this.statements.markUndone.run(undoneAt, runId, changeId);
  }

  openChangesOfProfile(profileId: string): JournalEntry[] {
    return this.statements.openOfProfile
      .all(profileId)
      .map((row) => ({ runId: row.run_id, change: changeOf(row) }));
  }

  private must(id: string): void {
    if (!this.statements.exists.get(id)) throw new Error(`no run ${id}`);
  }
}

function recordOf(row: RunRow): RunRecord {
  return {
    id: row.id,
    profileId: row.profile_id,
    kind: row.kind,
    status: row.status,
    params: JSON.parse(row.params) as RunRecord['params'],
    operator: row.operator,
    createdAt: row.created_at,
    ...(row.started_at ? { startedAt: row.started_at } : {}),
    ...(row.finished_at ? { finishedAt: row.finished_at } : {}),
    ...(row.closed_at ? { closedAt: row.closed_at } : {}),
  };
}

function changeOf(row: ChangeRow): ChangeView {
  return {
    step: row.step,
    actionId: row.action_id,
    host: row.host,
    kind: row.kind,
    description: row.description,
    undo: JSON.parse(row.undo) as ChangeView['undo'],
    id: row.id,
    appliedAt: row.applied_at,
    ...(row.undone_at ? { undoneAt: row.undone_at } : {}),
  };
}
