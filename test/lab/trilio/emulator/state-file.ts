import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * How the emulator's JSON databases (the appliance's, Nova and Cinder's) reach their file: each change
 * saves the whole state, atomically (a temp file renamed over the old one), writes in order so the last
 * one wins. Saves asked for while a write still waits its turn share it (the state is serialised when
 * it starts, so it holds every change made before any of those calls): a busy appliance with hundreds
 * of restores stepping would otherwise serialise the whole database once per step.
 */
export class StateFile {
  private writing: Promise<void> = Promise.resolve();
  private queued: Promise<void> | undefined;
  private lazyMs = 0;
  private flushTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly file: string,
    private readonly state: () => unknown,
  ) {}

  /**
   * The benchmarks' loaded appliance (`/_lab/load`): saves return at once and the state is written
   * at most every `ms` in the background — rewriting a database of thousands of snapshots on every
   * restore step would make restore times the emulator's JSON writes (a real appliance updates rows).
   * 0 (the default, and when the load model is cleared): every save waits for its write; pending
   * changes are written now.
   */
  lazyWrites(ms: number): Promise<void> {
    this.lazyMs = ms;
    if (ms > 0) return Promise.resolve();
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    return this.write();
  }

  save(): Promise<void> {
    if (this.lazyMs > 0) {
      this.flushTimer ??= setTimeout(() => {
        this.flushTimer = undefined;
        this.write().catch((error: unknown) => console.error(`state write failed: ${String(error)}`));
      }, this.lazyMs);
      return Promise.resolve();
    }
    return this.write();
  }

  private write(): Promise<void> {
    if (this.queued) return this.queued;
    const queued = this.writing.then(async () => {
      this.queued = undefined;
      const text = `${JSON.stringify(this.state(), null, 2)}\n`;
      await mkdir(path.dirname(this.file), { recursive: true });
      await writeFile(`${this.file}.tmp`, text);
      await rename(`${this.file}.tmp`, this.file);
    });
    this.queued = queued;
    this.writing = queued;
    return queued;
  }
}
