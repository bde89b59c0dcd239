import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { renderAnsible } from '../../shared/ansible/ansible-export.js';
import type { Result } from '../../shared/result.js';
import type { StepKey } from '../../shared/run/plan-types.js';
import { stepInfo } from '../../shared/run/step-catalog.js';
import type { PreviewStep, RunPreview } from '../../shared/run/run-preview.js';
import { stringOption } from './cli-args.js';
import type { CommandContext } from './cli-context.js';
import { ExitCode } from './cli-exit.js';
import { printEnvelope, printError } from './cli-output.js';
import { fullParams, singleParams } from './run-params.js';
import { findProfile } from './profile-command.js';
import { describePlan, streamLogs } from './run-output.js';

const basisLabel: Record<PreviewStep['basis'], string> = {
  discovered: 'planned from what is there now',
  predicted: 'planned from what the earlier steps will have done',
  deferred: 'planned when the step runs',
};

/**
 * `trilio-dr plan single|full`: the complete plan — every command per host, every API call per
 * workload — of the run these options would start, made by the same planners the run uses. Only
 * discovery runs (it reads); no run is saved and nothing is changed. Exit 3 when pre-flight finds a
 * problem that would stop the run.
 */
export async function planCommand(ctx: CommandContext): Promise<number> {
  const { core, command, io } = ctx;
  const format = stringOption(command, 'format') ?? 'text';
  const outDir = stringOption(command, 'out');
  if (format === 'ansible' && !outDir)
    return printError(io, {
      code: 'invalid-argument',
      message: '--format ansible writes a folder: give it with --out DIR.',
    });
  const input =
    command.spec.path[1] === 'full' ? await fullParams(core, command) : await singleParams(core, command);
  if (!input.ok) return printError(io, input.error);
  const stop = streamLogs(core, io);
  let preview: Result<RunPreview>;
  try {
    preview = (await core.handle('runs.preview', input.value)) as Result<RunPreview>;
  } finally {
    stop();
  }
  if (!preview.ok) return printError(io, preview.error);
  const blocked = (preview.value.steps.find((s) => s.key === 'preflight')?.plan?.warnings.length ?? 0) > 0;
  const exitCode = blocked ? ExitCode.precondition : ExitCode.ok;
  if (format === 'ansible' && outDir) {
    if (blocked) {
      io.err(describePreview(preview.value, blocked));
      return printError(io, {
        code: 'precondition',
        message: 'Pre-flight found problems that would stop the run: no playbook was written.',
        hint: 'Fix what pre-flight names (above), then export again.',
      });
    }
    return writeAnsible(ctx, preview.value, outDir);
  }
  if (io.json || format === 'json') printEnvelope(io, { ok: !blocked, exitCode, value: preview.value });
  else io.out(describePreview(preview.value, blocked));
  return exitCode;
}

/** Writes the plan as a playbook, inventory and group_vars into `dir` (created when missing). */
async function writeAnsible({ core, command, io }: CommandContext, preview: RunPreview, dir: string) {
  const profile = await findProfile(core, stringOption(command, 'profile'));
  if (!profile.ok) return printError(io, profile.error);
  const from = stringOption(command, 'from') as StepKey | undefined;
  const files = renderAnsible(profile.value, preview, from ? { fromStep: from } : {});
  if (!files.ok) return printError(io, files.error);
  const written: string[] = [];
  for (const [name, text] of Object.entries(files.value)) {
    const file = join(dir, name);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, text, { mode: 0o644 });
    written.push(file);
  }
  const deferred = preview.steps.filter((s) => !s.plan && !stepInfo(s.key).onDemand).slice(0, 1);
  const value = { dir, files: written, next: deferred.map((s) => s.key) };
  if (io.json) printEnvelope(io, { ok: true, exitCode: ExitCode.ok, value });
  else
    io.out(
      [
        `Wrote ${written.join(', ')}.`,
        ...deferred.map(
          (s) =>
            `${s.title} is planned from what the steps before it did: run this playbook, then export again with --from ${s.key}.`,
        ),
      ].join('\n'),
    );
  return ExitCode.ok;
}

export function describePreview(p: RunPreview, blocked: boolean): string {
  const names = new Map(p.hosts.map((h) => [h.id, h.name]));
  const hostName = (id: string) => names.get(id) ?? id;
  const lines = [
    `Plan of a ${p.kind === 'single' ? 'single-workload' : 'full-cloud'} DR with profile "${p.profileName}" (${p.generatedAt}).`,
    'Nothing was changed and no run was saved: every step below only read the hosts and clouds.',
    '',
  ];
  p.steps.forEach((s, i) => {
    lines.push(`${i + 1}. ${s.title} (${basisLabel[s.basis]})`);
    for (const note of s.notes) lines.push(`   note: ${note}`);
    if (s.plan)
      lines.push(
        ...describePlan(s.plan, { hostName, bodies: true })
          .split('\n')
          .map((l) => `   ${l}`),
      );
    if (s.error) lines.push(`   ${s.error.message}${s.error.hint ? ` — ${s.error.hint}` : ''}`);
    lines.push('');
  });
  const count = (basis: PreviewStep['basis']) => p.steps.filter((s) => s.basis === basis).length;
  lines.push(
    `${p.steps.length} steps: ${count('discovered')} planned from discovery, ${count('predicted')} from the earlier steps' plans, ${count('deferred')} when they run.`,
  );
  if (blocked) lines.push('Pre-flight found problems that would stop the run (marked ! above).');
  return lines.join('\n');
}
