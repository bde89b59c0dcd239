import type { RemoteAction } from '../../../shared/run/plan-types.js';
import { fail, type Result } from '../../../shared/result.js';
import type { StepContext } from '../runs/step-definition.js';
import { runCommand, type CommandResult, type ExecContext, type RemoteCommand } from '../ssh/exec.js';
import type { RunServices } from './run-services.js';

export type DrContext = StepContext<RunServices>;

/**
 * Runs one command on a profile host within a step: the host's pooled connection, the run's log
 * (command shown first, then every line, exit code and duration), the step's cancellation and the
 * profile's command timeout. Errors name the host and the command.
 */
export async function runOn(
  ctx: DrContext,
  hostId: string,
  command: RemoteCommand,
  options: { timeoutMs?: number; onStdoutLine?: (line: string) => boolean } = {},
): Promise<Result<CommandResult>> {
  const conn = await ctx.services.pool.get(hostId);
  if (!conn.ok) return conn;
  const { sink } = ctx.services;
  const onLine = options.onStdoutLine;
  return runCommand(conn.value, command, {
    runId: ctx.runId,
    step: ctx.step,
    // A step may consume some stdout lines itself (progress); they are not logged.
    sink: onLine ? (r) => (r.stream === 'stdout' && onLine(r.text) ? undefined : sink(r)) : sink,
    scrub: ctx.services.scrub,
    timeoutMs: options.timeoutMs ?? ctx.services.commandTimeoutMs,
    signal: ctx.signal,
  });
}

/** Runs a planned remote action exactly as the plan shows it. */
export function runRemoteAction(ctx: DrContext, action: RemoteAction): Promise<Result<CommandResult>> {
  return runOn(ctx, action.host, {
    argv: action.argv,
    privileged: action.privileged,
    ...(action.stdin !== undefined ? { stdin: action.stdin } : {}),
  });
}

/** Fails with the host named when a step needs at least one host of a role. */
export function requireHosts<T>(hosts: T[], role: string): Result<T[]> {
  if (hosts.length > 0) return { ok: true, value: hosts };
  return fail({
    code: 'validation',
    message: `The profile has no ${role} host.`,
    hint: `Add the ${role} host(s) in the profile's hosts table.`,
  });
}

/** The exec context of a step, for helpers that take a connection (discovery scripts, remote files). */
export function execContextOf(ctx: DrContext, timeoutMs?: number): ExecContext {
  return {
    runId: ctx.runId,
    step: ctx.step,
    sink: ctx.services.sink,
    scrub: ctx.services.scrub,
    timeoutMs: timeoutMs ?? ctx.services.commandTimeoutMs,
    signal: ctx.signal,
  };
}
