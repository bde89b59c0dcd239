import { labUuid } from '../lab-ids.js';
import { availabilityZones, flavors, targetVolumeTypes } from '../workload-specs.js';
import type { EmulatorApp } from './emulator-app.js';
import { forbidden, notFound } from './http-kit.js';
import type { RequestContext, Route } from './routing.js';

/**
 * The read-only Nova and Cinder calls the wizard needs on cloud B, served from the same process
 * (catalog types `compute` at /compute/v2.1 and `volumev3` at /volume/v3/{project}): availability
 * zones, flavors, volume types and hypervisors (one per lab compute host, state from its datamover).
 * The servers and volumes restores leave are in nova-server-routes.ts and cinder-volume-routes.ts.
 */

/** Cloud B's Nova flavors (ephemeral 0, no swap). */
export const allFlavors = [
  { id: '1', name: 'm1.tiny', vcpus: 1, ram: 512, disk: 1 },
  ...Object.values(flavors),
];

export function novaCinderRoutes(app: EmulatorApp): Route[] {
  const nova = `${app.baseUrl}/compute/v2.1`;
  const flavorLinks = (id: string) => [
    { rel: 'self', href: `${nova}/flavors/${id}` },
    { rel: 'bookmark', href: `${app.baseUrl}/compute/flavors/${id}` },
  ];
  const flavorDetail = (f: (typeof allFlavors)[number]) => ({
    id: f.id,
    name: f.name,
    vcpus: f.vcpus,
    ram: f.ram,
    disk: f.disk,
    'OS-FLV-EXT-DATA:ephemeral': 0,
    'OS-FLV-DISABLED:disabled': false,
    swap: '',
    rxtx_factor: 1.0,
    'os-flavor-access:is_public': true,
    links: flavorLinks(f.id),
  });
  const requireAdmin = (ctx: RequestContext, policy: string): void => {
    if (!ctx.token.isAdmin) throw forbidden(`Policy doesn't allow ${policy} to be performed.`);
  };
  const hypervisors = async (detail: boolean) =>
    Promise.all(
      app.hosts.computes().map(async (c, index) => {
        const state = await app.hosts.serviceState(c.name, 'tvault-contego');
        const up = state !== 'down';
        const base = {
          id: index + 1,
          hypervisor_hostname: c.name,
          state: up ? 'up' : 'down',
          status: 'enabled',
        };
        if (!detail) return base;
        return {
          ...base,
          host_ip: c.address,
          hypervisor_type: 'QEMU',
          hypervisor_version: 7002000,
          vcpus: 32,
          vcpus_used: 4,
          memory_mb: 131072,
          memory_mb_used: 16384,
          local_gb: 1000,
          local_gb_used: 100,
          running_vms: 2,
          service: { host: c.name, id: labUuid('nova-compute', c.name), disabled_reason: null },
        };
      }),
    );
  const zones = (withHosts: boolean) =>
    availabilityZones.map((zoneName) => ({
      zoneName,
      zoneState: { available: true },
      hosts: withHosts
        ? Object.fromEntries(
            app.hosts
              .computes()
              .map((c) => [c.name, { 'nova-compute': { available: true, active: true, updated_at: null } }]),
          )
        : null,
    }));

  return [
    {
      method: 'GET',
      pattern: '/compute/v2.1/os-availability-zone',
      auth: 'token',
      handler: async () => ({ status: 200, body: { availabilityZoneInfo: zones(false) } }),
    },
    {
      method: 'GET',
      pattern: '/compute/v2.1/os-availability-zone/detail',
      auth: 'token',
      handler: async (ctx) => {
        requireAdmin(ctx, 'os_compute_api:os-availability-zone:detail');
        return { status: 200, body: { availabilityZoneInfo: zones(true) } };
      },
    },
    {
      method: 'GET',
      pattern: '/compute/v2.1/flavors',
      auth: 'token',
      handler: async () => ({
        status: 200,
        body: { flavors: allFlavors.map((f) => ({ id: f.id, name: f.name, links: flavorLinks(f.id) })) },
      }),
    },
    {
      method: 'GET',
      pattern: '/compute/v2.1/flavors/detail',
      auth: 'token',
      handler: async () => ({ status: 200, body: { flavors: allFlavors.map(flavorDetail) } }),
    },
    {
      method: 'GET',
      pattern: '/compute/v2.1/flavors/:id',
      auth: 'token',
      handler: async (ctx) => {
        const flavor = allFlavors.find((f) => f.id === ctx.params.id);
        if (!flavor) throw notFound(`Flavor ${ctx.params.id} could not be found.`);
        return { status: 200, body: { flavor: flavorDetail(flavor) } };
      },
    },
    {
      method: 'GET',
      pattern: '/compute/v2.1/os-hypervisors',
      auth: 'token',
      handler: async (ctx) => {
        requireAdmin(ctx, 'os_compute_api:os-hypervisors:list');
        return { status: 200, body: { hypervisors: await hypervisors(false) } };
      },
    },
    {
      method: 'GET',
      pattern: '/compute/v2.1/os-hypervisors/detail',
      auth: 'token',
      handler: async (ctx) => {
        requireAdmin(ctx, 'os_compute_api:os-hypervisors:list-detail');
        return { status: 200, body: { hypervisors: await hypervisors(true) } };
      },
    },
    {
      method: 'GET',
      pattern: '/volume/v3/:project/types',
      auth: 'token',
      handler: async () => ({
        status: 200,
        body: {
          volume_types: targetVolumeTypes.map((name) => ({
            id: labUuid('volume-type', name),
            name,
            description: name === '__DEFAULT__' ? 'Default Volume Type' : `Lab volume type ${name}`,
            is_public: true,
            'os-volume-type-access:is_public': true,
            extra_specs: {},
            qos_specs_id: null,
          })),
        },
      }),
    },
    {
      method: 'GET',
      pattern: '/volume/v3/:project/os-availability-zone',
      auth: 'token',
      handler: async () => ({
        status: 200,
        body: {
          availabilityZoneInfo: availabilityZones.map((zoneName) => ({
            zoneName,
            zoneState: { available: true },
          })),
        },
      }),
    },
  ];
}
