import { ok, type Result } from '../../../shared/result.js';
import type { KeystoneSession } from './keystone-session.js';
import { serviceGet, type ServiceTarget } from './service-request.js';

/** Neutron reads for the restore's network mapping: the target project's networks and subnets. */

export interface NeutronNetwork {
  id: string;
  name: string;
  project_id: string;
  status: string;
  shared: boolean;
  'router:external'?: boolean;
  subnets: string[];
  admin_state_up?: boolean;
}

export interface NeutronSubnet {
  id: string;
  name: string;
  network_id: string;
  project_id: string;
  cidr: string;
  ip_version: number;
  gateway_ip: string | null;
  enable_dhcp?: boolean;
}

const neutron: ServiceTarget = {
  service: 'Neutron',
  type: 'network',
  // Catalogs register Neutron with or without the API version.
  base: (url) => (/\/v2\.0\/?$/.test(url) ? url : `${url.replace(/\/+$/, '')}/v2.0`),
};

type Opts = { signal?: AbortSignal };

export class NeutronClient {
  constructor(private readonly session: KeystoneSession) {}

  /**
   * Networks owned by the project, sorted by name; with `includeShared`, also shared and external
   * networks of other projects (a restore may attach to those too).
   */
  async listNetworks(
    projectId: string,
    opts: Opts & { includeShared?: boolean } = {},
  ): Promise<Result<NeutronNetwork[]>> {
    const own = await serviceGet<NeutronNetwork[]>(this.session, neutron, '/networks', 'networks', {
      query: { project_id: projectId },
      signal: opts.signal,
    });
    if (!own.ok || !opts.includeShared) return own.ok ? ok(byName(own.value)) : own;
    const shared = await serviceGet<NeutronNetwork[]>(this.session, neutron, '/networks', 'networks', {
      query: { shared: 'true' },
      signal: opts.signal,
    });
    if (!shared.ok) return shared;
    const seen = new Set(own.value.map((n) => n.id));
    return ok(byName([...own.value, ...shared.value.filter((n) => !seen.has(n.id))]));
  }

  /** Every network the session may see (an admin sees all projects'), for naming network ids. */
  async listAllNetworks(opts: Opts = {}): Promise<Result<NeutronNetwork[]>> {
    const answer = await serviceGet<NeutronNetwork[]>(this.session, neutron, '/networks', 'networks', {
      signal: opts.signal,
    });
    return answer.ok ? ok(byName(answer.value)) : answer;
  }

  /** Subnets of the project (or of one network), sorted by name. */
  async listSubnets(
    filter: { projectId?: string; networkId?: string },
    opts: Opts = {},
  ): Promise<Result<NeutronSubnet[]>> {
    const answer = await serviceGet<NeutronSubnet[]>(this.session, neutron, '/subnets', 'subnets', {
      query: { project_id: filter.projectId, network_id: filter.networkId },
      signal: opts.signal,
    });
    return answer.ok ? ok(byName(answer.value)) : answer;
  }
}

function byName<T extends { name: string }>(items: T[]): T[] {
  return [...items].sort((a, b) => a.name.localeCompare(b.name));
}
