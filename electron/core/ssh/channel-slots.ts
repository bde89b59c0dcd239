/**
 * A counting semaphore for exec channels on one connection. OpenSSH's sshd refuses more than
 * `MaxSessions` (default 10) open sessions per connection; commands beyond the limit wait here instead
 * of failing. `urgent` acquisitions (the cancel path) skip the queue so a stop is never stuck behind
 * the commands it is stopping; the default limit leaves room for them.
 */
export class ChannelSlots {
  private used = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  /** Resolves with a release function once a slot is free (at once when `urgent`). */
  async acquire(urgent = false): Promise<() => void> {
    if (!urgent && this.used >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.used++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.used--;
      this.waiting.shift()?.();
    };
  }
}
