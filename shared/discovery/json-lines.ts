import type { z } from 'zod';
import { fail, ok, type Result } from '../result.js';

/**
 * The remote discovery scripts print JSON lines framed by a header (`{"kind": <format>, "version": n}`)
 * and an `end` line. The frame is what tells a complete answer from one cut off by a lost connection or
 * a capture limit, and a script of another version from ours.
 */
export interface FramedLines<End> {
  /** Body lines, each with its 1-based line number for error messages. */
  body: { line: number; value: unknown }[];
  end: End;
}

const snippetLength = 200;

/** A `validation` error about a script's output: what, where, and the start of the offending line. */
export function outputError(what: string, detail: string, hint?: string, snippet?: string): Result<never> {
  return fail({
    code: 'validation',
    message: `The ${what} output is not usable: ${detail}`,
    hint:
      hint ??
      'The remote script and this wizard disagree about the output; check that nothing else printed to standard output (a login banner from a shell startup file) and report the output below.',
    ...(snippet !== undefined ? { output: snippet.slice(0, snippetLength) } : {}),
  });
}

/** The first problem zod found, as `path: message`. */
export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid value';
  const where = issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ` : '';
  return `${where}${issue.message}`;
}

/**
 * Splits `text` into JSON values, checks the header (`kind` = `format`, `version` = `version`) and the
 * `end` line (validated by `endSchema`), and returns the lines between them.
 */
export function readFramedLines<End>(
  text: string,
  what: string,
  format: string,
  version: number,
  endSchema: z.ZodType<End>,
): Result<FramedLines<End>> {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  if (lines.length === 0) return outputError(what, 'the script printed nothing.');
  const values: { line: number; value: unknown }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    try {
      values.push({ line: i + 1, value: JSON.parse(raw) as unknown });
    } catch (error) {
      const last = i === lines.length - 1;
      return outputError(
        what,
        `line ${i + 1} is not JSON (${error instanceof Error ? error.message : String(error)})${last ? '; the output looks cut off' : ''}.`,
        undefined,
        raw,
      );
    }
  }
  const header = values[0]!.value as { kind?: unknown; version?: unknown } | null;
  if (typeof header !== 'object' || header === null || header.kind !== format)
    return outputError(what, `the first line is not the "${format}" header.`, undefined, lines[0]);
  if (header.version !== version)
    return outputError(
      what,
      `the script speaks format version ${String(header.version)}, this wizard reads version ${version}.`,
      'The script sent is part of this wizard; a different version means something else answered.',
      lines[0],
    );
  const last = values.at(-1)!;
  const endKind = (last.value as { kind?: unknown } | null)?.kind;
  if (values.length < 2 || endKind !== 'end')
    return outputError(
      what,
      `the output ended at line ${lines.length} before the script's end line: it was cut off.`,
      'The connection may have dropped or the output hit the capture limit; run the step again.',
      lines.at(-1),
    );
  const end = endSchema.safeParse(last.value);
  if (!end.success)
    return outputError(what, `line ${last.line}: ${firstIssue(end.error)}.`, undefined, lines.at(-1));
  return ok({ body: values.slice(1, -1), end: end.data });
}
