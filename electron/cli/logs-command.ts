import type { LogRecord } from '../../shared/contract.js';
import type { Result } from '../../shared/result.js';
import type { Core } from '../core/core-types.js';
import { stringOption, type CliArgs } from './cli-args.js';
import { printResult, type CliOutput } from './cli-output.js';

export const logsUsage = 'trilio-dr logs --run ID [--json]';

/** `trilio-dr logs`: every stored log line of a run, in order (what the report and the wizard show). */
export async function logsCommand(core: Core, args: CliArgs, io: CliOutput): Promise<number> {
  const runId = stringOption(args, 'run');
  if (!runId) {
    io.err(`usage: ${logsUsage}`);
    return 2;
  }
  const all: (LogRecord & { id: number })[] = [];
  for (;;) {
    const page = (await core.handle('runs.logs', {
      runId,
      limit: 10_000,
      ...(all.length > 0 ? { afterId: all[all.length - 1]!.id } : {}),
    })) as Result<(LogRecord & { id: number })[]>;
    if (!page.ok) return printResult(io, page, () => '');
    all.push(...page.value);
    if (page.value.length < 10_000) break;
  }
  return printResult(io, { ok: true, value: all }, (lines) =>
    lines
      .map(
        (l) => `${new Date(l.ts).toISOString()} ${l.step.padEnd(11)} ${(l.host || '-').padEnd(10)} ${l.text}`,
      )
      .join('\n'),
  );
}
