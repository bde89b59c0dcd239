import { randomUUID } from 'node:crypto';
import { labUuid } from '../lab-ids.js';
import { nowText, type TrustRow } from './appliance-db.js';
import type { EmulatorApp } from './emulator-app.js';
import { badRequest, isRecord, notFound } from './http-kit.js';
import type { RequestContext, Route } from './routing.js';

/**
 * Appliance-level calls: the version document at `/`, the appliance nodes and datamover status
 * (derived from the lab hosts' service state), license, trusts and settings.
 */

export function applianceRoutes(app: EmulatorApp): Route[] {
  const trustView = (t: TrustRow) => ({
    name: t.name,
    id: t.id,
    project_id: t.project_id,
    user_id: t.user_id,
    created_at: t.created_at,
    metadata: [{ key: 'role_name', value: t.role_name }],
    is_cloud_trust: t.is_cloud_trust,
  });
  const trustsOf = (ctx: RequestContext) =>
    Object.values(app.db.state.trusts).filter((t) => t.project_id === ctx.token.projectId);

  return [
    {
      method: 'GET',
      pattern: '/',
      auth: 'loopback',
      handler: async () => ({
        status: 200,
        body: {
          versions: [
            {
              id: 'v1.0',
              status: 'CURRENT',
              updated: '2019-01-01T00:00:00Z',
              links: [{ rel: 'self', href: `${app.baseUrl}/v1/` }],
            },
          ],
        },
      }),
    },
    {
      method: 'GET',
      pattern: '/v1/:project/workloads/metrics/nodes',
      auth: 'token',
      adminPolicy: 'workload:get_nodes',
      handler: async () => {
        const tvm = app.config.hosts.find((h) => h.role === 'tvm');
        const nodes = [];
        if (tvm) {
          const state = await app.hosts.serviceState(tvm.name, 'wlm-workloads');
          nodes.push({
            node: tvm.name,
            id: labUuid('node', tvm.name),
            version: app.profile.version,
            ipaddress: tvm.address,
            is_controller: true,
            status: state === 'active' ? 'Up' : 'Down',
            is_vip: false,
          });
        }
        return { status: 200, body: { nodes } };
      },
    },
    {
      method: 'GET',
      pattern: '/v1/:project/workloads/metrics/contego_status',
      auth: 'token',
      adminPolicy: 'workload:get_contego_status',
      handler: async () => {
        const services = [];
        for (const compute of app.hosts.computes()) {
          const state = await app.hosts.serviceState(compute.name, 'tvault-contego');
          services.push({
            name: 'contego',
            host: compute.name,
            ip: compute.address,
            status: 'enabled',
            state: state === 'active' ? 'up' : 'down',
            running_state: state,
            version: app.profile.version,
          });
        }
        return { status: 200, body: { contego_services: services } };
      },
    },
    {
      method: 'GET',
      pattern: '/v1/:project/workloads/metrics/license',
      auth: 'token',
      adminPolicy: 'workload:license_list',
      handler: async () => ({
        status: 200,
        body: {
          license: {
            Licensed: 'True',
            Edition: 'Enterprise',
            Capacity: '100 VMs',
            Kind: 'Lab',
            Expiry: '2099-12-31',
            Company: 'Trilio DR lab',
          },
        },
      }),
    },
    {
      method: 'GET',
      pattern: '/v1/:project/trusts',
      auth: 'token',
      handler: async (ctx) => ({ status: 200, body: { trust: trustsOf(ctx).map(trustView) } }),
    },
    {
      method: 'POST',
      pattern: '/v1/:project/trusts',
      auth: 'token',
      handler: async (ctx) => {
        const spec = isRecord(ctx.body) && isRecord(ctx.body.trusts) ? ctx.body.trusts : undefined;
        if (!spec || typeof spec.role_name !== 'string' || spec.role_name === '')
          throw badRequest(
            'Malformed request body: expected {"trusts": {"role_name": "...", "is_cloud_trust": false}}.',
          );
        const roles = await app.keystone.rolesOn(ctx.token.userId, ctx.token.projectId);
        if (!roles.includes(spec.role_name))
          throw badRequest(
            `User ${ctx.token.userName} does not have role ${spec.role_name} on project ${ctx.token.projectName}; a trust cannot delegate it.`,
          );
        const existing = trustsOf(ctx).find(
          (t) => t.user_id === ctx.token.userId && t.role_name === spec.role_name,
        );
        const trust: TrustRow = existing ?? {
          id: randomUUID(),
          name: `trust-${randomUUID()}`,
          project_id: ctx.token.projectId,
          user_id: ctx.token.userId,
          role_name: spec.role_name,
          is_cloud_trust: spec.is_cloud_trust === true,
          created_at: nowText(),
        };
        app.db.state.trusts[trust.name] = trust;
        await app.db.save();
        return { status: 200, body: { trust: [trustView(trust)] } };
      },
    },
    {
      method: 'GET',
      pattern: '/v1/:project/trusts/:name',
      auth: 'token',
      handler: async (ctx) => {
        const trust = trustsOf(ctx).find((t) => t.name === ctx.params.name);
        if (!trust) throw notFound(`Trust ${ctx.params.name} could not be found.`);
        return { status: 200, body: { trust: trustView(trust) } };
      },
    },
    {
      method: 'DELETE',
      pattern: '/v1/:project/trusts/:name',
      auth: 'token',
      handler: async (ctx) => {
        const trust = trustsOf(ctx).find((t) => t.name === ctx.params.name);
        if (!trust) throw notFound(`Trust ${ctx.params.name} could not be found.`);
        delete app.db.state.trusts[trust.name];
        await app.db.save();
        return { status: 202 };
      },
    },
    {
      method: 'GET',
      pattern: '/v1/:project/workloads/metrics/license_check',
      auth: 'token',
      adminPolicy: 'workload:license_check',
      handler: async () => ({
        status: 200,
        body: { message: 'License is valid. Capacity: 100 VMs, expires 2099-12-31.' },
      }),
    },
    {
      method: 'GET',
      pattern: '/v1/:project/global_job_scheduler',
      auth: 'token',
      handler: async () => ({
        status: 200,
        body: { global_job_scheduler: app.db.state.globalJobScheduler !== false },
      }),
    },
    ...(['enable', 'disable'] as const).map((action) => ({
      method: 'POST',
      pattern: `/v1/:project/global_job_scheduler/${action}`,
      auth: 'token' as const,
      adminPolicy: `workload:workload_${action}_global_job_scheduler`,
      handler: async () => {
        app.db.state.globalJobScheduler = action === 'enable';
        await app.db.save();
        return { status: 200, body: { global_job_scheduler: action === 'enable' } };
      },
    })),
    {
      method: 'GET',
      pattern: '/v1/:project/settings',
      auth: 'token',
      // trilio-api.md: settings are an admin call.
      adminPolicy: 'workload:settings_get',
      handler: async (ctx) => {
        const config = await app.hosts.applianceConfig();
        const own = Object.values(app.db.state.settings).filter((s) => s.project_id === ctx.token.projectId);
        const builtIn = [
          {
            name: 'trustee_role',
            value: config.trusteeRoles.join(','),
            description: 'Role a user needs so Trilio can act for them',
          },
          { name: 'global_job_scheduler', value: 'true', description: 'Scheduled snapshots are enabled' },
        ];
        return {
          status: 200,
          body: {
            settings: [
              ...builtIn.map((s) => ({
                ...s,
                project_id: ctx.token.projectId,
                type: 'system',
                category: 'system',
                is_public: true,
                is_hidden: false,
              })),
              ...own.map((s) => ({
                ...s,
                type: 'user',
                category: 'user',
                is_public: false,
                is_hidden: false,
              })),
            ],
          },
        };
      },
    },
  ];
}
