import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore } from '../../../electron/core/app-core.js';
import type { Core } from '../../../electron/core/core-types.js';
import { startBrowserServer, type BrowserServer } from '../../../electron/serve/browser-server.js';

/**
 * Browser mode's door: only loopback, only this origin, only with the printed token. A real core and
 * store behind a real HTTP server; raw requests so every header is under the test's control.
 */
let dir: string;
let core: Core;
let server: BrowserServer;

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function send(
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
) {
  return new Promise<Reply>((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: server.port,
        path,
        method: options.method ?? 'GET',
        headers: options.headers,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

const host = () => `127.0.0.1:${server.port}`;
const cookie = () => `trilio_dr_session_${server.port}=${server.token}`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trilio-dr-serve-'));
  await mkdir(join(dir, 'renderer'));
  await writeFile(join(dir, 'renderer', 'index.html'), '<!doctype html><div id="app"></div>');
  await writeFile(join(dir, 'outside.txt'), 'not to be served');
  core = await createCore({
    dataDir: join(dir, 'data'),
    cipher: null,
    mode: 'browser',
    version: '0.0.0-test',
  });
  server = await startBrowserServer({ core, rendererDir: join(dir, 'renderer') });
});

afterAll(async () => {
  await server?.close();
  await core?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('browser mode access control', () => {
  it('prints a 127.0.0.1 URL carrying a long random token', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{32}$/);
  });

  it('refuses the page and the API without the token', async () => {
    expect((await send('/')).status).toBe(401);
    expect((await send('/?token=wrong')).status).toBe(401);
    const call = await send('/api/call/app.info', { method: 'POST', headers: { host: host() }, body: '{}' });
    expect(call.status).toBe(401);
    expect(call.body).not.toContain(server.token);
  });

  it('trades the URL token for an HttpOnly, SameSite=Strict cookie and a clean address', async () => {
    const opened = await send(`/?token=${server.token}`);
    expect(opened.status).toBe(303);
    expect(opened.headers.location).toBe('/');
    const setCookie = String(opened.headers['set-cookie']);
    expect(setCookie).toContain(cookie());
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    const page = await send('/', { headers: { cookie: cookie() } });
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.body).toContain('<div id="app">');
  });

  it('answers contract calls with the cookie or a bearer token, validating arguments', async () => {
    const info = await send('/api/call/app.info', {
      method: 'POST',
      headers: { cookie: cookie(), origin: `http://${host()}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(info.status).toBe(200);
    expect(JSON.parse(info.body)).toMatchObject({ ok: true, value: { mode: 'browser', storeLocked: true } });
    const bad = await send('/api/call/profiles.get', {
      method: 'POST',
      headers: { authorization: `Bearer ${server.token}` },
      body: '{"id": 42}',
    });
    expect(JSON.parse(bad.body)).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
    const unknown = await send('/api/call/shell.exec', {
      method: 'POST',
      headers: { cookie: cookie() },
      body: '{}',
    });
    expect(JSON.parse(unknown.body)).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
  });

  it('refuses another Origin, a cross-site fetch and a non-loopback Host even with the token', async () => {
    const base = { method: 'POST', body: '{}' };
    const foreign = await send('/api/call/app.info', {
      ...base,
      headers: { cookie: cookie(), origin: 'http://evil.example' },
    });
    expect(foreign.status).toBe(403);
    const crossSite = await send('/api/call/app.info', {
      ...base,
      headers: { cookie: cookie(), 'sec-fetch-site': 'cross-site' },
    });
    expect(crossSite.status).toBe(403);
    // DNS rebinding: the attacker's name resolves to 127.0.0.1, the Host header gives it away.
    const rebound = await send('/api/call/app.info', {
      ...base,
      headers: { cookie: cookie(), host: `attacker.example:${server.port}` },
    });
    expect(rebound.status).toBe(403);
  });

  it('listens on 127.0.0.1 only: another local address is refused at the TCP level', async () => {
    const { connect } = await import('node:net');
    const refused = await new Promise<string>((resolve) => {
      const socket = connect({ host: '127.0.0.2', port: server.port });
      socket.on('connect', () => {
        socket.destroy();
        resolve('connected');
      });
      socket.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    });
    expect(refused).toBe('ECONNREFUSED');
  });

  it('never serves a file outside the renderer folder', async () => {
    for (const path of ['/../outside.txt', '/%2e%2e/outside.txt', '/..%2foutside.txt']) {
      const reply = await send(path, { headers: { cookie: cookie() } });
      expect(reply.status, path).toBe(404);
      expect(reply.body).not.toContain('not to be served');
    }
  });
});
