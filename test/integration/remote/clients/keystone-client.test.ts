import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeystoneClient } from '../../../../electron/core/clients/keystone-client.js';
import type { KeystoneSession } from '../../../../electron/core/clients/keystone-session.js';
import { adminSession, labClouds, must, type LabClouds } from './support/lab-clouds.js';

/** Identity reads and role grants in cloud B's domain `cloud_b` of the lab's real Keystone. */

let world: LabClouds;
let session: KeystoneSession;
let keystone: KeystoneClient;

beforeAll(async () => {
  world = await labClouds();
  session = adminSession(world.lab);
  keystone = new KeystoneClient(session);
});
afterAll(() => session.close());

describe('projects and users of a domain', () => {
  it('lists the projects of cloud_b by domain name and by id', async () => {
    const byName = must(await keystone.listProjects('cloud_b'));
    const expected = world.lab.clouds.B.projects;
    for (const [name, id] of Object.entries(expected))
      expect(byName.find((p) => p.name === name)?.id, name).toBe(id);
    expect(byName.map((p) => p.name)).not.toContain('finance');
    expect(byName.map((p) => p.name)).toEqual(
      [...byName.map((p) => p.name)].sort((a, b) => a.localeCompare(b)),
    );
    const domain = must(await keystone.findDomain('cloud_b'));
    const byId = must(await keystone.listProjects(domain.id));
    expect(byId.map((p) => p.id)).toEqual(byName.map((p) => p.id));
  });

  it('finds a project by name only in its own domain', async () => {
    expect(must(await keystone.findProject('finance-dr', 'cloud_b')).id).toBe(
      world.lab.clouds.B.projects['finance-dr'],
    );
    const wrongDomain = await keystone.findProject('finance', 'cloud_b');
    expect(wrongDomain.ok).toBe(false);
    if (!wrongDomain.ok) {
      expect(wrongDomain.error.code).toBe('not-found');
      expect(wrongDomain.error.message).toBe('Project "finance" does not exist in domain cloud_b.');
    }
  });

  it('reports an unknown domain as not-found', async () => {
    const result = await keystone.listProjects('cloud_zz');
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.error).toMatchObject({ code: 'not-found', message: expect.stringContaining('cloud_zz') });
  });

  it('lists and finds users of cloud_b', async () => {
    const users = must(await keystone.listUsers('cloud_b'));
    for (const [name, user] of Object.entries(world.lab.clouds.B.users))
      expect(users.find((u) => u.name === name)?.id, name).toBe(user.id);
    expect(users.map((u) => u.name)).not.toContain('alice');
    expect(must(await keystone.findUser('alice-dr', 'cloud_b')).id).toBe(
      world.lab.clouds.B.users['alice-dr']?.id,
    );
    const missing = await keystone.findUser('alice', 'cloud_b');
    expect(missing.ok).toBe(false);
  });

  it('lists the roles and finds the trustee role', async () => {
    const roles = must(await keystone.listRoles()).map((r) => r.name);
    expect(roles).toEqual(expect.arrayContaining(['admin', 'member', 'reader', 'creator', '_member_']));
    expect(must(await keystone.findRole(world.lab.trusteeRole)).name).toBe('creator');
    const missing = await keystone.findRole('no-such-role');
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(missing.error.hint).toContain('creator');
  });
});

describe('role assignments', () => {
  it('lists effective assignments of a project with names', async () => {
    const projectId = world.lab.clouds.B.projects['finance-dr'] ?? '';
    const assignments = must(await keystone.listProjectAssignments(projectId));
    const alice = assignments.filter((a) => a.user?.name === 'alice-dr');
    // Effective means implied roles too: bootstrap makes `member` imply `reader`.
    expect(alice.map((a) => a.role.name).sort()).toEqual(['creator', 'member', 'reader']);
    expect(alice[0]?.scope.project).toMatchObject({ id: projectId, name: 'finance-dr' });
    expect(assignments.some((a) => a.user?.name === 'bob-dr')).toBe(false);
  });

  it('grants and revokes idempotently, reporting whether anything changed', async () => {
    const domain = must(await keystone.findDomain('cloud_b'));
    const name = `clients-test-${randomBytes(4).toString('hex')}`;
    const user = must(
      await session.identity<{ user: { id: string } }>({
        method: 'POST',
        path: '/users',
        body: { user: { name, domain_id: domain.id, enabled: true } },
      }),
    ).body.user;
    try {
      const projectId = world.lab.clouds.B.projects.ops ?? '';
      const role = must(await keystone.findRole('reader'));
      expect(must(await keystone.hasProjectRole(projectId, user.id, role.id))).toBe(false);
      expect(must(await keystone.grantProjectRole(projectId, user.id, role.id))).toEqual({ changed: true });
      expect(must(await keystone.grantProjectRole(projectId, user.id, role.id))).toEqual({ changed: false });
      expect(must(await keystone.hasProjectRole(projectId, user.id, role.id))).toBe(true);
      const held = must(await keystone.listProjectAssignments(projectId)).filter(
        (a) => a.user?.id === user.id,
      );
      expect(held.map((a) => a.role.name)).toEqual(['reader']);
      expect(must(await keystone.revokeProjectRole(projectId, user.id, role.id))).toEqual({ changed: true });
      expect(must(await keystone.revokeProjectRole(projectId, user.id, role.id))).toEqual({ changed: false });
      expect(must(await keystone.hasProjectRole(projectId, user.id, role.id))).toBe(false);
    } finally {
      must(await session.identity({ method: 'DELETE', path: `/users/${user.id}` }));
    }
  });

  it('a grant on a project that does not exist is an http 404 error naming the request', async () => {
    const role = must(await keystone.findRole('reader'));
    const user = must(await keystone.findUser('alice-dr', 'cloud_b'));
    const result = await keystone.grantProjectRole('0123456789abcdef0123456789abcdef', user.id, role.id);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error).toMatchObject({ code: 'http', httpStatus: 404 });
      expect(result.error.request).toMatch(/^PUT http:\/\/127\.0\.0\.1:5000\/v3\/projects\/0123456789abcdef/);
      expect(result.error.message).toMatch(/Could not find project/);
    }
  });
});
