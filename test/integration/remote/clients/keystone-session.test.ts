import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { KeystoneSession } from '../../../../electron/core/clients/keystone-session.js';
import { adminSession, labClouds, must, RequestLog, type LabClouds } from './support/lab-clouds.js';
import { TokenSpy } from './support/token-spy.js';

/**
 * Keystone v3 sessions against the lab's real Keystone (tokens live 60 s there): password and
 * application-credential logins, token reuse, re-authentication after revocation and near expiry,
 * catalog lookups, and errors that never carry a secret.
 */

let world: LabClouds;
beforeAll(async () => {
  world = await labClouds();
});

const listProjects = (session: KeystoneSession) =>
  session.identity<{ projects: { name: string }[] }>({
    method: 'GET',
    path: '/projects',
    query: { domain_id: 'default' },
  });

describe('password login', () => {
  it('logs in once and reuses the token for many requests, also concurrent ones', async () => {
    const log = new RequestLog();
    const session = adminSession(world.lab, log);
    try {
      const info = must(await session.tokenInfo());
      expect(info.userName).toBe('admin');
      expect(info.projectName).toBe('admin');
      expect(info.roles).toContain('admin');
      expect(info.expiresAt - Date.now()).toBeGreaterThan(30_000);
      for (let i = 0; i < 3; i++) must(await listProjects(session));
      await Promise.all(Array.from({ length: 5 }, async () => must(await listProjects(session))));
      expect(log.logins).toBe(1);
      expect(log.count('GET', /\/v3\/projects$/)).toBe(8);
      expect(log.entries.every((e) => e.status !== undefined && e.durationMs >= 0)).toBe(true);
    } finally {
      session.close();
    }
  });

  it('shares one login between concurrent first requests', async () => {
    const log = new RequestLog();
    const session = adminSession(world.lab, log);
    try {
      await Promise.all(Array.from({ length: 4 }, async () => must(await listProjects(session))));
      expect(log.logins).toBe(1);
    } finally {
      session.close();
    }
  });

  it('a wrong password is a 401 with a hint, and the password appears nowhere', async () => {
    const wrong = `wrong-${randomBytes(6).toString('hex')}`;
    const log = new RequestLog();
    const session = adminSession(world.lab, log, { password: wrong });
    try {
      const result = await listProjects(session);
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.error).toMatchObject({
        code: 'http',
        httpStatus: 401,
        request: `POST ${world.lab.clouds.B.authUrl}/auth/tokens`,
      });
      expect(result.error.message).toContain('user admin (domain Default)');
      expect(result.error.hint).toMatch(/password/);
      expect(JSON.stringify(result.error)).not.toContain(wrong);
      expect(JSON.stringify(log.entries)).not.toContain(wrong);
      // A refused login is not retried: no one wants to lock the account.
      expect(log.logins).toBe(1);
    } finally {
      session.close();
    }
  });

  it('an unknown project is refused with the project named', async () => {
    const session = adminSession(world.lab, undefined, { project: 'no-such-project' });
    try {
      const result = await session.tokenInfo();
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.message).toContain('project no-such-project');
    } finally {
      session.close();
    }
  });
});

describe('application credentials', () => {
  it('logs in with an application credential made for the test, and refuses a wrong secret', async () => {
    const admin = adminSession(world.lab);
    const me = must(await admin.tokenInfo());
    const name = `clients-test-${randomBytes(4).toString('hex')}`;
    const created = must(
      await admin.identity<{ application_credential: { id: string; secret: string } }>({
        method: 'POST',
        path: `/users/${me.userId}/application_credentials`,
        body: { application_credential: { name, description: 'clients integration test' } },
      }),
    ).body.application_credential;
    const b = world.lab.clouds.B;
    const open = (secret: string, log?: RequestLog) =>
      new KeystoneSession({
        authUrl: b.authUrl,
        region: b.region,
        auth: { kind: 'application-credential', id: created.id, secret },
        http: log ? { onRequest: log.hook } : {},
      });
    const log = new RequestLog();
    const good = open(created.secret, log);
    // Change the first character: Keystone hashes secrets with bcrypt, which ignores bytes after 72,
    // so a suffix would still be accepted.
    const bad = open(`${created.secret.startsWith('A') ? 'B' : 'A'}${created.secret.slice(1)}`);
    try {
      const info = must(await good.tokenInfo());
      expect(info.userId).toBe(me.userId);
      expect(info.projectId).toBe(me.projectId);
      must(await listProjects(good));
      must(await listProjects(good));
      expect(log.logins).toBe(1);

      const refused = await bad.tokenInfo();
      expect(refused.ok).toBe(false);
      if (refused.ok) return;
      expect(refused.error.httpStatus).toBe(401);
      expect(refused.error.message).toContain(`application credential ${created.id}`);
      expect(refused.error.hint).toMatch(/application credential/);
      expect(JSON.stringify(refused.error)).not.toContain(created.secret);
    } finally {
      good.close();
      bad.close();
      await admin.identity({
        method: 'DELETE',
        path: `/users/${me.userId}/application_credentials/${created.id}`,
      });
      admin.close();
    }
  });
});

describe('token lifetime', () => {
  it('re-authenticates once when the token was revoked behind its back, and the request succeeds', async () => {
    const spy = new TokenSpy(world.lab.clouds.B.authUrl);
    const authUrl = await spy.start();
    const log = new RequestLog();
    const b = world.lab.clouds.B;
    const session = new KeystoneSession({
      authUrl,
      region: b.region,
      auth: { kind: 'password', ...b.admin },
      http: { onRequest: log.hook },
    });
    const other = adminSession(world.lab);
    try {
      must(await listProjects(session));
      expect(log.logins).toBe(1);
      const revoked = spy.last;
      must(
        await other.identity({
          method: 'DELETE',
          path: '/auth/tokens',
          headers: { 'X-Subject-Token': revoked },
        }),
      );

      log.clear();
      const again = await listProjects(session);
      expect(must(again).status).toBe(200);
      // One 401 with the revoked token, one login, one repeat that works.
      expect(log.entries.map((e) => `${e.method} ${new URL(e.url).pathname} ${e.status}`)).toEqual([
        'GET /v3/projects 401',
        'POST /v3/auth/tokens 201',
        'GET /v3/projects 200',
      ]);
      expect(spy.issued).toHaveLength(2);
      expect(spy.last).not.toBe(revoked);
      expect(JSON.stringify(log.entries)).not.toContain(revoked);
    } finally {
      session.close();
      other.close();
      await spy.stop();
    }
  });

  it('re-authenticates before a request when the token is within the refresh margin of expiry', async () => {
    const log = new RequestLog();
    const b = world.lab.clouds.B;
    // Lab tokens live 60 s: with a 60 s margin every token is "about to expire" as soon as it exists.
    const session = new KeystoneSession({
      authUrl: b.authUrl,
      region: b.region,
      auth: { kind: 'password', ...b.admin },
      refreshMarginMs: 60_000,
      http: { onRequest: log.hook },
    });
    const relaxed = adminSession(world.lab, log);
    try {
      must(await listProjects(session));
      must(await listProjects(session));
      expect(log.logins).toBe(2);
      expect(log.entries.filter((e) => e.status === 401)).toHaveLength(0);
      log.clear();
      must(await listProjects(relaxed));
      must(await listProjects(relaxed));
      expect(log.logins).toBe(1);
    } finally {
      session.close();
      relaxed.close();
    }
  });
});

describe('service catalog', () => {
  it('finds the services of the session region', async () => {
    const session = adminSession(world.lab);
    try {
      expect(must(await session.endpoint('network'))).toMatch(/^http:\/\/127\.0\.0\.1:9696/);
      expect(must(await session.endpoint('identity'))).toMatch(/:5000/);
    } finally {
      session.close();
    }
  });

  it('names the service and region when a service is missing, and lists where it exists', async () => {
    const session = adminSession(world.lab);
    const elsewhere = new KeystoneSession({
      authUrl: world.lab.clouds.B.authUrl,
      region: 'RegionZ',
      auth: { kind: 'password', ...world.lab.clouds.B.admin },
    });
    try {
      const missing = await session.endpoint('no-such-service');
      expect(missing.ok).toBe(false);
      if (!missing.ok) {
        expect(missing.error.code).toBe('not-found');
        expect(missing.error.message).toBe(
          'Service no-such-service is not in the catalog for region RegionB.',
        );
        expect(missing.error.hint).toContain('network');
      }
      const wrongRegion = await elsewhere.endpoint('network');
      expect(wrongRegion.ok).toBe(false);
      if (!wrongRegion.ok) {
        expect(wrongRegion.error.message).toBe('Service network is not in the catalog for region RegionZ.');
        expect(wrongRegion.error.hint).toContain('RegionA, RegionB');
      }
    } finally {
      session.close();
      elsewhere.close();
    }
  });
});
