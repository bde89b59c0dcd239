import {
  deleteDrillProjectAction,
  drillGrantAction,
  drillProjectActionId,
  planDrillProject,
  type DrillProjectFacts,
} from '../../../../shared/plans/drill-plan.js';
import { fail, ok } from '../../../../shared/result.js';
import type { StepDefinition } from '../../runs/step-definition.js';
import { sendAction } from '../drill-api.js';
import type { RunServices } from '../run-services.js';
import { resolveTrusteeRoles } from '../trustee-roles.js';

/**
 * Drill only: the run's target project is the drill's own `trilio-drill-…` project. This step makes it
 * (recorded, deleted by clean-up after everything in it is gone) and gives the admin user Trilio's
 * trustee role there, so the workload can be reassigned to that user. A project of this drill's name
 * that exists already was made by an earlier attempt (the name holds the drill id): it is adopted.
 */
export const drillProjectStep: StepDefinition<DrillProjectFacts, RunServices> = {
  key: 'drill-project',
  async discover(ctx) {
    if (ctx.params.kind !== 'single' || !ctx.params.drill)
      return fail({ code: 'precondition', message: 'Only a drill run has a drill project.' });
    const admin = await ctx.services.clouds.target();
    if (!admin.ok) return admin;
    const { keystone, session } = admin.value;
    const info = await session.tokenInfo(ctx.signal);
    if (!info.ok) return info;
    const domainName = ctx.profile.clouds.target.domain.trim() || 'Default';
    const domain = await keystone.findDomain(domainName, { signal: ctx.signal });
    if (!domain.ok) return domain;
    const roles = await resolveTrusteeRoles(ctx);
    const role = await keystone.findRole(roles.roles[0] ?? 'creator', { signal: ctx.signal });
    if (!role.ok) return role;
    const name = ctx.params.targetProject;
    const found = await keystone.findProject(name, domain.value.id, { signal: ctx.signal });
    if (!found.ok && found.error.code !== 'not-found') return found;
    const existing = found.ok ? { id: found.value.id } : null;
    let hasTrusteeRole = false;
    if (existing) {
      const has = await keystone.hasProjectRole(existing.id, info.value.userId, role.value.id, {
        signal: ctx.signal,
      });
      if (!has.ok) return has;
      hasTrusteeRole = has.value;
    }
    return ok({
      drillId: ctx.params.drill.drillId,
      projectName: name,
      domain: { id: domain.value.id, name: domain.value.name },
      existing,
      recorded: ctx.changes().some((c) => c.actionId === drillProjectActionId(name)),
      user: { id: info.value.userId, name: info.value.userName },
      trusteeRole: { id: role.value.id, name: role.value.name },
      hasTrusteeRole,
    });
  },
  plan: (facts) => planDrillProject(facts),
  async execute(plan, facts, ctx) {
    const admin = await ctx.services.clouds.target();
    if (!admin.ok) return admin;
    let projectId = facts.existing?.id;
    for (const action of plan.actions) {
      if (action.kind !== 'api') continue;
      if (action.id === drillProjectActionId(facts.projectName)) {
        if (!projectId) {
          const made = await sendAction(ctx, admin.value, action);
          if (!made.ok) return made;
          projectId = (made.value as { project?: { id?: string } } | undefined)?.project?.id;
          if (!projectId)
            return fail({ code: 'http', message: 'Keystone created the drill project but returned no id.' });
        }
        // Recorded once the id is known; a stop before this line leaves a project of this drill's
        // name, which the next attempt adopts (discover) and records.
        ctx.recordChange({
          actionId: action.id,
          host: '',
          kind: 'drill-project',
          description: `Drill project ${facts.projectName} (${projectId})`,
          undo: [deleteDrillProjectAction(projectId, facts.projectName)],
        });
        continue;
      }
      if (!projectId) return fail({ code: 'internal', message: 'The drill project has no id.' });
      const grant = drillGrantAction(facts, projectId);
      // Recorded before the grant (as the Access step does): the revoke of a grant never made is a no-op.
      ctx.recordChange({
        actionId: grant.id,
        host: '',
        kind: 'drill-grant',
        description: grant.description,
        undo: grant.change?.undo ?? [],
      });
      const granted = await sendAction(ctx, admin.value, grant);
      if (!granted.ok) return granted;
    }
    if (!projectId) return fail({ code: 'internal', message: 'The drill project has no id.' });
    const has = await admin.value.keystone.hasProjectRole(projectId, facts.user.id, facts.trusteeRole.id, {
      signal: ctx.signal,
    });
    if (!has.ok) return has;
    return ok({
      summary: `Drill project ${facts.projectName} is ready; ${facts.user.name} holds ${facts.trusteeRole.name} there.`,
      verify: [
        {
          check: `${facts.user.name} holds ${facts.trusteeRole.name} on drill project ${facts.projectName}`,
          ok: has.value,
        },
      ],
      data: { projectId, projectName: facts.projectName },
    });
  },
};
