import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { EventName, Events } from '../../shared/contract.js';
import type { Core } from '../core/core-types.js';
import { CONTENT_SECURITY_POLICY } from '../window-options.js';
import { checkRequest, sessionCookieName } from './request-guard.js';
import { pageWithFirstScreen } from './first-screen-page.js';
import { PageStream } from './page-stream.js';
import { readStaticFile } from './static-files.js';

/**
 * Browser mode: the same core as the desktop app, its contract served as `POST /api/call/<name>`
 * and one Server-Sent Events stream, plus the built renderer. Listens on 127.0.0.1 only; the
 * random token in the printed URL becomes an HttpOnly session cookie on first load.
 */
export interface BrowserServerOptions {
  core: Core;
  rendererDir: string;
  port?: number;
  /** Fixed token for tests; random otherwise. */
  token?: string;
  /** Unread bytes a page may leave on its event stream before its log lines are held back (page-stream.ts). */
  unreadCapBytes?: number;
}

export interface BrowserServer {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const maxBodyBytes = 8 * 1024 * 1024;

export async function startBrowserServer(options: BrowserServerOptions): Promise<BrowserServer> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const rendererDir = path.resolve(options.rendererDir);
  const streams = new Set<PageStream>();
  let port = 0;

  const unsubscribe = options.core.subscribe(<E extends EventName>(event: E, payload: Events[E]) => {
    for (const stream of streams) stream.send(event, payload);
  });

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      if (!response.headersSent) sendJson(response, 500, { ok: false, error: { code: 'internal', message } });
      else response.end();
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    setCommonHeaders(response);
    const verdict = checkRequest(request, token, port);
    if (!verdict.allowed) {
      response.writeHead(verdict.status, { 'content-type': 'text/plain; charset=utf-8' });
      response.end(`${verdict.reason}\n`);
      return;
    }
    const url = new URL(request.url ?? '/', 'http://placeholder');
    if (verdict.via === 'url-token') {
      // The token leaves the address bar (and history) at once; the cookie carries the session.
      response.writeHead(303, {
        'set-cookie': `${sessionCookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`,
        location: url.pathname,
      });
      response.end();
      return;
    }
    if (url.pathname.startsWith('/api/call/')) return handleCall(request, response, url.pathname.slice(10));
    if (url.pathname === '/api/events') return openEventStream(request, response);
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405).end();
      return;
    }
    const file = await readStaticFile(rendererDir, url.pathname);
    if (!file) {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found\n');
      return;
    }
    if (isAppPage(url.pathname)) {
      // The page carries the first screen's answers (first-screen-page.ts): never kept by the browser.
      response.writeHead(200, { 'content-type': file.contentType, 'cache-control': 'no-store' });
      if (request.method === 'HEAD') response.end();
      else response.end(await pageWithFirstScreen(file.body.toString('utf8'), options.core));
      return;
    }
    response.writeHead(200, { 'content-type': file.contentType, 'cache-control': 'no-cache' });
    response.end(request.method === 'HEAD' ? undefined : file.body);
  }

  async function handleCall(request: IncomingMessage, response: ServerResponse, rawName: string) {
    if (request.method !== 'POST') {
      response.writeHead(405, { allow: 'POST' }).end();
      return;
    }
    const body = await readBody(request);
    if (body === null) {
      sendJson(response, 413, {
        ok: false,
        error: { code: 'invalid-argument', message: 'Request too large.' },
      });
      return;
    }
    let args: unknown;
    try {
      args = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
    } catch {
      sendJson(response, 400, {
        ok: false,
        error: { code: 'invalid-argument', message: 'Body is not JSON.' },
      });
      return;
    }
    const result = await options.core.handle(decodeURIComponent(rawName), args);
    sendJson(response, 200, result);
  }

  function openEventStream(request: IncomingMessage, response: ServerResponse): void {
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    response.write(': connected\n\n');
    const stream = new PageStream(response, options.unreadCapBytes);
    streams.add(stream);
    const keepalive = setInterval(() => response.write(': keepalive\n\n'), 15_000);
    request.on('close', () => {
      clearInterval(keepalive);
      streams.delete(stream);
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    close: async () => {
      unsubscribe();
      for (const stream of streams) stream.end();
      streams.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The app's page, as the printed URL (`/`) and its own name reach it. */
const isAppPage = (pathname: string) => pathname === '/' || pathname === '/index.html';

function setCommonHeaders(response: ServerResponse): void {
  response.setHeader('content-security-policy', CONTENT_SECURITY_POLICY);
  response.setHeader('x-content-type-options', 'nosniff');
  response.setHeader('referrer-policy', 'no-referrer');
  response.setHeader('x-frame-options', 'DENY');
  response.setHeader('cross-origin-opener-policy', 'same-origin');
  response.setHeader('cross-origin-resource-policy', 'same-origin');
}

function sendJson(response: ServerResponse, status: number, value: unknown): void {
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
  });
  response.end(JSON.stringify(value));
}

async function readBody(request: IncomingMessage): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > maxBodyBytes) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
