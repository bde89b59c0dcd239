import type { LogRecord } from '../../../../shared/contract.js';
import { isFilterActive, logMatcher, noLogFilter, type LogFilter } from './log-filter.js';
import { logSource } from './log-format.js';
import { bottomScrollTop, computeWindow } from './virtual-window.js';

export interface LogViewOptions {
  /** Most records kept in memory; older ones are dropped here (the store keeps the full log). */
  capacity?: number;
  rowHeight?: number;
  overscan?: number;
  /** Fetches records older than `before` from the store; an empty answer means there are none. */
  loadOlder?: (before: LogRecord | undefined) => Promise<LogRecord[]>;
}

/**
 * State of one log panel: a bounded buffer of records plus the virtual window over it. Batches are
 * appended as they arrive (the core already batches per tick); while `follow` is on, the view stays
 * at the newest line. A filter (text and/or host) narrows the rows shown without touching the buffer:
 * the virtual window runs over the matching lines only, so a search over 20,000 lines renders as few
 * rows as an unfiltered view.
 */
export class LogView {
  records = $state.raw<readonly LogRecord[]>([]);
  /** Records dropped from memory because of the cap since the panel opened. */
  dropped = $state(0);
  follow = $state(true);
  scrollTop = $state(0);
  viewportHeight = $state(0);
  loadingOlder = $state(false);
  olderExhausted = $state(false);
  filter = $state.raw<LogFilter>(noLogFilter);
  /** Every source seen since the panel opened (hosts, and 'wizard'), in order of first appearance. */
  sources = $state.raw<readonly string[]>([]);

  readonly capacity: number;
  readonly rowHeight: number;
  readonly overscan: number;
  readonly canLoadOlder: boolean;
  readonly #loadOlder: LogViewOptions['loadOlder'];

  /** The lines the window runs over: the buffer itself when no filter is set. */
  readonly shown = $derived.by<readonly LogRecord[]>(() =>
    isFilterActive(this.filter) ? this.records.filter(logMatcher(this.filter)) : this.records,
  );

  readonly window = $derived.by(() =>
    computeWindow({
      count: this.shown.length,
      rowHeight: this.rowHeight,
      scrollTop: this.scrollTop,
      viewportHeight: this.viewportHeight,
      overscan: this.overscan,
    }),
  );
  readonly visible = $derived(this.shown.slice(this.window.start, this.window.end));

  constructor(options: LogViewOptions = {}) {
    this.capacity = Math.max(1, options.capacity ?? 20_000);
    this.rowHeight = options.rowHeight ?? 20;
    this.overscan = options.overscan ?? 10;
    this.#loadOlder = options.loadOlder;
    this.canLoadOlder = options.loadOlder !== undefined;
  }

  append(batch: readonly LogRecord[]): void {
    if (batch.length === 0) return;
    this.#noteSources(batch);
    let next = this.records.concat(batch);
    const drop = next.length - this.capacity;
    if (drop > 0) {
      // Rows leave the view only if they matched the filter.
      const gone = isFilterActive(this.filter)
        ? next.slice(0, drop).filter(logMatcher(this.filter)).length
        : drop;
      next = next.slice(drop);
      this.dropped += drop;
      // Keep the same lines under the user's eyes when the oldest ones fall off the top.
      if (!this.follow) this.scrollTop = Math.max(0, this.scrollTop - gone * this.rowHeight);
    }
    this.records = next;
    if (this.follow) this.scrollTop = this.#bottom();
  }

  /** Called by the panel on scroll and resize; leaving the bottom turns follow off, reaching it turns it on. */
  onScroll(scrollTop: number, viewportHeight: number): void {
    this.viewportHeight = viewportHeight;
    this.scrollTop = scrollTop;
    this.follow = scrollTop >= this.#bottom() - this.rowHeight / 2;
  }

  setFollow(on: boolean): void {
    this.follow = on;
    if (on) this.scrollTop = this.#bottom();
  }

  /** Narrows the rows to a text and/or a source; the view jumps to the newest matching line. */
  setFilter(filter: Partial<LogFilter>): void {
    this.filter = { ...this.filter, ...filter };
    this.follow = true;
    this.scrollTop = this.#bottom();
  }

  clear(): void {
    this.records = [];
    this.sources = [];
    this.dropped = 0;
    this.scrollTop = 0;
    this.olderExhausted = false;
  }

  /**
   * Prepends older records from the store, up to the memory cap (never dropping newer lines to make
   * room). Returns how many were added.
   */
  async loadOlder(): Promise<number> {
    if (!this.#loadOlder || this.loadingOlder || this.olderExhausted) return 0;
    const room = this.capacity - this.records.length;
    if (room <= 0) return 0;
    this.loadingOlder = true;
    try {
      const older = await this.#loadOlder(this.records[0]);
      if (older.length === 0) this.olderExhausted = true;
      const added = older.slice(-room);
      this.#noteSources(added);
      this.records = [...added, ...this.records];
      this.follow = false;
      const shownAdded = isFilterActive(this.filter)
        ? added.filter(logMatcher(this.filter)).length
        : added.length;
      this.scrollTop += shownAdded * this.rowHeight;
      return added.length;
    } finally {
      this.loadingOlder = false;
    }
  }

  #bottom(): number {
    return bottomScrollTop(this.shown.length, this.rowHeight, this.viewportHeight);
  }

  #noteSources(batch: readonly LogRecord[]): void {
    // A handful of hosts at most: a linear look-up per line is cheaper than building a set per batch.
    let sources: string[] | undefined;
    for (const record of batch) {
      const source = logSource(record);
      if (!(sources ?? this.sources).includes(source)) (sources ??= [...this.sources]).push(source);
    }
    if (sources) this.sources = sources;
  }
}
