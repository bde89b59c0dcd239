import { ok, type Result } from '../result.js';
import type { StepPlan } from '../run/plan-types.js';
import type { ChangeView } from '../run/run-types.js';

/** The config edits of a run not undone yet: what Revert edits back. */
export interface RevertFacts {
  edits: ChangeView[];
}

/** The run's config edits that Revert undoes: every `config-edit` change not undone yet. */
export function revertEdits(changes: readonly ChangeView[]): ChangeView[] {
  return changes.filter((c) => c.kind === 'config-edit' && !c.undoneAt);
}

/**
 * Runbook: "return the Trilio installation to its original configuration": the undo of every config
 * edit the run recorded (B2 out of the file, then one restart per node), listed in the order the step
 * runs them: newest first, so a node's restart (the undo of its first edit) comes after all its files.
 */
export function planRevert(facts: RevertFacts, syncedCopy: string): Result<StepPlan> {
  return ok({
    step: 'revert',
    title: 'Revert configuration',
    summary:
      facts.edits.length === 0
        ? 'This run changed no Trilio configuration: nothing to revert.'
        : `Remove ${syncedCopy} from ${facts.edits.length} config file(s) and restart the services.`,
    actions: [...facts.edits]
      .sort((a, b) => b.id - a.id)
      .flatMap((c) => c.undo.map((u) => ({ ...u, id: `undo-${c.id}:${u.id}` }))),
    verify: [],
    warnings: [],
  });
}
