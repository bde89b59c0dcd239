import { grantActionId, planAccess, type AccessFacts } from '../../../../shared/plans/access-plan.js';
import { fail, ok, type Result } from '../../../../shared/result.js';
import type { ApiAction } from '../../../../shared/run/plan-types.js';
import type { VerifyRow } from '../../../../shared/run/run-types.js';
import type { CloudClients } from '../../clients/index.js';
import type { StepDefinition } from '../../runs/step-definition.js';
import type { RunServices } from '../run-services.js';
import { distinctProjects, resolveTargets } from '../target-projects.js';

export { findTargetProject, type TargetProject } from '../target-projects.js';

/**
 * Runbook: "provide this user access to the desired Target Project on the Target Cloud". The admin
 * user of the target session gets the profile's admin role on every target project of the run (the
 * chosen one, or every project of the mapping that receives a workload); a grant this run makes is
 * recorded with its revoke, a role that was already there is never recorded (clean-up must not take
 * away what the run did not give).
 */
export const accessStep: StepDefinition<AccessFacts, RunServices> = {
  key: 'access',
  async discover(ctx) {
    const clients = await ctx.services.clouds.target();
    if (!clients.ok) return clients;
    const { keystone, session } = clients.value;
    const targets = await resolveTargets(ctx, clients.value);
    if (!targets.ok) return targets;
    const info = await session.tokenInfo(ctx.signal);
    if (!info.ok) return info;
    const roleName = ctx.profile.trilio.adminRole.trim() || 'admin';
    const role = await keystone.findRole(roleName, { signal: ctx.signal });
    if (!role.ok) return role;
    const projects: AccessFacts['projects'] = [];
    for (const project of distinctProjects(targets.value)) {
      const has = await keystone.hasProjectRole(project.id, info.value.userId, role.value.id, {
        signal: ctx.signal,
      });
      if (!has.ok) return has;
      ctx.log(
        `${info.value.userName} ${has.value ? 'already holds' : 'does not hold'} role ${role.value.name} on project ${project.name} (${project.id}).`,
      );
      projects.push({ ...project, hasRole: has.value });
    }
    return ok({
      user: { id: info.value.userId, name: info.value.userName },
      role: { id: role.value.id, name: role.value.name },
      projects,
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
      // Recorded before the grant, not after: a process killed while Keystone answers would leave a
      // grant no change records, and the next plan sees the role as there before the run (clean-up
      // would leave it). A repeat is ignored by the store; the revoke of a missing grant is a no-op.
      const recorded = action.change
        ? ctx.recordChange({
            actionId: action.id,
            host: '',
            kind: action.change.kind,
            description: action.description,
            undo: action.change.undo,
          })
        : null;
      // Checks first (HEAD), grants only when missing: a second run changes nothing.
      const granted = await keystone.grantProjectRole(project.id, user.id, role.id, { signal: ctx.signal });
      if (!granted.ok) {
        // Keystone answered with an error: nothing was granted, nothing is left for clean-up.
        if (recorded && granted.error.httpStatus !== undefined) ctx.markUndone(recorded.id);
        return fail({
          ...granted.error,
          hint:
            granted.error.httpStatus === 403
              ? `${user.name} may not grant roles on project ${project.name}: the target cloud's user needs the admin role (cloud or domain ${project.domain}).`
              : granted.error.hint,
        });
      }
      ctx.log(
        granted.value.changed
          ? `Granted role ${role.name} on ${project.name}.`
          : `Role ${role.name} on ${project.name} is present already (granted by an earlier attempt of this run).`,
      );
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
    // Through the Trilio client: its URL and its X-Auth-Project-Id header, as every Trilio call.
    const answer = await clients.trilio.request(request);
    return answer.ok ? ok(answer.value.status) : answer;
  }
  return fail({
    code: 'internal',
    message: `Running a recorded ${action.service} API action (${action.method} ${action.path}) is not supported.`,
  });
}
