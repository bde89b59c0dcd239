import { ok, type Result } from '../result.js';
import type { ApiAction, StepPlan } from '../run/plan-types.js';

/**
 * Runbook: "it is necessary to provide this user access to the desired Target Project on the Target
 * Cloud". The admin user of the target session gets the admin role on each target project for the
 * duration of the DR; clean-up revokes exactly the grants this run added, never one that was there.
 */

export interface AccessProjectFacts {
  id: string;
  name: string;
  /** Domain name (as the profile names it) the project was found in. */
  domain: string;
  /** The admin user held the role directly on the project when the step looked. */
  hasRole: boolean;
}

export interface AccessFacts {
  /** The user of the target cloud's session (token info). */
  user: { id: string; name: string };
  role: { id: string; name: string };
  projects: AccessProjectFacts[];
}

/** Keystone's grant resource, relative to the identity endpoint. */
export function grantPath(projectId: string, userId: string, roleId: string): string {
  const e = encodeURIComponent;
  return `/projects/${e(projectId)}/users/${e(userId)}/roles/${e(roleId)}`;
}

/** Stable id of the grant action of a project, so a resumed run recognises its recorded change. */
export function grantActionId(projectId: string, userId: string, roleId: string): string {
  return `grant:${projectId}:${userId}:${roleId}`;
}

export function planAccess(facts: AccessFacts): Result<StepPlan> {
  const { user, role } = facts;
  const who = `${user.name} (${user.id})`;
  const actions: ApiAction[] = [];
  const verify: ApiAction[] = [];
  const warnings: string[] = [];
  for (const project of facts.projects) {
    const path = grantPath(project.id, user.id, role.id);
    const where = `project ${project.name} (domain ${project.domain})`;
    verify.push({
      kind: 'api',
      id: `check-grant:${project.id}:${user.id}:${role.id}`,
      service: 'identity',
      method: 'HEAD',
      path,
      description: `Check that ${user.name} holds role ${role.name} on ${where}`,
      readOnly: true,
    });
    if (project.hasRole) {
      warnings.push(
        `${user.name} already holds role ${role.name} on ${where}: nothing to grant, and clean-up will not remove it.`,
      );
      continue;
    }
    actions.push({
      kind: 'api',
      id: grantActionId(project.id, user.id, role.id),
      service: 'identity',
      method: 'PUT',
      path,
      description: `Grant role ${role.name} to ${who} on ${where}`,
      change: {
        kind: 'role-grant',
        undo: [
          {
            kind: 'api',
            id: `revoke:${project.id}:${user.id}:${role.id}`,
            service: 'identity',
            method: 'DELETE',
            path,
            description: `Revoke role ${role.name} of ${who} on ${where}`,
          },
        ],
      },
    });
  }
  const names = facts.projects.map((p) => p.name).join(', ');
  return ok({
    step: 'access',
    title: 'Access',
    summary:
      `The admin user ${user.name} works in the target project (${names}) until the workload is restored: ` +
      (actions.length > 0
        ? `role ${role.name} is granted on ${actions.length} project(s) and recorded, so clean-up revokes it.`
        : `it already holds role ${role.name} there, so nothing changes.`),
    actions,
    verify,
    warnings,
  });
}
