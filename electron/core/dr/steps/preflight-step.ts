import { fail, ok } from '../../../../shared/result.js';
import type { StepDefinition } from '../../runs/step-definition.js';
import type { RunServices } from '../run-services.js';
import { cloudFindings, hostFindings, type Finding } from './preflight-checks.js';
import { leftoverFindings } from './preflight-leftovers.js';
import type { DrContext } from '../remote-action.js';

interface PreflightFacts {
  findings: Finding[];
}

async function allFindings(ctx: DrContext): Promise<Finding[]> {
  const targetProject = ctx.params.kind === 'single' ? ctx.params.targetProject : '';
  const [hosts, clouds] = await Promise.all([hostFindings(ctx), cloudFindings(ctx, targetProject)]);
  // Leftovers only where the hosts answered: an unreachable host is its own finding.
  const reachable = hosts.every((f) => f.ok || !f.check.startsWith('reachable'));
  return [...clouds, ...hosts, ...(reachable ? await leftoverFindings(ctx) : [])];
}

/**
 * Every endpoint and host is reachable and the target side is ready. Each finding is a row with a fix
 * hint; blocking ones fail the step (and so stop the run) before anything is changed.
 */
export const preflightStep: StepDefinition<PreflightFacts, RunServices> = {
  key: 'preflight',
  async discover(ctx) {
    return ok({ findings: await allFindings(ctx) });
  },
  plan(facts) {
    const failing = facts.findings.filter((f) => !f.ok && f.blocking);
    return ok({
      step: 'preflight',
      title: 'Pre-flight',
      summary: `${facts.findings.length} checks: ${failing.length === 0 ? 'all pass' : `${failing.length} blocking problem(s)`}. Nothing is changed.`,
      actions: [],
      verify: [],
      // Blocking problems, then notes (what an earlier run left that a later step re-points).
      warnings: [...failing, ...facts.findings.filter((f) => !f.ok && !f.blocking)].map(
        (f) =>
          `${f.blocking ? '' : 'Note: '}${f.host ? `${f.host}: ` : ''}${f.check}: ${f.detail ?? 'failed'}${f.hint ? ` — ${f.hint}` : ''}`,
      ),
    });
  },
  async execute(_plan, _facts, ctx) {
    const findings = await allFindings(ctx);
    const failing = findings.filter((f) => !f.ok && f.blocking);
    // An unknown or changed host key is the user's decision: fail with the key itself, so the wizard
    // can show its fingerprint and offer to trust it, then the step is run again.
    const hostKey = failing.find((f) => f.error?.hostKey)?.error;
    if (hostKey)
      return fail({
        ...hostKey,
        message:
          failing.length > 1
            ? `${hostKey.message} (${failing.length - 1} other check(s) failed too.)`
            : hostKey.message,
      });
    return ok({
      summary:
        failing.length === 0
          ? `All ${findings.length} checks pass.`
          : `${failing.length} of ${findings.length} checks fail.`,
      verify: findings.map((f) => ({
        ...(f.host ? { host: f.host } : {}),
        check: f.check,
        ok: f.ok || !f.blocking,
        ...(f.detail || f.hint ? { detail: [f.detail, f.hint].filter(Boolean).join(' — ') } : {}),
      })),
      data: { findings },
    });
  },
};
