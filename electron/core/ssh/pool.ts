import { fail, ok, type Result } from '../../../shared/result.js';
import { openConnection, type SshConnection } from './connection.js';
import type { KnownHostsStore } from './known-hosts-store.js';
import type { SshCredentials, SshTarget } from './ssh-target.js';

export interface SshPoolOptions {
  /** Every host the run may touch, including jump hosts, keyed by `id`. */
  hosts: readonly SshTarget[];
  /** Resolves a host's credentials when it is first connected (see `credentials.ts`). */
  credentials: (target: SshTarget) => Promise<Result<SshCredentials>> | Result<SshCredentials>;
  knownHosts: KnownHostsStore;
  /** From the profile's `ssh` settings. */
  connectTimeoutSec: number;
  keepaliveSec: number;
  /** Aborting stops connects in progress. */
  signal?: AbortSignal;
}

/**
 * The connections of one run: one per host, opened lazily by the first `get`, reused by every later
 * command, closed by `closeAll()` at the end of the run. Concurrent `get`s of one host share one
 * handshake. A failed or dropped connection is not cached, so a retry connects again. Hosts with
 * `via` are reached through their jump host's connection (opened first, shared by all its hosts); a
 * jump host may itself have a `via`, so chains of any length work (OpenSSH's `ProxyJump a,b`).
 */
export class SshPool {
  private readonly targets = new Map<string, SshTarget>();
  private readonly open = new Map<string, Promise<Result<SshConnection>>>();
  private readonly handshakes = new Map<string, number>();

  constructor(private readonly options: SshPoolOptions) {
    for (const t of options.hosts) this.targets.set(t.id, t);
  }

  /** The open connection to `hostId`, connecting (and through its jump chain) if needed. */
  get(hostId: string): Promise<Result<SshConnection>> {
    return this.getInChain(hostId, []);
  }

  /**
   * `chain`: the hosts already waiting for this one as their jump host. A host that appears in its own
   * chain is a loop (refused before the cache is consulted, or the loop would wait on itself).
   */
  private getInChain(hostId: string, chain: string[]): Promise<Result<SshConnection>> {
    if (chain.includes(hostId)) {
      const target = this.targets.get(hostId);
      return Promise.resolve(
        fail({
          code: 'validation',
          message: `Jump hosts form a loop: ${[...chain, hostId].join(' → ')}.`,
          hint: 'Fix the "via" (jump host) of these hosts in the profile.',
          ...(target ? { host: target.name } : {}),
        }),
      );
    }
    const cached = this.open.get(hostId);
    if (cached) {
      return cached.then((r) => {
        if (!r.ok || !r.value.closed) return r;
        if (this.open.get(hostId) === cached) this.open.delete(hostId);
        return this.getInChain(hostId, chain);
      });
    }
    const pending = this.connect(hostId, chain);
    this.open.set(hostId, pending);
    void pending.then((r) => {
      if (!r.ok && this.open.get(hostId) === pending) this.open.delete(hostId);
    });
    return pending;
  }

  /** How many SSH handshakes were made to `hostId` in this pool (for tests and diagnostics). */
  handshakeCount(hostId: string): number {
    return this.handshakes.get(hostId) ?? 0;
  }

  /** Closes every connection, the farthest hops first (a jump host outlives the hosts behind it). */
  async closeAll(): Promise<void> {
    const all = await Promise.all([...this.open.values()]);
    this.open.clear();
    const conns = all.flatMap((r) => (r.ok ? [r.value] : []));
    const depth = (c: SshConnection) => this.hopsTo(c.target.id);
    for (const c of conns.sort((a, b) => depth(b) - depth(a))) c.close();
  }

  /** How many jump hosts stand between this machine and `hostId` (0: direct). */
  private hopsTo(hostId: string): number {
    let hops = 0;
    const seen = new Set<string>();
    for (let via = this.targets.get(hostId)?.via; via && !seen.has(via); via = this.targets.get(via)?.via) {
      seen.add(via);
      hops++;
    }
    return hops;
  }

  private async connect(hostId: string, chain: string[]): Promise<Result<SshConnection>> {
    const target = this.targets.get(hostId);
    if (!target) return fail({ code: 'not-found', message: `No host with id "${hostId}" in this run.` });

    let via: SshConnection | undefined;
    if (target.via) {
      // Each hop is its own SSH connection with its own host-key check, opened through the previous one.
      const jump = await this.getInChain(target.via, [...chain, hostId]);
      if (!jump.ok)
        return fail({
          ...jump.error,
          message: `${target.name} is reached through ${target.via}: ${jump.error.message}`,
          host: target.name,
        });
      via = jump.value;
    }
    const credentials = await this.options.credentials(target);
    if (!credentials.ok) return fail({ ...credentials.error, host: credentials.error.host ?? target.name });
    this.handshakes.set(hostId, this.handshakeCount(hostId) + 1);
    const opened = await openConnection({
      target,
      credentials: credentials.value,
      knownHosts: this.options.knownHosts,
      connectTimeoutMs: this.options.connectTimeoutSec * 1000,
      keepaliveMs: this.options.keepaliveSec * 1000,
      ...(via ? { via } : {}),
      ...(this.options.signal ? { signal: this.options.signal } : {}),
    });
    return opened.ok ? ok(opened.value) : opened;
  }
}
