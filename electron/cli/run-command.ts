import { formatMappingCsv } from '../../shared/mapping/project-mapping.js';
import type { ProjectMapping } from '../../shared/profile/profile.js';
import { fail, type Result } from '../../shared/result.js';
import { destructiveActionIds, type StepKey } from '../../shared/run/plan-types.js';
import type { RunSummary, RunView, StepState } from '../../shared/run/run-types.js';
import { stepInfo } from '../../shared/run/step-catalog.js';
import type { Core } from '../core/core-types.js';
import { flagOption, stringOption, type ParsedCommand } from './cli-args.js';
import type { CommandContext } from './cli-context.js';
import { printError, printResult, type CliOutput } from './cli-output.js';
import { findProfile } from './profile-command.js';
import { fullParams, singleParams } from './run-params.js';
import { describePlan, describeSummary, streamLogs, summaryOf } from './run-output.js';

export type { RunSummaryOutput } from './run-output.js';
export { summaryOf, describePlan } from './run-output.js';

async function get(core: Core, runId: string): Promise<Result<RunView>> {
  return (await core.handle('runs.get', { runId })) as Result<RunView>;
}

/**
 * Plans and executes the run's remaining steps in order, printing each plan before it runs. Ctrl-C
 * cancels the step that is running (the run stays resumable) and starts no further step.
 */
async function runSteps(ctx: CommandContext, runId: string, only?: StepKey[]): Promise<Result<RunView>> {
  const { core, io, interrupt } = ctx;
  const run = await get(core, runId);
  if (!run.ok) return run;
  const stop = interrupt.onInterrupt(() => {
    io.err('Interrupted: cancelling the running step (the run can be resumed)…');
    void core.handle('runs.cancel', { runId });
  });
  try {
    for (const step of run.value.steps) {
      if (only ? !only.includes(step.key) : step.status === 'succeeded' || stepInfo(step.key).onDemand)
        continue;
      if (interrupt.interrupted) return interrupted(runId, step.key);
      const planned = (await core.handle('runs.plan', { runId, step: step.key })) as Result<StepState>;
      if (!planned.ok) return planned;
      if (planned.value.plan) io.err(describePlan(planned.value.plan));
      if (interrupt.interrupted) return interrupted(runId, step.key);
      // Every CLI command that executes needs --yes: that is the confirmation of what the plan deletes.
      const confirmed = destructiveActionIds(planned.value.plan);
      const done = (await core.handle('runs.execute', {
        runId,
        step: step.key,
        ...(confirmed.length > 0 ? { confirmed } : {}),
      })) as Result<StepState>;
      if (!done.ok) return done;
    }
  } finally {
    stop();
  }
  return get(core, runId);
}

function interrupted(runId: string, next: StepKey): Result<RunView> {
  return fail({
    code: 'cancelled',
    message: `Interrupted before “${stepInfo(next).title}”.`,
    hint: `Continue with: trilio-dr resume --run ${runId} --yes`,
  });
}

/** Prints the end of a run command: its summary, or the error with the run's state. */
async function finish(ctx: CommandContext, result: Result<RunView>, runId: string): Promise<number> {
  const { io, core } = ctx;
  if (result.ok) return printResult(io, { ok: true, value: summaryOf(result.value) }, describeSummary);
  const run = await get(core, runId);
  return printError(io, result.error, {
    inRun: true,
    ...(run.ok ? { run: summaryOf(run.value) } : {}),
    footer: `  run: ${runId} (resume: trilio-dr resume --run ${runId} --yes)`,
  });
}

/** `trilio-dr run|resume|revert|cleanup|runs`. */
export async function runCommand(ctx: CommandContext): Promise<number> {
  const { core, command, io } = ctx;
  const [group, sub] = command.spec.path;
  if (group === 'runs') return listRuns(core, command, io);
  const stop = streamLogs(core, io);
  try {
    if (group === 'run') return sub === 'full' ? await runFull(ctx) : await runSingle(ctx);
    const runId = stringOption(command, 'run')!;
    if (group === 'resume') {
      // A full run stopped before its mapping was saved gets it now, as `run full` would have.
      const mapped = await ensureMapping(ctx, runId);
      if (!mapped.ok) return finish(ctx, mapped, runId);
      return finish(ctx, await runSteps(ctx, runId), runId);
    }
    if (group === 'revert') return finish(ctx, await runSteps(ctx, runId, ['revert']), runId);
    if (flagOption(command, 'remove-mounts')) {
      const run = await get(core, runId);
      if (!run.ok) return printError(io, run.error);
      await core.handle('runs.updateParams', {
        runId,
        params: { ...run.value.params, removeMountsOnCleanup: true },
      });
    }
    return finish(ctx, await runSteps(ctx, runId, ['cleanup']), runId);
  } finally {
    stop();
  }
}

async function listRuns(core: Core, command: ParsedCommand, io: CliOutput): Promise<number> {
  const profile = stringOption(command, 'profile');
  const found = profile ? await findProfile(core, profile) : undefined;
  if (found && !found.ok) return printResult(io, found, () => '');
  const listed = (await core.handle('runs.list', found?.ok ? { profileId: found.value.id } : {})) as Result<
    RunSummary[]
  >;
  return printResult(
    io,
    listed,
    (runs) => runs.map((r) => `${r.id}  ${r.kind}  ${r.status}  ${r.createdAt}`).join('\n') || 'No runs.',
  );
}

async function create(ctx: CommandContext, input: { profileId: string; params: unknown }) {
  const run = (await ctx.core.handle('runs.create', input)) as Result<RunView>;
  if (run.ok) ctx.io.err(`Run ${run.value.id} created.`);
  return run;
}

async function runSingle(ctx: CommandContext): Promise<number> {
  const input = await singleParams(ctx.core, ctx.command);
  if (!input.ok) return printError(ctx.io, input.error);
  const run = await create(ctx, input.value);
  if (!run.ok) return printError(ctx.io, run.error);
  return finish(ctx, await runSteps(ctx, run.value.id), run.value.id);
}

/**
 * Full-cloud DR headless: pre-flight and find first, then the project mapping (the file given, else
 * suggested by name and printed), then every remaining step. An unmapped source project stops the run
 * before anything is reassigned.
 */
async function runFull(ctx: CommandContext): Promise<number> {
  const input = await fullParams(ctx.core, ctx.command);
  if (!input.ok) return printError(ctx.io, input.error);
  const run = await create(ctx, input.value);
  if (!run.ok) return printError(ctx.io, run.error);
  const runId = run.value.id;
  const mapped = await ensureMapping(ctx, runId);
  if (!mapped.ok) return finish(ctx, mapped, runId);
  return finish(ctx, await runSteps(ctx, runId), runId);
}

/**
 * A full run without a mapping (no --mapping file): pre-flight and find run first (those not done yet),
 * then the mapping suggested by name is printed and saved in the run. `resume` calls it too, so a run
 * killed before the mapping was saved continues with the same mapping `run full` would have used.
 * An unmapped source project stops the run before anything is reassigned.
 */
async function ensureMapping(ctx: CommandContext, runId: string): Promise<Result<RunView>> {
  const { core, io } = ctx;
  const run = await get(core, runId);
  if (!run.ok) return run;
  const params = run.value.params;
  if (params.kind !== 'full' || params.mapping.length > 0) return run;
  const first = run.value.steps
    .filter((s) => (s.key === 'preflight' || s.key === 'find') && s.status !== 'succeeded')
    .map((s) => s.key);
  if (first.length > 0) {
    const done = await runSteps(ctx, runId, first);
    if (!done.ok) return done;
  }
  const suggested = (await core.handle('runs.suggestMapping', { runId })) as Result<ProjectMapping[]>;
  if (!suggested.ok) return suggested;
  io.err(`Project mapping (suggested by name):\n${formatMappingCsv(suggested.value)}`);
  const missing = suggested.value.filter((m) => !m.targetProject);
  if (missing.length > 0)
    return fail({
      code: 'precondition',
      message: `No target project found by name for ${missing.map((m) => m.sourceProjectName || m.sourceProjectId).join(', ')}.`,
      hint: 'Save the mapping above to a file, complete it, and run again with --mapping FILE.csv.',
    });
  return (await core.handle('runs.updateParams', {
    runId,
    params: { ...params, mapping: suggested.value },
  })) as Result<RunView>;
}
