import { afterEach, describe, expect, it } from 'vitest';
import type { HttpRequestLog } from '../../../electron/core/clients/http-client.js';
import { KeystoneSession } from '../../../electron/core/clients/keystone-session.js';
import { json, LoopbackServer } from './support/loopback-server.js';

/**
 * Session rules that the real Keystone cannot be made to show on demand: a service that refuses
 * even a brand-new token, and a clock that disagrees with Keystone's. (Everyday behaviour — logins,
 * reuse, revocation — is tested against the lab's Keystone in test/integration/remote/clients.)
 */

const servers: LoopbackServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.stop();
});

/** A fake Keystone issuing tokens `t1`, `t2`, … with a catalog pointing `things` at itself. */
async function fakeKeystone(options: { thingsStatus: number; issuedAt?: string; expiresAt?: string }) {
  let issued = 0;
  const server = await new LoopbackServer((req, res) => {
    if (req.method === 'POST' && req.url === '/v3/auth/tokens') {
      issued++;
      const url = server.url('/things-api/$(project_id)s');
      return json(
        res,
        201,
        {
          token: {
            issued_at: options.issuedAt ?? new Date().toISOString(),
            expires_at: options.expiresAt ?? new Date(Date.now() + 3600_000).toISOString(),
            user: { id: 'u1', name: 'admin', domain: { id: 'default' } },
            project: { id: 'p1', name: 'admin', domain: { id: 'default' } },
            roles: [{ id: 'r1', name: 'admin' }],
            catalog: [{ type: 'things', endpoints: [{ interface: 'public', region_id: 'R1', url }] }],
          },
        },
        { 'X-Subject-Token': `token-${issued}-abcdef` },
      );
    }
    json(
      res,
      options.thingsStatus,
      options.thingsStatus === 401 ? { error: { message: 'no' } } : { things: [] },
    );
  }).start();
  servers.push(server);
  return server;
}

function session(server: LoopbackServer) {
  const log: HttpRequestLog[] = [];
  const s = new KeystoneSession({
    authUrl: server.url('/v3'),
    region: 'R1',
    auth: {
      kind: 'password',
      username: 'admin',
      userDomain: 'Default',
      password: 'pw-123456',
      project: 'admin',
      projectDomain: 'Default',
    },
    http: { onRequest: (e) => log.push(e) },
  });
  return { s, log };
}

describe('KeystoneSession', () => {
  it('re-authenticates at most once per request, and not at all when the 401 came with a new token', async () => {
    const server = await fakeKeystone({ thingsStatus: 401 });
    const { s, log } = session(server);
    const things = must(await s.endpoint('things'));
    expect(things).toBe(server.url('/things-api/p1'));
    log.length = 0;

    // The cached token is refused: one new login, one repeat, then the 401 stands.
    const first = await s.request({ method: 'GET', url: things });
    expect(first).toMatchObject({ ok: false, error: { httpStatus: 401 } });
    expect(log.map((e) => `${e.method} ${new URL(e.url).pathname}`)).toEqual([
      'GET /things-api/p1',
      'POST /v3/auth/tokens',
      'GET /things-api/p1',
    ]);
    const tokens = server.seen.filter((r) => r.method === 'GET').map((r) => r.headers['x-auth-token']);
    expect(tokens).toEqual(['token-1-abcdef', 'token-2-abcdef']);
    expect(JSON.stringify(first)).not.toContain('token-2-abcdef');
    s.close();
  });

  it('trusts the token lifetime, not the local clock', async () => {
    // Keystone's clock is a day ahead of ours; the token still lives an hour from now.
    const ahead = Date.now() + 86_400_000;
    const server = await fakeKeystone({
      thingsStatus: 200,
      issuedAt: new Date(ahead).toISOString(),
      expiresAt: new Date(ahead + 3600_000).toISOString(),
    });
    const { s, log } = session(server);
    const info = must(await s.tokenInfo());
    expect(info.expiresAt - Date.now()).toBeGreaterThan(3500_000);
    expect(info.expiresAt - Date.now()).toBeLessThanOrEqual(3600_000);
    await s.request({ method: 'GET', url: server.url('/things-api/p1') });
    expect(log.filter((e) => e.method === 'POST')).toHaveLength(1);
    s.close();
  });

  it('sends a domain id as id and a domain name as name', async () => {
    const server = await fakeKeystone({ thingsStatus: 200 });
    const s = new KeystoneSession({
      authUrl: server.url('/v3'),
      region: 'R1',
      auth: {
        kind: 'password',
        username: 'u',
        userDomain: '0123456789abcdef0123456789abcdef',
        password: 'pw-123456',
        project: 'p',
        projectDomain: 'cloud_b',
      },
    });
    must(await s.tokenInfo());
    const body = JSON.parse(server.seen[0]?.body ?? '{}');
    expect(body.auth.identity.password.user.domain).toEqual({ id: '0123456789abcdef0123456789abcdef' });
    expect(body.auth.scope.project.domain).toEqual({ name: 'cloud_b' });
    s.close();
  });
});

function must<T>(r: { ok: true; value: T } | { ok: false; error: unknown }): T {
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}
