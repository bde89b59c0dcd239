import { beforeAll, describe, expect, it } from 'vitest';
import { openClouds } from '../../../../electron/core/clients/index.js';
import { lookUpNames, NameCache } from '../../../../electron/core/names/name-lookup.js';
import { emptyNameBook } from '../../../../shared/names/name-book.js';
import { profileSchema, type Profile } from '../../../../shared/profile/profile.js';
import { labClouds, type LabClouds } from './support/lab-clouds.js';

/** Names beside ids: both clouds' projects and users, cloud B's networks, subnets and volume types. */

let world: LabClouds;
let profile: Profile;
beforeAll(async () => {
  world = await labClouds();
  profile = profileSchema.parse({
    id: 'p-names',
    name: 'names',
    clouds: world.config,
    nfs: { target: '10.0.0.1:/b1', syncedCopy: '10.0.0.2:/b2' },
  });
});

describe('lookUpNames', () => {
  it('names the projects and users of both clouds and the networks of cloud B, as Keystone and Neutron know them', async () => {
    const clouds = openClouds(profile, world.getSecret);
    try {
      const book = await lookUpNames(profile, clouds);
      expect(book.problems).toEqual([]);
      for (const side of ['A', 'B'] as const) {
        const cloud = world.lab.clouds[side];
        for (const [name, id] of Object.entries(cloud.projects))
          expect(book.names[id], `${side} project ${name}`).toMatchObject({ name, kind: 'project' });
        for (const [name, user] of Object.entries(cloud.users))
          expect(book.names[user.id], `${side} user ${name}`).toMatchObject({ name, kind: 'user' });
      }
      for (const [name, net] of Object.entries(world.lab.clouds.B.networks)) {
        expect(book.names[net.id], `network ${name}`).toMatchObject({
          name,
          kind: 'network',
          cloud: 'target',
        });
        for (const [subnet, subnetId] of Object.entries(net.subnets))
          expect(book.names[subnetId], `subnet ${subnet}`).toMatchObject({ name: subnet, kind: 'subnet' });
      }
      expect(Object.values(book.names).some((e) => e.kind === 'volume-type')).toBe(true);
    } finally {
      clouds.close();
    }
  });

  it('a cloud that cannot be opened only leaves its ids unnamed, with the reason', async () => {
    const secrets = (key: string) =>
      key === 'clouds.source.password' ? undefined : world.getSecret(key as never);
    const clouds = openClouds(profile, secrets);
    try {
      const book = await lookUpNames(profile, clouds);
      expect(book.problems).toEqual([expect.stringMatching(/^cloud A: not reachable \(.*password/i)]);
      const financeDr = world.lab.clouds.B.projects['finance-dr']!;
      expect(book.names[financeDr]?.name).toBe('finance-dr');
      expect(book.names[world.lab.clouds.A.projects.finance!]).toBeUndefined();
    } finally {
      clouds.close();
    }
  });

  it('the cache asks the clouds once a minute per profile login', async () => {
    let now = 0;
    let loads = 0;
    const cache = new NameCache(() => now);
    const load = async () => {
      loads++;
      return emptyNameBook;
    };
    await cache.get(profile, load);
    await cache.get(profile, load);
    expect(loads).toBe(1);
    await cache.get(
      { ...profile, clouds: { ...profile.clouds, target: { ...profile.clouds.target, region: 'X' } } },
      load,
    );
    expect(loads).toBe(2);
    now = 61_000;
    await cache.get(profile, load);
    expect(loads).toBe(3);
  });
});
