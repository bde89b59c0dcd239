import {
  parseGrantActionId,
  revokeOf,
  type RegrantFacts,
  type RevokeFacts,
} from '../../../../shared/plans/cleanup-roles.js';
import { fail, ok, type Result } from '../../../../shared/result.js';
import type { ApiAction } from '../../../../shared/run/plan-types.js';
import type { ChangeView } from '../../../../shared/run/run-types.js';
import type { CloudClients } from '../../clients/index.js';
import type { DrContext } from '../remote-action.js';
import { findTargetProject } from '../target-projects.js';

export interface CleanupRoles {
  revokes: RevokeFacts[];
  regrants: RegrantFacts[];
}

/**
 * What clean-up does about the admin role, read with the admin session (scoped to its own project, so
 * it works whatever happened to the target projects' roles):
 * - revokes: every grant of this run not undone yet; and a grant an earlier, unfinished attempt of
 *   this clean-up marked undone right before its revoke (the revoke is recorded before it is sent)
 *   while the role is still there — the revoke never reached Keystone.
 * - regrants: every project a workload delete still needs a token of, where the admin user holds no
 *   role now (this clean-up took it away before it was stopped, or someone else did).
 */
export async function discoverCleanupRoles(
  ctx: DrContext,
  admin: CloudClients,
  changes: readonly ChangeView[],
  scopeNeeded: readonly string[],
): Promise<Result<CleanupRoles>> {
  const { keystone, session } = admin;
  const signal = ctx.signal;
  const earlierAttemptUnfinished = ctx.statusOf('cleanup') !== 'succeeded';
  const revokes: RevokeFacts[] = [];
  for (const change of changes.filter((c) => c.kind === 'role-grant').sort((a, b) => b.id - a.id)) {
    const grant = parseGrantActionId(change.actionId);
    const revoke = revokeOf(change);
    if (!grant || !revoke) continue;
    if (!change.undoneAt) {
      revokes.push({ changeId: change.id, ...grant, revoke });
      continue;
    }
    if (!earlierAttemptUnfinished) continue;
    const has = await keystone.hasProjectRole(grant.projectId, grant.userId, grant.roleId, { signal });
    if (!has.ok) return has;
    if (has.value) revokes.push({ changeId: change.id, ...grant, revoke, interrupted: true });
  }
  const regrants: RegrantFacts[] = [];
  if (scopeNeeded.length === 0) return ok({ revokes, regrants });
  const info = await session.tokenInfo(signal);
  if (!info.ok) return info;
  const roleName = ctx.profile.trilio.adminRole.trim() || 'admin';
  const role = await keystone.findRole(roleName, { signal });
  if (!role.ok) return role;
  for (const name of scopeNeeded) {
    const project = await findTargetProject(ctx, admin, name);
    if (!project.ok) return project;
    const has = await keystone.hasProjectRole(project.value.id, info.value.userId, role.value.id, { signal });
    if (!has.ok) return has;
    if (has.value) continue;
    const ours = changes.some((c) => {
      const g = c.kind === 'role-grant' ? parseGrantActionId(c.actionId) : null;
      return (
        g?.projectId === project.value.id && g.userId === info.value.userId && g.roleId === role.value.id
      );
    });
    regrants.push({
      projectId: project.value.id,
      projectName: project.value.name,
      domain: project.value.domain,
      user: { id: info.value.userId, name: info.value.userName },
      role: { id: role.value.id, name: role.value.name },
      reason: ours
        ? 'this run granted it and an earlier attempt of this clean-up took it away before it was stopped'
        : 'it was removed outside this run',
    });
    ctx.log(
      `${info.value.userName} holds no role ${role.value.name} on ${project.value.name}, where workload records are still to be deleted: it is granted again for that, then revoked.`,
    );
  }
  return ok({ revokes, regrants });
}

/**
 * Grants a role clean-up needs again, recorded before the request like the Access step's grant (a
 * process killed while Keystone answers leaves a record, so the role never stays behind).
 */
export async function regrant(
  ctx: DrContext,
  admin: CloudClients,
  r: RegrantFacts,
  action: ApiAction,
): Promise<Result<void>> {
  const recorded = ctx.recordChange({
    actionId: action.id,
    host: '',
    kind: 'role-grant',
    description: action.description,
    undo: action.change?.undo ?? [],
  });
  ctx.log(`${action.method} ${action.path}: ${action.description}`);
  const granted = await admin.keystone.grantProjectRole(r.projectId, r.user.id, r.role.id, {
    signal: ctx.signal,
  });
  if (granted.ok) return ok(undefined);
  if (recorded && granted.error.httpStatus !== undefined) ctx.markUndone(recorded.id);
  return fail({
    ...granted.error,
    hint:
      granted.error.httpStatus === 403
        ? `${r.user.name} may not grant roles on project ${r.projectName}: the target cloud's user needs the admin role (cloud or domain ${r.domain}). Grant role ${r.role.name} on ${r.projectName} by hand, then run clean-up again.`
        : granted.error.hint,
  });
}
