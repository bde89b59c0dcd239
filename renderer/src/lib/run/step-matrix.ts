import type { LogRecord, StepItemProgress } from '../../../../shared/contract.js';
import type { StepKey } from '../../../../shared/run/plan-types.js';
import type { RunView } from '../../../../shared/run/run-types.js';
import { bulkRows, bulkSteps, type BulkState } from './bulk-rows.js';
import { findDataOf } from './find-data.js';

/**
 * The live matrix of a run: one row per host (and per workload in a full-cloud run), one column per
 * step, each cell saying how that step went there. Host cells come from the log (a `command` line
 * opens a command, `exit N after M ms` closes it), workload cells from the bulk steps' outcomes and
 * their live item events. Updates are incremental (a log batch costs its own length), so 200 hosts
 * × 500 workloads stay cheap; the view renders only the rows in sight.
 */
export type CellState = 'idle' | 'planned' | 'running' | 'ok' | 'failed';

export interface MatrixCell {
  state: CellState;
  /** Commands started (host cells). */
  commands: number;
  /** Commands still running. */
  open: number;
  failed: number;
  startTs?: number;
  endTs?: number;
  message?: string;
}

export interface MatrixRow {
  /** `h:<host name>` or `w:<workload id>`. */
  key: string;
  kind: 'host' | 'workload';
  label: string;
  /** A host's role, a workload's source → target project. */
  detail: string;
  /** What the log filter uses: the host name, or the workload's name (its log lines carry it). */
  filter: string;
}

const endLine = /^(?:exit (\d+)|killed by SIG[A-Z0-9]+|no exit status \(connection lost\)) after (\d+) ms$/;

const bulkCell: Record<BulkState, CellState> = {
  ok: 'ok',
  failed: 'failed',
  running: 'running',
  pending: 'idle',
};

export interface MatrixHost {
  id: string;
  name: string;
  role: string;
}

export class MatrixModel {
  columns: StepKey[] = [];
  rows: MatrixRow[] = [];
  /** Bumped on every change: the view re-reads the rows in sight. */
  version = 0;
  readonly #cells = new Map<string, MatrixCell>();
  readonly #hostRows = new Set<string>();

  cell(rowKey: string, step: StepKey): MatrixCell | undefined {
    return this.#cells.get(`${rowKey}\u0000${step}`);
  }

  /**
   * Rebuilds from the saved run (plans, outcomes) and the log lines loaded so far. Called when a run
   * opens and when a step ends (the run is re-read then).
   */
  reset(run: RunView, hosts: readonly MatrixHost[], logs: readonly LogRecord[]): void {
    this.#cells.clear();
    this.#hostRows.clear();
    this.columns = run.steps.map((s) => s.key);
    const hostName = new Map(hosts.map((h) => [h.id, h.name]));
    const rows: MatrixRow[] = hosts.map((h) => ({
      key: `h:${h.name}`,
      kind: 'host',
      label: h.name,
      detail: h.role,
      filter: h.name,
    }));
    for (const r of rows) this.#hostRows.add(r.key);
    for (const step of run.steps)
      for (const action of step.plan?.actions ?? []) {
        if (action.kind !== 'remote') continue;
        const name = hostName.get(action.host) ?? action.host;
        const cell = this.#ensure(`h:${name}`, step.key);
        if (cell.state === 'idle') cell.state = step.status === 'succeeded' ? 'ok' : 'planned';
      }
    if (run.kind === 'full') rows.push(...this.#workloadRows(run));
    this.rows = rows;
    this.applyLog(logs, false);
    this.version++;
  }

  #workloadRows(run: RunView): MatrixRow[] {
    const find = findDataOf(run.steps.find((s) => s.key === 'find')?.outcome);
    if (!find) return [];
    const steps = run.steps.map((s) => s.key).filter((k) => bulkSteps.includes(k));
    const rows = new Map<string, MatrixRow>();
    for (const step of steps)
      for (const row of bulkRows(run, step)) {
        if (!rows.has(row.workloadId))
          rows.set(row.workloadId, {
            key: `w:${row.workloadId}`,
            kind: 'workload',
            label: row.name,
            detail: `${row.source} → ${row.target || 'not mapped'}`,
            filter: row.name,
          });
        const cell = this.#ensure(`w:${row.workloadId}`, step);
        cell.state = bulkCell[row.state];
        if (row.error) cell.message = row.error;
        else if (row.status) cell.message = row.status;
      }
    return [...rows.values()];
  }

  /** Log lines of the run: commands open and close host cells. Returns whether anything changed. */
  applyLog(batch: readonly LogRecord[], bump = true): boolean {
    let changed = false;
    for (const line of batch) {
      if (line.host === '') continue;
      const rowKey = `h:${line.host}`;
      if (!this.#hostRows.has(rowKey)) {
        // A host the profile no longer has (edited since the run): still shown.
        this.#hostRows.add(rowKey);
        this.rows = [
          ...this.rows.filter((r) => r.kind === 'host'),
          { key: rowKey, kind: 'host', label: line.host, detail: '', filter: line.host },
          ...this.rows.filter((r) => r.kind !== 'host'),
        ];
      }
      const step = line.step as StepKey;
      if (line.stream === 'command') {
        const cell = this.#ensure(rowKey, step);
        cell.commands++;
        cell.open++;
        cell.state = 'running';
        cell.startTs ??= line.ts;
        changed = true;
      } else if (line.stream === 'info' || line.stream === 'error') {
        const cell = this.cell(rowKey, step);
        if (!cell || cell.open === 0) continue;
        const end = line.stream === 'info' ? endLine.exec(line.text) : null;
        if (line.stream === 'info' && !end) continue;
        cell.open--;
        cell.endTs = line.ts;
        if (line.stream === 'error' || end?.[1] !== '0') {
          cell.failed++;
          cell.message = line.text;
        }
        if (cell.open === 0) cell.state = cell.failed > 0 ? 'failed' : 'ok';
        changed = true;
      }
    }
    if (changed && bump) this.version++;
    return changed;
  }

  /** A workload of a bulk step changed state (a `step` event's item). */
  applyItem(step: StepKey, item: StepItemProgress): boolean {
    const rowKey = `w:${item.id}`;
    if (!this.rows.some((r) => r.key === rowKey)) return false;
    const cell = this.#ensure(rowKey, step);
    cell.state = item.state === 'succeeded' ? 'ok' : item.state === 'failed' ? 'failed' : 'running';
    if (item.message !== undefined) cell.message = item.message;
    const now = Date.now();
    if (item.state === 'running') cell.startTs ??= now;
    else cell.endTs = now;
    this.version++;
    return true;
  }

  /** Cells in each state, for the legend. */
  counts(): Record<CellState, number> {
    const counts: Record<CellState, number> = { idle: 0, planned: 0, running: 0, ok: 0, failed: 0 };
    for (const cell of this.#cells.values()) counts[cell.state]++;
    return counts;
  }

  #ensure(rowKey: string, step: StepKey): MatrixCell {
    const key = `${rowKey}\u0000${step}`;
    let cell = this.#cells.get(key);
    if (!cell) {
      cell = { state: 'idle', commands: 0, open: 0, failed: 0 };
      this.#cells.set(key, cell);
    }
    return cell;
  }
}
