import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCloudSession } from '../../../../electron/core/clients/cloud-session.js';
import { HttpClient } from '../../../../electron/core/clients/http-client.js';
import { cloudSchema } from '../../../../shared/profile/profile.js';

/**
 * Per-cloud TLS trust: a loopback HTTPS "Keystone" with a self-signed certificate made by openssl
 * (a lab dependency). Without the CA it is refused with a hint, with the profile's CA bundle or the
 * insecure flag it is used.
 */

let dir: string;
let server: https.Server;
let url: string;
let caFile: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'clients-tls-'));
  caFile = path.join(dir, 'cert.pem');
  const keyFile = path.join(dir, 'key.pem');
  await promisify(execFile)('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=127.0.0.1',
    '-addext',
    'subjectAltName=IP:127.0.0.1',
    '-keyout',
    keyFile,
    '-out',
    caFile,
  ]);
  server = https.createServer({ key: await readFile(keyFile), cert: await readFile(caFile) }, (req, res) => {
    if (req.method === 'POST' && req.url === '/v3/auth/tokens') {
      res.writeHead(201, { 'Content-Type': 'application/json', 'X-Subject-Token': 'tls-token-1234' });
      const expires = new Date(Date.now() + 3600_000).toISOString();
      res.end(
        JSON.stringify({
          token: {
            expires_at: expires,
            user: { id: 'u', name: 'admin' },
            project: { id: 'p', name: 'admin' },
            catalog: [],
          },
        }),
      );
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end('{"hello": "tls"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(dir, { recursive: true, force: true });
});

describe('TLS trust per cloud', () => {
  it('refuses an unknown CA with a hint, accepts the CA bundle, and the insecure flag', async () => {
    const plain = new HttpClient({ service: 'Keystone' });
    const refused = await plain.request({ method: 'GET', url: `${url}/v3` });
    expect(refused.ok).toBe(false);
    if (!refused.ok) {
      expect(refused.error.message).toMatch(
        /^TLS verification of Keystone failed for GET https:\/\/127\.0\.0\.1/,
      );
      expect(refused.error.hint).toMatch(/CA bundle/);
    }
    const trusting = new HttpClient({ ca: await readFile(caFile, 'utf8') });
    expect(await trusting.request({ method: 'GET', url: `${url}/v3` })).toMatchObject({
      ok: true,
      value: { body: { hello: 'tls' } },
    });
    const insecure = new HttpClient({ insecure: true });
    expect((await insecure.request({ method: 'GET', url: `${url}/v3` })).ok).toBe(true);
    for (const c of [plain, trusting, insecure]) c.close();
  });

  it('a cloud session reads the CA bundle named in the profile', async () => {
    const cloud = cloudSchema.parse({
      authUrl: `${url}/v3`,
      region: 'R',
      username: 'admin',
      caBundlePath: caFile,
    });
    const session = await openCloudSession(cloud, 'target', () => 'pw-123456');
    expect(session.ok).toBe(true);
    if (!session.ok) return;
    expect(await session.value.tokenInfo()).toMatchObject({ ok: true, value: { projectName: 'admin' } });
    session.value.close();

    const notPem = await openCloudSession(
      { ...cloud, caBundlePath: path.join(dir, 'key.pem') },
      'target',
      () => 'pw',
    );
    expect(notPem).toMatchObject({ ok: false, error: { code: 'validation' } });
  });
});
