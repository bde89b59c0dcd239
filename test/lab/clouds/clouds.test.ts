import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { ports, regions } from '../topology.js';
import { networkSpecs, projectSpecs, subnetsOf, userSpecs } from './clouds-spec.js';
import { downClouds, ensureService, upClouds, type CloudsState, type SeededCloud } from './index.js';
import { groupMembers, strayServices } from './proc-table.js';
import { portOpen } from './readiness.js';
import { cloudsDir, mailDir, runDir } from './clouds-paths.js';
import { openstackCliEnv, type CliIdentity } from './openstack-cli-env.js';

// Everything is checked with Debian's real `openstack` CLI, not with the REST client that seeded it.

const run = promisify(execFile);

async function openstack<T = Record<string, unknown>[]>(
  cloud: SeededCloud,
  args: string[],
  as?: CliIdentity,
): Promise<T> {
  const { stdout } = await run('/usr/bin/openstack', [...args, '-f', 'json'], {
    env: openstackCliEnv(cloud, as),
    timeout: 60_000,
  });
  return JSON.parse(stdout) as T;
}

const byName = (rows: Record<string, unknown>[]): Record<string, string> =>
  Object.fromEntries(rows.map((row) => [String(row.Name), String(row.ID)]));

let first: CloudsState;
let state: CloudsState;

beforeAll(async () => {
  first = await upClouds();
  // A second up must reuse everything and create nothing; every check below runs after it.
  state = await upClouds();
});

describe('upClouds', () => {
  it('is idempotent: the second call reuses every service and reports the same world', () => {
    expect(state.startup.services).toEqual({
      postgres: 'reused',
      keystone: 'reused',
      neutron: 'reused',
      smtp: 'reused',
    });
    expect({ ...state, startup: undefined }).toEqual({ ...first, startup: undefined });
    expect(state.startup.ms).toBeLessThan(15_000);
  });

  it('seeds exactly the projects of each cloud in its domain, with the reported ids', async () => {
    for (const key of ['A', 'B'] as const) {
      const cloud = state.clouds[key];
      const rows = await openstack(cloud, ['project', 'list', '--domain', cloud.domain]);
      expect(rows).toHaveLength(Object.keys(cloud.projects).length);
      expect(byName(rows)).toEqual(cloud.projects);
      expect(Object.keys(cloud.projects).sort()).toEqual(
        projectSpecs
          .filter((p) => p.cloud === key)
          .map((p) => p.name)
          .sort(),
      );
    }
    expect(state.clouds.A.domain).toBe('cloud_a');
    expect(state.clouds.B.domain).toBe('cloud_b');
  });

  it('seeds the users with their emails, and every reported password logs in to the reported project', async () => {
    for (const key of ['A', 'B'] as const) {
      const cloud = state.clouds[key];
      const rows = await openstack(cloud, ['user', 'list', '--domain', cloud.domain, '--long']);
      expect(byName(rows)).toEqual(
        Object.fromEntries(Object.entries(cloud.users).map(([name, user]) => [name, user.id])),
      );
      for (const row of rows) expect(row.Email).toBe(cloud.users[String(row.Name)]?.email);
    }
    const logins = Object.values(state.clouds).flatMap((cloud) =>
      Object.entries(cloud.users).map(async ([name, user]) => {
        const as = {
          username: name,
          password: user.password,
          userDomain: cloud.domain,
          project: user.project,
          projectDomain: cloud.domain,
        };
        const token = await openstack<{ project_id: string; user_id: string }>(cloud, ['token', 'issue'], as);
        return [token.user_id, token.project_id, user.id, user.projectId];
      }),
    );
    for (const [tokenUser, tokenProject, userId, projectId] of await Promise.all(logins)) {
      expect(tokenUser).toBe(userId);
      expect(tokenProject).toBe(projectId);
    }
  });

  it('grants member+creator to owners, member only to ops-member, and admin on the domains but not on their projects', async () => {
    const rows = await openstack(state.clouds.B, ['role', 'assignment', 'list', '--names']);
    const grants = new Set(
      rows.map(
        (r) => `${String(r.Role)} ${String(r.User)} on ${String(r.Project || `domain ${String(r.Domain)}`)}`,
      ),
    );
    for (const spec of userSpecs) {
      const domain = spec.cloud === 'A' ? 'cloud_a' : 'cloud_b';
      for (const role of ['member', 'creator', 'admin', 'reader'])
        expect(
          grants.has(`${role} ${spec.name}@${domain} on ${spec.project}@${domain}`),
          `${role} ${spec.name}`,
        ).toBe(spec.roles.includes(role));
    }
    expect(grants.has('member ops-member@cloud_b on ops@cloud_b')).toBe(true);
    expect(grants.has('admin admin@Default on domain cloud_a')).toBe(true);
    expect(grants.has('admin admin@Default on domain cloud_b')).toBe(true);
    expect([...grants].filter((g) => g.includes(' admin@Default on ') && /@cloud_[ab]$/.test(g))).toEqual([]);
    expect(grants.has('admin neutron@Default on service@Default')).toBe(true);
    expect(grants.has('admin trilio@Default on service@Default')).toBe(true);
    expect(state.trusteeRole).toBe('creator');
    expect(Object.keys(state.roles).sort()).toEqual(['_member_', 'admin', 'creator', 'member', 'reader']);
  });

  it('seeds the networks and subnets of both clouds in Neutron as reported', async () => {
    const networks = await openstack(state.clouds.B, ['network', 'list', '--long']);
    const subnets = await openstack(state.clouds.B, ['subnet', 'list']);
    for (const spec of networkSpecs) {
      const reported = state.clouds[spec.cloud].networks[spec.name];
      const row = networks.find((n) => n.Name === spec.name);
      expect(row?.ID).toBe(reported?.id);
      expect(row?.Project).toBe(state.clouds[spec.cloud].projects[spec.project]);
      expect([row?.Subnets ?? []].flat().sort()).toEqual(Object.values(reported?.subnets ?? {}).sort());
      for (const wanted of subnetsOf(spec)) {
        const subnet = subnets.find((s) => s.Name === wanted.name);
        expect(subnet).toMatchObject({
          ID: reported?.subnets[wanted.name],
          Network: reported?.id,
          Subnet: wanted.cidr,
        });
      }
    }
    expect(networks.filter((n) => networkSpecs.some((s) => s.name === n.Name))).toHaveLength(
      networkSpecs.length,
    );
    expect(Object.keys(state.clouds.B.networks).filter((n) => n.startsWith('finance-dr'))).toEqual([
      'finance-dr-net',
      'finance-dr-backend',
    ]);
    // Neutron checks tokens with Keystone: no token, no networks.
    expect((await fetch(`${state.neutronUrl}/v2.0/networks`)).status).toBe(401);
  });

  it('lists identity and network in RegionB (and RegionA) of the catalog', async () => {
    const rows = await openstack(state.clouds.B, ['endpoint', 'list']);
    for (const region of [regions.A, regions.B]) {
      const inRegion = rows.filter((r) => r.Region === region);
      const urls = (type: string): string[] =>
        inRegion
          .filter((r) => r['Service Type'] === type)
          .map((r) => `${String(r.Interface)} ${String(r.URL)}`)
          .sort();
      expect(urls('network')).toEqual(
        ['admin', 'internal', 'public'].map((i) => `${i} http://127.0.0.1:${ports.neutron}`),
      );
      expect(urls('identity')).toEqual(['admin', 'internal', 'public'].map((i) => `${i} ${state.authUrl}`));
    }
  });

  it('ensureService registers a service once per region and corrects a changed URL', async () => {
    const spec = {
      type: 'lab-clouds-test',
      name: 'LabCloudsTest',
      url: 'http://127.0.0.1:1/v1/$(project_id)s',
      region: regions.B,
    };
    try {
      const created = await ensureService(spec);
      const again = await ensureService({ ...spec, url: 'http://127.0.0.1:2/v1/$(project_id)s' });
      expect(again).toEqual(created);
      const rows = await openstack(state.clouds.B, ['endpoint', 'list', '--service', spec.type]);
      expect(rows.map((r) => `${String(r.Region)} ${String(r.Interface)} ${String(r.URL)}`).sort()).toEqual(
        ['admin', 'internal', 'public'].map((i) => `${regions.B} ${i} http://127.0.0.1:2/v1/$(project_id)s`),
      );
    } finally {
      await run('/usr/bin/openstack', ['service', 'delete', spec.type], {
        env: openstackCliEnv(state.clouds.B),
      }).catch(() => undefined);
    }
  });
});

describe('downClouds', () => {
  it('stops every process it started and leaves none behind; up then restarts on the same data', async () => {
    const pids = await Promise.all(
      ['postgres', 'keystone', 'neutron-server', 'smtp-sink'].map(async (name) =>
        Number(await readFile(path.join(runDir, `${name}.pid`), 'utf8')),
      ),
    );
    const down = await downClouds();
    expect(down.stopped.sort()).toEqual(['keystone', 'neutron', 'postgres', 'smtp']);
    expect(down.strays).toEqual([]);
    for (const pid of pids) expect(await groupMembers(pid), `process group ${pid}`).toEqual([]);
    for (const port of [ports.postgres, ports.keystone, ports.neutron, ports.smtp])
      expect(await portOpen('127.0.0.1', port), `port ${port}`).toBe(false);
    expect(
      await strayServices([cloudsDir, mailDir], ['postgres', 'neutron-server', 'gunicorn', 'smtp-sink.py']),
    ).toEqual([]);

    const again = await upClouds();
    expect(again.startup.services).toEqual({
      postgres: 'started',
      keystone: 'started',
      neutron: 'started',
      smtp: 'started',
    });
    expect(again.clouds).toEqual(state.clouds);
  });
});
