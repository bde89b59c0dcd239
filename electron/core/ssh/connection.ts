// ssh2 is CommonJS; Node's ESM loader only sees its default export.
import ssh2 from 'ssh2';
import type { AnyAuthMethod, Client, ClientChannel, ConnectConfig } from 'ssh2';
import { fail, ok, type AppError, type Result } from '../../../shared/result.js';
import { hostKeyAlgorithmsFor } from './host-key.js';
import { createHostVerifier, hostKeyError, type HostKeyDecision } from './host-key-verifier.js';
import { knownHostKey, type KnownHostsStore } from './known-hosts-store.js';
import { ChannelSlots } from './channel-slots.js';
import { connectError, privateKeyError } from './ssh-errors.js';
import type { SshCredentials, SshTarget } from './ssh-target.js';

export interface ConnectOptions {
  target: SshTarget;
  credentials: SshCredentials;
  knownHosts: KnownHostsStore;
  /** An open connection to the jump host: the target is reached through its forwarded channel. */
  via?: SshConnection;
  /** Handshake and authentication must finish within this (ssh2 `readyTimeout`). */
  connectTimeoutMs: number;
  /** SSH-level keepalive; three missed replies close the connection. 0 turns it off. */
  keepaliveMs: number;
  signal?: AbortSignal;
  /** Exec channels open at once; sshd's MaxSessions defaults to 10; default 8 keeps room for cancellation. */
  maxChannels?: number;
}

/** An exec channel and its exit status (filled in when the remote command exits). */
export interface ExecChannel {
  channel: ClientChannel;
  exit: { code?: number; signal?: string };
}

/**
 * One SSH connection to one host, reused for many commands (each an exec channel). Opened by
 * `openConnection`; closed by `close()` or when the peer goes away (`closed` turns true).
 */
export class SshConnection {
  private isClosed = false;
  private readonly slots: ChannelSlots;

  constructor(
    readonly target: SshTarget,
    readonly client: Client,
    maxChannels: number,
  ) {
    this.slots = new ChannelSlots(maxChannels);
    client.on('close', () => (this.isClosed = true));
    client.on('end', () => (this.isClosed = true));
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /**
   * Opens an exec channel for `command` (the full remote command line). The slot is released when the
   * channel closes. `urgent` is for the cancel path (see `ChannelSlots`).
   */
  async exec(command: string, urgent = false): Promise<Result<ExecChannel>> {
    if (this.isClosed) return fail(this.lostError());
    const release = await this.slots.acquire(urgent);
    // sshd frees a finished session slightly after the channel reports closed, so an open right after
    // a close can be refused ("open failed") although we stay under MaxSessions: retry briefly.
    for (let attempt = 0; ; attempt++) {
      if (this.isClosed) {
        release();
        return fail(this.lostError());
      }
      const opened = await this.openExec(command);
      if (opened.ok) {
        opened.value.channel.on('close', release);
        return opened;
      }
      if (attempt >= 5 || this.isClosed) {
        release();
        return fail({
          ...this.lostError(),
          message: `${this.target.name}: cannot open a command channel: ${opened.error.message}`,
        });
      }
      await new Promise((r) => setTimeout(r, 20 * (attempt + 1)));
    }
  }

  private openExec(command: string): Promise<{ ok: true; value: ExecChannel } | { ok: false; error: Error }> {
    return new Promise((resolve) => {
      try {
        this.client.exec(command, (err, channel) => {
          if (err) return resolve({ ok: false, error: err });
          // Capture the exit status now: over a jump host it can arrive in the same tick as the
          // channel itself, before a caller awaiting this promise could listen for it.
          const exit: ExecChannel['exit'] = {};
          channel.once('exit', (code: number | null, signal?: string) => {
            if (typeof code === 'number') exit.code = code;
            if (signal) exit.signal = signal;
          });
          resolve({ ok: true, value: { channel, exit } });
        });
      } catch (err) {
        resolve({ ok: false, error: err as Error });
      }
    });
  }

  /** A TCP stream from this host to `address:port` (how a jump host reaches a hidden host). */
  forwardOut(address: string, port: number): Promise<Result<ClientChannel>> {
    return new Promise((resolve) => {
      try {
        this.client.forwardOut('127.0.0.1', 0, address, port, (err, stream) => {
          if (err)
            resolve(
              fail({
                code: 'ssh-connect',
                message: `Jump host ${this.target.name} could not reach ${address}:${port}: ${err.message}.`,
                hint: `Check that ${address}:${port} is reachable from ${this.target.name} and that its sshd allows TCP forwarding (AllowTcpForwarding).`,
                host: this.target.name,
              }),
            );
          else resolve(ok(stream));
        });
      } catch (err) {
        resolve(fail({ ...this.lostError(), message: `${this.target.name}: ${(err as Error).message}` }));
      }
    });
  }

  close(): void {
    this.isClosed = true;
    this.client.end();
  }

  private lostError(): AppError {
    return {
      code: 'ssh-connect',
      message: `${this.target.name}: the SSH connection is closed.`,
      hint: 'The host or the network dropped the connection; run the step again.',
      host: this.target.name,
    };
  }
}

/**
 * Connects, verifies the host key against `knownHosts` (never accepting an unknown or changed key)
 * and authenticates. Returns the connection or an `ssh-connect`, `ssh-auth`, `ssh-host-key-unknown`,
 * `ssh-host-key-mismatch` or `cancelled` error naming the host.
 */
export async function openConnection(options: ConnectOptions): Promise<Result<SshConnection>> {
  const { target, credentials, knownHosts, via, signal } = options;
  if (signal?.aborted) return fail(cancelledError(target));

  const hostName = knownHostKey(target.address, target.port);
  let decision: HostKeyDecision | undefined;
  const known = safeLookup(knownHosts, hostName);

  const auth = authMethods(target, credentials);
  if (!auth.ok) return auth;

  let sock: ClientChannel | undefined;
  if (via) {
    const stream = await via.forwardOut(target.address, target.port);
    if (!stream.ok) return fail({ ...stream.error, host: target.name });
    sock = stream.value;
  }

  const config: ConnectConfig = {
    host: target.address,
    port: target.port,
    username: target.user,
    readyTimeout: options.connectTimeoutMs,
    keepaliveInterval: options.keepaliveMs,
    keepaliveCountMax: 3,
    hostVerifier: createHostVerifier(knownHosts, hostName, (d) => (decision = d)),
    authHandler: auth.value,
    ...(known.length ? { algorithms: { serverHostKey: hostKeyAlgorithmsFor(known) as never } } : {}),
    ...(sock ? { sock } : {}),
  };

  const client = new ssh2.Client();
  return new Promise((resolve) => {
    let settled = false;
    const settle = (result: Result<SshConnection>) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      if (!result.ok) {
        client.removeAllListeners('ready');
        client.destroy();
        sock?.destroy();
      }
      resolve(result);
    };
    const onAbort = () => settle(fail(cancelledError(target)));
    signal?.addEventListener('abort', onAbort, { once: true });

    client.once('ready', () => {
      const connection = new SshConnection(target, client, options.maxChannels ?? 8);
      // Errors after the handshake (a dropped link) only close the connection; commands see it.
      client.on('error', () => undefined);
      settle(ok(connection));
    });
    client.on('error', (err: Error & { level?: string; code?: string }) => {
      if (decision && decision.kind !== 'accepted') return settle(fail(hostKeyError(decision, target.name)));
      settle(fail(connectError(err, target, credentials, options.connectTimeoutMs)));
    });
    client.on('close', () => {
      if (decision && decision.kind !== 'accepted') return settle(fail(hostKeyError(decision, target.name)));
      settle(
        fail(
          connectError(
            new Error('the server closed the connection during the handshake'),
            target,
            credentials,
            options.connectTimeoutMs,
          ),
        ),
      );
    });
    try {
      client.connect(config);
      // Without TCP_NODELAY every channel open waits ~40 ms (Nagle against delayed ACKs): a step of
      // many short commands would spend most of its time waiting.
      client.setNoDelay(true);
    } catch (err) {
      settle(fail(connectError(err as Error, target, credentials, options.connectTimeoutMs)));
    }
  });
}

/**
 * The login attempts, in order: password (also answered over keyboard-interactive, the only method
 * PAM-only servers offer), private key, agent. An encrypted key text is decrypted here; callers that
 * connect many hosts pass a parsed key instead (see `SshCredentials.privateKey`).
 */
function authMethods(target: SshTarget, c: SshCredentials): Result<AnyAuthMethod[]> {
  const username = target.user;
  const methods: AnyAuthMethod[] = [];
  if (c.password !== undefined) {
    const password = c.password;
    methods.push({ type: 'password', username, password });
    methods.push({
      type: 'keyboard-interactive',
      username,
      prompt: (_name, _instructions, _lang, prompts, finish) =>
        finish(prompts.map((p) => (/password/i.test(p.prompt) ? password : ''))),
    });
  }
  if (c.privateKey !== undefined) {
    const key = ssh2.utils.parseKey(c.privateKey, c.passphrase);
    if (key instanceof Error) return fail(privateKeyError(key.message, target));
    methods.push({ type: 'publickey', username, key });
  }
  if (c.agent) methods.push({ type: 'agent', username, agent: c.agent });
  if (methods.length === 0)
    return fail({
      code: 'ssh-auth',
      message: `${target.name}: no password, key or agent to log in with.`,
      hint: 'Choose how to log in to this host in its settings.',
      host: target.name,
    });
  return ok(methods);
}

function safeLookup(store: KnownHostsStore, hostName: string): string[] {
  try {
    return [...new Set(store.lookup(hostName).map((e) => e.keyType))];
  } catch {
    return [];
  }
}

export function cancelledError(target: SshTarget): AppError {
  return { code: 'cancelled', message: `${target.name}: cancelled.`, host: target.name };
}
