import type { EmulatorApp } from './emulator-app.js';
import { HttpError, badRequest, notFound } from './http-kit.js';
import type { VolumeRow } from './nova-cinder-db.js';
import type { RequestContext, Route } from './routing.js';

/**
 * Cinder's volume calls on the volumes restores made (block storage API v3, URL project = the
 * token's): `GET /volumes`, `GET /volumes/detail`, `GET /volumes/{id}`, `DELETE /volumes/{id}`.
 *
 * As cinder/volume/api.py: `get_all` shows the caller's project; an admin with `all_tenants` (a
 * boolean string, else 400 "Value '<v>' for 'all_tenants' is not a boolean.") sees every project's,
 * `project_id` filtering; a non-admin's `all_tenants` is ignored. A volume not visible is `Volume <id>
 * could not be found.` (404). `delete`: status must be available, error, error_restoring,
 * error_extending or error_managing and the volume not attached, else 400 `Invalid volume: Volume
 * status must be … and must not be migrating, attached, belong to a group, have snapshots or be
 * disassociated from snapshots after volume transfer.`; else 202, `deleting`, then gone (one restore
 * step). `os-vol-tenant-attr:tenant_id` and `os-vol-host-attr:host` are admin-only (default policy).
 */

const boolStrings = {
  true: ['1', 't', 'true', 'on', 'y', 'yes'],
  false: ['0', 'f', 'false', 'off', 'n', 'no'],
};

/** `utils.get_bool_param('all_tenants', filters)`. */
export function cinderAllTenants(params: URLSearchParams): boolean {
  const raw = params.get('all_tenants');
  if (raw === null) return false;
  const value = raw.toLowerCase();
  if (boolStrings.true.includes(value)) return true;
  if (boolStrings.false.includes(value)) return false;
  throw badRequest(`Value '${raw}' for 'all_tenants' is not a boolean.`);
}

const deletableStatuses = ['available', 'error', 'error_restoring', 'error_extending', 'error_managing'];

export const volumeInUseMessage =
  `Invalid volume: Volume status must be ${deletableStatuses.join(' or ')} and must not be migrating, ` +
  'attached, belong to a group, have snapshots or be disassociated from snapshots after volume transfer.';

export function cinderVolumeRoutes(app: EmulatorApp): Route[] {
  const links = (project: string, id: string) => [
    { rel: 'self', href: `${app.baseUrl}/volume/v3/${project}/volumes/${id}` },
    { rel: 'bookmark', href: `${app.baseUrl}/volume/${project}/volumes/${id}` },
  ];
  const volumes = () => Object.values(app.novaCinder.state.volumes);
  const visible = (ctx: RequestContext, id: string): VolumeRow => {
    const volume = app.novaCinder.state.volumes[id];
    if (!volume || (!ctx.token.isAdmin && volume.project_id !== ctx.token.projectId))
      throw notFound(`Volume ${id} could not be found.`);
    return volume;
  };
  const list = (ctx: RequestContext): VolumeRow[] => {
    const query = ctx.url.searchParams;
    const all = cinderAllTenants(query);
    const rows =
      ctx.token.isAdmin && all
        ? volumes().filter(
            (v) => query.get('project_id') === null || v.project_id === query.get('project_id'),
          )
        : volumes().filter((v) => v.project_id === ctx.token.projectId);
    // Cinder's default sort: created_at desc, then id desc.
    return rows.sort((a, b) => b.created_at.localeCompare(a.created_at) || b.id.localeCompare(a.id));
  };
  const summary = (ctx: RequestContext, v: VolumeRow) => ({
    id: v.id,
    name: v.name,
    links: links(ctx.params.project!, v.id),
  });
  const detail = (ctx: RequestContext, v: VolumeRow): Record<string, unknown> => {
    const view: Record<string, unknown> = {
      id: v.id,
      name: v.name,
      description: v.description,
      status: v.status,
      size: v.size,
      availability_zone: v.availability_zone,
      created_at: v.created_at,
      updated_at: v.updated_at,
      attachments: v.attachments.map((a) => ({
        id: a.id,
        attachment_id: a.attachment_id,
        volume_id: a.volume_id,
        server_id: a.server_id,
        host_name: a.host_name,
        device: a.device,
        attached_at: a.attached_at,
      })),
      bootable: v.bootable ? 'true' : 'false',
      encrypted: false,
      multiattach: false,
      metadata: v.metadata,
      user_id: v.user_id,
      volume_type: v.volume_type,
      snapshot_id: null,
      source_volid: null,
      consistencygroup_id: null,
      replication_status: null,
      links: links(ctx.params.project!, v.id),
    };
    if (ctx.token.isAdmin) {
      view['os-vol-tenant-attr:tenant_id'] = v.project_id;
      view['os-vol-host-attr:host'] = `cinder-volume@lab#${v.volume_type}`;
      view['os-vol-mig-status-attr:migstat'] = null;
      view['os-vol-mig-status-attr:name_id'] = null;
      view.migration_status = null;
    }
    return view;
  };

  return [
    {
      method: 'GET',
      pattern: '/volume/v3/:project/volumes',
      auth: 'token',
      handler: async (ctx) => ({ status: 200, body: { volumes: list(ctx).map((v) => summary(ctx, v)) } }),
    },
    {
      method: 'GET',
      pattern: '/volume/v3/:project/volumes/detail',
      auth: 'token',
      handler: async (ctx) => ({ status: 200, body: { volumes: list(ctx).map((v) => detail(ctx, v)) } }),
    },
    {
      method: 'GET',
      pattern: '/volume/v3/:project/volumes/:id',
      auth: 'token',
      handler: async (ctx) => ({ status: 200, body: { volume: detail(ctx, visible(ctx, ctx.params.id!)) } }),
    },
    {
      method: 'DELETE',
      pattern: '/volume/v3/:project/volumes/:id',
      auth: 'token',
      handler: async (ctx) => {
        const volume = visible(ctx, ctx.params.id!);
        if (!deletableStatuses.includes(volume.status) || volume.attachments.length > 0)
          throw new HttpError(400, volumeInUseMessage);
        await app.novaCinder.deleteVolume(volume.id);
        return { status: 202 };
      },
    },
  ];
}
