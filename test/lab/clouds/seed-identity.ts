import { LabFailure } from '../lab-failure.js';
import {
  adminSpec,
  cloudDomain,
  projectSpecs,
  roleNames,
  serviceProject,
  serviceUserSpecs,
  userSpecs,
  type CloudKey,
  type UserSpec,
} from './clouds-spec.js';
import { authUrl, keystoneUrl } from './clouds-paths.js';
import { authenticate, type OpenStackSession } from './openstack-session.js';

/**
 * Seeds the lab's identity world (domains, projects, users, roles, grants) into Keystone, looking
 * everything up before creating it so `up` can run any number of times. Also converges: a missing
 * grant is added back, a wrong password reset, and the admin's project-level roles on seeded projects
 * (left by a wizard run that stopped before its cleanup) removed — admin holds roles on the domains only.
 */

export interface SeededUser {
  id: string;
  password: string;
  /** Name of the project the user has roles on. */
  project: string;
  projectId: string;
  roles: string[];
  email: string;
  /** Domain name. */
  domain: string;
}

export interface SeededIdentity {
  admin: { userId: string; projectId: string };
  roleIds: Record<string, string>;
  domainIds: Record<CloudKey, string>;
  /** Per cloud: project name → id. */
  projects: Record<CloudKey, Record<string, string>>;
  /** Per cloud: user name → user. */
  users: Record<CloudKey, Record<string, SeededUser>>;
  serviceProjectId: string;
  /** Service users in domain Default with `admin` on project `service`. */
  serviceUsers: Record<string, { id: string; password: string }>;
}

const v3 = `${keystoneUrl}/v3`;
const defaultDomain = { id: 'default', name: 'Default' };

interface Named {
  id: string;
  name: string;
  domain_id?: string | null;
  enabled?: boolean;
}

interface Domain {
  id: string;
  name: string;
}

interface UserRecord extends Named {
  email?: string;
  default_project_id?: string;
}

interface Assignment {
  role: { id: string };
  user?: { id: string };
  scope: { project?: { id: string }; domain?: { id: string } };
}

type Scope = { project: string } | { domain: string };

/**
 * Everything seeding looks at, read in five list calls (one lookup per object would be ~100 requests
 * at ~50 ms each), then kept current as objects are created.
 */
interface Snapshot {
  roles: Named[];
  domains: Named[];
  projects: Named[];
  users: UserRecord[];
  assignments: Assignment[];
}

async function loadSnapshot(session: OpenStackSession): Promise<Snapshot> {
  const list = <T>(kind: string): Promise<T[]> =>
    session.request<Record<string, T[]>>('GET', v3, `/${kind}`).then((r) => r[kind] ?? []);
  const [roles, domains, projects, users, assignments] = await Promise.all([
    list<Named>('roles'),
    list<Named>('domains'),
    list<Named>('projects'),
    list<UserRecord>('users'),
    list<Assignment>('role_assignments'),
  ]);
  return { roles, domains, projects, users, assignments };
}

export async function seedIdentity(session: OpenStackSession): Promise<SeededIdentity> {
  const snapshot = await loadSnapshot(session);
  const seeder = new IdentitySeeder(session, snapshot);
  const roleIds: Record<string, string> = {};
  for (const role of roleNames) roleIds[role] = await seeder.role(role);
  const role = (name: string): string => roleIds[name] ?? '';
  const domainA = { id: await seeder.domain(cloudDomain('A')), name: cloudDomain('A') };
  const domainB = { id: await seeder.domain(cloudDomain('B')), name: cloudDomain('B') };
  const domainOf = (cloud: CloudKey): Domain => (cloud === 'A' ? domainA : domainB);

  const adminUser = find(snapshot.users, adminSpec.username, defaultDomain.id);
  const adminProject = find(snapshot.projects, adminSpec.project, defaultDomain.id);
  if (!adminUser || !adminProject)
    throw new LabFailure({
      code: 'precondition',
      message: 'Keystone has no bootstrap admin user or project (keystone-manage bootstrap did not run?).',
      hint: 'Purge the lab (`npm run lab -- down --purge`) and run up again.',
    });
  for (const domain of [domainA, domainB])
    await seeder.grant({ domain: domain.id }, adminUser.id, role('admin'));

  const projects: SeededIdentity['projects'] = { A: {}, B: {} };
  for (const spec of projectSpecs) {
    const id = await seeder.project(spec.name, domainOf(spec.cloud).id, spec.description);
    projects[spec.cloud][spec.name] = id;
    await seeder.revokeAll({ project: id }, adminUser.id);
  }

  const users: SeededIdentity['users'] = { A: {}, B: {} };
  for (const spec of userSpecs) {
    const projectId = projects[spec.cloud][spec.project] ?? '';
    const id = await seeder.user(spec, domainOf(spec.cloud), projectId);
    for (const name of spec.roles) await seeder.grant({ project: projectId }, id, role(name));
    const seeded = {
      id,
      password: spec.password,
      project: spec.project,
      projectId,
      roles: [...spec.roles],
      email: spec.email,
      domain: domainOf(spec.cloud).name,
    };
    users[spec.cloud][spec.name] = seeded;
  }

  const serviceProjectId = await seeder.project(
    serviceProject,
    defaultDomain.id,
    'Service users of the DR lab',
  );
  const serviceUsers: SeededIdentity['serviceUsers'] = {};
  for (const spec of serviceUserSpecs) {
    const user: UserSpec = {
      cloud: 'A',
      name: spec.name,
      password: spec.password,
      email: `${spec.name}@service.test`,
      project: serviceProject,
      roles: ['admin'],
    };
    const id = await seeder.user(user, defaultDomain, serviceProjectId);
    await seeder.grant({ project: serviceProjectId }, id, role('admin'));
    serviceUsers[spec.name] = { id, password: spec.password };
  }
  await seeder.repairPasswords();

  return {
    admin: { userId: adminUser.id, projectId: adminProject.id },
    roleIds,
    domainIds: { A: domainA.id, B: domainB.id },
    projects,
    users,
    serviceProjectId,
    serviceUsers,
  };
}

function find<T extends Named>(items: T[], name: string, domainId?: string): T | undefined {
  return items.find((item) => item.name === name && (domainId === undefined || item.domain_id === domainId));
}

class IdentitySeeder {
  /** Users that existed before this run, with the password the lab expects; checked together at the end. */
  private readonly toVerify: { user: UserRecord; password: string; domain: Domain }[] = [];

  constructor(
    private readonly session: OpenStackSession,
    private readonly snapshot: Snapshot,
  ) {}

  /** A global role (a domain-specific role of the same name is a different thing). */
  async role(name: string): Promise<string> {
    const existing = this.snapshot.roles.find((r) => r.name === name && !r.domain_id);
    if (existing) return existing.id;
    const created = (await this.session.request<{ role: Named }>('POST', v3, '/roles', { role: { name } }))
      .role;
    this.snapshot.roles.push(created);
    return created.id;
  }

  async domain(name: string): Promise<string> {
    const existing = find(this.snapshot.domains, name);
    if (existing && existing.enabled === false)
      await this.session.request('PATCH', v3, `/domains/${existing.id}`, { domain: { enabled: true } });
    if (existing) return existing.id;
    const body = {
      domain: {
        name,
        description: `DR lab: ${name === cloudDomain('A') ? 'cloud A' : 'cloud B'}`,
        enabled: true,
      },
    };
    const created = (await this.session.request<{ domain: Named }>('POST', v3, '/domains', body)).domain;
    this.snapshot.domains.push(created);
    return created.id;
  }

  async project(name: string, domainId: string, description: string): Promise<string> {
    const existing = find(this.snapshot.projects, name, domainId);
    if (existing && existing.enabled === false)
      await this.session.request('PATCH', v3, `/projects/${existing.id}`, { project: { enabled: true } });
    if (existing) return existing.id;
    const body = { project: { name, domain_id: domainId, description, enabled: true } };
    const created = (await this.session.request<{ project: Named }>('POST', v3, '/projects', body)).project;
    this.snapshot.projects.push(created);
    return created.id;
  }

  async user(spec: UserSpec, domain: Domain, projectId: string): Promise<string> {
    const existing = find(this.snapshot.users, spec.name, domain.id);
    if (!existing) {
      const body = {
        user: {
          name: spec.name,
          domain_id: domain.id,
          password: spec.password,
          email: spec.email,
          default_project_id: projectId,
          enabled: true,
        },
      };
      const created = (await this.session.request<{ user: UserRecord }>('POST', v3, '/users', body)).user;
      this.snapshot.users.push(created);
      return created.id;
    }
    if (
      existing.email !== spec.email ||
      existing.default_project_id !== projectId ||
      existing.enabled === false
    )
      await this.session.request('PATCH', v3, `/users/${existing.id}`, {
        user: { email: spec.email, default_project_id: projectId, enabled: true },
      });
    this.toVerify.push({ user: existing, password: spec.password, domain });
    return existing.id;
  }

  async grant(scope: Scope, userId: string, roleId: string): Promise<void> {
    if (this.assignmentsOf(scope, userId).some((a) => a.role.id === roleId)) return;
    await this.session.request('PUT', v3, `${scopePath(scope)}/users/${userId}/roles/${roleId}`);
    const scopeRef =
      'project' in scope ? { project: { id: scope.project } } : { domain: { id: scope.domain } };
    this.snapshot.assignments.push({ role: { id: roleId }, user: { id: userId }, scope: scopeRef });
  }

  /** Removes every direct role of the user on the scope. */
  async revokeAll(scope: Scope, userId: string): Promise<void> {
    for (const assignment of this.assignmentsOf(scope, userId))
      await this.session.request(
        'DELETE',
        v3,
        `${scopePath(scope)}/users/${userId}/roles/${assignment.role.id}`,
      );
  }

  /**
   * Resets the password of pre-existing users whose lab password no longer works. Only then:
   * setting a password revokes the user's tokens.
   */
  async repairPasswords(): Promise<void> {
    const broken = await Promise.all(
      this.toVerify.map(async (entry) =>
        (await passwordWorks(entry.user.name, entry.password, entry.domain.name)) ? undefined : entry,
      ),
    );
    for (const entry of broken) {
      if (entry)
        await this.session.request('PATCH', v3, `/users/${entry.user.id}`, {
          user: { password: entry.password },
        });
    }
  }

  private assignmentsOf(scope: Scope, userId: string): Assignment[] {
    return this.snapshot.assignments.filter(
      (a) =>
        a.user?.id === userId &&
        ('project' in scope ? a.scope.project?.id === scope.project : a.scope.domain?.id === scope.domain),
    );
  }
}

const scopePath = (scope: Scope): string =>
  'project' in scope ? `/projects/${scope.project}` : `/domains/${scope.domain}`;

async function passwordWorks(username: string, password: string, domainName: string): Promise<boolean> {
  try {
    // An unscoped token needs no role, so this checks the password alone.
    await authenticate(authUrl, {
      username,
      password,
      userDomain: domainName,
      project: '',
      projectDomain: '',
    });
    return true;
  } catch {
    return false;
  }
}
