import type { ServerResponse } from 'node:http';
import type { EventName, Events, LogRecord } from '../../shared/contract.js';

/**
 * Bytes a page may leave unread on its event stream before its log lines are held back. About three
 * seconds of the heaviest log the wizard makes (20k lines/s from 100 hosts); step, run and drill events
 * are never held back (they are few and small, and the screens depend on them).
 */
export const defaultUnreadCapBytes = 8 * 1024 * 1024;

/**
 * One open page's Server-Sent Events stream. Node buffers whatever a socket cannot take at once, so
 * a page that stops reading (a frozen or starved tab) used to make the server keep every frame of the
 * log for it: in the one-hour soak a page that fell behind for a minute grew the server by 250 MiB,
 * and one that never reads again would grow it until it ran out of memory. Past the cap the page's
 * log lines are counted instead of sent; once it has read its backlog it gets one line saying how
 * many it missed and when (every line is in the store: the run's log and its report have them).
 */
export class PageStream {
  #missed = 0;
  #firstMissedTs = 0;
  #lastMissed: LogRecord | undefined;

  constructor(
    private readonly response: ServerResponse,
    private readonly capBytes = defaultUnreadCapBytes,
  ) {
    response.on('drain', () => this.#sendMissedNotice());
  }

  /** Lines held back since the page last caught up (for tests and the notice). */
  get missed(): number {
    return this.#missed;
  }

  send<E extends EventName>(event: E, payload: Events[E]): void {
    if (event !== 'log') return this.#write(event, payload);
    const batch = payload as LogRecord[];
    if (batch.length === 0) return;
    if (this.response.writableLength > this.capBytes) return this.#holdBack(batch);
    this.#sendMissedNotice();
    this.#write('log', batch);
  }

  #holdBack(batch: LogRecord[]): void {
    if (this.#missed === 0) this.#firstMissedTs = batch[0]!.ts;
    this.#missed += batch.length;
    this.#lastMissed = batch[batch.length - 1];
  }

  #sendMissedNotice(): void {
    const last = this.#lastMissed;
    if (this.#missed === 0 || !last) return;
    const notice: LogRecord = {
      runId: last.runId,
      step: last.step,
      host: '',
      stream: 'info',
      ts: Date.now(),
      text:
        `${this.#missed} log line(s) from ${clock(this.#firstMissedTs)} to ${clock(last.ts)} were not shown here: ` +
        'this page was not reading fast enough. The store has every line: the run’s log (reopen it) and its report.',
    };
    this.#missed = 0;
    this.#lastMissed = undefined;
    this.#write('log', [notice]);
  }

  end(): void {
    this.response.end();
  }

  #write(event: EventName, payload: unknown): void {
    this.response.write(`event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`);
  }
}

function clock(ts: number): string {
  return new Date(ts).toISOString().slice(11, 23);
}
