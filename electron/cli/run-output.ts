import type { LogRecord, StepProgress } from '../../shared/contract.js';
import type { Action, StepKey, StepPlan } from '../../shared/run/plan-types.js';
import type { RunView, StepState } from '../../shared/run/run-types.js';
import { stepInfo } from '../../shared/run/step-catalog.js';
import { displayCommand } from '../../shared/shell/quote.js';
import { readRestoreOutcomeData, type RestoredWorkload } from '../../shared/report/restore-outcome.js';
import type { Core } from '../core/core-types.js';
import type { CliOutput } from './cli-output.js';

/** What the run commands print on stdout at the end (logs go to stderr as they happen). */
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

export function describeSummary(s: RunSummaryOutput): string {
  return [
    `Run ${s.runId}: ${s.status}`,
    ...s.steps.flatMap((st) => [
      `  ${st.key.padEnd(12)} ${st.status.padEnd(10)} ${st.summary ?? st.error ?? ''}`,
      ...(st.workloads ?? []).map(
        (w) =>
          `      ${w.status.padEnd(10)} ${w.name} → ${w.targetProject}${w.restoreId ? ` (restore ${w.restoreId})` : ''}${w.error ? `: ${w.error}` : ''}`,
      ),
    ]),
  ].join('\n');
}

/**
 * A step's plan as the terminal shows it: every command per host, every API call (with its body when
 * `bodies`), every manual action, then the read-only checks that verify it.
 */
export function describePlan(
  plan: StepPlan,
  options: { hostName?: (id: string) => string; bodies?: boolean } = {},
): string {
  const hostName = options.hostName ?? ((id: string) => id);
  const lines = [`## ${plan.title}`, plan.summary];
  for (const w of plan.warnings) lines.push(`  ! ${w}`);
  const show = (a: Action, check: boolean) => {
    const tag = check ? 'check ' : '';
    if (a.kind === 'remote')
      lines.push(
        `  ${tag}[${hostName(a.host)}] ${a.description}`,
        ...(a.destructive ? [`      ! deletes ${a.destructive} (confirmed by --yes)`] : []),
        `      $ ${displayCommand(a.argv)}`,
      );
    else if (a.kind === 'api') {
      lines.push(`  ${tag}[api] ${a.description}`, `      ${a.method} ${a.path}`);
      if (options.bodies && a.body !== undefined) lines.push(`      ${JSON.stringify(a.body)}`);
    } else lines.push(`  [manual] ${a.description}`, `      ${a.instructions}`);
  };
  for (const a of plan.actions) show(a, false);
  if (plan.actions.length === 0) lines.push('  (nothing to change)');
  for (const a of plan.verify) show(a, true);
  return lines.join('\n');
}

/** Streams the run's log lines and step changes to stderr while a command runs. */
export function streamLogs(core: Core, io: CliOutput): () => void {
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
