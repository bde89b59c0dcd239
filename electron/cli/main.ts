#!/usr/bin/env node
import { createCore } from '../core/app-core.js';
import { readVersion } from '../core/app-version.js';
import type { Core } from '../core/core-types.js';
import { defaultDataDir } from '../core/data-dir.js';
import { AppFailure } from '../../shared/result.js';
import { parseCommandLine, type ParsedCommand } from './cli-args.js';
import { askPassphrase } from './cli-passphrase.js';
import { bashCompletion, zshCompletion } from './cli-completion.js';
import { createInterrupt, type CommandContext } from './cli-context.js';
import { ExitCode } from './cli-exit.js';
import { printEnvelope, printError, type CliOutput } from './cli-output.js';
import { completeNames } from './complete-command.js';
import { logsCommand } from './logs-command.js';
import { planCommand } from './plan-command.js';
import { profileCommand } from './profile-command.js';
import { reportCommand } from './report-command.js';
import { reprotectCommand } from './reprotect-command.js';
import { drillCommand, drillsCommand } from './drill-command.js';
import { runCommand } from './run-command.js';
import { runbookCommand } from './runbook-command.js';

/**
 * `trilio-dr`: the wizard without a window, on the same core and store. Secrets are unsealed with the
 * store's passphrase: TRILIO_DR_PASSPHRASE, else asked on the terminal (the desktop app's OS keychain
 * is not reachable here; the passphrase opens the same store).
 * Exit codes and the --json envelope: docs/cli.md.
 */
const interrupt = createInterrupt();
let core: Core | null = null;

function output(command: string, json: boolean): CliOutput {
  return {
    json,
    command,
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
  };
}

async function main(argv: string[]): Promise<number> {
  const request = parseCommandLine(argv);
  if (request.kind === 'help') {
    process.stdout.write(`${request.text}\n`);
    return ExitCode.ok;
  }
  if (request.kind === 'version') {
    process.stdout.write(`${readVersion()}\n`);
    return ExitCode.ok;
  }
  if (request.kind === 'usage-error') {
    process.stderr.write(`trilio-dr: ${request.message}\n${request.usage}\n`);
    if (request.json)
      printEnvelope(output(request.command, true), {
        ok: false,
        exitCode: ExitCode.usage,
        error: { code: 'invalid-argument', message: request.message },
      });
    return ExitCode.usage;
  }
  const command = request.command;
  const io = output(command.spec.path.join(' '), command.json);
  if (command.spec.path[0] === 'completion') {
    process.stdout.write(command.args[0] === 'zsh' ? zshCompletion() : bashCompletion());
    return ExitCode.ok;
  }
  const completing = command.spec.path[0] === '__complete';
  // Never from the command line (shell history): the environment, or asked on the terminal.
  const passphrase = completing
    ? undefined
    : process.env.TRILIO_DR_PASSPHRASE || (await askPassphrase(command.spec.path[0]!));
  try {
    core = await createCore({
      dataDir: command.dataDir ?? defaultDataDir(),
      cipher: null,
      ...(passphrase ? { passphrase } : {}),
      mode: 'headless',
      version: readVersion(),
    });
  } catch (error) {
    if (!(error instanceof AppFailure)) throw error;
    return completing ? ExitCode.precondition : printError(io, error.error);
  }
  try {
    return await dispatch({ core, command, io, interrupt });
  } finally {
    await core.close();
    core = null;
  }
}

function dispatch(ctx: CommandContext & { command: ParsedCommand }): Promise<number> {
  switch (ctx.command.spec.path[0]) {
    case 'profile':
      return profileCommand(ctx);
    case 'plan':
      return planCommand(ctx);
    case 'report':
      return reportCommand(ctx);
    case 'logs':
      return logsCommand(ctx);
    case 'runbook':
      return runbookCommand(ctx);
    case 'reprotect':
      return reprotectCommand(ctx);
    case 'drill':
      return drillCommand(ctx);
    case 'drills':
      return drillsCommand(ctx);
    case '__complete':
      return completeNames(ctx);
    default:
      return runCommand(ctx);
  }
}

// Ctrl-C: a run command cancels its step and exits 130 with the run resumable; anything else (a plan,
// a listing: nothing to undo) stops at once. A second Ctrl-C always stops at once.
process.on('SIGINT', () => {
  if (interrupt.interrupted || !interrupt.hasListeners()) {
    process.stderr.write('Interrupted.\n');
    process.exit(ExitCode.interrupted);
  }
  interrupt.trigger();
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = interrupt.interrupted && code !== ExitCode.ok ? ExitCode.interrupted : code;
  },
  (error: unknown) => {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = ExitCode.failed;
  },
);
