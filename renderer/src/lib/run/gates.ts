import type { NameMap } from '../../../../shared/names/name-book.js';
import type { Action, StepKey, StepPlan } from '../../../../shared/run/plan-types.js';
import { stepInfo } from '../../../../shared/run/step-catalog.js';
import type { RunView } from '../../../../shared/run/run-types.js';
import type { ConfirmRequest } from '../app/confirm.svelte.js';
import { readableText } from '../format/readable-text.js';

/**
 * Steps that delete or unmount ask before they run, listing what goes (issue 22): clean-up and revert
 * always, any other step only when its plan deletes (an API DELETE, `rm`, `umount`). A full-cloud
 * clean-up touches every project, so the profile's name has to be typed first.
 */
const alwaysGated: readonly StepKey[] = ['cleanup', 'revert'];

/**
 * The planners' scripts that take something away (named by `scriptArgv`), and plain commands that do.
 * A copy that starts its own scratch folder over is not one: it removes nothing the user had.
 */
const removingScripts = new Set([
  'trilio-dr-umount',
  'trilio-dr-purge',
  'trilio-dr-remove-line',
  'trilio-dr-rmdir',
]);
const removingCommands = new Set(['umount', 'rm', 'rmdir']);

const removes = (a: Action): boolean => {
  if (a.kind === 'api') return a.method === 'DELETE' && a.readOnly !== true;
  if (a.kind !== 'remote' || a.readOnly) return false;
  // The planner marks what deletes data (a workload copy, a differing target replaced).
  if (a.destructive) return true;
  const [command, flag, , name] = a.argv;
  if (command === 'sh' && flag === '-c') return removingScripts.has(name ?? '');
  return removingCommands.has(command ?? '');
};

function line(a: Action, hostName: (id: string) => string, names: NameMap): string {
  const where = a.kind === 'remote' ? hostName(a.host) : a.kind === 'api' ? a.service : a.target;
  return readableText(`${where}: ${a.description}`, names);
}

/** The confirmation a step needs before it runs, or null when it only adds or checks. */
export function gateFor(
  run: RunView,
  key: StepKey,
  plan: StepPlan | undefined,
  options: { profileName: string; hostName?: (id: string) => string; names?: NameMap },
): ConfirmRequest | null {
  const hostName = options.hostName ?? ((id: string) => id);
  const names = options.names ?? {};
  const actions = (plan?.actions ?? []).filter((a) => a.kind !== 'api' || a.readOnly !== true);
  const gated = alwaysGated.includes(key) || actions.some(removes);
  if (!gated) return null;
  const changing = actions.filter((a) => a.kind === 'manual' || a.readOnly !== true);
  const listed = alwaysGated.includes(key) ? changing : changing.filter(removes);
  const title = stepInfo(key).title;
  const full = run.kind === 'full' && key === 'cleanup';
  const items = listed.map((a) => line(a, hostName, names));
  return {
    title: `${title}: confirm what is removed`,
    message: !plan
      ? `“${title}” will run now; plan it first to see every action it takes.`
      : items.length > 0
        ? `“${title}” will do the following (${items.length} action${items.length === 1 ? '' : 's'}). It cannot be undone by the wizard.`
        : `“${title}” finds nothing of this run to remove: it only checks, and the run then counts as cleaned up.`,
    confirmLabel: key === 'revert' ? 'Revert the configuration' : `${title} now`,
    danger: true,
    items,
    ...(full ? { typeToConfirm: options.profileName } : {}),
  };
}
