import { afterEach, describe, expect, it } from 'vitest';
import { KeystoneSession } from '../../../electron/core/clients/keystone-session.js';
import { TrilioClient } from '../../../electron/core/clients/trilio-client.js';
import { json, LoopbackServer } from './support/loopback-server.js';

/**
 * What every Trilio call puts on the wire: `X-Auth-Project-Id` (the token's project id) beside
 * `X-Auth-Token`, as python-workloadmgrclient sends them; the endpoint from the catalog in the
 * profile's region and interface, unless the profile overrides the URL. A loopback server records
 * the requests (the lab's emulator does not record headers).
 */

const servers: LoopbackServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.stop();
});

const projectId = '6f1d2c3b4a5948e7a6b5c4d3e2f10a9b';

/** A fake Keystone whose catalog lists Trilio in two regions and two interfaces, all on itself. */
async function fakeCloud() {
  const server = await new LoopbackServer((req, res) => {
    if (req.method === 'POST' && req.url === '/v3/auth/tokens') {
      const at = (path: string) => server.url(`${path}/v1/$(tenant_id)s`);
      return json(
        res,
        201,
        {
          token: {
            expires_at: new Date(Date.now() + 3600_000).toISOString(),
            user: { id: 'u-admin', name: 'admin', domain: { id: 'default' } },
            project: { id: projectId, name: 'finance-dr', domain: { id: 'default' } },
            roles: [{ id: 'r1', name: 'admin' }],
            catalog: [
              {
                type: 'workloads',
                name: 'TrilioVaultWLM',
                endpoints: [
                  { interface: 'public', region_id: 'RegionA', url: at('/a-public') },
                  { interface: 'public', region_id: 'RegionB', url: at('/b-public') },
                  { interface: 'internal', region_id: 'RegionB', url: at('/b-internal') },
                ],
              },
            ],
          },
        },
        { 'X-Subject-Token': 'token-abcdef-123' },
      );
    }
    if (req.method === 'PUT') return json(res, 202, {});
    if (req.url?.includes('/reasign_workloads'))
      return json(res, 200, { workloads: { reassigned_workloads: [], failed_workloads: [] } });
    json(res, 200, { workloads: [], workload: { id: 'w1', name: 'w', status: 'available' } });
  }).start();
  servers.push(server);
  return server;
}

function client(server: LoopbackServer, options: { interface: 'public' | 'internal'; url?: string }) {
  const session = new KeystoneSession({
    authUrl: server.url('/v3'),
    region: 'RegionB',
    interface: options.interface,
    auth: {
      kind: 'password',
      username: 'admin',
      userDomain: 'Default',
      password: 'pw-123456',
      project: 'finance-dr',
      projectDomain: 'Default',
    },
  });
  return { session, trilio: new TrilioClient(session, options.url ? { url: options.url } : {}) };
}

/** Every call the wizard makes that reaches the server, of each method. */
async function callEach(trilio: TrilioClient) {
  expect((await trilio.listWorkloads({ allWorkloads: true })).ok).toBe(true);
  expect((await trilio.getWorkload('w1')).ok).toBe(true);
  expect((await trilio.updateJobSchedule('w1', { enabled: true })).ok).toBe(true);
  expect(
    (
      await trilio.reassignWorkloads([
        {
          workload_ids: ['w1'],
          old_tenant_ids: [],
          new_tenant_id: projectId,
          user_id: 'u-owner',
          migrate_cloud: true,
        },
      ])
    ).ok,
  ).toBe(true);
  expect((await trilio.request({ method: 'DELETE', path: '/restores/r1' })).ok).toBe(true);
}

describe('Trilio calls on the wire', () => {
  it('send X-Auth-Project-Id with the token, to the catalog endpoint of the profile’s region and interface', async () => {
    const server = await fakeCloud();
    const { session, trilio } = client(server, { interface: 'internal' });
    await callEach(trilio);
    const calls = server.seen.filter((r) => r.url !== '/v3/auth/tokens');
    expect(calls.map((r) => `${r.method} ${r.url.split('?')[0]}`)).toEqual([
      `GET /b-internal/v1/${projectId}/workloads`,
      `GET /b-internal/v1/${projectId}/workloads/w1`,
      `PUT /b-internal/v1/${projectId}/workloads/w1`,
      `POST /b-internal/v1/${projectId}/workloads/reasign_workloads`,
      `DELETE /b-internal/v1/${projectId}/restores/r1`,
    ]);
    for (const r of calls) {
      expect(r.headers['x-auth-project-id']).toBe(projectId);
      expect(r.headers['x-auth-token']).toBe('token-abcdef-123');
    }
    // The jobschedule body as workload-modify sends it.
    expect(JSON.parse(calls[2]!.body)).toEqual({ workload: { jobschedule: { enabled: true } } });
    session.close();
  });

  it('takes the public endpoint of the region when the profile says public', async () => {
    const server = await fakeCloud();
    const { session, trilio } = client(server, { interface: 'public' });
    expect(await trilio.baseUrl()).toEqual({ ok: true, value: server.url(`/b-public/v1/${projectId}`) });
    session.close();
  });

  it('goes to the profile’s URL when it overrides the catalog, still with the project header', async () => {
    const server = await fakeCloud();
    const { session, trilio } = client(server, { interface: 'public', url: server.url('/override:8781') });
    await callEach(trilio);
    const calls = server.seen.filter((r) => r.url !== '/v3/auth/tokens');
    expect(calls.every((r) => r.url.startsWith(`/override:8781/v1/${projectId}/`))).toBe(true);
    expect(calls.every((r) => r.headers['x-auth-project-id'] === projectId)).toBe(true);
    session.close();
  });
});
