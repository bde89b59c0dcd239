import type { AppError, Result } from '../../shared/result.js';

/** How the CLI prints: a human layout, or exactly one JSON document per command with `--json`. */
export interface CliOutput {
  json: boolean;
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

/** Prints a result; returns the process exit code (0 ok, 1 failed). */
export function printResult<T>(io: CliOutput, result: Result<T>, human: (value: T) => string): number {
  if (io.json) {
    io.out(JSON.stringify(result, null, 2));
    return result.ok ? 0 : 1;
  }
  if (result.ok) {
    const text = human(result.value);
    if (text !== '') io.out(text);
    return 0;
  }
  io.err(describeError(result.error));
  return 1;
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
