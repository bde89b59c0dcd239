import { readFileSync } from 'node:fs';
import type { LogRecord } from '../../../../shared/contract.js';
import type { Result } from '../../../../shared/result.js';
import { ok } from '../../../../shared/result.js';
import { importKnownHosts } from '../../../../electron/core/ssh/known-hosts-file.js';
import { MemoryKnownHostsStore } from '../../../../electron/core/ssh/memory-known-hosts-store.js';
import { SshPool } from '../../../../electron/core/ssh/pool.js';
import type { SshCredentials, SshTarget } from '../../../../electron/core/ssh/ssh-target.js';
import type { ExecContext } from '../../../../electron/core/ssh/exec.js';
import { startSshdFixture, type SshdFixture } from './sshd-fixture.js';

/**
 * The remote tests speak in roles (a key host, a password host, a sudo host, a jump host and the
 * host behind it, three computes, a host that is down) so the same tests run against whatever
 * provides the hosts. Today that is the throwaway sshd fixture on 127.0.0.200–220.
 */
export type Role = 'key' | 'password' | 'sudo' | 'sudoAsk' | 'jump' | 'hidden' | 'c1' | 'c2' | 'c3' | 'down';

export interface RemoteWorld {
  targets: Record<Role, SshTarget>;
  credentials: Record<Role, SshCredentials>;
  /** Credentials using the passphrase-protected key on the `key` host. */
  passphraseCredentials: SshCredentials;
  keyFiles: { plain: string; passphrase: string; passphraseText: string };
  /** The host key text (`type base64`) of a running host. */
  hostKey(role: Role): string;
  /** A known_hosts store that trusts every running host. */
  trustingStore(): MemoryKnownHostsStore;
  rotateHostKey(role: Role): Promise<void>;
  /** A pool over every role's host, trusting every host unless `knownHosts` is given. */
  pool(options?: {
    knownHosts?: MemoryKnownHostsStore;
    credentials?: Partial<Record<Role, SshCredentials>>;
    connectTimeoutSec?: number;
  }): SshPool;
  stop(): Promise<void>;
}

const fixtureNames: Record<Role, keyof SshdFixture['hosts']> = {
  key: 'fx-key',
  password: 'fx-pass',
  sudo: 'fx-sudo',
  sudoAsk: 'fx-sudo-ask',
  jump: 'fx-jump',
  hidden: 'fx-hidden',
  c1: 'fx-c1',
  c2: 'fx-c2',
  c3: 'fx-c3',
  down: 'fx-down',
};

export const roles = Object.keys(fixtureNames) as Role[];

export async function startRemoteWorld(): Promise<RemoteWorld> {
  const fx = await startSshdFixture();
  const plainKey = readFileSync(fx.keys.plain, 'utf8');
  const targets = {} as Record<Role, SshTarget>;
  const credentials = {} as Record<Role, SshCredentials>;
  for (const role of roles) {
    const h = fx.hosts[fixtureNames[role]];
    targets[role] = {
      id: role,
      name: h.name,
      address: h.address,
      port: h.port,
      user: h.user,
      sudo: h.sudo ?? false,
      ...(h.via ? { via: (Object.keys(fixtureNames) as Role[]).find((r) => fixtureNames[r] === h.via) } : {}),
    };
    credentials[role] = role === 'password' ? { password: fx.rootPassword } : { privateKey: plainKey };
  }
  const running = roles.filter((r) => r !== 'down' && r !== 'sudoAsk');
  const hostKeyOf = (role: Role) => fx.hostKey(fixtureNames[role === 'sudoAsk' ? 'sudo' : role] as never);
  const trustingStore = () => {
    const lines = running.map((r) => `${targets[r].address} ${hostKeyOf(r)}`).join('\n');
    return new MemoryKnownHostsStore(importKnownHosts(lines).entries);
  };
  return {
    targets,
    credentials,
    passphraseCredentials: {
      privateKey: readFileSync(fx.keys.passphrase, 'utf8'),
      passphrase: fx.keys.passphraseText,
    },
    keyFiles: fx.keys,
    hostKey: hostKeyOf,
    trustingStore,
    rotateHostKey: (role) => fx.rotateHostKey(fixtureNames[role] as never),
    pool: (options = {}) =>
      new SshPool({
        hosts: Object.values(targets),
        credentials: (t): Result<SshCredentials> =>
          ok(options.credentials?.[t.id as Role] ?? credentials[t.id as Role]),
        knownHosts: options.knownHosts ?? trustingStore(),
        connectTimeoutSec: options.connectTimeoutSec ?? 5,
        keepaliveSec: 5,
      }),
    stop: () => fx.stop(),
  };
}

/** Collects log records; `ctx()` gives an exec context writing into it. */
export class LogCollector {
  readonly records: LogRecord[] = [];
  readonly sink = (r: LogRecord) => void this.records.push(r);

  ctx(step = 'test', extra: Partial<ExecContext> = {}): ExecContext {
    return { runId: 'run-1', step, sink: this.sink, ...extra };
  }

  lines(host: string, stream: LogRecord['stream']): string[] {
    return this.records.filter((r) => r.host === host && r.stream === stream).map((r) => r.text);
  }
}
