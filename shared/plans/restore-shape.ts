import {
  buildRestoreJson,
  type RestoreChoices,
  type RestoreJson,
  type RestoreProblem,
} from '../restore/restore-json.js';
import type { RestoreStepFacts } from './bulk-restore-plan.js';
import {
  planRestore,
  restoreChoicesFor,
  restoreProblems,
  restoreWarnings,
  type RestoreFacts,
} from './restore-plan.js';

/**
 * The restore form's view of one workload's restore (runbook: "This restore.json file needs to be
 * adjusted according to the desired restore"): the choices completed with the target cloud's defaults,
 * what blocks the restore and what the user should know — each with the form path that fixes it — and
 * the restore.json the Restore step's own planner (`planRestore`) sends for them. While the form has
 * problems the planner refuses, and the preview is the same builder's output marked incomplete.
 */
export interface ShapedRestore {
  choices: RestoreChoices;
  problems: RestoreProblem[];
  warnings: RestoreProblem[];
  restoreJson: RestoreJson;
  /** True when `planRestore` accepted the choices: `restoreJson` is exactly what the step sends. */
  complete: boolean;
}

export function shapeRestore(facts: RestoreFacts, chosen: RestoreChoices | null): ShapedRestore {
  const choices = restoreChoicesFor(facts, chosen);
  const problems = restoreProblems(facts, choices);
  const warnings = restoreWarnings(facts, choices);
  const planned = planRestore(facts, choices);
  if (planned.ok) {
    const action = planned.value.actions[0];
    const body = action?.kind === 'api' ? (action.body as { restore: { options: RestoreJson } }) : undefined;
    if (body) return { choices, problems, warnings, restoreJson: body.restore.options, complete: true };
  }
  return {
    choices,
    problems,
    warnings,
    restoreJson: buildRestoreJson(facts.instances, choices, facts.networks),
    complete: false,
  };
}

/** The single workload's restore facts the step discovered (what the form is shaped against), or null. */
export function singleRestoreFacts(stepFacts: unknown): RestoreFacts | null {
  const facts = stepFacts as Partial<RestoreStepFacts> | undefined;
  const workloads = Array.isArray(facts?.workloads) ? facts.workloads : [];
  const only = workloads.length === 1 ? workloads[0] : undefined;
  return only && Array.isArray(only.instances) && Array.isArray(only.networks) ? only : null;
}
