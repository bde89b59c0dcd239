#!/usr/bin/env node
import { createCore } from '../core/app-core.js';
import { defaultDataDir } from '../core/data-dir.js';
import { parseCliArgs, stringOption } from './cli-args.js';
import { describeError, type CliOutput } from './cli-output.js';
import { profileCommand, profileUsage } from './profile-command.js';
import { runCommand, runUsage } from './run-command.js';
import { reportCommand, reportUsage } from './report-command.js';
import { logsCommand, logsUsage } from './logs-command.js';
import { runbookCommand, runbookUsage } from './runbook-command.js';
import { readVersion } from '../core/app-version.js';
import type { Core } from '../core/core-types.js';
import { AppFailure } from '../../shared/result.js';
import { askPassphrase } from './cli-passphrase.js';

/**
 * `trilio-dr`: the wizard without a window, on the same core and store. Secrets are unsealed with
 * the passphrase in TRILIO_DR_PASSPHRASE (the OS key store of the desktop app is not reachable here).
 */
const usage = `usage: trilio-dr [--data-dir DIR] [--json] <command>

${profileUsage}
${runUsage}
${reportUsage}
${logsUsage}
${runbookUsage}

environment: TRILIO_DR_PASSPHRASE unlocks the secret store; TRILIO_DR_DATA_DIR sets the data folder.`;

async function main(argv: string[]): Promise<number> {
  const args = parseCliArgs(argv);
  const io: CliOutput = {
    json: args.options.json === true,
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
  };
  const command = args.positionals[0];
  if (!command || args.options.help === true) {
    io.err(usage);
    return command ? 0 : 2;
  }
  // Never from the command line (shell history): the environment, or asked on the terminal.
  const passphrase = process.env.TRILIO_DR_PASSPHRASE || (await askPassphrase(command));
  let core: Core;
  try {
    core = await createCore({
      dataDir: stringOption(args, 'data-dir') ?? defaultDataDir(),
      cipher: null,
      ...(passphrase ? { passphrase } : {}),
      mode: 'headless',
      version: readVersion(),
    });
  } catch (error) {
    if (!(error instanceof AppFailure)) throw error;
    if (io.json) io.out(JSON.stringify({ ok: false, error: error.error }, null, 2));
    else io.err(describeError(error.error));
    return 1;
  }
  try {
    switch (command) {
      case 'profile':
        return await profileCommand(core, args, io);
      case 'plan':
      case 'run':
      case 'resume':
      case 'revert':
      case 'cleanup':
      case 'runs':
        return await runCommand(core, args, io);
      case 'report':
        return await reportCommand(core, args, io);
      case 'logs':
        return await logsCommand(core, args, io);
      case 'runbook':
        return await runbookCommand(core, args, io);
      default:
        io.err(`unknown command "${command}"\n\n${usage}`);
        return 2;
    }
  } finally {
    await core.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
