import type { LogRecord, StepItemProgress } from '../../../../shared/contract.js';
import type { StepKey } from '../../../../shared/run/plan-types.js';
import type { RunView } from '../../../../shared/run/run-types.js';
import { computeWindow } from '../log/virtual-window.js';
import { MatrixModel, type MatrixCell, type MatrixHost, type MatrixRow } from './step-matrix.js';

/** A row as the view draws it: the row and its cells in column order. */
export interface MatrixViewRow {
  row: MatrixRow;
  cells: (MatrixCell | undefined)[];
}

/**
 * The matrix panel's state: the model (plain, mutated in place) plus the bits Svelte tracks: a version
 * bumped per change and the scroll window. Only the rows in sight are materialised per change, so a
 * burst of log lines over 700 rows redraws a few dozen.
 */
export class MatrixView {
  readonly model = new MatrixModel();
  version = $state(0);
  scrollTop = $state(0);
  viewportHeight = $state(400);
  /** Rows shown: all, hosts or workloads. */
  show = $state<'all' | 'host' | 'workload'>('all');
  /** Fixed row height (px): the virtual window depends on it; the CSS row uses the same value. */
  readonly rowHeight = 24;

  readonly rows: MatrixRow[] = $derived.by(() => {
    void this.version;
    const rows = this.model.rows;
    return this.show === 'all' ? rows : rows.filter((r) => r.kind === this.show);
  });
  readonly columns: StepKey[] = $derived.by(() => {
    void this.version;
    return this.model.columns;
  });
  readonly window = $derived(
    computeWindow({
      count: this.rows.length,
      rowHeight: this.rowHeight,
      scrollTop: this.scrollTop,
      viewportHeight: this.viewportHeight,
      overscan: 8,
    }),
  );
  readonly visible: MatrixViewRow[] = $derived.by(() => {
    void this.version;
    const columns = this.columns;
    return this.rows.slice(this.window.start, this.window.end).map((row) => ({
      row,
      cells: columns.map((c) => this.model.cell(row.key, c)),
    }));
  });
  readonly counts = $derived.by(() => {
    void this.version;
    return this.model.counts();
  });
  readonly hostCount = $derived.by(() => {
    void this.version;
    return this.model.rows.filter((r) => r.kind === 'host').length;
  });
  readonly workloadCount = $derived.by(() => {
    void this.version;
    return this.model.rows.filter((r) => r.kind === 'workload').length;
  });

  #pendingBump = false;

  reset(run: RunView, hosts: readonly MatrixHost[], logs: readonly LogRecord[]): void {
    this.model.reset(run, hosts, logs);
    this.version++;
  }

  clear(): void {
    this.model.columns = [];
    this.model.rows = [];
    this.version++;
  }

  applyLog(batch: readonly LogRecord[]): void {
    if (this.model.applyLog(batch)) this.#bump();
  }

  applyItem(step: StepKey, item: StepItemProgress): void {
    if (this.model.applyItem(step, item)) this.#bump();
  }

  onScroll(scrollTop: number, viewportHeight: number): void {
    this.scrollTop = scrollTop;
    this.viewportHeight = viewportHeight;
  }

  /** Changes arrive in bursts (a log batch, many item events): one redraw per frame at most. */
  #bump(): void {
    if (this.#pendingBump) return;
    this.#pendingBump = true;
    const flush = () => {
      this.#pendingBump = false;
      this.version++;
    };
    if (typeof requestAnimationFrame === 'function') requestAnimationFrame(flush);
    else queueMicrotask(flush);
  }
}
