import { grantActionId, planAccess, type AccessFacts } from '../../../../shared/plans/access-plan.js';
import { fail, ok, type Result } from '../../../../shared/result.js';
import type { ApiAction } from '../../../../shared/run/plan-types.js';
import type { SingleRunParams, VerifyRow } from '../../../../shared/run/run-types.js';
import type { CloudClients } from '../../clients/index.js';
import type { KeystoneProject } from '../../clients/keystone-client.js';
import { serviceRequest } from '../../clients/service-request.js';
import type { StepDefinition } from '../../runs/step-definition.js';
import type { DrContext } from '../remote-action.js';
import type { RunServices } from '../run-services.js';

/**
 * Runbook: "provide this user access to the desired Target Project on the Target Cloud". The admin
 * user of the target session gets the profile's admin role on the target project; a grant this run
 * makes is recorded with its revoke, a role that was already there is never recorded (clean-up must
 * not take away what the run did not give).
 */
export const accessStep: StepDefinition<AccessFacts, RunServices> = {
  key: 'access',
  async discover(ctx) {
    const params = singleRunParams(ctx);
    if (!params.ok) return params;
    const clients = await ctx.services.clouds.target();
    if (!clients.ok) return clients;
    const { keystone, session } = clients.value;
    const info = await session.tokenInfo(ctx.signal);
    if (!info.ok) return info;
    const roleName = ctx.profile.trilio.adminRole.trim() || 'admin';
    const role = await keystone.findRole(roleName, { signal: ctx.signal });
    if (!role.ok) return role;
    const project = await findTargetProject(ctx, clients.value, params.value.targetProject);
    if (!project.ok) return project;
    const has = await keystone.hasProjectRole(project.value.id, info.value.userId, role.value.id, {
      signal: ctx.signal,
    });
    if (!has.ok) return has;
    ctx.log(
      `${info.value.userName} ${has.value ? 'already holds' : 'does not hold'} role ${role.value.name} on project ${project.value.name} (${project.value.id}).`,
    );
    return ok({
      user: { id: info.value.userId, name: info.value.userName },
      role: { id: role.value.id, name: role.value.name },
      projects: [{ ...project.value, hasRole: has.value }],
    });
  },
  plan: (facts) => planAccess(facts),
  async execute(plan, facts, ctx) {
    const clients = await ctx.services.clouds.target();
    if (!clients.ok) return clients;
    const { keystone } = clients.value;
    const { user, role } = facts;
    const projects = new Map(facts.projects.map((p) => [grantActionId(p.id, user.id, role.id), p]));
    for (const action of plan.actions) {
      const project = projects.get(action.id);
      if (action.kind !== 'api' || !project)
        return fail({ code: 'internal', message: `The access plan has an unknown action ${action.id}.` });
      ctx.log(`${action.method} ${action.path}: ${action.description}`);
      // Checks first (HEAD), grants only when missing: a second run changes nothing.
      const granted = await keystone.grantProjectRole(project.id, user.id, role.id, { signal: ctx.signal });
      if (!granted.ok)
        return fail({
          ...granted.error,
          hint:
            granted.error.httpStatus === 403
              ? `${user.name} may not grant roles on project ${project.name}: the target cloud's user needs the admin role (cloud or domain ${project.domain}).`
              : granted.error.hint,
        });
      // The plan saw the role missing, so a grant found now is this run's (an attempt that stopped
      // before recording it): record it so clean-up revokes it. A repeat is ignored by the store.
      ctx.log(
        granted.value.changed
          ? `Granted role ${role.name} on ${project.name}.`
          : `Role ${role.name} on ${project.name} is present already (granted by an earlier attempt of this run).`,
      );
      if (action.change)
        ctx.recordChange({
          actionId: action.id,
          host: '',
          kind: action.change.kind,
          description: action.description,
          undo: action.change.undo,
        });
    }
    const verify: VerifyRow[] = [];
    for (const project of facts.projects) {
      const has = await keystone.hasProjectRole(project.id, user.id, role.id, { signal: ctx.signal });
      if (!has.ok) return has;
      verify.push({
        check: `${user.name} holds role ${role.name} on project ${project.name}`,
        ok: has.value,
        ...(has.value
          ? {}
          : { detail: 'The role is missing (revoked since the plan?): plan the step again, then run it.' }),
      });
    }
    const granted = facts.projects.filter((p) => !p.hasRole);
    return ok({
      summary:
        granted.length > 0
          ? `Granted role ${role.name} to ${user.name} on ${granted.map((p) => p.name).join(', ')} (revoked at clean-up).`
          : `${user.name} already held role ${role.name} on ${facts.projects.map((p) => p.name).join(', ')}; nothing changed.`,
      verify,
      data: {
        user,
        role,
        projects: facts.projects.map((p) => ({
          id: p.id,
          name: p.name,
          domain: p.domain,
          granted: !p.hasRole,
        })),
      },
    });
  },
};

/** The run's parameters when it is a single-workload run (the only kind these steps handle yet). */
export function singleRunParams(ctx: DrContext): Result<SingleRunParams> {
  if (ctx.params.kind === 'single') return ok(ctx.params);
  return fail({
    code: 'invalid-argument',
    message: `The ${ctx.step} step handles single-workload runs; this is a full-cloud run.`,
    hint: 'Full-cloud DR uses the project mapping; it is not available for this step in this version.',
  });
}

export interface TargetProject {
  id: string;
  name: string;
  /** The domain as the profile names it (shown to the user). */
  domain: string;
  domainId: string;
}

/**
 * The run's target project (name or id) in the target cloud's domain from the profile. An id of a
 * project in another domain is refused: restores must land where the profile says.
 */
export async function findTargetProject(
  ctx: DrContext,
  clients: CloudClients,
  nameOrId: string,
): Promise<Result<TargetProject>> {
  const wanted = nameOrId.trim();
  const domainName = ctx.profile.clouds.target.domain.trim() || 'Default';
  if (!wanted)
    return fail({
      code: 'validation',
      message: 'The run has no target project.',
      hint: 'Choose the project of the target cloud the workload is restored into.',
      fields: [{ path: 'targetProject', message: 'required' }],
    });
  const domain = await clients.keystone.findDomain(domainName, { signal: ctx.signal });
  if (!domain.ok) return domain;
  const of = (p: KeystoneProject): TargetProject => ({
    id: p.id,
    name: p.name,
    domain: domain.value.name,
    domainId: domain.value.id,
  });
  const byName = await clients.keystone.findProject(wanted, domain.value.id, { signal: ctx.signal });
  if (byName.ok) return ok(of(byName.value));
  if (byName.error.code !== 'not-found') return byName;
  const byId = await clients.session.identity<{ project: KeystoneProject }>({
    method: 'GET',
    path: `/projects/${encodeURIComponent(wanted)}`,
    expect: [200, 404],
    signal: ctx.signal,
  });
  if (!byId.ok) return byId;
  const project = byId.value.status === 200 ? byId.value.body.project : undefined;
  if (project && project.domain_id === domain.value.id) return ok(of(project));
  return fail({
    code: 'not-found',
    message: project
      ? `Project ${project.name} (${project.id}) is not in domain ${domain.value.name}, the target domain of the profile.`
      : `The target cloud has no project named or with id "${wanted}" in domain ${domain.value.name}.`,
    hint: 'Create the project on the target cloud first, or fix the target project (names are case-sensitive) or the domain in the profile.',
    fields: [{ path: 'targetProject', message: 'not a project of the target domain' }],
  });
}

/**
 * Runs one recorded API action (an undo of these steps: the role revoke) on the target cloud with the
 * run's clients. A DELETE or HEAD that finds nothing (404) counts as done: the goal holds.
 */
export async function runApiAction(
  clients: CloudClients,
  action: ApiAction,
  signal?: AbortSignal,
): Promise<Result<number>> {
  const gone = action.method === 'DELETE' || action.method === 'HEAD';
  const request = {
    method: action.method,
    path: action.path,
    ...(action.body !== undefined ? { body: action.body } : {}),
    ...(gone ? { expect: [200, 202, 204, 404] } : {}),
    ...(signal ? { signal } : {}),
  };
  if (action.service === 'identity') {
    const answer = await clients.session.identity(request);
    return answer.ok ? ok(answer.value.status) : answer;
  }
  if (action.service === 'workloads') {
    const base = await clients.trilio.baseUrl({ ...(signal ? { signal } : {}) });
    if (!base.ok) return base;
    const answer = await serviceRequest(
      clients.session,
      { service: 'Trilio', type: 'workloads', fixedUrl: base.value },
      request,
    );
    return answer.ok ? ok(answer.value.status) : answer;
  }
  return fail({
    code: 'internal',
    message: `Running a recorded ${action.service} API action (${action.method} ${action.path}) is not supported.`,
  });
}
