import { writeFile } from 'node:fs/promises';
import type { FileDownload } from '../../shared/contract.js';
import type { Result } from '../../shared/result.js';
import { stringOption } from './cli-args.js';
import type { CommandContext } from './cli-context.js';
import { printResult } from './cli-output.js';
import { findProfile } from './profile-command.js';

/**
 * `trilio-dr runbook`: the DR procedure written out for this environment (hosts, exports and their base64
 * paths, fstab lines, config edits, mapping, restore.json), before any run; with `--run`, including the
 * exact plans that run made. The same `profiles.runbook` call the wizard's button makes.
 */
export async function runbookCommand({ core, command, io }: CommandContext): Promise<number> {
  const out = stringOption(command, 'out')!;
  const format = stringOption(command, 'format') === 'html' ? 'html' : 'md';
  const profile = await findProfile(core, stringOption(command, 'profile'));
  if (!profile.ok) return printResult(io, profile, () => '');
  const runId = stringOption(command, 'run');
  const doc = (await core.handle('profiles.runbook', {
    id: profile.value.id,
    kind: stringOption(command, 'kind') === 'full' ? 'full' : 'single',
    ...(runId ? { runId } : {}),
    format,
  })) as Result<FileDownload>;
  if (!doc.ok) return printResult(io, doc, () => '');
  const bytes = Buffer.from(doc.value.base64, 'base64');
  await writeFile(out, bytes, { mode: 0o600 });
  return printResult(io, { ok: true, value: { file: out, bytes: bytes.length } }, (v) => `Wrote ${v.file}.`);
}
