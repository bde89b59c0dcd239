import type { LogRecord } from '../../../shared/contract.js';
import { AppFailure, fail, ok, type AppError, type Result } from '../../../shared/result.js';
import { displayCommand, shellCommand } from '../../../shared/shell/quote.js';
import type { LogSink } from '../log-sink.js';
import type { SshConnection } from './connection.js';
import { classifyFailure, connectionLostHint } from './failure-hints.js';
import { LineSplitter, TailBuffer } from './line-splitter.js';
import { stopRemoteGroup } from './remote-stop.js';
import { sudoPasswordError, withSudo } from './sudo.js';

/** One remote command: an argument list, never a string of shell code. */
export interface RemoteCommand {
  argv: readonly string[];
  /** Sent on the command's standard input, then end of file (file contents travel this way, never in argv). */
  stdin?: string | Buffer;
  /** Run through `sudo -n` when the host logs in as a non-root user. Default true: DR steps touch root-owned files. */
  privileged?: boolean;
  /** Exit codes that count as success. Default [0]. */
  okExitCodes?: readonly number[];
  /** Keep stdout out of the log (it is still returned): file contents such as workloadmgr.conf hold passwords. */
  quietStdout?: boolean;
  /** Cap on captured stdout bytes (default 16 MiB); the log still sees every line. */
  maxCaptureBytes?: number;
}

/** Where a command's lines go and how long it may take. */
export interface ExecContext {
  runId: string;
  step: string;
  sink: LogSink;
  /** Applied to every logged line and to error output (defence in depth: commands carry no secrets). */
  scrub?: (text: string) => string;
  /** Per-command timeout; the remote process group is stopped when it expires. */
  timeoutMs?: number;
  /** Cancels the command and stops the remote process group. */
  signal?: AbortSignal;
}

export interface CommandResult {
  exitCode: number;
  durationMs: number;
  /** Stdout as UTF-8 text (up to the capture cap). */
  stdout: string;
  stdoutBytes: Buffer;
  stdoutTruncated: boolean;
  /** The last lines of stderr. */
  stderrTail: string;
}

const pgidMarker = 'trilio-dr-pgid=';
/**
 * Printed by the login shell before it `exec`s the command: its PID is the process group id sshd gave
 * the session (see remote-stop.ts), which the cancel path needs. It is the first stderr line and never logged.
 */
const pgidPrefix = `printf '${pgidMarker}%s\\n' "$$" >&2; exec `;

/**
 * Runs one command on an exec channel of `conn`. Streams stdout and stderr line by line into the sink,
 * tagged with run, step and host; logs the command before and its exit code and duration after.
 * Never throws: failures are `ssh-command` (exit code not accepted), `sudo-password-required`,
 * `ssh-timeout`, `cancelled`, `ssh-connect` (connection lost) or `invalid-argument` (NUL in an argument).
 */
export async function runCommand(
  conn: SshConnection,
  command: RemoteCommand,
  ctx: ExecContext,
): Promise<Result<CommandResult>> {
  const target = conn.target;
  const useSudo = target.sudo && command.privileged !== false;
  const scrub = ctx.scrub ?? ((t: string) => t);
  const log = (stream: LogRecord['stream'], text: string) =>
    ctx.sink({
      runId: ctx.runId,
      step: ctx.step,
      host: target.name,
      stream,
      ts: Date.now(),
      text: scrub(text),
    });

  let line: string;
  let shown: string;
  try {
    const argv = withSudo(command.argv, useSudo);
    line = pgidPrefix + shellCommand(argv);
    shown = scrub(displayCommand(argv));
  } catch (err) {
    if (err instanceof AppFailure) return fail({ ...err.error, host: target.name });
    throw err;
  }
  const base: Pick<AppError, 'host' | 'command'> = { host: target.name, command: shown };
  if (ctx.signal?.aborted)
    return fail({ code: 'cancelled', message: `${target.name}: cancelled before it ran.`, ...base });

  log('command', shown);
  const started = performance.now();
  const opened = await conn.exec(line);
  if (!opened.ok) {
    log('error', opened.error.message);
    return fail({ ...opened.error, ...base });
  }
  const { channel, exit } = opened.value;

  return new Promise((resolve) => {
    const okCodes = command.okExitCodes ?? [0];
    const maxCapture = command.maxCaptureBytes ?? 16 * 1024 * 1024;
    const stdoutLines = new LineSplitter();
    const stderrLines = new LineSplitter();
    const stdoutTail = new TailBuffer();
    const stderrTail = new TailBuffer();
    const captured: Buffer[] = [];
    let capturedBytes = 0;
    let truncated = false;
    let quietBytes = 0;
    let firstStderrLine = true;
    let pgid: number | undefined;
    let onPgid: (() => void) | undefined;
    let stopping: 'cancelled' | 'timeout' | undefined;
    let finished = false;

    const emitStdout = (lines: string[]) => {
      // Quiet output stays out of the error tail too: it is there because it may hold passwords.
      if (command.quietStdout) return;
      for (const l of lines) {
        stdoutTail.add(l);
        log('stdout', l);
      }
    };
    const emitStderr = (lines: string[]) => {
      for (const l of lines) {
        if (firstStderrLine) {
          firstStderrLine = false;
          if (l.startsWith(pgidMarker)) {
            pgid = Number(l.slice(pgidMarker.length));
            onPgid?.();
            continue;
          }
        }
        stderrTail.add(l);
        log('stderr', l);
      }
    };

    channel.on('data', (chunk: Buffer) => {
      if (command.quietStdout) quietBytes += chunk.length;
      if (capturedBytes < maxCapture) {
        const part = chunk.subarray(0, maxCapture - capturedBytes);
        captured.push(part);
        capturedBytes += part.length;
        if (part.length < chunk.length) truncated = true;
      } else truncated = true;
      // Quiet output is not logged: no need to decode it and cut it into lines (discovery scripts
      // print megabytes).
      if (!command.quietStdout) emitStdout(stdoutLines.push(chunk));
    });
    channel.stderr.on('data', (chunk: Buffer) => emitStderr(stderrLines.push(chunk)));

    const waitForPgid = (ms: number) =>
      new Promise<void>((res) => {
        if (pgid !== undefined) return res();
        const t = setTimeout(res, ms);
        onPgid = () => {
          clearTimeout(t);
          res();
        };
      });

    const stop = async (reason: 'cancelled' | 'timeout') => {
      if (stopping || finished) return;
      stopping = reason;
      log(
        'info',
        reason === 'timeout'
          ? `timed out after ${ctx.timeoutMs} ms; stopping the remote command`
          : 'cancelling; stopping the remote command',
      );
      // The SSH "signal" request (OpenSSH >= 7.9) only goes out while our side of the channel is still
      // open, i.e. while stdin is being sent; the process-group kill below is what reliably stops it.
      try {
        channel.signal('TERM');
      } catch {
        /* best effort */
      }
      await waitForPgid(3000);
      if (pgid !== undefined && !finished) {
        log('info', `stopping remote process group ${pgid}${useSudo ? ' (through sudo)' : ''}`);
        await stopRemoteGroup(conn, pgid, useSudo);
      }
      channel.close();
      // If the connection is dead the channel may never report closing: finish anyway.
      setTimeout(finish, 5000).unref();
    };

    const onAbort = () => void stop('cancelled');
    ctx.signal?.addEventListener('abort', onAbort, { once: true });
    // Aborted while waiting for a free channel: the listener above will never fire.
    if (ctx.signal?.aborted) onAbort();
    const timer = ctx.timeoutMs ? setTimeout(() => void stop('timeout'), ctx.timeoutMs) : undefined;

    const finish = () => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      ctx.signal?.removeEventListener('abort', onAbort);
      if (!command.quietStdout) emitStdout(stdoutLines.end());
      emitStderr(stderrLines.end());
      const durationMs = Math.round(performance.now() - started);
      const exitCode = exit.code;
      const exitSignal = exit.signal;
      if (quietBytes) log('info', `(${quietBytes} bytes of output not logged)`);
      const output = scrub(stderrTail.text() || stdoutTail.text());
      const ended =
        exitCode !== undefined
          ? `exit ${exitCode}`
          : exitSignal
            ? `killed by SIG${exitSignal}`
            : 'no exit status (connection lost)';
      log('info', `${ended} after ${durationMs} ms`);

      if (stopping === 'cancelled')
        return resolve(
          fail({
            code: 'cancelled',
            message: `${target.name}: cancelled; the remote command was stopped.`,
            ...base,
            output,
          }),
        );
      if (stopping === 'timeout')
        return resolve(
          fail({
            code: 'ssh-timeout',
            message: `${target.name}: the command did not finish within ${Math.round((ctx.timeoutMs ?? 0) / 1000)} s and was stopped.`,
            hint: 'Raise the command timeout in the profile settings if the host is just slow.',
            ...base,
            output,
          }),
        );
      if (exitCode === undefined)
        return resolve(
          fail({
            code: exitSignal ? 'ssh-command' : 'ssh-connect',
            message: exitSignal
              ? `${target.name}: the command was killed by SIG${exitSignal}.`
              : `${target.name}: the connection was lost before the command finished.`,
            ...(exitSignal ? {} : { hint: connectionLostHint }),
            ...base,
            output,
          }),
        );
      if (!okCodes.includes(exitCode)) {
        const sudoError = useSudo
          ? sudoPasswordError(stderrTail.text(), target.name, target.user, shown)
          : undefined;
        if (sudoError) return resolve(fail({ ...sudoError, output: scrub(sudoError.output ?? '') }));
        // Disk full, permission denied, a service that did not start…: named in the message, with what to do.
        const known = classifyFailure(output);
        return resolve(
          fail({
            code: 'ssh-command',
            message: `${target.name}: the command failed with exit code ${exitCode}${known ? ` (${known.label})` : ''}.`,
            ...(known ? { hint: known.hint } : {}),
            ...base,
            output,
            exitCode,
          }),
        );
      }
      const stdoutBytes = Buffer.concat(captured);
      resolve(
        ok({
          exitCode,
          durationMs,
          stdout: stdoutBytes.toString('utf8'),
          stdoutBytes,
          stdoutTruncated: truncated,
          stderrTail: stderrTail.text(),
        }),
      );
    };
    channel.on('close', finish);

    if (command.stdin !== undefined) channel.end(command.stdin);
    else channel.end();
  });
}
