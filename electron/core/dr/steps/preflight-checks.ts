import { compareDetection, detectionRequest } from '../../../../shared/trilio/detect-compare.js';
import { detectTrilioArgv, parseDetection } from '../../../../shared/trilio/detect-script.js';
import { trilioFactsOf } from '../../../../shared/trilio/trilio-facts.js';
import type { AppError } from '../../../../shared/result.js';
import type { VerifyRow } from '../../../../shared/run/run-types.js';
import { fanOut } from '../../ssh/fan-out.js';
import { describeTrusteeRoles, isTrusteeRole, rolesText } from '../../../../shared/trilio/trustee-roles.js';
import { runOn, type DrContext } from '../remote-action.js';
import { resolveTrusteeRoles } from '../trustee-roles.js';

/** A pre-flight finding: a verification row, and whether it stops the run. */
export interface Finding extends VerifyRow {
  blocking: boolean;
  hint?: string;
  /** The error behind a failed check (a host key to show and trust, for one). */
  error?: AppError;
}

const row = (check: string, okValue: boolean, extra: Partial<Finding> = {}): Finding => ({
  check,
  ok: okValue,
  blocking: true,
  ...extra,
});

function fromError(check: string, error: AppError, host?: string): Finding {
  return row(check, false, {
    error,
    ...(host ? { host } : {}),
    detail: error.message,
    ...(error.hint ? { hint: error.hint } : {}),
  });
}

/**
 * Every host answers over SSH (with its stored host key), and shows the target Trilio the profile
 * describes: the target share mounted at the release's folder under the installer's mount root, its
 * config files in the expected model, its restart command. Differences stop the run with both sides.
 */
export async function hostFindings(ctx: DrContext): Promise<Finding[]> {
  const hosts = ctx.profile.hosts.filter((h) => h.role !== 'jump');
  const facts = trilioFactsOf(ctx.profile.trilio, 'target');
  const role = (h: (typeof hosts)[number]) => (h.role === 'tvm' ? 'tvm' : 'compute');
  const outcomes = await fanOut(
    hosts.map((h) => h.id),
    async (id) => {
      const host = hosts.find((h) => h.id === id)!;
      const argv = detectTrilioArgv(detectionRequest(role(host), facts));
      return runOn(ctx, id, { argv, privileged: true }, { timeoutMs: 60_000 });
    },
    { concurrency: ctx.services.concurrency, signal: ctx.signal },
  );
  const findings: Finding[] = [];
  outcomes.forEach((o, i) => {
    const host = hosts[i]!;
    if (!o.ok) {
      findings.push(fromError('reachable over SSH, commands run as root', o.error, host.name));
      return;
    }
    findings.push(row('reachable over SSH, commands run as root', true, { host: host.name }));
    const compared = compareDetection({
      role: role(host),
      facts,
      targetExport: ctx.profile.nfs.target,
      kind: ctx.params.kind,
      detection: parseDetection(o.value.stdout),
    });
    for (const f of compared)
      findings.push(
        row(f.check, f.ok, {
          host: host.name,
          blocking: f.blocking,
          ...(f.detail ? { detail: f.detail } : {}),
          ...(f.hint ? { hint: f.hint } : {}),
        }),
      );
  });
  if (!hosts.some((h) => h.role === 'tvm'))
    findings.push(
      row('a Trilio appliance (tvm) host is in the profile', false, { hint: 'Add it in the hosts table.' }),
    );
  return findings;
}

/** The target cloud: login, Trilio API, the target project, a trustee user in it and its networks. */
export async function cloudFindings(ctx: DrContext, targetProject: string): Promise<Finding[]> {
  const findings: Finding[] = [];
  const target = await ctx.services.clouds.target();
  if (!target.ok) return [fromError('target cloud credentials complete', target.error)];
  const token = await target.value.session.tokenInfo(ctx.signal);
  if (!token.ok) return [fromError('target cloud Keystone login', token.error)];
  findings.push(row('target cloud Keystone login', true, { detail: ctx.profile.clouds.target.authUrl }));
  const trilio = await target.value.trilio.listWorkloads({ signal: ctx.signal });
  findings.push(trilio.ok ? row('Trilio API answers', true) : fromError('Trilio API answers', trilio.error));
  if (ctx.params.kind === 'single' && ctx.params.drill) {
    // A drill restores into a project of its own, made by its Drill project step.
    findings.push(
      row('drill: the target project is the drill’s own (made later)', true, { detail: targetProject }),
    );
    return findings;
  }
  if (!targetProject) {
    // Full-cloud DR maps many projects; the mapping is checked when the reassign step plans.
    if (ctx.params.kind === 'single')
      findings.push(row('target project chosen', false, { hint: 'Name the target project of the run.' }));
    return findings;
  }
  const domain = ctx.profile.clouds.target.domain;
  const project = await target.value.keystone.findProject(targetProject, domain, { signal: ctx.signal });
  if (!project.ok) {
    findings.push(fromError(`target project ${targetProject} exists in domain ${domain}`, project.error));
    return findings;
  }
  findings.push(
    row(`target project ${targetProject} exists in domain ${domain}`, true, { detail: project.value.id }),
  );
  const trustee = await resolveTrusteeRoles(ctx);
  const role = rolesText(trustee.roles);
  const check = `a user with the trustee role ${role} in ${targetProject}`;
  const assignments = await target.value.keystone.listProjectAssignments(project.value.id, {
    signal: ctx.signal,
  });
  if (!assignments.ok) findings.push(fromError(check, assignments.error));
  else {
    const trustees = assignments.value.filter((a) => isTrusteeRole(a.role.name, trustee.roles) && a.user);
    const names = [...new Set(trustees.map((t) => `${t.user?.name ?? ''} (${t.role.name})`))];
    findings.push(
      row(check, trustees.length > 0, {
        detail: `${names.join(', ') || 'none'}; ${describeTrusteeRoles(trustee)}`,
        ...(trustees.length
          ? {}
          : {
              hint: `Give a project user ${trustee.roles.length > 1 ? 'one of these roles' : 'the role'} (openstack role add --user U --project ${targetProject} ${trustee.roles[0]}).`,
            }),
      }),
    );
  }
  const networks = await target.value.neutron.listNetworks(project.value.id, { signal: ctx.signal });
  if (!networks.ok) findings.push(fromError(`networks of ${targetProject}`, networks.error));
  else
    findings.push(
      row(`networks exist in ${targetProject}`, networks.value.length > 0, {
        detail: networks.value.map((n) => n.name).join(', ') || 'none',
        ...(networks.value.length
          ? {}
          : { hint: 'Create the project networks the restored VMs attach to first.' }),
      }),
    );
  const source = await ctx.services.clouds.source();
  const sourceToken = source.ok ? await source.value.session.tokenInfo(ctx.signal) : source;
  findings.push(
    sourceToken.ok
      ? row('source cloud Keystone login (not required)', true, { blocking: false })
      : {
          ...fromError('source cloud Keystone login (not required)', sourceToken.error),
          blocking: false,
          ok: true,
          detail: `unavailable: ${sourceToken.error.message}`,
        },
  );
  return findings;
}
