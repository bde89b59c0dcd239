import type { AppError } from '../../../shared/result.js';

/**
 * Turning HTTP failures into errors a user can act on: the service's own message, the request
 * (never its secrets) and a hint per status.
 */

/** Query parameters whose values are never shown (signed URLs, tokens passed in the query). */
const secretQueryName = /token|pass|secret|key|sig|auth|credential/i;

/**
 * The URL as it may appear in errors and logs: no `user:password@`, and the values of query
 * parameters that look like secrets replaced by `***`.
 */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url.replace(/\/\/[^/@]*@/, '//');
  }
  parsed.username = '';
  parsed.password = '';
  for (const name of [...parsed.searchParams.keys()])
    if (secretQueryName.test(name)) parsed.searchParams.set(name, '***');
  return parsed.toString();
}

/** Replaces every occurrence of each secret in `text` (secrets shorter than 4 characters are ignored). */
export function scrub(text: string, secrets: Iterable<string>): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join('***');
  return out;
}

/**
 * The human message inside an OpenStack or Trilio error body. Keystone and Trilio use
 * `{"error": {"message"}}`, Neutron `{"NeutronError": {"message"}}`, Nova/Cinder `{"badRequest":
 * {"message"}}` (the key names the fault: itemNotFound, forbidden, …), webob answers plain text or
 * HTML, and Trilio sometimes `{"error": "text"}`.
 */
export function serviceMessage(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) return '';
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    return plainText(trimmed);
  }
  return messageIn(parsed) ?? plainText(trimmed);
}

function messageIn(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  for (const key of ['message', 'detail', 'explanation', 'error_message', 'faultstring'])
    if (typeof record[key] === 'string' && record[key]) return record[key];
  // One wrapping level: {"error": …}, {"NeutronError": …}, {"itemNotFound": …}, {"badRequest": …}.
  for (const inner of Object.values(record)) {
    const found = typeof inner === 'string' ? undefined : messageIn(inner);
    if (found) return found;
  }
  if (typeof record.error === 'string') return record.error;
  return undefined;
}

/** HTML error pages (webob, proxies) become their text; long bodies are cut. */
function plainText(text: string): string {
  const noTags = /<[a-z!/][^>]*>/i.test(text) ? text.replace(/<[^>]*>/g, ' ') : text;
  const oneLine = noTags.replace(/\s+/g, ' ').trim();
  return oneLine.length > 500 ? `${oneLine.slice(0, 500)}…` : oneLine;
}

/** What the user can do about an HTTP status. */
export function statusHint(status: number, service: string): string {
  if (status === 401)
    return `${service} refused the credentials: check the user name, password or application credential, the user and project domains, and that the account is enabled.`;
  if (status === 403)
    return `The user is authenticated but lacks a role for this call: check the user's roles on the project (admin calls need the admin role).`;
  if (status === 404)
    return `${service} does not know this object or path: check the id or name, the region, and the service URL (catalog or profile override).`;
  if (status === 409) return `${service} reports a conflict with the current state: refresh and try again.`;
  if (status === 413) return `${service} rejected the request as too large or over a quota.`;
  if (status === 400) return `${service} rejected the request; its message says which field is wrong.`;
  if (status >= 500)
    return `${service} is unhealthy or overloaded (HTTP ${status}): check its logs and status, then retry.`;
  return `Unexpected HTTP ${status} from ${service}.`;
}

/** The error for a response whose status was not accepted. */
export function httpStatusError(input: {
  service: string;
  method: string;
  url: string;
  status: number;
  body: string;
  secrets: Iterable<string>;
  attempts: number;
  /** The answer's `Retry-After` header, if any. */
  retryAfter?: string | string[] | undefined;
  now?: number;
}): AppError {
  const secrets = [...input.secrets];
  const retryAfterSeconds = parseRetryAfter(input.retryAfter, input.now ?? Date.now());
  const request = `${input.method} ${redactUrl(input.url)}`;
  const said = scrub(serviceMessage(input.body), secrets);
  const retried = input.attempts > 1 ? ` (after ${input.attempts} attempts)` : '';
  return {
    code: 'http',
    message: `${input.service} answered ${request} with HTTP ${input.status}${retried}${said ? `: ${said}` : '.'}`,
    hint: statusHint(input.status, input.service),
    request,
    httpStatus: input.status,
    ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
    ...(input.body.trim() ? { output: scrub(input.body.slice(0, 4000), secrets) } : {}),
  };
}

/**
 * `Retry-After` as seconds from now (RFC 9110 §10.2.3: delay-seconds or an HTTP-date); undefined when
 * absent or unreadable. A date in the past is 0 (retry now).
 */
export function parseRetryAfter(value: string | string[] | undefined, now: number): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text);
  const at = Date.parse(text);
  if (!Number.isFinite(at) || !/[a-z]/i.test(text)) return undefined;
  return Math.max(0, Math.ceil((at - now) / 1000));
}

/** The error for a request that got no HTTP answer (connection, TLS, timeout). */
export function transportError(input: {
  service: string;
  method: string;
  url: string;
  cause: Error & { code?: string };
  timeoutMs: number;
  timedOut: boolean;
  secrets: Iterable<string>;
  attempts: number;
}): AppError {
  const request = `${input.method} ${redactUrl(input.url)}`;
  const retried = input.attempts > 1 ? ` (after ${input.attempts} attempts)` : '';
  const base = { code: 'http' as const, request };
  if (input.timedOut)
    return {
      ...base,
      message: `${input.service} did not answer ${request} within ${formatSeconds(input.timeoutMs)}${retried}.`,
      hint: `The service is slow or unreachable: check its health and the network path; raise the timeout for slow links.`,
    };
  const code = input.cause.code ?? '';
  const what = scrub(input.cause.message, input.secrets);
  if (
    /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|DEPTH_ZERO|HOSTNAME/i.test(code) ||
    /certificate/i.test(what)
  )
    return {
      ...base,
      message: `TLS verification of ${input.service} failed for ${request}: ${what}${retried}`,
      hint: 'Set the cloud\'s CA bundle in the profile (the CA that signed the endpoint certificate), or, for a lab only, the "insecure" flag.',
    };
  if (code === 'ECONNREFUSED')
    return {
      ...base,
      message: `${input.service} refused the connection for ${request}${retried}.`,
      hint: 'Nothing listens at that address and port: check the URL (catalog interface public/internal) and that the service runs.',
    };
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return {
      ...base,
      message: `The host name of ${request} does not resolve${retried}.`,
      hint: 'Fix DNS on this machine, use another catalog interface, or override the URL in the profile.',
    };
  return {
    ...base,
    message: `${input.service} request ${request} failed: ${what}${code && !what.includes(code) ? ` (${code})` : ''}${retried}`,
    hint: 'Check the network path to the service and that it is healthy, then retry.',
  };
}

function formatSeconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 100) / 10} s`;
}
