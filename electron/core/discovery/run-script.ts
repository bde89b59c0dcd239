import { fail, ok, type Result } from '../../../shared/result.js';
import { displayCommand } from '../../../shared/shell/quote.js';
import type { SshConnection } from '../ssh/connection.js';
import { runCommand, type ExecContext } from '../ssh/exec.js';

/** Discovery output is large (a line per workload or image), so the cap is well above runCommand's default. */
export const defaultMaxOutputBytes = 256 * 1024 * 1024;

const notFound = /^sudo: .*: command not found$/m;

/** What a discovery script printed, and where it ran (for the errors of the caller's parser). */
export interface ScriptOutput {
  stdout: string;
  stderrTail: string;
  host: string;
  command: string;
}

/**
 * Runs a Python script sent on stdin (`argv` is `python3 -I -S - …`, python-stdin.ts) over `conn`. Stdout stays out of the
 * log (it can be megabytes of JSON); stderr is logged. Adds a hint when the interpreter is missing, and
 * refuses output that hit the capture cap instead of handing a cut-off document to a parser.
 */
export async function runPythonScript(
  conn: SshConnection,
  argv: readonly string[],
  script: string,
  ctx: ExecContext,
  maxOutputBytes = defaultMaxOutputBytes,
): Promise<Result<ScriptOutput>> {
  const ran = await runCommand(
    conn,
    { argv, stdin: script, quietStdout: true, maxCaptureBytes: maxOutputBytes },
    ctx,
  );
  const host = conn.target.name;
  if (!ran.ok) {
    // 127 from the shell; sudo says "command not found" and exits 1.
    if (
      ran.error.exitCode === 127 ||
      (ran.error.exitCode !== undefined && notFound.test(ran.error.output ?? ''))
    )
      return fail({
        ...ran.error,
        hint: `${argv[0]} was not found on ${host}; discovery needs Python 3.6 or later there (the Trilio appliance has it).`,
      });
    return ran;
  }
  const command = displayCommand(argv);
  if (ran.value.stdoutTruncated)
    return fail({
      code: 'validation',
      message: `${host}: the output was larger than ${Math.round(maxOutputBytes / 1024 / 1024)} MiB and was cut off.`,
      hint: 'Run the step on fewer folders at a time.',
      host,
      command,
    });
  return ok({ stdout: ran.value.stdout, stderrTail: ran.value.stderrTail, host, command });
}

/** Puts the host, the command and (if the parser gave none) the stderr tail on a parser's error. */
export function withScriptContext<T>(parsed: Result<T>, out: ScriptOutput): Result<T> {
  if (parsed.ok) return parsed;
  return fail({
    ...parsed.error,
    message: `${out.host}: ${parsed.error.message}`,
    host: out.host,
    command: out.command,
    output: parsed.error.output ?? out.stderrTail,
  });
}
