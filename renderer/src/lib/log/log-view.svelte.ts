import type { LogRecord } from '../../../../shared/contract.js';
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
 * at the newest line.
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

  readonly capacity: number;
  readonly rowHeight: number;
  readonly overscan: number;
  readonly canLoadOlder: boolean;
  readonly #loadOlder: LogViewOptions['loadOlder'];

  readonly window = $derived.by(() =>
    computeWindow({
      count: this.records.length,
      rowHeight: this.rowHeight,
      scrollTop: this.scrollTop,
      viewportHeight: this.viewportHeight,
      overscan: this.overscan,
    }),
  );
  readonly visible = $derived(this.records.slice(this.window.start, this.window.end));

  constructor(options: LogViewOptions = {}) {
    this.capacity = Math.max(1, options.capacity ?? 20_000);
    this.rowHeight = options.rowHeight ?? 20;
    this.overscan = options.overscan ?? 10;
    this.#loadOlder = options.loadOlder;
    this.canLoadOlder = options.loadOlder !== undefined;
  }

  append(batch: readonly LogRecord[]): void {
    if (batch.length === 0) return;
    let next = this.records.concat(batch);
    const drop = next.length - this.capacity;
    if (drop > 0) {
      next = next.slice(drop);
      this.dropped += drop;
      // Keep the same lines under the user's eyes when the oldest ones fall off the top.
      if (!this.follow) this.scrollTop = Math.max(0, this.scrollTop - drop * this.rowHeight);
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

  clear(): void {
    this.records = [];
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
      this.records = [...added, ...this.records];
      this.follow = false;
      this.scrollTop += added.length * this.rowHeight;
      return added.length;
    } finally {
      this.loadingOlder = false;
    }
  }

  #bottom(): number {
    return bottomScrollTop(this.records.length, this.rowHeight, this.viewportHeight);
  }
}
