import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * Who may talk to browser mode: only a page or tool on this machine (or at the end of an SSH tunnel to
 * it) that holds the token printed at start. The checks are pure so they are unit-tested one by one.
 */
export type GuardVerdict =
  | { allowed: true; via: 'cookie' | 'bearer' | 'url-token' }
  | { allowed: false; status: 401 | 403; reason: string };

const loopbackHosts = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** `Host` must name a loopback address: a DNS-rebinding page would send its own host name. */
export function isLoopbackHostHeader(host: string | undefined): boolean {
  if (!host) return false;
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d{1,5}))?$/.exec(host.trim().toLowerCase());
  return match !== null && loopbackHosts.has(match[1] ?? '');
}

export function sessionCookieName(port: number): string {
  // Cookies ignore ports: two wizards on one machine must not overwrite each other's session.
  return `trilio_dr_session_${port}`;
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function sameToken(given: string | undefined, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * A browser request is accepted when its Host is loopback, its Origin (when sent) is this very origin,
 * it is not marked cross-site, and it carries the token as the session cookie, a bearer header or —
 * only for opening the page — the `token` query parameter.
 */
export function checkRequest(
  request: Pick<IncomingMessage, 'headers' | 'method' | 'url'>,
  token: string,
  port: number,
): GuardVerdict {
  const headers = request.headers;
  if (!isLoopbackHostHeader(headers.host))
    return { allowed: false, status: 403, reason: 'The Host header is not a loopback address.' };
  const origin = headers.origin;
  if (origin !== undefined && origin !== `http://${headers.host}`)
    return { allowed: false, status: 403, reason: `Requests from origin ${origin} are refused.` };
  if (headers['sec-fetch-site'] === 'cross-site')
    return { allowed: false, status: 403, reason: 'Cross-site requests are refused.' };

  if (sameToken(readCookie(headers.cookie, sessionCookieName(port)), token))
    return { allowed: true, via: 'cookie' };
  const auth = headers.authorization;
  if (auth?.startsWith('Bearer ') && sameToken(auth.slice(7), token)) return { allowed: true, via: 'bearer' };
  const url = new URL(request.url ?? '/', 'http://placeholder');
  if (request.method === 'GET' && sameToken(url.searchParams.get('token') ?? undefined, token))
    return { allowed: true, via: 'url-token' };
  return {
    allowed: false,
    status: 401,
    reason: 'Missing or wrong access token: open the URL the wizard printed when it started.',
  };
}
