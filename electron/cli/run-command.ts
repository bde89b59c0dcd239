import type { LogRecord, StepProgress } from '../../shared/contract.js';
import type { Result } from '../../shared/result.js';
import type { StepKey, StepPlan } from '../../shared/run/plan-types.js';
import type { RunView, SingleRunParams, StepState } from '../../shared/run/run-types.js';
import { stepInfo } from '../../shared/run/step-catalog.js';
import { displayCommand } from '../../shared/shell/quote.js';
import type { Core } from '../core/core-types.js';
import { stringOption, type CliArgs } from './cli-args.js';
import { describeError, printResult, type CliOutput } from './cli-output.js';
import { findProfile } from './profile-command.js';
import { readFile } from 'node:fs/promises';
import { formatMappingCsv, parseMappingCsv } from '../../shared/mapping/project-mapping.js';
import type { ProjectMapping } from '../../shared/profile/profile.js';
import type { FullRunParams } from '../../shared/run/run-types.js';
import { readRestoreOutcomeData, type RestoredWorkload } from '../../shared/report/restore-outcome.js';

export const runUsage = `trilio-dr plan single --profile P --workload ID --target-project NAME [--snapshot ID|latest] [--json]
trilio-dr run single --profile P --workload ID --target-project NAME [--trustee USER] [--snapshot ID|latest]
                     [--restore-json FILE] [--notify-only] [--reenable-schedules] --yes [--json]
trilio-dr run full --profile P [--mapping FILE.csv] [--notify-only] [--concurrency N] [--reenable-schedules] --yes [--json]
trilio-dr resume --run ID --yes [--json]
trilio-dr revert --run ID --yes [--json]
trilio-dr cleanup --run ID [--remove-mounts] --yes [--json]
trilio-dr runs [--profile P] [--json]`;

/** What the headless commands print on stdout at the end (logs go to stderr as they happen). */
export interface RunSummaryOutput {
  runId: string;
  status: RunView['status'];
  steps: {
    key: StepKey;
    status: StepState['status'];
    summary?: string;
    error?: string;
    /** The restore or notify step's per-workload table. */
    workloads?: RestoredWorkload[];
  }[];
  changes: { step: StepKey; host: string; kind: string; description: string; undone: boolean }[];
}

export function summaryOf(run: RunView): RunSummaryOutput {
  return {
    runId: run.id,
    status: run.status,
    steps: run.steps.map((s) => {
      const table =
        s.key === 'restore' || s.key === 'notify' ? readRestoreOutcomeData(s.outcome?.data) : undefined;
      return {
        key: s.key,
        status: s.status,
        ...(s.outcome ? { summary: s.outcome.summary } : {}),
        ...(s.error ? { error: s.error.message } : {}),
        ...(table ? { workloads: table.workloads } : {}),
      };
    }),
    changes: run.changes.map((c) => ({
      step: c.step,
      host: c.host,
      kind: c.kind,
      description: c.description,
      undone: Boolean(c.undoneAt),
    })),
  };
}

async function singleParams(
  core: Core,
  args: CliArgs,
): Promise<Result<{ profileId: string; params: SingleRunParams }>> {
  const profile = await findProfile(core, stringOption(args, 'profile'));
  if (!profile.ok) return profile;
  const missing = ['workload', 'target-project'].filter((o) => !stringOption(args, o));
  if (missing.length > 0)
    return {
      ok: false,
      error: {
        code: 'invalid-argument',
        message: `Missing ${missing.map((m) => `--${m}`).join(', ')}.`,
        hint: runUsage,
      },
    };
  return {
    ok: true,
    value: {
      profileId: profile.value.id,
      params: {
        kind: 'single',
        workloadId: stringOption(args, 'workload')!,
        targetProject: stringOption(args, 'target-project')!,
        trusteeUser: stringOption(args, 'trustee') ?? '',
        snapshot: stringOption(args, 'snapshot') ?? 'latest',
        restore: null,
        notifyOnly: args.options['notify-only'] === true,
        removeMountsOnCleanup: args.options['remove-mounts'] === true,
        reenableSchedules: args.options['reenable-schedules'] === true,
      },
    },
  };
}

/** Streams the run's log lines and step changes to stderr while a command runs. */
function streamLogs(core: Core, io: CliOutput): () => void {
  return core.subscribe((event, payload) => {
    if (event === 'log')
      for (const r of payload as LogRecord[])
        io.err(`${r.step.padEnd(11)} ${(r.host || '-').padEnd(10)} ${r.text}`);
    else if (event === 'step') {
      const p = payload as StepProgress;
      if (p.status !== 'running' || p.message)
        io.err(
          `== ${stepInfo(p.step as StepKey)?.title ?? p.step}: ${p.status}${p.message ? ` — ${p.message}` : ''}`,
        );
    }
  });
}

export function describePlan(plan: StepPlan): string {
  const lines = [`## ${plan.title}`, plan.summary];
  for (const w of plan.warnings) lines.push(`  ! ${w}`);
  for (const a of plan.actions) {
    if (a.kind === 'remote')
      lines.push(`  [${a.host}] ${a.description}`, `      $ ${displayCommand(a.argv)}`);
    else if (a.kind === 'api') lines.push(`  [api] ${a.description}`, `      ${a.method} ${a.path}`);
    else lines.push(`  [manual] ${a.description}`, `      ${a.instructions}`);
  }
  if (plan.actions.length === 0) lines.push('  (nothing to change)');
  return lines.join('\n');
}

async function get(core: Core, runId: string): Promise<Result<RunView>> {
  return (await core.handle('runs.get', { runId })) as Result<RunView>;
}

/** Plans and executes the run's remaining steps in order, printing each plan before it runs. */
async function runSteps(
  core: Core,
  runId: string,
  io: CliOutput,
  only?: StepKey[],
): Promise<Result<RunView>> {
  const run = await get(core, runId);
  if (!run.ok) return run;
  for (const step of run.value.steps) {
    if (only ? !only.includes(step.key) : step.status === 'succeeded' || stepInfo(step.key).onDemand)
      continue;
    const planned = (await core.handle('runs.plan', { runId, step: step.key })) as Result<StepState>;
    if (!planned.ok) return planned;
    if (planned.value.plan) io.err(describePlan(planned.value.plan));
    const done = (await core.handle('runs.execute', { runId, step: step.key })) as Result<StepState>;
    if (!done.ok) return done;
  }
  return get(core, runId);
}

function requireYes(args: CliArgs, io: CliOutput): boolean {
  if (args.options.yes === true) return true;
  io.err('This changes hosts and clouds. Read the plan (trilio-dr plan …), then add --yes to run it.');
  return false;
}

function finish(
  io: CliOutput,
  result: Result<RunView>,
  runId: string | undefined,
  core: Core,
): Promise<number> {
  return (async () => {
    if (!result.ok) {
      const run = runId ? await get(core, runId) : undefined;
      if (io.json)
        io.out(
          JSON.stringify(
            { ok: false, error: result.error, ...(run?.ok ? { run: summaryOf(run.value) } : {}) },
            null,
            2,
          ),
        );
      else
        io.err(
          describeError(result.error) +
            (runId ? `\n  run: ${runId} (resume: trilio-dr resume --run ${runId} --yes)` : ''),
        );
      return 1;
    }
    return printResult(io, { ok: true, value: summaryOf(result.value) }, (s) =>
      [
        `Run ${s.runId}: ${s.status}`,
        ...s.steps.flatMap((st) => [
          `  ${st.key.padEnd(12)} ${st.status.padEnd(10)} ${st.summary ?? st.error ?? ''}`,
          ...(st.workloads ?? []).map(
            (w) =>
              `      ${w.status.padEnd(10)} ${w.name} → ${w.targetProject}${w.restoreId ? ` (restore ${w.restoreId})` : ''}${w.error ? `: ${w.error}` : ''}`,
          ),
        ]),
      ].join('\n'),
    );
  })();
}

export async function runCommand(core: Core, args: CliArgs, io: CliOutput): Promise<number> {
  const [command, sub] = args.positionals;
  const stop = streamLogs(core, io);
  try {
    if (command === 'runs') {
      const profile = stringOption(args, 'profile');
      const found = profile ? await findProfile(core, profile) : undefined;
      if (found && !found.ok) return printResult(io, found, () => '');
      const listed = await core.handle('runs.list', found?.ok ? { profileId: found.value.id } : {});
      return printResult(
        io,
        listed as Result<{ id: string; kind: string; status: string; createdAt: string }[]>,
        (runs) => runs.map((r) => `${r.id}  ${r.kind}  ${r.status}  ${r.createdAt}`).join('\n') || 'No runs.',
      );
    }
    if (command === 'run' && sub === 'full') {
      if (!requireYes(args, io)) return 2;
      return await runFull(core, args, io);
    }
    if ((command === 'plan' || command === 'run') && sub !== 'single') {
      io.err(`usage:\n${runUsage}`);
      return 2;
    }
    if (command === 'plan') {
      const input = await singleParams(core, args);
      if (!input.ok) return printResult(io, input, () => '');
      const run = (await core.handle('runs.create', input.value)) as Result<RunView>;
      if (!run.ok) return printResult(io, run, () => '');
      const first = (await core.handle('runs.plan', {
        runId: run.value.id,
        step: 'preflight',
      })) as Result<StepState>;
      const steps = run.value.steps.map((s) => ({
        key: s.key,
        title: stepInfo(s.key).title,
        summary: stepInfo(s.key).summary,
      }));
      return printResult(
        io,
        first.ok ? { ok: true, value: { runId: run.value.id, steps, preflight: first.value.plan } } : first,
        (v) =>
          [
            `Run ${v.runId} (not started). Steps:`,
            ...v.steps.map((s, i) => `  ${i + 1}. ${s.title}: ${s.summary}`),
            '',
            v.preflight ? describePlan(v.preflight) : '',
            '',
            'Each later step is planned from what the earlier ones find and shown before it runs.',
          ].join('\n'),
      );
    }
    if (!requireYes(args, io)) return 2;
    if (command === 'run') {
      const input = await singleParams(core, args);
      if (!input.ok) return printResult(io, input, () => '');
      const run = (await core.handle('runs.create', input.value)) as Result<RunView>;
      if (!run.ok) return printResult(io, run, () => '');
      io.err(`Run ${run.value.id} created.`);
      return finish(io, await runSteps(core, run.value.id, io), run.value.id, core);
    }
    const runId = stringOption(args, 'run');
    if (!runId) {
      io.err(`--run ID is required.\n${runUsage}`);
      return 2;
    }
    if (command === 'resume') {
      // A full run stopped before its mapping was saved gets it now, as `run full` would have.
      const mapped = await ensureMapping(core, runId, io);
      if (!mapped.ok) return finish(io, mapped, runId, core);
      return finish(io, await runSteps(core, runId, io), runId, core);
    }
    if (command === 'revert') return finish(io, await runSteps(core, runId, io, ['revert']), runId, core);
    if (command === 'cleanup') {
      if (args.options['remove-mounts'] === true) {
        const run = await get(core, runId);
        if (run.ok)
          await core.handle('runs.updateParams', {
            runId,
            params: { ...run.value.params, removeMountsOnCleanup: true },
          });
      }
      return finish(io, await runSteps(core, runId, io, ['cleanup']), runId, core);
    }
    io.err(`usage:\n${runUsage}`);
    return 2;
  } finally {
    stop();
  }
}

/**
 * Full-cloud DR headless: pre-flight and find first, then the project mapping (the file given, else
 * suggested by name and printed), then every remaining step. An unmapped source project stops the run
 * before anything is reassigned.
 */
async function runFull(core: Core, args: CliArgs, io: CliOutput): Promise<number> {
  const profile = await findProfile(core, stringOption(args, 'profile'));
  if (!profile.ok) return printResult(io, profile, () => '');
  let mapping: ProjectMapping[] = [];
  const file = stringOption(args, 'mapping');
  if (file) {
    const parsed = parseMappingCsv(await readFile(file, 'utf8'));
    if (!parsed.ok) return printResult(io, parsed, () => '');
    mapping = parsed.value;
  }
  const concurrency = Number(stringOption(args, 'concurrency') ?? 4);
  const params: FullRunParams = {
    kind: 'full',
    mapping,
    notifyOnly: args.options['notify-only'] === true,
    restoreConcurrency: Number.isInteger(concurrency) && concurrency > 0 ? concurrency : 4,
    removeMountsOnCleanup: false,
    reenableSchedules: args.options['reenable-schedules'] === true,
  };
  const run = (await core.handle('runs.create', { profileId: profile.value.id, params })) as Result<RunView>;
  if (!run.ok) return printResult(io, run, () => '');
  const runId = run.value.id;
  io.err(`Run ${runId} created.`);
  const mapped = await ensureMapping(core, runId, io);
  if (!mapped.ok) return finish(io, mapped, runId, core);
  return finish(io, await runSteps(core, runId, io), runId, core);
}

/**
 * A full run without a mapping (no --mapping file): pre-flight and find run first (those not done yet),
 * then the mapping suggested by name is printed and saved in the run. `resume` calls it too, so a run
 * killed before the mapping was saved continues with the same mapping `run full` would have used.
 * An unmapped source project stops the run before anything is reassigned.
 */
async function ensureMapping(core: Core, runId: string, io: CliOutput): Promise<Result<RunView>> {
  const run = await get(core, runId);
  if (!run.ok) return run;
  const params = run.value.params;
  if (params.kind !== 'full' || params.mapping.length > 0) return run;
  const first = run.value.steps
    .filter((s) => (s.key === 'preflight' || s.key === 'find') && s.status !== 'succeeded')
    .map((s) => s.key);
  if (first.length > 0) {
    const done = await runSteps(core, runId, io, first);
    if (!done.ok) return done;
  }
  const suggested = (await core.handle('runs.suggestMapping', { runId })) as Result<ProjectMapping[]>;
  if (!suggested.ok) return suggested;
  io.err(`Project mapping (suggested by name):\n${formatMappingCsv(suggested.value)}`);
  const missing = suggested.value.filter((m) => !m.targetProject);
  if (missing.length > 0)
    return {
      ok: false,
      error: {
        code: 'precondition',
        message: `No target project found by name for ${missing.map((m) => m.sourceProjectName || m.sourceProjectId).join(', ')}.`,
        hint: 'Save the mapping above to a file, complete it, and run again with --mapping FILE.csv.',
      },
    };
  return (await core.handle('runs.updateParams', {
    runId,
    params: { ...params, mapping: suggested.value },
  })) as Result<RunView>;
}
