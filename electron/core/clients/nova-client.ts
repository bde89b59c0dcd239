import type { Result } from '../../../shared/result.js';
import type { KeystoneSession } from './keystone-session.js';
import { serviceGet, type ServiceTarget } from './service-request.js';

/** Nova reads the restore needs: availability zones, flavors, and the hypervisors (compute discovery). */

export interface NovaAvailabilityZone {
  zoneName: string;
  zoneState: { available: boolean };
  /** Only in the admin `/detail` view: host → service → state. */
  hosts?: Record<
    string,
    Record<string, { available: boolean; active: boolean; updated_at?: string | null }>
  > | null;
}

export interface NovaFlavor {
  id: string;
  name: string;
  vcpus: number;
  ram: number;
  disk: number;
  'OS-FLV-EXT-DATA:ephemeral'?: number;
  swap?: number | string;
  'os-flavor-access:is_public'?: boolean;
}

export interface NovaHypervisor {
  id: number | string;
  hypervisor_hostname: string;
  state?: string;
  status?: string;
  host_ip?: string;
  hypervisor_type?: string;
  service?: { host: string; id?: number | string };
}

const nova: ServiceTarget = { service: 'Nova', type: 'compute' };

type Opts = { signal?: AbortSignal };

export class NovaClient {
  constructor(private readonly session: KeystoneSession) {}

  /** Availability zones; `detail` (admin) adds the hosts of each zone. */
  listAvailabilityZones(opts: Opts & { detail?: boolean } = {}): Promise<Result<NovaAvailabilityZone[]>> {
    const path = opts.detail ? '/os-availability-zone/detail' : '/os-availability-zone';
    return serviceGet(this.session, nova, path, 'availabilityZoneInfo', { signal: opts.signal });
  }

  /** Flavors with their sizes (public ones, and private ones the project can use). */
  listFlavors(opts: Opts = {}): Promise<Result<NovaFlavor[]>> {
    return serviceGet(this.session, nova, '/flavors/detail', 'flavors', { signal: opts.signal });
  }

  /** Hypervisors with host IPs: the compute nodes whose datamovers need the NFS mounts (admin). */
  listHypervisors(opts: Opts = {}): Promise<Result<NovaHypervisor[]>> {
    return serviceGet(this.session, nova, '/os-hypervisors/detail', 'hypervisors', { signal: opts.signal });
  }
}
