import type Database from 'better-sqlite3';
import type { LogRecord } from '../../../shared/contract.js';
import type { StoreDb } from './database.js';

/** A stored log line: the record plus its id, which orders lines and pages through them. */
export interface StoredLogLine extends LogRecord {
  id: number;
}

export interface LogWriterOptions {
  /** Buffered lines are written at most this long after the first of them arrives. */
  flushIntervalMs?: number;
  /** A full buffer is written at once, whatever the interval. */
  maxBufferedLines?: number;
  /** Applied to every line before it is buffered (the secret scrubber). */
  scrub?: (text: string) => string;
  /** A write from `write()` or the timer that failed; the batch is dropped (the store is gone or full). */
  onError?: (error: unknown) => void;
}

const COLUMNS = 6;
const ROWS_PER_STATEMENT = 100;

/**
 * Log lines go to SQLite in batches: one transaction per batch keeps a 200-host fan-out (thousands of
 * lines a second) from costing one fsync per line. Lines are written every `flushIntervalMs` or every
 * `maxBufferedLines`, and on `flush()` / `close()`; a reader sees only written lines.
 */
export class LogWriter {
  /** Six values per line, flat: binding a slice of it to a 100-row insert needs no reshaping. */
  private buffer: (string | number)[] = [];
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly insertMany: (values: (string | number)[]) => void;
  private readonly intervalMs: number;
  private readonly maxLines: number;

  constructor(
    store: StoreDb,
    private readonly options: LogWriterOptions = {},
  ) {
    const db = store.db;
    const insert = 'INSERT INTO log_lines (run_id, step, host, stream, ts, text) VALUES ';
    const one = db.prepare<unknown[]>(`${insert}(?, ?, ?, ?, ?, ?)`);
    // One statement per 100 rows: the per-call cost of better-sqlite3 dominates single-row inserts.
    const many = db.prepare<unknown[]>(
      `${insert}${Array(ROWS_PER_STATEMENT).fill('(?, ?, ?, ?, ?, ?)').join(', ')}`,
    );
    const chunk = ROWS_PER_STATEMENT * COLUMNS;
    const write = db.transaction((values: (string | number)[]) => {
      let i = 0;
      for (; i + chunk <= values.length; i += chunk) many.run(values.slice(i, i + chunk));
      for (; i < values.length; i += COLUMNS) one.run(values.slice(i, i + COLUMNS));
    });
    this.insertMany = (values) => {
      // Log batches skip the fsync: the next step-state write (full sync) makes them durable too, so
      // a power cut can lose the last batch of lines, never a step's state.
      const relax = !db.inTransaction;
      if (relax) db.pragma('synchronous = NORMAL');
      try {
        write(values);
      } finally {
        if (relax) db.pragma('synchronous = FULL');
      }
    };
    this.intervalMs = options.flushIntervalMs ?? 250;
    this.maxLines = options.maxBufferedLines ?? 5_000;
  }

  /** Buffers one line; throws after `close()` (a line written then would be lost silently). */
  write(record: LogRecord): void {
    if (this.closed) throw new Error('the log writer is closed');
    const text = this.options.scrub ? this.options.scrub(record.text) : record.text;
    this.buffer.push(record.runId, record.step, record.host, record.stream, Math.round(record.ts), text);
    // A failed write must not fail the step that logged: the batch goes to onError instead.
    if (this.buffer.length >= this.maxLines * COLUMNS) this.flushReporting();
    else if (!this.timer) {
      this.timer = setTimeout(() => this.flushReporting(), this.intervalMs);
      // Buffered log lines alone must not keep a finished CLI run alive; close() writes them.
      this.timer.unref();
    }
  }

  /** Writes every buffered line now, in one transaction. */
  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.buffer.length === 0) return;
    const values = this.buffer;
    this.buffer = [];
    this.insertMany(values);
  }

  /** Writes what is buffered and stops accepting lines. Call before closing the store. */
  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
  }

  private flushReporting(): void {
    try {
      this.flush();
    } catch (error) {
      (this.options.onError ?? ((e: unknown) => console.error('log write failed', e)))(error);
    }
  }
}

export interface ReadLogsOptions {
  /** Only lines after this id (the last id of the previous page). */
  afterId?: number;
  /** At most this many lines; default 10,000. */
  limit?: number;
}

const statements = new WeakMap<
  Database.Database,
  Database.Statement<[string, number, number], StoredLogLine>
>();

/** A run's written log lines in order, a page at a time. */
export function readLogs(store: StoreDb, runId: string, options: ReadLogsOptions = {}): StoredLogLine[] {
  let select = statements.get(store.db);
  if (!select) {
    select = store.db.prepare(
      `SELECT id, run_id AS runId, step, host, stream, ts, text FROM log_lines
       WHERE run_id = ? AND id > ? ORDER BY id LIMIT ?`,
    );
    statements.set(store.db, select);
  }
  return select.all(runId, options.afterId ?? 0, Math.max(0, Math.floor(options.limit ?? 10_000)));
}
