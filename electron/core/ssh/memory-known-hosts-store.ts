import type { KnownHostEntry, KnownHostsStore } from './known-hosts-store.js';

/** A `KnownHostsStore` in memory, for tests and for one-off CLI runs with an imported known_hosts. */
export class MemoryKnownHostsStore implements KnownHostsStore {
  private readonly entries: KnownHostEntry[] = [];

  constructor(initial: readonly KnownHostEntry[] = []) {
    for (const e of initial) this.add(e);
  }

  lookup(host: string): KnownHostEntry[] {
    return this.entries.filter((e) => e.host === host);
  }

  add(entry: KnownHostEntry): void {
    if (!this.entries.some((e) => e.host === entry.host && e.keyBase64 === entry.keyBase64))
      this.entries.push(entry);
  }

  remove(host: string): void {
    for (let i = this.entries.length - 1; i >= 0; i--)
      if (this.entries[i]?.host === host) this.entries.splice(i, 1);
  }

  all(): KnownHostEntry[] {
    return [...this.entries];
  }
}
