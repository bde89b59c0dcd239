import { fail, ok, type Result } from '../../../shared/result.js';
import type { KeystoneSession } from './keystone-session.js';

/**
 * Keystone v3 identity reads and role grants the DR wizard needs: the target domain's projects and
 * users, who holds which role on a project, and granting/revoking the admin and trustee roles.
 */

export interface KeystoneDomain {
  id: string;
  name: string;
  enabled: boolean;
}

export interface KeystoneProject {
  id: string;
  name: string;
  domain_id: string;
  description?: string;
  enabled: boolean;
  parent_id?: string | null;
}

export interface KeystoneUser {
  id: string;
  name: string;
  domain_id: string;
  enabled: boolean;
  email?: string;
  default_project_id?: string;
}

export interface KeystoneRole {
  id: string;
  name: string;
  domain_id?: string | null;
}

/** One effective assignment; names are filled because the list asks Keystone to include them. */
export interface RoleAssignment {
  role: { id: string; name: string };
  user?: { id: string; name: string; domain?: { id: string; name: string } };
  group?: { id: string; name: string };
  scope: {
    project?: { id: string; name: string; domain?: { id: string; name: string } };
    domain?: { id: string; name: string };
  };
  /** Set when the assignment is inherited or comes through a group (Keystone's `links.assignment`). */
  links?: { assignment?: string; membership?: string };
}

/** Whether a grant or revoke changed anything (Ansible's `changed`). */
export interface GrantResult {
  changed: boolean;
}

type Opts = { signal?: AbortSignal };
/** What a domain holds that the wizard lists, by Keystone's collection name. */
interface DomainCollections {
  projects: KeystoneProject;
  users: KeystoneUser;
}

export class KeystoneClient {
  constructor(private readonly session: KeystoneSession) {}

  /** A domain by name or id; `not-found` names both attempts. */
  async findDomain(nameOrId: string, opts: Opts = {}): Promise<Result<KeystoneDomain>> {
    const byName = await this.session.identity<{ domains: KeystoneDomain[] }>({
      method: 'GET',
      path: '/domains',
      query: { name: nameOrId },
      signal: opts.signal,
    });
    if (!byName.ok) return byName;
    const [named] = byName.value.body.domains;
    if (named) return ok(named);
    const byId = await this.session.identity<{ domain: KeystoneDomain }>({
      method: 'GET',
      path: `/domains/${encodeURIComponent(nameOrId)}`,
      signal: opts.signal,
    });
    if (byId.ok) return ok(byId.value.body.domain);
    if (byId.error.httpStatus !== 404) return byId;
    return fail({
      code: 'not-found',
      message: `Keystone has no domain named or with id "${nameOrId}".`,
      hint: 'Check the domain in the profile (names are case-sensitive); the admin user needs a role that can list domains.',
    });
  }

  /** Projects of a domain (name or id), sorted by name. */
  async listProjects(domain: string, opts: Opts = {}): Promise<Result<KeystoneProject[]>> {
    const found = await this.inDomain('projects', domain, undefined, opts);
    return found.ok ? ok(byName(found.value.items)) : found;
  }

  /** The project `name` in `domain` (name or id). */
  async findProject(name: string, domain: string, opts: Opts = {}): Promise<Result<KeystoneProject>> {
    const found = await this.inDomain('projects', domain, name, opts);
    if (!found.ok) return found;
    const project = found.value.items.find((p) => p.name === name);
    return project
      ? ok(project)
      : fail({
          code: 'not-found',
          message: `Project "${name}" does not exist in domain ${found.value.domain.name}.`,
          hint: 'Create the project on the target cloud first, or fix its name in the project mapping.',
        });
  }

  /** Users of a domain (name or id), sorted by name. */
  async listUsers(domain: string, opts: Opts = {}): Promise<Result<KeystoneUser[]>> {
    const found = await this.inDomain('users', domain, undefined, opts);
    return found.ok ? ok(byName(found.value.items)) : found;
  }

  /** The user `name` in `domain` (name or id). */
  async findUser(name: string, domain: string, opts: Opts = {}): Promise<Result<KeystoneUser>> {
    const found = await this.inDomain('users', domain, name, opts);
    if (!found.ok) return found;
    const user = found.value.items.find((u) => u.name === name);
    return user
      ? ok(user)
      : fail({
          code: 'not-found',
          message: `User "${name}" does not exist in domain ${found.value.domain.name}.`,
          hint: 'Check the user name (case-sensitive) and the domain in the profile.',
        });
  }

  /**
   * A domain's projects or users: the domain resolved first (the profile may name it or give its id),
   * then Keystone's list filtered by its id, and by `name` when given (Keystone matches names exactly).
   */
  private async inDomain<C extends keyof DomainCollections>(
    collection: C,
    domain: string,
    name: string | undefined,
    opts: Opts,
  ): Promise<Result<{ domain: KeystoneDomain; items: DomainCollections[C][] }>> {
    const found = await this.findDomain(domain, opts);
    if (!found.ok) return found;
    const answer = await this.session.identity<Record<C, DomainCollections[C][]>>({
      method: 'GET',
      path: `/${collection}`,
      query: { domain_id: found.value.id, name },
      signal: opts.signal,
    });
    return answer.ok ? ok({ domain: found.value, items: answer.value.body[collection] }) : answer;
  }

  /** Global roles, sorted by name. */
  async listRoles(opts: Opts = {}): Promise<Result<KeystoneRole[]>> {
    const answer = await this.session.identity<{ roles: KeystoneRole[] }>({
      method: 'GET',
      path: '/roles',
      signal: opts.signal,
    });
    return answer.ok ? ok(byName(answer.value.body.roles.filter((r) => !r.domain_id))) : answer;
  }

  /** A global role by name. */
  async findRole(name: string, opts: Opts = {}): Promise<Result<KeystoneRole>> {
    const roles = await this.listRoles(opts);
    if (!roles.ok) return roles;
    const role = roles.value.find((r) => r.name === name);
    return role
      ? ok(role)
      : fail({
          code: 'not-found',
          message: `Keystone has no role named "${name}".`,
          hint: `Roles that exist: ${roles.value.map((r) => r.name).join(', ')}. Fix the role name in the profile's Trilio settings.`,
        });
  }

  /**
   * Effective role assignments on a project (group memberships and inherited roles resolved to
   * users), with names included.
   */
  async listProjectAssignments(projectId: string, opts: Opts = {}): Promise<Result<RoleAssignment[]>> {
    const answer = await this.session.identity<{ role_assignments: RoleAssignment[] }>({
      method: 'GET',
      path: '/role_assignments',
      // Keystone reads `effective` and `include_names` as flags: present means on.
      query: { 'scope.project.id': projectId, effective: true, include_names: true },
      signal: opts.signal,
    });
    return answer.ok ? ok(answer.value.body.role_assignments) : answer;
  }

  /** Whether the user holds the role directly on the project (not inherited, not through a group). */
  async hasProjectRole(
    projectId: string,
    userId: string,
    roleId: string,
    opts: Opts = {},
  ): Promise<Result<boolean>> {
    const answer = await this.session.identity({
      method: 'HEAD',
      path: grantPath(projectId, userId, roleId),
      expect: [200, 204, 404],
      signal: opts.signal,
    });
    return answer.ok ? ok(answer.value.status !== 404) : answer;
  }

  /** Grants a role to a user on a project; an existing grant is `changed: false`. */
  async grantProjectRole(
    projectId: string,
    userId: string,
    roleId: string,
    opts: Opts = {},
  ): Promise<Result<GrantResult>> {
    const present = await this.hasProjectRole(projectId, userId, roleId, opts);
    if (!present.ok) return present;
    if (present.value) return ok({ changed: false });
    const answer = await this.session.identity({
      method: 'PUT',
      path: grantPath(projectId, userId, roleId),
      expect: [200, 201, 204],
      signal: opts.signal,
    });
    return answer.ok ? ok({ changed: true }) : answer;
  }

  /** Revokes a user's role on a project; a missing grant is `changed: false`. */
  async revokeProjectRole(
    projectId: string,
    userId: string,
    roleId: string,
    opts: Opts = {},
  ): Promise<Result<GrantResult>> {
    const present = await this.hasProjectRole(projectId, userId, roleId, opts);
    if (!present.ok) return present;
    if (!present.value) return ok({ changed: false });
    const answer = await this.session.identity({
      method: 'DELETE',
      path: grantPath(projectId, userId, roleId),
      // 404: revoked meanwhile (or by a retried DELETE whose first answer was lost): the goal holds.
      expect: [200, 204, 404],
      signal: opts.signal,
    });
    return answer.ok ? ok({ changed: answer.value.status !== 404 }) : answer;
  }
}

function grantPath(projectId: string, userId: string, roleId: string): string {
  const e = encodeURIComponent;
  return `/projects/${e(projectId)}/users/${e(userId)}/roles/${e(roleId)}`;
}

function byName<T extends { name: string }>(items: T[]): T[] {
  return [...items].sort((a, b) => a.name.localeCompare(b.name));
}
