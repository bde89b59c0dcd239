import type { ApiAction } from '../run/plan-types.js';
import type { ChangeView } from '../run/run-types.js';
import { grantPath } from './access-plan.js';

/**
 * The admin role in clean-up. The Access step granted the admin user a role on each target project;
 * clean-up needs a token of a project for as long as a workload of it is still to be deleted, so the
 * role is taken away last (runbook: "After all restores for the target project have been achieved it is
 * recommended to remove the used admin user from the project again"). A clean-up resumed after it took
 * a role away, or one whose role was removed by someone else, grants it again for the time it needs:
 * recorded like the Access step's grant and revoked at the end with the others. Never a dead end.
 */

/** A role grant of this run that clean-up takes back at its very end. */
export interface RevokeFacts {
  /** The grant's row in the run's change log. */
  changeId: number;
  projectId: string;
  userId: string;
  roleId: string;
  /** The revoke as the grant recorded it (the DELETE of Keystone's grant resource). */
  revoke: ApiAction;
  /**
   * The grant is already marked undone: an earlier attempt of this clean-up recorded the revoke and
   * was stopped before Keystone answered, and the role is still there. Revoked again.
   */
  interrupted?: boolean;
}

/** A target project whose workloads still need a token of it, where the admin user holds no role now. */
export interface RegrantFacts {
  projectId: string;
  projectName: string;
  domain: string;
  user: { id: string; name: string };
  role: { id: string; name: string };
  /** Why the role is missing, in the words the plan shows. */
  reason: string;
}

/** The (project, user, role) of a grant change (`grant:P:U:R`, `regrant:P:U:R`), or null. */
export function parseGrantActionId(
  actionId: string,
): { projectId: string; userId: string; roleId: string } | null {
  const m = /^(?:re)?grant:([^:]+):([^:]+):([^:]+)$/.exec(actionId);
  return m ? { projectId: m[1]!, userId: m[2]!, roleId: m[3]! } : null;
}

/** Stable id of a grant clean-up makes again, so a repeat of the step recognises its record. */
export function regrantActionId(projectId: string, userId: string, roleId: string): string {
  return `regrant:${projectId}:${userId}:${roleId}`;
}

/** The revoke recorded with a role grant change (its one identity DELETE), or null. */
export function revokeOf(change: ChangeView): ApiAction | null {
  const undo = change.undo.find((a): a is ApiAction => a.kind === 'api' && a.method === 'DELETE');
  return undo ?? null;
}

/** The grant and its revoke clean-up makes for a project it needs a token of. */
export function regrantAction(r: RegrantFacts): ApiAction {
  const path = grantPath(r.projectId, r.user.id, r.role.id);
  const who = `${r.user.name} (${r.user.id})`;
  const where = `project ${r.projectName} (domain ${r.domain})`;
  return {
    kind: 'api',
    id: regrantActionId(r.projectId, r.user.id, r.role.id),
    service: 'identity',
    method: 'PUT',
    path,
    description: `Grant role ${r.role.name} to ${who} on ${where} again for the deletes left there (${r.reason}); revoked at the end of clean-up`,
    change: {
      kind: 'role-grant',
      undo: [
        {
          kind: 'api',
          id: `revoke:${r.projectId}:${r.user.id}:${r.role.id}`,
          service: 'identity',
          method: 'DELETE',
          path,
          description: `Revoke role ${r.role.name} of ${who} on ${where}`,
        },
      ],
    },
  };
}
