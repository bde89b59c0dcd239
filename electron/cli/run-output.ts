import type { LogRecord, StepProgress } from '../../shared/contract.js';
import type { StepKey } from '../../shared/run/plan-types.js';
import type { RunView, StepState } from '../../shared/run/run-types.js';
import { stepInfo } from '../../shared/run/step-catalog.js';
import { readRestoreOutcomeData, type RestoredWorkload } from '../../shared/report/restore-outcome.js';
import type { Core } from '../core/core-types.js';
import type { CliOutput } from './cli-output.js';

export { describePlan } from '../../shared/run/describe-plan.js';

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
