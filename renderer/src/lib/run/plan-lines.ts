import type { Action, StepPlan } from '../../../../shared/run/plan-types.js';
import { displayCommand } from '../../../../shared/shell/quote.js';

/**
 * A plan's actions as the user reads them before anything runs: where each one acts and the exact
 * command (quoted as the remote shell receives it) or API request.
 */
export interface ActionLine {
  id: string;
  kind: Action['kind'];
  /** Host name, the cloud service, or the orchestrator a manual action concerns. */
  where: string;
  description: string;
  /** Remote: the command line; api: `METHOD path`; manual: the instructions. */
  text: string;
  /** Remote actions that run through `sudo -n` on hosts that do not log in as root. */
  privileged: boolean;
  readOnly: boolean;
  /** An API request's body, pretty-printed; '' when it has none. */
  body: string;
  /** Whether running it records a change that clean-up can undo. */
  changes: boolean;
  /** What it deletes ('' when nothing): the step asks once before it runs. */
  deletes: string;
}

export function actionLine(action: Action, hostName: (id: string) => string = (id) => id): ActionLine {
  const base = {
    id: action.id,
    kind: action.kind,
    description: action.description,
    deletes: action.kind === 'remote' ? (action.destructive ?? '') : '',
  };
  if (action.kind === 'remote')
    return {
      ...base,
      where: hostName(action.host),
      text: displayCommand(action.argv),
      privileged: action.privileged,
      readOnly: action.readOnly === true,
      body: '',
      changes: action.change !== undefined,
    };
  if (action.kind === 'api')
    return {
      ...base,
      where: action.service,
      text: `${action.method} ${action.path}`,
      privileged: false,
      readOnly: action.readOnly === true,
      body: action.body === undefined ? '' : JSON.stringify(action.body, null, 2),
      changes: action.change !== undefined,
    };
  return {
    ...base,
    where: action.target,
    text: action.instructions,
    privileged: false,
    readOnly: false,
    body: '',
    changes: true,
  };
}

/** Ids of the plan's manual actions (the user applies them, then confirms). */
export function manualActionIds(plan: StepPlan | undefined): string[] {
  return (plan?.actions ?? []).filter((a) => a.kind === 'manual').map((a) => a.id);
}

/**
 * The restore.json of a restore plan: the `options` of the selective-restore request body
 * (`POST /snapshots/{id}` with `{restore: {name, description, options}}`), or null when the plan has none.
 */
export function restoreJsonOf(plan: StepPlan | undefined): unknown {
  for (const action of plan?.actions ?? []) {
    if (action.kind !== 'api' || action.method !== 'POST' || !action.path.startsWith('/snapshots/')) continue;
    const body = action.body as { restore?: { options?: unknown } } | undefined;
    if (body?.restore?.options !== undefined) return body.restore.options;
  }
  return null;
}
