import { displayCommand } from '../shell/quote.js';
import type { Action, StepPlan } from './plan-types.js';

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
