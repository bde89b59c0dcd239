import { writeFile } from 'node:fs/promises';
import { extname } from 'node:path';
import type { FileDownload } from '../../shared/contract.js';
import type { DrillSummary, DrillView } from '../../shared/drill/drill-types.js';
import { fail, type Result } from '../../shared/result.js';
import { flagOption, listOption, stringOption } from './cli-args.js';
import type { CommandContext } from './cli-context.js';
import { ExitCode } from './cli-exit.js';
import { printEnvelope, printError, printResult, table } from './cli-output.js';
import { findProfile } from './profile-command.js';
import { streamLogs } from './run-output.js';

/**
 * `trilio-dr drill --profile P (--workload ID … | --all) [--report FILE] [--json]`, or `--resume ID`:
 * starts the drill in the core and follows it to its end, printing the log and each phase; the exit
 * code says whether it passed (0), failed or left something (1), or was refused (3) — for cron and CI.
 */
export async function drillCommand(ctx: CommandContext): Promise<number> {
  const { core, command, io } = ctx;
  const resume = stringOption(command, 'resume');
  const all = flagOption(command, 'all');
  const workloadIds = listOption(command, 'workload');
  let started: Result<DrillView>;
  const stop = streamLogs(core, io);
  try {
    if (resume) started = (await core.handle('drills.resume', { drillId: resume })) as Result<DrillView>;
    else {
      const name = stringOption(command, 'profile');
      if (!name)
        return printError(io, {
          code: 'invalid-argument',
          message: 'drill needs --profile P (or --resume ID).',
        });
      if (all === workloadIds.length > 0)
        return printError(io, {
          code: 'invalid-argument',
          message: all
            ? 'Give --all or --workload, not both.'
            : 'Name the workloads (--workload ID) or give --all.',
        });
      const profile = await findProfile(core, name);
      if (!profile.ok) return printError(io, profile.error);
      started = (await core.handle('drills.start', {
        profileId: profile.value.id,
        all,
        workloadIds,
      })) as Result<DrillView>;
    }
    if (!started.ok) return printError(io, started.error);
    io.err(`Drill ${started.value.id} started.`);
    const drill = await follow(ctx, started.value.id);
    if (!drill.ok) return printError(io, drill.error);
    const reportFile = stringOption(command, 'report');
    if (reportFile) {
      const written = await writeReport(ctx, drill.value.id, reportFile);
      if (!written.ok) return printError(io, written.error);
      io.err(`Wrote ${reportFile}.`);
    }
    const exitCode =
      drill.value.status === 'passed'
        ? ExitCode.ok
        : drill.value.status === 'refused'
          ? ExitCode.precondition
          : ExitCode.failed;
    if (io.json)
      printEnvelope(io, {
        ok: exitCode === ExitCode.ok,
        exitCode,
        value: drill.value,
        ...(drill.value.error ? { error: drill.value.error } : {}),
      });
    else io.out(describe(drill.value));
    return exitCode;
  } finally {
    stop();
  }
}

/** Polls the drill until it is no longer running, printing each phase as it changes. */
async function follow(ctx: CommandContext, drillId: string): Promise<Result<DrillView>> {
  const seen = new Map<string, string>();
  for (;;) {
    const got = (await ctx.core.handle('drills.get', { drillId })) as Result<DrillView>;
    if (!got.ok) return got;
    for (const p of got.value.phases) {
      if (p.status === 'pending' || seen.get(p.key) === p.status) continue;
      seen.set(p.key, p.status);
      ctx.io.err(`== drill ${p.key}: ${p.status}${p.detail ? ` — ${p.detail}` : ''}`);
    }
    if (got.value.status !== 'running') return got;
    if (ctx.interrupt.interrupted)
      return fail({
        code: 'cancelled',
        message: `Interrupted: drill ${drillId} stops with this process.`,
        hint: `Finish its tear-down with: trilio-dr drill --resume ${drillId}`,
      });
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function writeReport(ctx: CommandContext, drillId: string, file: string): Promise<Result<void>> {
  const ext = extname(file).slice(1).toLowerCase();
  const format = ext === 'pdf' || ext === 'json' ? ext : 'html';
  const report = (await ctx.core.handle('drills.report', { drillId, format })) as Result<FileDownload>;
  if (!report.ok) return report;
  await writeFile(file, Buffer.from(report.value.base64, 'base64'), { mode: 0o600 });
  return { ok: true, value: undefined };
}

const seconds = (s: number | undefined) => (s === undefined ? '-' : `${Math.round(s)} s`);

function describe(d: DrillView): string {
  const lines = [
    `Drill ${d.id}: ${d.status.toUpperCase()}`,
    table(
      ['workload', 'drill project', 'result', 'RTO', 'RPO'],
      d.workloads.map((w) => [
        `${w.name} (${w.workloadId})`,
        w.drillProject,
        w.status,
        seconds(w.rtoSeconds),
        seconds(w.rpoSeconds),
      ]),
    ),
  ];
  for (const w of d.workloads.filter((x) => x.error))
    lines.push(
      `${w.name}: ${w.failedStep ? `${w.failedStep}: ` : ''}${w.error!.message}${w.error!.hint ? `\n  what to do: ${w.error!.hint}` : ''}`,
    );
  if (d.inventory.after)
    lines.push(
      d.inventory.differences.length === 0
        ? 'No trace left: both clouds and every node are as before the drill.'
        : `Left after the tear-down (${d.inventory.differences.length}):\n${d.inventory.differences.map((x) => `  ${x.where}: +${x.added.join(', ')} -${x.removed.join(', ')}`).join('\n')}`,
    );
  if (d.error)
    lines.push(`Error: ${d.error.message}${d.error.hint ? `\n  what to do: ${d.error.hint}` : ''}`);
  return lines.join('\n');
}

/** `trilio-dr drills [--profile P]`. */
export async function drillsCommand(ctx: CommandContext): Promise<number> {
  const { core, command, io } = ctx;
  const name = stringOption(command, 'profile');
  const profile = name ? await findProfile(core, name) : undefined;
  if (profile && !profile.ok) return printError(io, profile.error);
  const listed = (await core.handle(
    'drills.list',
    profile?.ok ? { profileId: profile.value.id } : {},
  )) as Result<DrillSummary[]>;
  return printResult(io, listed, (list) =>
    list.length === 0
      ? 'No drills.'
      : table(
          ['drill', 'status', 'started', 'workloads', 'passed', 'left'],
          list.map((d) => [
            d.id,
            d.status,
            d.createdAt,
            String(d.workloads),
            String(d.passed),
            String(d.differences),
          ]),
        ),
  );
}
