import { authenticate } from '../../../lab/clouds/openstack-session.js';
import type { LabJson } from '../../../lab/lab-json.js';

/**
 * Both clouds as the drill must leave them, read through their APIs as cloud B's admin (one Keystone
 * and one Neutron serve both clouds; Nova, Cinder and Trilio are cloud B's, served by the emulator):
 *
 * - Keystone: domains, projects (both domains), users, roles, every role assignment;
 * - Neutron (admin sees every project's): networks, subnets, ports, routers, security groups;
 * - Nova servers and Cinder volumes of every project (`all_tenants=1`);
 * - Trilio's database through the emulator's `GET /_lab/database`: workloads and snapshots including
 *   soft-deleted rows (a soft-deleted workload blocks importing it again until the purge), restores
 *   that are not deleted, trusts, settings, the global job scheduler.
 *
 * Every entry is keyed by a readable label (`cloud_b/finance-dr 8c1e…`) so differences read as
 * sentences. Left out on purpose, with why: timestamps (`created_at`, `updated_at`, …) and Neutron's
 * `revision_number` (they move with any change, even one undone, and say nothing about what exists);
 * soft-deleted restores (Trilio's restore delete keeps the row, `deleted` set, and no API removes it
 * short of purging the whole workload, so a drill restoring a workload that stays cannot avoid them;
 * the API never shows them); `status` of Neutron ports (no data plane in the lab).
 */

export interface CloudInventory {
  keystone: {
    domains: Record<string, string>;
    projects: Record<string, { enabled: boolean; description: string; parent: string }>;
    users: Record<string, { enabled: boolean; defaultProject: string }>;
    roles: string[];
    /** `<role> for <user or group> on <project or domain>`, sorted. */
    roleAssignments: string[];
  };
  neutron: {
    networks: Record<string, Record<string, unknown>>;
    subnets: Record<string, Record<string, unknown>>;
    ports: Record<string, Record<string, unknown>>;
    routers: Record<string, Record<string, unknown>>;
    securityGroups: Record<string, Record<string, unknown>>;
  };
  nova: { servers: Record<string, Record<string, unknown>> };
  cinder: { volumes: Record<string, Record<string, unknown>> };
  trilio: {
    workloads: Record<string, Record<string, unknown>>;
    snapshots: Record<string, Record<string, unknown>>;
    restores: Record<string, Record<string, unknown>>;
    trusts: Record<string, Record<string, unknown>>;
    settings: Record<string, Record<string, unknown>>;
    globalJobScheduler: boolean;
  };
}

type Row = Record<string, unknown>;

interface CatalogEntry {
  type: string;
  endpoints: { interface: string; region_id?: string; region?: string; url: string }[];
}

async function getJson<T>(url: string, token: string): Promise<T> {
  const response = await fetch(url, {
    headers: { 'X-Auth-Token': token, Accept: 'application/json' },
    signal: AbortSignal.timeout(60_000),
  });
  const text = await response.text();
  if (!response.ok)
    throw new Error(`inventory: GET ${url} answered HTTP ${response.status}: ${text.slice(0, 500)}`);
  return JSON.parse(text) as T;
}

const str = (value: unknown): string => (value === null || value === undefined ? '' : String(value));

export async function cloudInventory(lab: LabJson): Promise<CloudInventory> {
  const cloud = lab.clouds.B;
  const { token, body } = await authenticate(cloud.authUrl, {
    username: cloud.admin.username,
    password: cloud.admin.password,
    userDomain: cloud.admin.userDomain,
    project: cloud.admin.project,
    projectDomain: cloud.admin.projectDomain,
  });
  const catalog = (body as { token: { catalog: CatalogEntry[] } }).token.catalog;
  const endpoint = (type: string): string => {
    const url = catalog
      .find((c) => c.type === type)
      ?.endpoints.find((e) => e.interface === 'public' && (e.region_id ?? e.region) === cloud.region)?.url;
    if (!url) throw new Error(`inventory: no public ${type} endpoint in ${cloud.region}`);
    return url.replace(/\/+$/, '');
  };
  const keystone = cloud.authUrl.replace(/\/+$/, '');
  const neutron = `${endpoint('network')}/v2.0`;
  const get = <T>(url: string) => getJson<T>(url, token);

  const [domains, projects, users, roles, assignments] = await Promise.all([
    get<{ domains: Row[] }>(`${keystone}/domains`),
    get<{ projects: Row[] }>(`${keystone}/projects`),
    get<{ users: Row[] }>(`${keystone}/users`),
    get<{ roles: Row[] }>(`${keystone}/roles`),
    get<{ role_assignments: Row[] }>(`${keystone}/role_assignments?include_names=true`),
  ]);
  const domainName = new Map(domains.domains.map((d) => [str(d.id), str(d.name)]));
  const projectLabel = new Map(
    projects.projects.map((p) => [
      str(p.id),
      `${domainName.get(str(p.domain_id)) ?? str(p.domain_id)}/${str(p.name)} ${str(p.id)}`,
    ]),
  );
  const userLabel = (u: Row) =>
    `${domainName.get(str(u.domain_id)) ?? str(u.domain_id)}/${str(u.name)} ${str(u.id)}`;

  // Routers only where Neutron serves them (the lab's Neutron runs without the L3 plugin: no
  // `router` extension, `/routers` is 404); security groups come with ML2.
  const extensions = await get<{ extensions: Row[] }>(`${neutron}/extensions`);
  const hasRouters = extensions.extensions.some((e) => e.alias === 'router');
  const [networks, subnets, ports, routers, groups, servers, volumes, database] = await Promise.all([
    get<{ networks: Row[] }>(`${neutron}/networks`),
    get<{ subnets: Row[] }>(`${neutron}/subnets`),
    get<{ ports: Row[] }>(`${neutron}/ports`),
    hasRouters ? get<{ routers: Row[] }>(`${neutron}/routers`) : Promise.resolve({ routers: [] as Row[] }),
    get<{ security_groups: Row[] }>(`${neutron}/security-groups`),
    get<{ servers: Row[] }>(`${endpoint('compute')}/servers/detail?all_tenants=1`),
    get<{ volumes: Row[] }>(`${endpoint('volumev3')}/volumes/detail?all_tenants=1`),
    trilioDatabase(lab),
  ]);
  const project = (id: unknown) => projectLabel.get(str(id)) ?? str(id);
  const keyed = (rows: Row[], label: (r: Row) => string, pick: (r: Row) => Row) =>
    Object.fromEntries(rows.map((r) => [label(r), pick(r)]));
  const named = (r: Row) => `${str(r.name)} ${str(r.id)}`;

  return {
    keystone: {
      domains: Object.fromEntries(
        domains.domains.map((d) => [
          `${str(d.name)} ${str(d.id)}`,
          d.enabled === false ? 'disabled' : 'enabled',
        ]),
      ),
      projects: Object.fromEntries(
        projects.projects.map((p) => [
          project(p.id),
          { enabled: p.enabled !== false, description: str(p.description), parent: str(p.parent_id) },
        ]),
      ),
      users: Object.fromEntries(
        users.users.map((u) => [
          userLabel(u),
          { enabled: u.enabled !== false, defaultProject: str(u.default_project_id) },
        ]),
      ),
      roles: roles.roles.map((r) => `${str(r.name)} ${str(r.id)}`).sort(),
      roleAssignments: assignments.role_assignments.map(assignmentLine).sort(),
    },
    neutron: {
      networks: keyed(networks.networks, named, (n) => ({
        project: project(n.project_id ?? n.tenant_id),
        shared: n.shared,
        external: n['router:external'],
        adminStateUp: n.admin_state_up,
        subnets: [...((n.subnets as string[] | undefined) ?? [])].sort(),
      })),
      subnets: keyed(subnets.subnets, named, (s) => ({
        project: project(s.project_id ?? s.tenant_id),
        network: s.network_id,
        cidr: s.cidr,
        gateway: s.gateway_ip,
        dhcp: s.enable_dhcp,
        pools: s.allocation_pools,
      })),
      ports: keyed(ports.ports, named, (p) => ({
        project: project(p.project_id ?? p.tenant_id),
        network: p.network_id,
        device: `${str(p.device_owner)} ${str(p.device_id)}`.trim(),
        mac: p.mac_address,
        fixedIps: p.fixed_ips,
      })),
      routers: keyed(routers.routers, named, (r) => ({
        project: project(r.project_id ?? r.tenant_id),
        gateway: r.external_gateway_info ?? null,
      })),
      securityGroups: keyed(groups.security_groups, named, (g) => ({
        project: project(g.project_id ?? g.tenant_id),
        rules: ((g.security_group_rules as Row[] | undefined) ?? []).length,
      })),
    },
    nova: {
      servers: keyed(servers.servers, named, (s) => ({
        project: project(s.tenant_id),
        status: s.status,
        taskState: s['OS-EXT-STS:task_state'] ?? null,
        host: s['OS-EXT-SRV-ATTR:host'] ?? null,
        volumes: ((s['os-extended-volumes:volumes_attached'] as Row[] | undefined) ?? []).map((v) => v.id),
      })),
    },
    cinder: {
      volumes: keyed(volumes.volumes, named, (v) => ({
        project: project(v['os-vol-tenant-attr:tenant_id']),
        status: v.status,
        size: v.size,
        type: v.volume_type,
        attachedTo: ((v.attachments as Row[] | undefined) ?? []).map((a) => a.server_id),
      })),
    },
    trilio: {
      workloads: keyed(
        database.workloads,
        (w) => `${str(w.display_name)} ${str(w.id)}`,
        (w) => ({
          project: project(w.project_id),
          user: w.user_id,
          status: w.status,
          deleted: w.deleted,
          share: w.share_export,
          metadata: w.metadata,
          scheduleEnabled: (w.jobschedule as Row | undefined)?.enabled ?? null,
        }),
      ),
      snapshots: keyed(
        database.snapshots,
        (s) => `${str(s.display_name)} ${str(s.id)}`,
        (s) => ({
          workload: s.workload_id,
          project: project(s.project_id),
          user: s.user_id,
          status: s.status,
          deleted: s.deleted,
        }),
      ),
      restores: keyed(
        database.restores.filter((r) => r.deleted !== true),
        (r) => `${str(r.display_name)} ${str(r.id)}`,
        (r) => ({
          workload: r.workload_id,
          snapshot: r.snapshot_id,
          project: project(r.project_id),
          status: r.status,
        }),
      ),
      trusts: keyed(
        database.trusts,
        (t) => str(t.name),
        (t) => ({
          project: project(t.project_id),
          user: t.user_id,
          role: t.role_name,
          cloudTrust: t.is_cloud_trust,
        }),
      ),
      settings: keyed(
        database.settings,
        (s) => `${project(s.project_id)} ${str(s.name)}`,
        (s) => ({
          value: s.value,
        }),
      ),
      globalJobScheduler: database.globalJobScheduler,
    },
  };

  function assignmentLine(a: Row): string {
    const role = (a.role ?? {}) as Row;
    const scope = (a.scope ?? {}) as Row;
    const who = (a.user ?? a.group) as Row | undefined;
    const whoDomain = (who?.domain ?? {}) as Row;
    const actor = who
      ? `${a.user ? 'user' : 'group'} ${str(whoDomain.name)}/${str(who.name)} ${str(who.id)}`
      : 'nobody';
    const target = scope.project
      ? `project ${project((scope.project as Row).id)}`
      : scope.domain
        ? `domain ${str((scope.domain as Row).name)} ${str((scope.domain as Row).id)}`
        : scope.system
          ? 'system'
          : JSON.stringify(scope);
    const inherited = scope['OS-INHERIT:inherited_to'] ? ' (inherited)' : '';
    return `${str(role.name)} for ${actor} on ${target}${inherited}`;
  }
}

interface TrilioDatabase {
  workloads: Row[];
  snapshots: Row[];
  restores: Row[];
  trusts: Row[];
  settings: Row[];
  globalJobScheduler: boolean;
}

async function trilioDatabase(lab: LabJson): Promise<TrilioDatabase> {
  const control = lab.trilio.labControlUrl;
  if (!control)
    throw new Error('inventory: lab.json names no trilio.labControlUrl (run `npm run lab -- up`)');
  const response = await fetch(`${control.replace(/\/+$/, '')}/database`, {
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  if (!response.ok)
    throw new Error(`inventory: GET ${control}/database answered HTTP ${response.status}: ${text}`);
  return JSON.parse(text) as TrilioDatabase;
}
