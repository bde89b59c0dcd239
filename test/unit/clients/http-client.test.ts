import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient, type HttpRequestLog } from '../../../electron/core/clients/http-client.js';
import { parseRetryAfter } from '../../../electron/core/clients/http-errors.js';
import { closedPort, json, LoopbackServer, type Handler } from './support/loopback-server.js';

/** Retries, timeouts, cancellation and error shaping of the JSON HTTP client, on a loopback server. */

const servers: LoopbackServer[] = [];
const clients: HttpClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const s of servers.splice(0)) await s.stop();
});

async function serve(handler: Handler): Promise<LoopbackServer> {
  const server = await new LoopbackServer(handler).start();
  servers.push(server);
  return server;
}

function client(extra: ConstructorParameters<typeof HttpClient>[0] = {}) {
  const log: HttpRequestLog[] = [];
  const c = new HttpClient({ service: 'Testsvc', retryDelayMs: 10, onRequest: (e) => log.push(e), ...extra });
  clients.push(c);
  return { c, log };
}

/** Answers `statuses` in turn (then the last one forever). */
function sequence(...statuses: number[]): Handler {
  let i = 0;
  return (_req, res) => {
    const status = statuses[Math.min(i++, statuses.length - 1)] ?? 500;
    json(res, status, status < 300 ? { fine: true } : { error: { message: `down (${status})` } });
  };
}

describe('retries', () => {
  it('retries a GET through 503, 503 to the 200', async () => {
    const server = await serve(sequence(503, 503, 200));
    const { c, log } = client();
    const result = await c.request<{ fine: boolean }>({ method: 'GET', url: server.url('/things') });
    expect(result).toMatchObject({ ok: true, value: { status: 200, body: { fine: true } } });
    expect(log.map((e) => [e.attempt, e.status])).toEqual([
      [1, 503],
      [2, 503],
      [3, 200],
    ]);
    expect(log[0]).toMatchObject({ service: 'Testsvc', method: 'GET', url: server.url('/things') });
  });

  it('gives up after the configured retries with the last status and the attempt count', async () => {
    const server = await serve(sequence(502));
    const { c } = client({ retries: 1 });
    const result = await c.request({ method: 'DELETE', url: server.url('/things/1') });
    expect(server.seen).toHaveLength(2);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toMatchObject({
      code: 'http',
      httpStatus: 502,
      request: `DELETE ${server.url('/things/1')}`,
    });
    expect(result.error.message).toBe(
      `Testsvc answered DELETE ${server.url('/things/1')} with HTTP 502 (after 2 attempts): down (502)`,
    );
    expect(result.error.hint).toMatch(/unhealthy.*retry/);
  });

  it('never retries a POST on 503 (it may have been applied), unless the call says it is idempotent', async () => {
    const server = await serve(sequence(503, 200));
    const { c } = client();
    const post = await c.request({ method: 'POST', url: server.url('/restore'), body: { a: 1 } });
    expect(post.ok).toBe(false);
    expect(server.seen).toHaveLength(1);
    expect(server.seen[0]?.body).toBe('{"a":1}');
    expect(server.seen[0]?.headers['content-type']).toBe('application/json');

    const token = await c.request({ method: 'POST', url: server.url('/auth'), idempotent: true });
    expect(token.ok).toBe(true);
    expect(server.seen).toHaveLength(2);
  });

  it('does not retry a 500 (a bug, not an overload) or a 4xx', async () => {
    const server = await serve(sequence(500, 200));
    const { c } = client();
    expect((await c.request({ method: 'GET', url: server.url('/x') })).ok).toBe(false);
    expect(server.seen).toHaveLength(1);
  });

  it('retries a refused connection for any method: nothing was sent', async () => {
    const port = await closedPort();
    const { c, log } = client();
    const result = await c.request({ method: 'POST', url: `http://127.0.0.1:${port}/x` });
    expect(log.map((e) => e.error)).toEqual(['ECONNREFUSED', 'ECONNREFUSED', 'ECONNREFUSED']);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.message).toBe(
        `Testsvc refused the connection for POST http://127.0.0.1:${port}/x (after 3 attempts).`,
      );
      expect(result.error.httpStatus).toBeUndefined();
    }
  });

  it('retries a connection reset for a GET but not for a POST', async () => {
    let resets = 0;
    const server = await serve((_req, res) => {
      if (resets++ < 1) return res.socket?.destroy();
      json(res, 200, { ok: 1 });
    });
    const get = client();
    expect((await get.c.request({ method: 'GET', url: server.url('/x') })).ok).toBe(true);
    expect(get.log.map((e) => e.error ?? e.status)).toEqual(['ECONNRESET', 200]);

    resets = 0;
    const post = client();
    const result = await post.c.request({ method: 'POST', url: server.url('/x') });
    expect(result.ok).toBe(false);
    expect(post.log).toHaveLength(1);
  });

  it('honours a short Retry-After', async () => {
    let first = true;
    const server = await serve((_req, res) => {
      if (first) {
        first = false;
        return json(res, 503, {}, { 'Retry-After': '1' });
      }
      json(res, 200, {});
    });
    const { c } = client();
    const started = Date.now();
    expect((await c.request({ method: 'GET', url: server.url('/x') })).ok).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });
});

describe('busy answers', () => {
  it('does not resend a POST refused with 429 or 503, and hands Retry-After to the caller', async () => {
    for (const status of [429, 503]) {
      const server = await serve((_req, res) =>
        json(res, status, { error: { message: 'busy' } }, { 'Retry-After': '7' }),
      );
      const { c, log } = client();
      const result = await c.request({ method: 'POST', url: server.url('/snapshots/s1'), body: {} });
      expect(log).toHaveLength(1);
      expect(!result.ok && result.error).toMatchObject({ httpStatus: status, retryAfterSeconds: 7 });
    }
  });

  it('reads Retry-After as seconds or an HTTP-date, and ignores anything else', () => {
    const now = Date.parse('2026-12-07T10:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120);
    expect(parseRetryAfter('Mon, 07 Dec 2026 10:00:30 GMT', now)).toBe(30);
    expect(parseRetryAfter('Mon, 07 Dec 2026 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter(['5', '9'], now)).toBe(5);
    for (const junk of [undefined, '', '-3', '1.5', 'soon'])
      expect(parseRetryAfter(junk, now)).toBeUndefined();
  });
});

describe('timeouts and cancellation', () => {
  it('stops waiting for a slow answer at the timeout and does not retry it', async () => {
    const server = await serve((_req, res) => setTimeout(() => json(res, 200, {}), 3000));
    const { c, log } = client();
    const started = Date.now();
    const result = await c.request({ method: 'GET', url: server.url('/slow'), timeoutMs: 200 });
    expect(Date.now() - started).toBeLessThan(1500);
    expect(log).toHaveLength(1);
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.error.message).toBe(`Testsvc did not answer GET ${server.url('/slow')} within 200 ms.`);
  });

  it('times out a body that stalls half way', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('{"partial": ');
    });
    const { c } = client();
    const result = await c.request({ method: 'GET', url: server.url('/stall'), timeoutMs: 200 });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toContain('did not answer');
  });

  it('cancels an in-flight request and a backoff wait', async () => {
    const slow = await serve((_req, res) => setTimeout(() => json(res, 200, {}), 3000));
    const { c } = client();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    const result = await c.request({ method: 'GET', url: slow.url('/x'), signal: controller.signal });
    expect(result).toMatchObject({ ok: false, error: { code: 'cancelled' } });
    expect(Date.now() - started).toBeLessThan(1000);

    const busy = await serve(sequence(503));
    const waiting = client({ retryDelayMs: 5000 });
    const c2 = new AbortController();
    const pending = waiting.c.request({ method: 'GET', url: busy.url('/x'), signal: c2.signal });
    setTimeout(() => c2.abort(), 100);
    expect(await pending).toMatchObject({ ok: false, error: { code: 'cancelled' } });
    expect(busy.seen).toHaveLength(1);
  });
});

describe('errors', () => {
  const bodies: [string, string, string][] = [
    [
      'Keystone',
      '{"error": {"message": "The request you have made requires authentication.", "code": 401, "title": "Unauthorized"}}',
      'The request you have made requires authentication.',
    ],
    [
      'Neutron',
      '{"NeutronError": {"type": "NetworkNotFound", "message": "Network abc could not be found.", "detail": ""}}',
      'Network abc could not be found.',
    ],
    [
      'Nova',
      '{"itemNotFound": {"code": 404, "message": "Flavor 9 could not be found."}}',
      'Flavor 9 could not be found.',
    ],
    ['Cinder', '{"badRequest": {"code": 400, "message": "Invalid volume type."}}', 'Invalid volume type.'],
    [
      'Trilio',
      '{"error": "Please provide only one parameter among workload_ids and old_tenant_ids."}',
      'Please provide only one parameter among workload_ids and old_tenant_ids.',
    ],
    ['plain', 'Workload not found', 'Workload not found'],
    [
      'html',
      '<html><body><h1>503 Service Unavailable</h1>\nNo server is available.</body></html>',
      '503 Service Unavailable No server is available.',
    ],
  ];

  it.each(bodies)('takes the message out of a %s error body', async (_kind, body, message) => {
    const server = await serve((_req, res) => {
      res.writeHead(400, { 'Content-Type': body.startsWith('{') ? 'application/json' : 'text/html' });
      res.end(body);
    });
    const { c } = client();
    const result = await c.request({ method: 'GET', url: server.url('/x') });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.message).toBe(`Testsvc answered GET ${server.url('/x')} with HTTP 400: ${message}`);
      expect(result.error.output).toBe(body);
    }
  });

  it.each([
    [401, /credentials/],
    [403, /role/],
    [404, /id or name/],
    [409, /conflict/],
    [504, /unhealthy/],
  ])('gives a hint for HTTP %i', async (status, hint) => {
    const server = await serve((_req, res) => json(res, status, {}));
    const { c } = client({ retries: 0 });
    const result = await c.request({ method: 'GET', url: server.url('/x') });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.hint).toMatch(hint);
  });

  it('keeps secrets out of errors and logs: query values, URL credentials, echoed bodies', async () => {
    const secret = 'sup3r-s3cret-value';
    const server = await serve((_req, res) =>
      json(res, 400, { error: { message: `bad password ${secret}` } }),
    );
    const { c, log } = client({ secrets: () => [secret] });
    const url = server.url(`/x?token=${secret}&name=web`).replace('http://', `http://user:${secret}@`);
    const result = await c.request({ method: 'POST', url, query: { password: secret } });
    expect(result.ok).toBe(false);
    const text = JSON.stringify(result) + JSON.stringify(log);
    expect(text).not.toContain(secret);
    if (!result.ok) {
      expect(result.error.request).toBe(`POST ${server.url('/x?token=***&name=web&password=***')}`);
      expect(result.error.message).toContain('bad password ***');
    }
  });

  it('accepts only the expected statuses, and reports a JSON content type with a broken body', async () => {
    const server = await serve((req, res) => {
      if (req.url === '/broken') {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        return res.end('{"oops');
      }
      json(res, 200, { a: 1 });
    });
    const { c } = client();
    const unexpected = await c.request({ method: 'GET', url: server.url('/x'), expect: [201] });
    expect(unexpected).toMatchObject({ ok: false, error: { httpStatus: 200 } });
    const broken = await c.request({ method: 'GET', url: server.url('/broken') });
    expect(broken).toMatchObject({
      ok: false,
      error: { code: 'http', message: expect.stringContaining('not JSON') },
    });
  });

  it('refuses a URL that is not http(s)', async () => {
    const { c } = client();
    expect(await c.request({ method: 'GET', url: 'ftp://example/x' })).toMatchObject({
      ok: false,
      error: { code: 'invalid-argument' },
    });
    expect(await c.request({ method: 'GET', url: 'not a url' })).toMatchObject({
      ok: false,
      error: { code: 'invalid-argument' },
    });
  });
});
