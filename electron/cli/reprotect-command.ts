import type { ReprotectResult, ReprotectRow } from '../../shared/plans/reprotect-plan.js';
import type { Result } from '../../shared/result.js';
import { flagOption, stringOption } from './cli-args.js';
import type { CommandContext } from './cli-context.js';
import { printResult, table } from './cli-output.js';

/**
 * `trilio-dr reprotect --run ID [--yes]`: the run's restored workloads with their job schedule and
 * backup target, and the re-enable calls for those whose schedule is off. Without --yes it only shows
 * them; with --yes it sends them, reads every workload back and fails when a schedule is still off.
 */
export async function reprotectCommand(ctx: CommandContext): Promise<number> {
  const { core, command, io } = ctx;
  const runId = stringOption(command, 'run')!;
  const execute = flagOption(command, 'yes');
  const result = (await core.handle('runs.reprotect', { runId, execute })) as Result<ReprotectResult>;
  return printResult(io, result, (r) => describe(r, runId));
}

function rows(list: readonly ReprotectRow[]): string {
  return table(
    ['workload', 'project', 'schedule', 'backup target'],
    list.map((w) => [`${w.name} (${w.workloadId})`, w.projectName, w.scheduleText, w.backupTarget || '?']),
  );
}

function describe(r: ReprotectResult, runId: string): string {
  const lines = [rows(r.workloads), ''];
  if (r.actions.length === 0) lines.push('Every job schedule is on: nothing to do.');
  else {
    lines.push(r.executed ? 'Done:' : 'Plan:');
    for (const a of r.actions)
      lines.push(`  ${a.kind === 'api' ? `${a.method} ${a.path}  ` : ''}${a.description}`);
  }
  for (const w of r.warnings) lines.push(`Warning: ${w}`);
  if (r.after) lines.push('', 'Read back from Trilio:', rows(r.after));
  if (!r.executed && r.actions.length > 0)
    lines.push('', `Nothing changed. To turn them on: trilio-dr reprotect --run ${runId} --yes`);
  return lines.join('\n');
}
