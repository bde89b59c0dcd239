import { OpenStackSession, query } from '../../clouds/openstack-session.js';
import type { EmulatorConfig } from './emulator-config.js';

/**
 * The emulator's view of the real Keystone: it validates callers' tokens the way keystonemiddleware
 * does (GET /v3/auth/tokens with its own service token), and asks about projects and role assignments
 * with the same service identity, as workloadmgr does.
 */

export interface TokenInfo {
  userId: string;
  userName: string;
  projectId: string;
  projectName: string;
  roles: string[];
  isAdmin: boolean;
  expiresAt: number;
}

interface TokenBody {
  token: {
    expires_at: string;
    user: { id: string; name: string };
    project?: { id: string; name: string };
    roles?: { name: string }[];
  };
}

export interface KeystoneProject {
  id: string;
  name: string;
  domain_id: string;
  enabled: boolean;
}

export class KeystoneClient {
  private readonly session: OpenStackSession;
  private readonly v3: string;
  private readonly tokens = new Map<string, { info: TokenInfo; until: number }>();
  private readonly projectCache = new Map<string, { projects: KeystoneProject[]; until: number }>();

  constructor(private readonly config: EmulatorConfig) {
    this.v3 = `${config.keystoneUrl.replace(/\/+$/, '').replace(/\/v3$/, '')}/v3`;
    this.session = new OpenStackSession(this.v3, {
      username: config.serviceUser.username,
      password: config.serviceUser.password,
      project: config.serviceUser.project,
      userDomain: config.serviceUser.userDomain,
      projectDomain: config.serviceUser.projectDomain,
    });
  }

  /** The service token (for Neutron queries too). */
  serviceToken(): Promise<string> {
    return this.session.token();
  }

  /** A caller's token, validated (and cached briefly); null when Keystone rejects it. */
  async validate(token: string): Promise<TokenInfo | null> {
    const now = Date.now();
    const cached = this.tokens.get(token);
    if (cached && cached.until > now) return cached.info;
    this.tokens.delete(token);
    const response = await fetch(`${this.v3}/auth/tokens`, {
      headers: { 'X-Auth-Token': await this.session.token(), 'X-Subject-Token': token },
      signal: AbortSignal.timeout(15_000),
    });
    const text = await response.text();
    if (response.status === 401 || response.status === 404) return null;
    if (!response.ok)
      throw new Error(`Keystone answered token validation with HTTP ${response.status}: ${text}`);
    const body = JSON.parse(text) as TokenBody;
    const roles = (body.token.roles ?? []).map((r) => r.name);
    const info: TokenInfo = {
      userId: body.token.user.id,
      userName: body.token.user.name,
      projectId: body.token.project?.id ?? '',
      projectName: body.token.project?.name ?? '',
      roles,
      isAdmin: roles.includes('admin'),
      expiresAt: Date.parse(body.token.expires_at),
    };
    if (info.expiresAt <= now) return null;
    this.tokens.set(token, {
      info,
      until: Math.min(info.expiresAt, now + this.config.tokenCacheSeconds * 1000),
    });
    // Keep the cache small: drop entries that are no longer usable.
    if (this.tokens.size > 500)
      for (const [key, entry] of this.tokens) if (entry.until <= now) this.tokens.delete(key);
    return info;
  }

  /** Projects of a domain (by name), cached for a few seconds. */
  async projectsOfDomain(domainName: string): Promise<KeystoneProject[]> {
    const cached = this.projectCache.get(domainName);
    if (cached && cached.until > Date.now()) return cached.projects;
    const { domains } = await this.session.request<{ domains: { id: string }[] }>(
      'GET',
      this.v3,
      `/domains${query({ name: domainName })}`,
    );
    const domainId = domains[0]?.id;
    const projects = domainId
      ? (
          await this.session.request<{ projects: KeystoneProject[] }>(
            'GET',
            this.v3,
            `/projects${query({ domain_id: domainId })}`,
          )
        ).projects
      : [];
    this.projectCache.set(domainName, { projects, until: Date.now() + 5_000 });
    return projects;
  }

  async project(id: string): Promise<KeystoneProject | null> {
    const response = await fetch(`${this.v3}/projects/${encodeURIComponent(id)}`, {
      headers: { 'X-Auth-Token': await this.session.token() },
      signal: AbortSignal.timeout(15_000),
    });
    if (response.status === 404) return null;
    if (!response.ok) throw new Error(`Keystone answered GET project with HTTP ${response.status}`);
    return ((await response.json()) as { project: KeystoneProject }).project;
  }

  async userExists(id: string): Promise<boolean> {
    const response = await fetch(`${this.v3}/users/${encodeURIComponent(id)}`, {
      headers: { 'X-Auth-Token': await this.session.token() },
      signal: AbortSignal.timeout(15_000),
    });
    await response.arrayBuffer();
    if (response.status === 404) return false;
    if (!response.ok) throw new Error(`Keystone answered GET user with HTTP ${response.status}`);
    return true;
  }

  /** Role names the user holds on the project, including inherited and group assignments. */
  async rolesOn(userId: string, projectId: string): Promise<string[]> {
    const { role_assignments } = await this.session.request<{
      role_assignments: { role: { name?: string; id: string } }[];
    }>(
      'GET',
      this.v3,
      `/role_assignments${query({
        'user.id': userId,
        'scope.project.id': projectId,
        effective: 'true',
        include_names: 'true',
      })}`,
    );
    return role_assignments.map((a) => a.role.name ?? a.role.id);
  }
}
