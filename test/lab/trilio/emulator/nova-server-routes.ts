import { createHash } from 'node:crypto';
import type { EmulatorApp } from './emulator-app.js';
import { HttpError, notFound, policyRefusal } from './http-kit.js';
import type { ServerRow } from './nova-cinder-db.js';
import type { RequestContext, Route } from './routing.js';

/**
 * Nova's server calls on the servers restores made (compute API v2.1, no microversion):
 * `GET /servers`, `GET /servers/detail`, `GET /servers/{id}`, `DELETE /servers/{id}`.
 *
 * As nova/api/openstack/compute/servers.py `_get_servers`: a caller sees its project's servers;
 * `all_tenants` (present, or a true value) needs `os_compute_api:servers:{index|detail}:get_all_tenants`
 * (admin) and then `project_id` (or `tenant_id`) filters; without `all_tenants` both are ignored
 * (lp:#1185290). A server not visible is `Instance <id> could not be found.` (404). DELETE answers
 * 204; the server shows `OS-EXT-STS:task_state: deleting` until Nova is done (one restore step), then
 * it is gone and its volumes detached (`available`, kept: see nova-cinder-db.ts).
 * `OS-EXT-SRV-ATTR:*` is shown to admins only (Nova's default policy).
 */

const trueStrings = ['1', 't', 'true', 'on', 'y', 'yes'];
const falseStrings = ['0', 'f', 'false', 'off', 'n', 'no'];

/** `common.is_all_tenants`: present with no value counts as true; oslo's strict bool otherwise. */
export function novaAllTenants(params: URLSearchParams): boolean {
  if (!params.has('all_tenants')) return false;
  const raw = params.get('all_tenants') ?? '';
  if (raw === '') return true;
  const value = raw.trim().toLowerCase();
  if (trueStrings.includes(value)) return true;
  if (falseStrings.includes(value)) return false;
  const acceptable = [...trueStrings, ...falseStrings]
    .sort()
    .map((s) => `'${s}'`)
    .join(', ');
  throw new HttpError(
    400,
    `Invalid input received: Unrecognized value '${raw}', acceptable values are: ${acceptable}`,
  );
}

export function novaServerRoutes(app: EmulatorApp): Route[] {
  const nova = `${app.baseUrl}/compute/v2.1`;
  const links = (kind: string, id: string) => [
    { rel: 'self', href: `${nova}/${kind}/${id}` },
    { rel: 'bookmark', href: `${app.baseUrl}/compute/${kind}/${id}` },
  ];
  const servers = () => Object.values(app.novaCinder.state.servers);
  const visible = (ctx: RequestContext, id: string): ServerRow => {
    const server = app.novaCinder.state.servers[id];
    if (!server || (!ctx.token.isAdmin && server.project_id !== ctx.token.projectId))
      throw notFound(`Instance ${id} could not be found.`);
    return server;
  };
  const list = (ctx: RequestContext, detail: boolean): ServerRow[] => {
    const query = ctx.url.searchParams;
    if (novaAllTenants(query)) {
      if (!ctx.token.isAdmin)
        throw policyRefusal(`os_compute_api:servers:${detail ? 'detail' : 'index'}:get_all_tenants`);
      const project = query.get('project_id') ?? query.get('tenant_id');
      return servers().filter((s) => project === null || s.project_id === project);
    }
    return servers().filter((s) => s.project_id === ctx.token.projectId);
  };
  const ordered = (rows: ServerRow[]) =>
    // Nova's default sort: created_at desc, then id desc.
    [...rows].sort((a, b) => b.created.localeCompare(a.created) || b.id.localeCompare(a.id));
  const summary = (s: ServerRow) => ({ id: s.id, name: s.name, links: links('servers', s.id) });
  const detailView = (ctx: RequestContext, s: ServerRow): Record<string, unknown> => {
    const addresses = Object.fromEntries(
      Object.entries(s.addresses).map(([network, list]) => [
        network,
        list.map((a) => ({
          version: a.version,
          addr: a.addr,
          'OS-EXT-IPS:type': 'fixed',
          'OS-EXT-IPS-MAC:mac_addr': a.mac,
        })),
      ]),
    );
    const view: Record<string, unknown> = {
      id: s.id,
      name: s.name,
      status: s.status,
      tenant_id: s.project_id,
      user_id: s.user_id,
      metadata: s.metadata,
      // nova.utils.generate_hostid: sha224 of project id + host.
      hostId: createHash('sha224').update(`${s.project_id}${s.host}`).digest('hex'),
      image: s.image_id ? { id: s.image_id, links: links('images', s.image_id) } : '',
      flavor: { id: s.flavor_id, links: links('flavors', s.flavor_id) },
      created: s.created,
      updated: s.updated,
      addresses,
      accessIPv4: '',
      accessIPv6: '',
      links: links('servers', s.id),
      'OS-DCF:diskConfig': 'MANUAL',
      progress: 0,
      'OS-EXT-AZ:availability_zone': s.availability_zone,
      config_drive: '',
      key_name: null,
      'OS-SRV-USG:launched_at': `${s.created.replace(/Z$/, '')}.000000`,
      'OS-SRV-USG:terminated_at': null,
      'OS-EXT-STS:task_state': s.task_state,
      'OS-EXT-STS:vm_state': 'active',
      'OS-EXT-STS:power_state': 1,
      'os-extended-volumes:volumes_attached': s.volume_ids.map((id) => ({ id })),
    };
    if (ctx.token.isAdmin) {
      view['OS-EXT-SRV-ATTR:host'] = s.host;
      view['OS-EXT-SRV-ATTR:hypervisor_hostname'] = s.host;
      view['OS-EXT-SRV-ATTR:instance_name'] = `instance-${s.id.replace(/-/g, '').slice(0, 8)}`;
    }
    return view;
  };

  return [
    {
      method: 'GET',
      pattern: '/compute/v2.1/servers',
      auth: 'token',
      handler: async (ctx) => ({
        status: 200,
        body: { servers: ordered(list(ctx, false)).map(summary) },
      }),
    },
    {
      method: 'GET',
      pattern: '/compute/v2.1/servers/detail',
      auth: 'token',
      handler: async (ctx) => ({
        status: 200,
        body: { servers: ordered(list(ctx, true)).map((s) => detailView(ctx, s)) },
      }),
    },
    {
      method: 'GET',
      pattern: '/compute/v2.1/servers/:id',
      auth: 'token',
      handler: async (ctx) => ({
        status: 200,
        body: { server: detailView(ctx, visible(ctx, ctx.params.id!)) },
      }),
    },
    {
      method: 'DELETE',
      pattern: '/compute/v2.1/servers/:id',
      auth: 'token',
      handler: async (ctx) => {
        await app.novaCinder.deleteServer(visible(ctx, ctx.params.id!).id);
        return { status: 204 };
      },
    },
  ];
}
