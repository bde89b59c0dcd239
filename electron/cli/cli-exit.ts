import type { AppError, ErrorCode } from '../../shared/result.js';

/**
 * The CLI's exit codes (docs/cli.md). Scripts branch on them: 1 means the work itself failed (a run
 * step, a command on a host), 3 that it could not start (nothing was changed), 2 that the command
 * line was wrong, 130 that the user interrupted it.
 */
export const ExitCode = {
  ok: 0,
  failed: 1,
  usage: 2,
  precondition: 3,
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Errors that mean "could not start": a locked or busy store, a missing profile or run, a bad profile. */
const preconditionCodes = new Set<ErrorCode>([
  'not-found',
  'conflict',
  'validation',
  'precondition',
  'store-locked',
  'store-too-new',
  'store-corrupt',
  'secret-unavailable',
]);

/**
 * The exit code of an error that ended a command. `inRun`: the error ended a run's step, which makes it
 * a failed run (1) whatever its code, except a cancellation (130).
 */
export function exitCodeOf(error: AppError, inRun = false): ExitCode {
  if (error.code === 'cancelled') return ExitCode.interrupted;
  if (inRun) return ExitCode.failed;
  if (error.code === 'invalid-argument') return ExitCode.usage;
  if (preconditionCodes.has(error.code)) return ExitCode.precondition;
  return ExitCode.failed;
}

export function exitCodeLines(): string[] {
  return [
    '0    ok',
    '1    failed: a run step or an operation failed (see the error; `resume` continues a run)',
    '2    usage: unknown option, missing value or argument',
    '3    precondition: nothing was done (store locked or in use, no such profile or run, invalid profile)',
    '130  interrupted (Ctrl-C); a run is left resumable',
  ];
}
