import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { LabFailure } from '../lab-failure.js';

/** Local commands of the lab, run from argument lists (never through a shell), failing with their output. */

/** Output of a finished command. */
export interface CommandOutput {
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Run as this local user through `runuser` (PostgreSQL refuses to run as root). */
  asUser?: string;
  timeoutMs?: number;
  /** Log whose tail is attached to the error when the command fails. */
  logFile?: string;
  hint?: string;
}

/** Runs a command to completion; throws an LabFailure carrying the command, its output and a log tail. */
export async function runCommand(
  command: string,
  args: string[],
  options: RunOptions = {},
): Promise<CommandOutput> {
  const [file, argv] = options.asUser
    ? ['/usr/sbin/runuser', ['-u', options.asUser, '--', command, ...args]]
    : [command, args];
  return new Promise((resolve, reject) => {
    execFile(
      file,
      argv,
      {
        env: options.env ?? process.env,
        cwd: options.cwd,
        timeout: options.timeoutMs ?? 300_000,
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        if (!error) return resolve({ stdout, stderr });
        void describeFailure(options.logFile).then((logTail) =>
          reject(
            new LabFailure({
              code: 'internal',
              message: `Lab command failed: ${path.basename(command)} (${error.killed ? 'timed out' : `exit ${String(error.code)}`})`,
              command: [file, ...argv].join(' '),
              output: [stdout, stderr].join('\n').trim().slice(-4000) + logTail,
              hint: options.hint,
            }),
          ),
        );
      },
    );
  });
}

async function describeFailure(logFile: string | undefined): Promise<string> {
  if (!logFile) return '';
  return `\n--- tail of ${logFile} ---\n${await tailOfFile(logFile)}`;
}

/** The last lines of a log file, or a note that it does not exist. */
export async function tailOfFile(file: string, lines = 40): Promise<string> {
  try {
    const text = await readFile(file, 'utf8');
    return text.split('\n').slice(-lines).join('\n');
  } catch {
    return `(no log at ${file})`;
  }
}
