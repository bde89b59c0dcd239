import { writeFile } from 'node:fs/promises';
import type { Result } from '../../shared/result.js';
import type { ReportFile } from '../core/handlers/report-handlers.js';
import { stringOption } from './cli-args.js';
import type { CommandContext } from './cli-context.js';
import { printResult } from './cli-output.js';

/**
 * `trilio-dr report`: the run report as one self-contained HTML file, a PDF, versioned JSON, or CSV
 * (one row per workload with its RPO, RTO and RTO target, for auditors' spreadsheets).
 */
export async function reportCommand({ core, command, io }: CommandContext): Promise<number> {
  const runId = stringOption(command, 'run')!;
  const format = stringOption(command, 'format') ?? 'html';
  const out = stringOption(command, 'out')!;
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
