import type { EventName, Events, LogRecord } from '../../shared/contract.js';

export type CoreListener = <E extends EventName>(event: E, payload: Events[E]) => void;

/**
 * Fans core events out to the transports (IPC window, browser-mode streams). Log lines arrive one by
 * one from many hosts; they leave in batches, at most one batch per `flushMs`, so the UI redraws per
 * batch and never per line.
 */
export class EventBus {
  private readonly listeners = new Set<CoreListener>();
  private pending: LogRecord[] = [];
  private timer: NodeJS.Timeout | null = null;

  /** Runs before a batch of log lines is shown: the store writes them first, so a line seen is a line kept. */
  beforeLogBatch: () => void = () => {};

  constructor(private readonly flushMs = 50) {}

  subscribe(listener: CoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit<E extends Exclude<EventName, 'log'>>(event: E, payload: Events[E]): void {
    // A step or run change must never overtake the log lines that led to it.
    this.flushLogs();
    this.deliver(event, payload);
  }

  log(record: LogRecord): void {
    this.pending.push(record);
    this.timer ??= setTimeout(() => this.flushLogs(), this.flushMs);
  }

  flushLogs(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    try {
      this.beforeLogBatch();
    } catch {
      // The store reports its own write errors; showing the lines must go on.
    }
    this.deliver('log', batch);
  }

  close(): void {
    this.flushLogs();
    this.listeners.clear();
  }

  private deliver<E extends EventName>(event: E, payload: Events[E]): void {
    for (const listener of this.listeners) {
      try {
        listener(event, payload);
      } catch {
        // A broken transport (closed window, dropped stream) must not stop the others or the run.
      }
    }
  }
}
