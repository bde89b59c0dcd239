import { writeFile } from 'node:fs/promises';
import type { FileDownload } from '../../shared/contract.js';
import type { Result } from '../../shared/result.js';
import type { Core } from '../core/core-types.js';
import { stringOption, type CliArgs } from './cli-args.js';
import { printResult, type CliOutput } from './cli-output.js';
import { findProfile } from './profile-command.js';

export const runbookUsage =
  'trilio-dr runbook --profile P [--kind single|full] [--run ID] [--format md|html] --out FILE';

/**
 * `trilio-dr runbook`: the DR procedure written out for this environment (hosts, exports and their base64
 * paths, fstab lines, config edits, mapping, restore.json), before any run; with `--run`, including the
 * exact plans that run made. The same `profiles.runbook` call the wizard's button makes.
 */
export async function runbookCommand(core: Core, args: CliArgs, io: CliOutput): Promise<number> {
  const out = stringOption(args, 'out');
  const format = stringOption(args, 'format') ?? 'md';
  if (!out || (format !== 'md' && format !== 'html')) {
    io.err(`usage: ${runbookUsage}`);
    return 2;
  }
  const profile = await findProfile(core, stringOption(args, 'profile'));
  if (!profile.ok) return printResult(io, profile, () => '');
  const runId = stringOption(args, 'run');
  const doc = (await core.handle('profiles.runbook', {
    id: profile.value.id,
    kind: stringOption(args, 'kind') === 'full' ? 'full' : 'single',
    ...(runId ? { runId } : {}),
    format,
  })) as Result<FileDownload>;
  if (!doc.ok) return printResult(io, doc, () => '');
  const bytes = Buffer.from(doc.value.base64, 'base64');
  await writeFile(out, bytes, { mode: 0o600 });
  return printResult(io, { ok: true, value: { file: out, bytes: bytes.length } }, (v) => `Wrote ${v.file}.`);
}
