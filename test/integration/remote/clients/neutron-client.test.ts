import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NeutronClient } from '../../../../electron/core/clients/neutron-client.js';
import { KeystoneSession } from '../../../../electron/core/clients/keystone-session.js';
import { adminSession, labClouds, must, type LabClouds } from './support/lab-clouds.js';

/** Networks and subnets of a project from the lab's real Neutron API, through the catalog. */

let world: LabClouds;
let session: KeystoneSession;
let neutron: NeutronClient;

beforeAll(async () => {
  world = await labClouds();
  session = adminSession(world.lab);
  neutron = new NeutronClient(session);
});
afterAll(() => session.close());

describe('neutron', () => {
  it('lists the networks of finance-dr with their subnets', async () => {
    const b = world.lab.clouds.B;
    const projectId = b.projects['finance-dr'] ?? '';
    const networks = must(await neutron.listNetworks(projectId));
    expect(networks.map((n) => n.name)).toEqual(['finance-dr-backend', 'finance-dr-net']);
    for (const network of networks) {
      const lab = b.networks[network.name];
      expect(network.id).toBe(lab?.id);
      expect(network.project_id).toBe(projectId);
      expect(network.subnets).toEqual(Object.values(lab?.subnets ?? {}));
    }
    const subnets = must(await neutron.listSubnets({ projectId }));
    expect(subnets.map((s) => [s.name, s.cidr])).toEqual([
      ['finance-dr-backend-subnet', '10.2.11.0/24'],
      ['finance-dr-subnet', '10.2.1.0/24'],
    ]);
    const ofNet = must(await neutron.listSubnets({ networkId: b.networks['finance-dr-net']?.id ?? '' }));
    expect(ofNet.map((s) => s.id)).toEqual([b.networks['finance-dr-net']?.subnets['finance-dr-subnet']]);
  });

  it('a project without networks has none, and an unknown filter value is an empty list', async () => {
    expect(must(await neutron.listNetworks(world.lab.clouds.B.projects.ops ?? ''))).toEqual([]);
    expect(
      must(await neutron.listNetworks('0123456789abcdef0123456789abcdef', { includeShared: true })).every(
        (n) => n.shared,
      ),
    ).toBe(true);
  });

  it('a session in a region without Neutron gets a catalog error, not a request', async () => {
    const nowhere = new KeystoneSession({
      authUrl: world.lab.clouds.B.authUrl,
      region: 'RegionZ',
      auth: { kind: 'password', ...world.lab.clouds.B.admin },
    });
    try {
      const result = await new NeutronClient(nowhere).listNetworks('x');
      expect(result.ok).toBe(false);
      if (!result.ok)
        expect(result.error.message).toBe('Service network is not in the catalog for region RegionZ.');
    } finally {
      nowhere.close();
    }
  });
});
