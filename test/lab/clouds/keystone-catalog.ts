import { LabFailure } from '../lab-failure.js';
import { keystoneUrl } from './clouds-paths.js';
import { query, type OpenStackSession } from './openstack-session.js';

/** Regions, services and endpoints of the lab's Keystone catalog, created idempotently. */

export type EndpointInterface = 'public' | 'internal' | 'admin';

export interface ServiceRegistration {
  /** Catalog service type, e.g. `network`, `workloads`. */
  type: string;
  /** Catalog service name, e.g. `neutron`, `TrilioVaultWLM`. */
  name: string;
  /** Endpoint URL; may hold Keystone substitutions such as `$(project_id)s`. */
  url: string;
  region: string;
  /** Defaults to all three. */
  interfaces?: EndpointInterface[];
  description?: string;
}

export interface RegisteredService {
  serviceId: string;
  /** Endpoint id per interface. */
  endpoints: Partial<Record<EndpointInterface, string>>;
}

interface Service {
  id: string;
  type: string;
  name?: string;
}

interface Endpoint {
  id: string;
  url: string;
  interface: string;
  region_id: string | null;
  enabled: boolean;
}

const v3 = `${keystoneUrl}/v3`;

/** Creates the region unless it exists. */
export async function ensureRegion(session: OpenStackSession, region: string): Promise<void> {
  const { regions } = await session.request<{ regions: { id: string }[] }>('GET', v3, '/regions');
  if (regions.some((r) => r.id === region)) return;
  await session.request('POST', v3, '/regions', { region: { id: region } });
}

/**
 * Registers a service and its endpoints in one region, idempotently: looks the service up by type
 * and name, creates missing endpoints, and corrects an endpoint whose URL differs.
 */
export async function registerService(
  session: OpenStackSession,
  spec: ServiceRegistration,
): Promise<RegisteredService> {
  await ensureRegion(session, spec.region);
  const serviceId = await ensureServiceEntry(session, spec);
  const endpoints: RegisteredService['endpoints'] = {};
  for (const iface of spec.interfaces ?? (['public', 'internal', 'admin'] as const)) {
    endpoints[iface] = await ensureEndpoint(session, serviceId, iface, spec);
  }
  return { serviceId, endpoints };
}

async function ensureServiceEntry(session: OpenStackSession, spec: ServiceRegistration): Promise<string> {
  const { services } = await session.request<{ services: Service[] }>(
    'GET',
    v3,
    `/services${query({ type: spec.type })}`,
  );
  const existing = services.find((s) => s.name === spec.name);
  if (existing) return existing.id;
  const created = await session.request<{ service: Service }>('POST', v3, '/services', {
    service: {
      type: spec.type,
      name: spec.name,
      description: spec.description ?? `${spec.name} (DR lab)`,
      enabled: true,
    },
  });
  return created.service.id;
}

async function ensureEndpoint(
  session: OpenStackSession,
  serviceId: string,
  iface: EndpointInterface,
  spec: ServiceRegistration,
): Promise<string> {
  const path = `/endpoints${query({ service_id: serviceId, interface: iface, region_id: spec.region })}`;
  const { endpoints } = await session.request<{ endpoints: Endpoint[] }>('GET', v3, path);
  // Filter again locally: older Keystones ignore unknown filters instead of refusing them.
  const mine = endpoints.filter((e) => e.interface === iface && e.region_id === spec.region);
  if (mine.length > 1)
    throw new LabFailure({
      code: 'conflict',
      message: `Keystone has ${mine.length} ${iface} endpoints for ${spec.type}/${spec.name} in ${spec.region}; the lab expects one.`,
      hint: 'Delete the extra endpoints with `openstack endpoint delete`, or purge the lab (`down --purge`).',
    });
  const [existing] = mine;
  if (!existing) {
    const created = await session.request<{ endpoint: Endpoint }>('POST', v3, '/endpoints', {
      endpoint: {
        service_id: serviceId,
        interface: iface,
        url: spec.url,
        region_id: spec.region,
        enabled: true,
      },
    });
    return created.endpoint.id;
  }
  if (existing.url !== spec.url || !existing.enabled)
    await session.request('PATCH', v3, `/endpoints/${existing.id}`, {
      endpoint: { url: spec.url, enabled: true },
    });
  return existing.id;
}
