import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CinderClient } from '../../../../electron/core/clients/cinder-client.js';
import type { KeystoneSession } from '../../../../electron/core/clients/keystone-session.js';
import { NovaClient } from '../../../../electron/core/clients/nova-client.js';
import {
  adminSession,
  labClouds,
  must,
  RequestLog,
  userSession,
  type LabClouds,
} from './support/lab-clouds.js';

/**
 * Nova and Cinder reads the restore needs, from the lab's emulator (catalog types `compute` and
 * `volumev3` in RegionB; Cinder's URL carries the project id, filled by Keystone).
 */

let world: LabClouds;
let admin: KeystoneSession;
const log = new RequestLog();

beforeAll(async () => {
  world = await labClouds();
  admin = adminSession(world.lab, log);
});
afterAll(() => admin.close());

describe('nova', () => {
  it('lists availability zones (with hosts for an admin), flavors and hypervisors', async () => {
    const nova = new NovaClient(admin);
    expect(must(await nova.listAvailabilityZones()).map((z) => z.zoneName)).toContain('nova');
    const detailed = must(await nova.listAvailabilityZones({ detail: true }));
    const computes = world.lab.hosts
      .filter((h) => h.role === 'compute')
      .map((h) => h.name)
      .sort();
    expect(Object.keys(detailed.find((z) => z.zoneName === 'nova')?.hosts ?? {}).sort()).toEqual(computes);
    const flavors = must(await nova.listFlavors());
    expect(flavors.find((f) => f.name === 'm1.small')).toMatchObject({ vcpus: 1, ram: 2048, disk: 20 });
    const hypervisors = must(await nova.listHypervisors());
    expect(hypervisors.map((h) => h.hypervisor_hostname).sort()).toEqual(computes);
    expect(hypervisors.every((h) => typeof h.host_ip === 'string')).toBe(true);
  });

  it('refuses the hypervisor list to a non-admin with a role hint', async () => {
    const alice = userSession(world.lab, 'alice-dr');
    try {
      const result = await new NovaClient(alice).listHypervisors();
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.error.httpStatus).toBe(403);
        expect(result.error.message).toMatch(
          /^Nova answered GET http:\/\/127\.0\.0\.1:8780\/compute\/v2\.1\/os-hypervisors\/detail with HTTP 403/,
        );
        expect(result.error.hint).toMatch(/role/);
      }
    } finally {
      alice.close();
    }
  });
});

describe('cinder', () => {
  it('lists volume types and zones at the project URL of the catalog', async () => {
    const cinder = new CinderClient(admin);
    const types = must(await cinder.listVolumeTypes()).map((t) => t.name);
    expect(types.length).toBeGreaterThan(1);
    const projectId = must(await admin.tokenInfo()).projectId;
    expect(log.entries.at(-1)?.url).toBe(`http://127.0.0.1:8780/volume/v3/${projectId}/types`);
    expect(must(await cinder.listAvailabilityZones()).map((z) => z.zoneName)).toContain('nova');
  });
});
