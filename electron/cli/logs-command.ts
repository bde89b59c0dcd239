import type { LogRecord } from '../../shared/contract.js';
import type { Result } from '../../shared/result.js';
import { stringOption } from './cli-args.js';
import type { CommandContext } from './cli-context.js';
import { printResult } from './cli-output.js';

/** `trilio-dr logs`: every stored log line of a run, in order (what the report and the wizard show). */
export async function logsCommand({ core, command, io }: CommandContext): Promise<number> {
  const runId = stringOption(command, 'run')!;
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
