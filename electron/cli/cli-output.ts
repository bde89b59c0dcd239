import type { AppError, Result } from '../../shared/result.js';
import { ExitCode, exitCodeOf } from './cli-exit.js';

/** The `--json` envelope's version (docs/cli.md); additive changes keep it. */
export const CLI_JSON_SCHEMA = 'trilio-dr-cli/v1';

/**
 * Every `--json` invocation prints exactly one of these on stdout, success or not (usage errors too),
 * and nothing else; logs and plans go to stderr.
 */
export interface CliEnvelope {
  schema: typeof CLI_JSON_SCHEMA;
  /** The command's words: `run single`, `report`, `` when none could be read. */
  command: string;
  ok: boolean;
  /** The process exit code, repeated for scripts that read the document only. */
  exitCode: number;
  /** The command's result (ok only). */
  value?: unknown;
  /** What went wrong (not ok only). */
  error?: AppError;
  /** The run's summary when a run command failed after the run was created. */
  run?: unknown;
}

/** How the CLI prints: a human layout, or exactly one JSON document per command with `--json`. */
export interface CliOutput {
  json: boolean;
  command: string;
  out(text: string): void;
  err(text: string): void;
}

export function describeError(error: AppError): string {
  const lines = [`error: ${error.message}`];
  if (error.host) lines.push(`  host: ${error.host}`);
  if (error.command) lines.push(`  command: ${error.command}`);
  if (error.request)
    lines.push(`  request: ${error.request}${error.httpStatus ? ` → ${error.httpStatus}` : ''}`);
  if (error.exitCode !== undefined) lines.push(`  exit code: ${error.exitCode}`);
  for (const field of error.fields ?? []) lines.push(`  ${field.path}: ${field.message}`);
  if (error.output) lines.push('  output:', ...error.output.split('\n').map((l) => `    ${l}`));
  if (error.hint) lines.push(`  what to do: ${error.hint}`);
  return lines.join('\n');
}

export function envelope(command: string, fields: Omit<CliEnvelope, 'schema' | 'command'>): CliEnvelope {
  return { schema: CLI_JSON_SCHEMA, command, ...fields };
}

export function printEnvelope(io: CliOutput, fields: Omit<CliEnvelope, 'schema' | 'command'>): void {
  io.out(JSON.stringify(envelope(io.command, fields), null, 2));
}

/** Prints an error (JSON envelope or the human description); returns the exit code. */
export function printError(
  io: CliOutput,
  error: AppError,
  options: { inRun?: boolean; run?: unknown; footer?: string } = {},
): number {
  const exitCode = exitCodeOf(error, options.inRun);
  if (io.json)
    printEnvelope(io, {
      ok: false,
      exitCode,
      error,
      ...(options.run !== undefined ? { run: options.run } : {}),
    });
  else io.err(describeError(error) + (options.footer ? `\n${options.footer}` : ''));
  return exitCode;
}

/** Prints a result; returns the process exit code (docs/cli.md). */
export function printResult<T>(io: CliOutput, result: Result<T>, human: (value: T) => string): number {
  if (!result.ok) return printError(io, result.error);
  if (io.json) printEnvelope(io, { ok: true, exitCode: ExitCode.ok, value: result.value });
  else {
    const text = human(result.value);
    if (text !== '') io.out(text);
  }
  return ExitCode.ok;
}

/** Plain-text table with left-aligned columns. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}
