import { writeFile } from 'node:fs/promises';
import type { Profile } from '../../shared/profile/profile.js';
import { envRunbookHtml, envRunbookMarkdown, type EnvRunbookInput } from '../../shared/report/env-runbook.js';
import type { Result } from '../../shared/result.js';
import type { StepPlan } from '../../shared/run/plan-types.js';
import type { RunView } from '../../shared/run/run-types.js';
import type { Core } from '../core/core-types.js';
import { readVersion } from '../core/app-version.js';
import { stringOption, type CliArgs } from './cli-args.js';
import { printResult, type CliOutput } from './cli-output.js';
import { findProfile } from './profile-command.js';

export const runbookUsage =
  'trilio-dr runbook --profile P [--kind single|full] [--run ID] [--format md|html] --out FILE';

/**
 * `trilio-dr runbook`: the DR procedure written out for this environment (hosts, exports and their base64
 * paths, fstab lines, config edits, mapping, restore.json), before any run; with `--run`, including the
 * exact plans that run made.
 */
export async function runbookCommand(core: Core, args: CliArgs, io: CliOutput): Promise<number> {
  const out = stringOption(args, 'out');
  const format = stringOption(args, 'format') ?? 'md';
  if (!out || !['md', 'html'].includes(format)) {
    io.err(`usage: ${runbookUsage}`);
    return 2;
  }
  const profile = await findProfile(core, stringOption(args, 'profile'));
  if (!profile.ok) return printResult(io, profile, () => '');
  let plans: StepPlan[] = [];
  let kind = (stringOption(args, 'kind') ?? 'single') === 'full' ? ('full' as const) : ('single' as const);
  const runId = stringOption(args, 'run');
  if (runId) {
    const run = (await core.handle('runs.get', { runId })) as Result<RunView>;
    if (!run.ok) return printResult(io, run, () => '');
    kind = run.value.kind;
    plans = run.value.steps.flatMap((s) => (s.plan ? [s.plan] : []));
  }
  const input: EnvRunbookInput = {
    profile: profile.value as Profile,
    kind,
    plans,
    meta: { generatedAt: new Date().toISOString(), appVersion: readVersion() },
  };
  const text = format === 'html' ? envRunbookHtml(input) : envRunbookMarkdown(input);
  await writeFile(out, text, { mode: 0o600 });
  return printResult(
    io,
    { ok: true, value: { file: out, bytes: Buffer.byteLength(text) } },
    (v) => `Wrote ${v.file}.`,
  );
}
