import { readFileSync } from 'node:fs';
import type { LogRecord } from '../../../../shared/contract.js';
import type { Result } from '../../../../shared/result.js';
import { ok } from '../../../../shared/result.js';
import { importKnownHosts } from '../../../../electron/core/ssh/known-hosts-file.js';
import { MemoryKnownHostsStore } from '../../../../electron/core/ssh/memory-known-hosts-store.js';
import { SshPool } from '../../../../electron/core/ssh/pool.js';
import type { SshCredentials, SshTarget } from '../../../../electron/core/ssh/ssh-target.js';
import type { ExecContext } from '../../../../electron/core/ssh/exec.js';
import { clientKeys, labCredentials, rotateHostKey } from '../../../lab/hosts/index.js';
import type { LabHost, LabJson } from '../../../lab/lab-json.js';
import { labJsonPath } from '../../../lab/topology.js';

/**
 * The remote tests speak in roles (a key host, a password host, a sudo host, a jump host and the
 * host behind it, three computes, a host that is down), mapped onto the lab's hosts (brought up by the
 * lab's global setup): tvm-1 (key and passphrase key), compute-2 (password), compute-3 (`drops` with
 * NOPASSWD sudo, `drask` whose sudo asks), jump-1 and compute-4 behind it.
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

const labHostOf: Record<Exclude<Role, 'down'>, string> = {
  key: 'tvm-1',
  password: 'compute-2',
  sudo: 'compute-3',
  sudoAsk: 'compute-3',
  jump: 'jump-1',
  hidden: 'compute-4',
  c1: 'compute-1',
  c2: 'compute-2',
  c3: 'compute-4',
};

export const roles: Role[] = [
  'key',
  'password',
  'sudo',
  'sudoAsk',
  'jump',
  'hidden',
  'c1',
  'c2',
  'c3',
  'down',
];

const readLab = (): LabJson => JSON.parse(readFileSync(labJsonPath, 'utf8')) as LabJson;

export async function startRemoteWorld(): Promise<RemoteWorld> {
  const keys = clientKeys();
  const plainKey = readFileSync(keys.key, 'utf8');
  const lab = readLab();
  const host = (name: string): LabHost => {
    const h = lab.hosts.find((x) => x.name === name);
    if (!h) throw new Error(`the lab has no host ${name}; is it up with at least 4 computes?`);
    return h;
  };
  const roleOfHost = (name: string) =>
    (Object.keys(labHostOf) as Exclude<Role, 'down'>[]).find((r) => labHostOf[r] === name);
  const targets = {} as Record<Role, SshTarget>;
  const credentials = {} as Record<Role, SshCredentials>;
  for (const role of roles) {
    if (role === 'down') {
      // Nothing listens on this loopback address: connections are refused at once.
      targets.down = {
        id: 'down',
        name: 'compute-down',
        address: '127.0.1.249',
        port: 22,
        user: 'root',
        sudo: false,
      };
      credentials.down = { privateKey: plainKey };
      continue;
    }
    const h = host(labHostOf[role]);
    const via = h.via ? roleOfHost(h.via) : undefined;
    targets[role] = {
      id: role,
      name: role === 'sudoAsk' ? `${h.name} (drask)` : h.name,
      address: h.address,
      port: h.port,
      user: role === 'sudoAsk' ? labCredentials.askingSudoUser : h.user,
      sudo: role === 'sudo' || role === 'sudoAsk',
      ...(via ? { via } : {}),
    };
    credentials[role] = h.password ? { password: h.password } : { privateKey: plainKey };
  }
  const hostKeyOf = (role: Role) => {
    if (role === 'down') throw new Error('the down host has no key');
    return readLab().hosts.find((x) => x.name === labHostOf[role])!.hostKey;
  };
  const trustingStore = () => {
    const lines = [...new Set(Object.values(labHostOf))]
      .map((name) => readLab().hosts.find((x) => x.name === name)!)
      .map((h) => `${h.port === 22 ? h.address : `[${h.address}]:${h.port}`} ${h.hostKey}`)
      .join('\n');
    return new MemoryKnownHostsStore(importKnownHosts(lines).entries);
  };
  return {
    targets,
    credentials,
    passphraseCredentials: {
      privateKey: readFileSync(keys.passphraseKey, 'utf8'),
      passphrase: labCredentials.keyPassphrase,
    },
    keyFiles: {
      plain: keys.key,
      passphrase: keys.passphraseKey,
      passphraseText: labCredentials.keyPassphrase,
    },
    hostKey: hostKeyOf,
    trustingStore,
    rotateHostKey: async (role) => {
      if (role === 'down') return;
      await rotateHostKey(labHostOf[role]);
    },
    pool: (options = {}) =>
      new SshPool({
        hosts: Object.values(targets),
        credentials: (t): Result<SshCredentials> =>
          ok(options.credentials?.[t.id as Role] ?? credentials[t.id as Role]),
        knownHosts: options.knownHosts ?? trustingStore(),
        connectTimeoutSec: options.connectTimeoutSec ?? 5,
        keepaliveSec: 5,
      }),
    // The lab outlives the tests.
    stop: async () => {},
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
