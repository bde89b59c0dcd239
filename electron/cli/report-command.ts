import { writeFile } from 'node:fs/promises';
import type { Result } from '../../shared/result.js';
import type { Core } from '../core/core-types.js';
import type { ReportFile } from '../core/handlers/report-handlers.js';
import { stringOption, type CliArgs } from './cli-args.js';
import { printResult, type CliOutput } from './cli-output.js';

export const reportUsage = 'trilio-dr report --run ID --format html|pdf|json --out FILE [--json]';

/** `trilio-dr report`: the run report as one self-contained HTML file, a PDF, or versioned JSON. */
export async function reportCommand(core: Core, args: CliArgs, io: CliOutput): Promise<number> {
  const runId = stringOption(args, 'run');
  const format = stringOption(args, 'format') ?? 'html';
  const out = stringOption(args, 'out');
  if (!runId || !out || !['html', 'pdf', 'json'].includes(format)) {
    io.err(`usage: ${reportUsage}`);
    return 2;
  }
  const report = (await core.handle('runs.report', { runId, format })) as Result<ReportFile>;
  if (!report.ok) return printResult(io, report, () => '');
  const bytes = Buffer.from(report.value.base64, 'base64');
  await writeFile(out, bytes, { mode: 0o600 });
  return printResult(
    io,
    { ok: true, value: { file: out, bytes: bytes.length, format } },
    (v) => `Wrote ${v.file} (${v.bytes} bytes).`,
  );
}
