import type { Result } from '../../../shared/result.js';
import type { KeystoneSession } from './keystone-session.js';
import { serviceGet, type ServiceTarget } from './service-request.js';

/** Cinder reads the restore needs: volume types (restore.json's `new_volume_type`) and zones. */

export interface CinderVolumeType {
  id: string;
  name: string;
  description?: string | null;
  is_public?: boolean;
  extra_specs?: Record<string, string>;
}

export interface CinderAvailabilityZone {
  zoneName: string;
  zoneState: { available: boolean };
}

const cinder: ServiceTarget = { service: 'Cinder', type: 'volumev3' };

type Opts = { signal?: AbortSignal };

export class CinderClient {
  constructor(private readonly session: KeystoneSession) {}

  listVolumeTypes(opts: Opts = {}): Promise<Result<CinderVolumeType[]>> {
    return serviceGet(this.session, cinder, '/types', 'volume_types', { signal: opts.signal });
  }

  listAvailabilityZones(opts: Opts = {}): Promise<Result<CinderAvailabilityZone[]>> {
    return serviceGet(this.session, cinder, '/os-availability-zone', 'availabilityZoneInfo', {
      signal: opts.signal,
    });
  }
}
