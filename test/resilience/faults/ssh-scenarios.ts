import { expect } from 'vitest';
import { appendLineArgv, removeLineArgv } from '../../../shared/plans/host-scripts.js';
import { ok, type AppError, type Result } from '../../../shared/result.js';
import { scriptArgv } from '../../../shared/shell/quote.js';
import { runCommand, type RemoteCommand } from '../../../electron/core/ssh/exec.js';
import { fanOut, retryFailed, type HostOutcome } from '../../../electron/core/ssh/fan-out.js';
import { trustHostKey } from '../../../electron/core/ssh/host-key-verifier.js';
import type { MemoryKnownHostsStore } from '../../../electron/core/ssh/memory-known-hosts-store.js';
import { SshPool } from '../../../electron/core/ssh/pool.js';
import type { SshCredentials, SshTarget } from '../../../electron/core/ssh/ssh-target.js';
import { runOnHost } from '../../lab/hosts/index.js';
import { readLabJson } from '../../lab/lab.js';
import { pollUntil } from '../../lab/clouds/poll-until.js';
import { LogCollector, type RemoteWorld, type Role } from '../../integration/remote/support/remote-world.js';
import { markDir } from './fault-world.js';
import type { ExpectedError, FaultScenario } from './scenario.js';

/**
 * SSH faults, each as the wizard meets them in a step: one task fanned out over several lab hosts
 * (the engine's `fanOut`, the run's pool, `runCommand`), one host faulted. The error must name that
 * host; after the fault is cleared, `retryFailed` runs the task again, and the hosts themselves show
 * that only the failed one did anything the second time (each host holds exactly one mark).
 */

/** How the pool and commands are set up for one pass over the hosts. */
interface SshPass {
  targets?: Partial<Record<Role, Partial<SshTarget>>>;
  credentials?: Partial<Record<Role, SshCredentials>>;
  knownHosts?: MemoryKnownHostsStore;
  connectTimeoutSec?: number;
  commandTimeoutMs?: number;
}

interface SshState {
  rw: RemoteWorld;
  hosts: Role[];
  log: LogCollector;
  first?: HostOutcome<unknown>[];
  firstError?: AppError;
  retryPass: SshPass;
  logMark: number;
  extra: Record<string, unknown>;
}

interface SshFaultSpec {
  id: string;
  title: string;
  victim: Role;
  /** Hosts that run the task beside the victim; default tvm-1, compute-1, compute-2 (minus the victim). */
  peers?: Role[];
  /** Injects the fault on the host or in the settings; returns the faulty pass. */
  inject(rw: RemoteWorld, state: SshState): Promise<SshPass>;
  /** Removes the fault; returns the pass for the retry (what the user fixed). */
  clear(rw: RemoteWorld, state: SshState): Promise<SshPass>;
  /** Runs beside the first pass (drops a connection while its command runs). */
  during?(rw: RemoteWorld, state: SshState): Promise<void>;
  /** The task's command on each host; default: leave one mark in the host's /run. */
  command?(id: string, label: string): RemoteCommand;
  /** How many times the task took effect on a host (default: marks left). */
  effects?(host: string, id: string): Promise<number>;
  /** Puts a host back after the scenario (default: removes the marks). */
  restore?(state: SshState): Promise<void>;
  expected(rw: RemoteWorld): ExpectedError;
}

const defaultPeers: Role[] = ['key', 'c1', 'password'];

/** One mark per run of the task; a `<id>.hang` file makes the task hang first (for timeouts and drops). */
export function markArgv(id: string, label: string): string[] {
  return scriptArgv(
    [
      `d=${markDir}`,
      'mkdir -p "$d" || exit 1',
      'if [ -e "$d/$1.hang" ]; then sleep 30; fi',
      'echo "$2" >> "$d/$1.log"',
    ].join('\n'),
    [id, label],
    'trilio-dr-fault',
  );
}

const hostOf = (rw: RemoteWorld, role: Role) => rw.targets[role].name.replace(/ \(.*\)$/, '');

async function marks(host: string, id: string): Promise<number> {
  const out = await runOnHost(host, ['cat', `${markDir}/${id}.log`]);
  return out.code === 0 ? out.stdout.split('\n').filter(Boolean).length : 0;
}

function poolFor(rw: RemoteWorld, pass: SshPass): SshPool {
  // An override `via: undefined` drops the jump host (a direct connection).
  const hosts = (Object.keys(rw.targets) as Role[]).map((role) => ({
    ...rw.targets[role],
    ...pass.targets?.[role],
  }));
  return new SshPool({
    hosts,
    credentials: (t) => ok(pass.credentials?.[t.id as Role] ?? rw.credentials[t.id as Role]),
    knownHosts: pass.knownHosts ?? rw.trustingStore(),
    connectTimeoutSec: pass.connectTimeoutSec ?? 5,
    keepaliveSec: 5,
  });
}

async function runPass(
  spec: SshFaultSpec,
  state: SshState,
  pass: SshPass,
  label: string,
): Promise<HostOutcome<unknown>[]> {
  const pool = poolFor(state.rw, pass);
  const task = async (role: string): Promise<Result<unknown>> => {
    const conn = await pool.get(role);
    if (!conn.ok) return conn;
    const command = spec.command?.(spec.id, label) ?? { argv: markArgv(spec.id, label) };
    return runCommand(
      conn.value,
      command,
      state.log.ctx('fault', { timeoutMs: pass.commandTimeoutMs ?? 20_000 }),
    );
  };
  try {
    const options = { concurrency: 4 };
    return state.first
      ? await retryFailed(state.first, task, options)
      : await fanOut(state.hosts, task, options);
  } finally {
    await pool.closeAll();
  }
}

function sshScenario(spec: SshFaultSpec): FaultScenario<SshState> {
  return {
    id: spec.id,
    title: spec.title,
    cheap: true,
    async inject(world) {
      const rw = await world.remote();
      const hosts = [...(spec.peers ?? defaultPeers).filter((r) => r !== spec.victim), spec.victim];
      const state: SshState = { rw, hosts, log: new LogCollector(), retryPass: {}, logMark: 0, extra: {} };
      for (const role of hosts)
        await runOnHost(hostOf(rw, role), [
          'rm',
          '-f',
          `${markDir}/${spec.id}.log`,
          `${markDir}/${spec.id}.hang`,
        ]);
      state.extra.pass = await spec.inject(rw, state);
      return state;
    },
    async act(_world, state) {
      const [outcomes] = await Promise.all([
        runPass(spec, state, state.extra.pass as SshPass, 'first'),
        spec.during?.(state.rw, state),
      ]);
      state.first = outcomes;
      state.logMark = state.log.records.length;
      const failed = outcomes.filter((o) => !o.ok);
      expect(
        failed.map((o) => o.host),
        JSON.stringify(failed.map((o) => !o.ok && o.error)),
      ).toEqual([spec.victim]);
      const victim = outcomes.find((o) => o.host === spec.victim)!;
      if (!victim.ok) state.firstError = victim.error;
      return victim.ok ? ok(victim.value) : { ok: false, error: victim.error };
    },
    expected: (_world, state) => spec.expected(state.rw),
    async clear(_world, state) {
      state.retryPass = await spec.clear(state.rw, state);
    },
    async retry(_world, state) {
      const merged = await runPass(spec, state, state.retryPass, 'retry');
      const failed = merged.find((o) => !o.ok);
      return failed && !failed.ok ? { ok: false, error: failed.error } : ok(merged);
    },
    async touchedOnlyFailed(_world, state) {
      try {
        const victim = state.rw.targets[spec.victim].name;
        const retried = state.log.records.slice(state.logMark).filter((r) => r.stream === 'command');
        expect(retried.length).toBeGreaterThan(0);
        expect([...new Set(retried.map((r) => r.host))]).toEqual([victim]);
        for (const role of state.hosts) {
          const host = hostOf(state.rw, role);
          const n = await (spec.effects ?? marks)(host, spec.id);
          expect(n, `${host}: times the task took effect`).toBe(1);
        }
      } finally {
        if (spec.restore) await spec.restore(state);
        for (const role of state.hosts)
          await runOnHost(hostOf(state.rw, role), [
            'rm',
            '-f',
            `${markDir}/${spec.id}.log`,
            `${markDir}/${spec.id}.hang`,
          ]);
      }
    },
  };
}

const hang = (rw: RemoteWorld, role: Role, id: string, on: boolean) =>
  runOnHost(
    hostOf(rw, role),
    on
      ? ['sh', '-c', `mkdir -p ${markDir} && touch ${markDir}/${id}.hang`]
      : ['rm', '-f', `${markDir}/${id}.hang`],
  );

/** Pids of the victim's hanging task: its shell and that shell's sshd session process. */
async function hangingTask(
  host: string,
  id: string,
): Promise<{ sh: number; sleep: number; sshd: number } | undefined> {
  const out = await runOnHost(host, [
    'sh',
    '-c',
    `for p in $(pgrep -f "trilio-dr-fault ${id} first"); do s=$(pgrep -P "$p" -x sleep) && echo "$p $s $(ps -o ppid= -p "$p")"; done`,
  ]);
  const [sh, sleep, sshd] = out.stdout.trim().split(/\s+/).map(Number);
  return sh && sleep && sshd ? { sh, sleep, sshd } : undefined;
}

function kill(pid: number, signal: NodeJS.Signals = 'SIGKILL'): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Gone already.
  }
}

const fstabLine = (id: string) => `# trilio-dr fault suite ${id}`;

export const sshScenarios: FaultScenario<SshState>[] = [
  sshScenario({
    id: 'ssh-host-unreachable',
    title: 'host unreachable (no route: the hidden compute without its jump host)',
    victim: 'hidden',
    inject: async () => ({ targets: { hidden: { via: undefined } }, connectTimeoutSec: 2 }),
    clear: async () => ({}),
    expected: () => ({
      code: 'ssh-connect',
      host: 'compute-4',
      message: /no SSH handshake|unreachable/,
      hint: /address|route|jump/,
    }),
  }),
  sshScenario({
    id: 'ssh-connection-refused',
    title: 'host down (nothing listens on the SSH port)',
    victim: 'c1',
    inject: async () => ({ targets: { c1: { port: 2 } } }),
    clear: async () => ({}),
    expected: () => ({ code: 'ssh-connect', host: 'compute-1', message: /refused/, hint: /sshd|port/ }),
  }),
  sshScenario({
    id: 'ssh-name-unresolvable',
    title: 'host name does not resolve',
    victim: 'c1',
    inject: async () => ({ targets: { c1: { address: 'compute-1.invalid' } } }),
    clear: async () => ({}),
    expected: () => ({
      code: 'ssh-connect',
      host: 'compute-1',
      message: /does not resolve/,
      hint: /DNS|IP address/,
    }),
  }),
  sshScenario({
    id: 'ssh-drop-mid-command',
    title: 'SSH connection dropped mid-command',
    victim: 'c1',
    async inject(rw) {
      await hang(rw, 'c1', 'ssh-drop-mid-command', true);
      return {};
    },
    async during(rw, state) {
      const host = hostOf(rw, 'c1');
      const listener = (await readLabJson()).hosts.find((h) => h.name === host)?.pid;
      const found = await pollUntil(
        async () => (await hangingTask(host, 'ssh-drop-mid-command')) !== undefined,
        10_000,
        50,
      );
      expect(found, 'the hanging command never started').toBe(true);
      const task = (await hangingTask(host, 'ssh-drop-mid-command'))!;
      const comm = (await runOnHost(host, ['cat', `/proc/${task.sshd}/comm`])).stdout.trim();
      expect(comm, 'the shell’s parent is the SSH session').toBe('sshd');
      expect(task.sshd, 'never the host’s own sshd').not.toBe(listener);
      state.extra.task = task;
      // The session's sshd dies (like a reboot or a cut link); then the shell it left behind.
      kill(task.sshd);
      kill(task.sleep);
      kill(task.sh);
    },
    async clear(rw) {
      await hang(rw, 'c1', 'ssh-drop-mid-command', false);
      return {};
    },
    expected: () => ({
      code: 'ssh-connect',
      host: 'compute-1',
      message: /connection was lost/,
      command: /trilio-dr-fault/,
      hint: /dropped/,
    }),
  }),
  sshScenario({
    id: 'ssh-command-timeout',
    title: 'command timeout (the remote command hangs)',
    victim: 'c1',
    async inject(rw) {
      await hang(rw, 'c1', 'ssh-command-timeout', true);
      return { commandTimeoutMs: 1500 };
    },
    async clear(rw) {
      await hang(rw, 'c1', 'ssh-command-timeout', false);
      // The timed-out command's process group was stopped on the host: nothing of it is left.
      const left = await runOnHost(hostOf(rw, 'c1'), ['pgrep', '-f', 'trilio-dr-fault ssh-command-timeout']);
      expect(left.stdout.trim(), 'processes of the timed-out command').toBe('');
      return { commandTimeoutMs: 20_000 };
    },
    expected: () => ({
      code: 'ssh-timeout',
      host: 'compute-1',
      message: /did not finish within 2 s|within 1 s|within \d+ s/,
      command: /trilio-dr-fault/,
      hint: /timeout/,
    }),
  }),
  sshScenario({
    id: 'sudo-password-prompt',
    title: 'sudo asks for a password',
    victim: 'sudoAsk',
    inject: async () => ({}),
    clear: async (rw) => ({ targets: { sudoAsk: { user: rw.targets.sudo.user } } }),
    expected: () => ({
      code: 'sudo-password-required',
      host: 'compute-3 (drask)',
      command: /^sudo -n -- /,
      output: /password is required/,
      hint: /NOPASSWD/,
    }),
  }),
  sshScenario({
    id: 'ssh-host-key-changed',
    title: 'host key changed',
    victim: 'c1',
    async inject(rw) {
      const store = rw.trustingStore();
      await rw.rotateHostKey('c1');
      return { knownHosts: store };
    },
    async clear(_rw, state) {
      // The user compares the fingerprint with the host's and accepts the new key explicitly.
      const store = (state.extra.pass as SshPass).knownHosts!;
      const key = state.firstError?.hostKey;
      expect(key, 'the error carries the presented key').toBeDefined();
      expect(trustHostKey(store, key!).ok, 'a changed key is not trusted without replace').toBe(false);
      expect(trustHostKey(store, key!, { replace: true }).ok).toBe(true);
      return { knownHosts: store };
    },
    expected: () => ({
      code: 'ssh-host-key-mismatch',
      host: 'compute-1',
      message: /SHA256:/,
      hint: /ssh-keygen -R|administrator/,
    }),
  }),
  sshScenario({
    id: 'ssh-host-key-unknown',
    title: 'host key unknown (first contact)',
    victim: 'password',
    async inject(rw) {
      const store = rw.trustingStore();
      store.remove(rw.targets.password.address);
      return { knownHosts: store };
    },
    async clear(_rw, state) {
      const store = (state.extra.pass as SshPass).knownHosts!;
      expect(trustHostKey(store, state.firstError!.hostKey!).ok).toBe(true);
      return { knownHosts: store };
    },
    expected: () => ({ code: 'ssh-host-key-unknown', host: 'compute-2', message: /SHA256:/ }),
  }),
  sshScenario({
    id: 'ssh-wrong-password',
    title: 'wrong SSH password',
    victim: 'password',
    inject: async () => ({ credentials: { password: { password: 'not the password' } } }),
    clear: async () => ({}),
    expected: () => ({ code: 'ssh-auth', host: 'compute-2', message: /refused the login/, hint: /password/ }),
  }),
  sshScenario({
    id: 'ssh-key-passphrase-wrong',
    title: 'wrong passphrase for an encrypted private key',
    victim: 'key',
    inject: async (rw) => ({
      credentials: { key: { privateKey: rw.passphraseCredentials.privateKey!, passphrase: 'not it' } },
    }),
    clear: async (rw) => ({ credentials: { key: rw.passphraseCredentials } }),
    expected: () => ({ code: 'ssh-auth', host: 'tvm-1', message: /private key/, hint: /passphrase/ }),
  }),
  sshScenario({
    id: 'jump-host-down',
    title: 'jump host down',
    victim: 'hidden',
    inject: async () => ({ targets: { jump: { port: 2 } } }),
    clear: async () => ({}),
    expected: () => ({
      code: 'ssh-connect',
      host: 'compute-4',
      message: /reached through jump.*refused/,
      hint: /sshd|port/,
    }),
  }),
  sshScenario({
    id: 'fstab-read-only',
    title: '/etc/fstab read-only on one compute (the mount-paths append)',
    victim: 'c1',
    command: (id) => ({
      argv: appendLineArgv('/etc/fstab', fstabLine(id), `/run/trilio-dr-faults-fstab.${id}`),
    }),
    async inject(rw, state) {
      for (const role of state.hosts) {
        const host = hostOf(rw, role);
        state.extra[`fstab:${host}`] = (await runOnHost(host, ['cat', '/etc/fstab'])).stdout;
      }
      const done = await runOnHost(hostOf(rw, 'c1'), [
        'sh',
        '-c',
        'mount --bind /etc/fstab /etc/fstab && mount -o remount,bind,ro /etc/fstab',
      ]);
      expect(done.code, done.stderr).toBe(0);
      return {};
    },
    async clear(rw) {
      const done = await runOnHost(hostOf(rw, 'c1'), ['umount', '/etc/fstab']);
      expect(done.code, done.stderr).toBe(0);
      return {};
    },
    async effects(host, id) {
      const fstab = (await runOnHost(host, ['cat', '/etc/fstab'])).stdout;
      return fstab.split('\n').filter((l) => l === fstabLine(id)).length;
    },
    async restore(state) {
      for (const role of state.hosts) {
        const host = hostOf(state.rw, role);
        await runOnHost(host, ['umount', '/etc/fstab']).catch(() => undefined);
        await runOnHost(host, removeLineArgv('/etc/fstab', fstabLine('fstab-read-only')));
        await runOnHost(host, ['rm', '-f', '/run/trilio-dr-faults-fstab.fstab-read-only']);
        const now = (await runOnHost(host, ['cat', '/etc/fstab'])).stdout;
        expect(now, `${host}: /etc/fstab back as it was`).toBe(state.extra[`fstab:${host}`]);
      }
    },
    expected: () => ({
      code: 'ssh-command',
      host: 'compute-1',
      message: /read-only file system/,
      command: /trilio-dr-append-line/,
      output: /Read-only file system/,
      hint: /read-only/,
    }),
  }),
];
