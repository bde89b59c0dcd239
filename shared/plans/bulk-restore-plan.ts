import type { RestoreChoices } from '../restore/restore-json.js';
import { ok, type Result } from '../result.js';
import type { Action, StepPlan } from '../run/plan-types.js';
import { planRestore, type RestoreFacts, type SnapshotSummary } from './restore-plan.js';

/**
 * The Restore step over every workload of a run: one selective restore per workload (the single
 * workload's form, or the defaults for a full-cloud run), at most `concurrency` at once. A workload
 * that cannot be restored as found is named in the plan and reported in the outcome; it does not
 * hold back the others.
 */

/** A workload ready to restore, with the cloud A project it came from (for the report). */
export interface RestoreTargetFacts extends RestoreFacts {
  sourceProject: string;
  sourceProjectName: string;
}

/** A workload the step cannot restore as found (not in its project, no snapshot …). */
export interface RestoreProblemFacts {
  workloadId: string;
  workloadName: string;
  sourceProject: string;
  sourceProjectName: string;
  targetProject: string;
  error: string;
}

export interface RestoreStepFacts {
  workloads: RestoreTargetFacts[];
  problems: RestoreProblemFacts[];
  /** Restores running at once. */
  concurrency: number;
  /** The single workload's snapshots (the wizard offers them as choices). */
  snapshots?: SnapshotSummary[];
}

/**
 * One workload: exactly its plan (what the single-workload wizard shows). Several: every workload's
 * restore request, the ones that cannot be planned named in the warnings.
 */
export function planRestores(facts: RestoreStepFacts, chosen: RestoreChoices | null): Result<StepPlan> {
  if (facts.workloads.length === 1 && facts.problems.length === 0)
    return planRestore(facts.workloads[0]!, chosen);
  const actions: Action[] = [];
  const verify: Action[] = [];
  const warnings = new Set<string>();
  const planned: string[] = [];
  const unplanned: string[] = [];
  for (const w of facts.workloads) {
    const plan = planRestore(w, chosen);
    if (!plan.ok) {
      unplanned.push(`${w.workloadName} (${w.workloadId}): ${plan.error.message}`);
      continue;
    }
    actions.push(...plan.value.actions);
    verify.push(...plan.value.verify);
    // Lines shared by workloads (the project a restore runs in, the retry rule) are kept once.
    for (const warning of plan.value.warnings) warnings.add(warning);
    planned.push(`${w.workloadName} → ${w.targetProject.name} (snapshot ${w.snapshot.name})`);
  }
  for (const p of facts.problems) unplanned.push(`${p.workloadName} (${p.workloadId}): ${p.error}`);
  for (const line of unplanned) warnings.add(`Not restored: ${line}`);
  if (unplanned.length > 0)
    warnings.add('The step restores the others and then fails naming these; fix them and run it again.');
  return ok({
    step: 'restore',
    title: 'Restore',
    summary:
      `Selective restore of ${planned.length} workload(s), at most ${facts.concurrency} at once, each from its newest available snapshot with ` +
      `every VM, its fixed IPs and networks mapped by name or CIDR (network and subnet): ${planned.join(', ') || 'none'}. Each restore is followed until it is available; ` +
      'a failed one does not stop the others, and running the step again retries only the failed ones.',
    actions,
    verify,
    warnings: [...warnings],
  });
}
