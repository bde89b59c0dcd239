import http from 'node:http';
import https from 'node:https';
import { fail, ok, type Result } from '../../../shared/result.js';
import { httpStatusError, redactUrl, transportError } from './http-errors.js';
import { abortableSleep } from '../abortable-sleep.js';

/**
 * JSON over node:http / node:https for the OpenStack and Trilio clients: per-cloud TLS trust,
 * per-attempt timeouts, cancellation, and retries with backoff where a retry cannot repeat a change.
 * Never throws; failures are `http` (or `cancelled`) AppErrors without tokens or passwords in them.
 */

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One attempt, as the `onRequest` hook sees it (the URL is redacted; no headers, no bodies). */
export interface HttpRequestLog {
  service: string;
  method: HttpMethod;
  url: string;
  /** Absent when no HTTP answer came (connection error, timeout, cancellation). */
  status?: number;
  durationMs: number;
  /** 1 for the first attempt. */
  attempt: number;
  /** Transport error code or message when there was no answer. */
  error?: string;
}

export interface HttpClientOptions {
  /** Name used in messages: `Keystone`, `Neutron`, `Trilio`… */
  service?: string;
  /** PEM CA bundle (contents, not a path) trusted instead of the system CAs. */
  ca?: string;
  /** Skip TLS certificate verification (labs only). */
  insecure?: boolean;
  /** Per-attempt limit for connect + full response; default 30 s. */
  timeoutMs?: number;
  /** Extra attempts for retryable failures; default 2. */
  retries?: number;
  /** First backoff delay; doubles per attempt with jitter, capped at 5 s; default 250 ms. */
  retryDelayMs?: number;
  /** Called after every attempt, for logs like `GET url 200 12ms`. */
  onRequest?: (entry: HttpRequestLog) => void;
  /** Values to blank out of error messages and outputs (passwords, secrets, tokens). */
  secrets?: () => Iterable<string>;
}

export interface HttpRequest {
  method: HttpMethod;
  url: string;
  /** Appended to the URL; undefined values are left out, `true` becomes an empty value (`?flag=`). */
  query?: Record<string, string | number | boolean | undefined>;
  headers?: Record<string, string>;
  /** Sent as JSON. */
  body?: unknown;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Statuses that count as success; default any 2xx. */
  expect?: readonly number[];
  /**
   * Overrides the method's idempotency for retries: e.g. Keystone's POST /auth/tokens creates
   * nothing a repeat would duplicate. Default: GET, HEAD, PUT and DELETE are idempotent.
   */
  idempotent?: boolean;
  /** Name for messages when it differs from the client's (one client serving several services). */
  service?: string;
}

export interface HttpResponse<T> {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** Parsed JSON, or undefined for an empty body. */
  body: T;
  text: string;
}

const idempotentMethods: ReadonlySet<HttpMethod> = new Set(['GET', 'HEAD', 'PUT', 'DELETE']);
const retryStatuses: ReadonlySet<number> = new Set([502, 503, 504]);
const retryCodes: ReadonlySet<string> = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ETIMEDOUT']);
const maxBodyBytes = 64 * 1024 * 1024;
const maxBackoffMs = 5000;

type Attempt =
  | { kind: 'response'; status: number; headers: http.IncomingHttpHeaders; text: string }
  | { kind: 'error'; cause: Error & { code?: string }; timedOut: boolean; reusedSocket: boolean }
  | { kind: 'cancelled' };

export class HttpClient {
  readonly service: string;
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;

  constructor(private readonly options: HttpClientOptions = {}) {
    this.service = options.service ?? 'The service';
    this.httpAgent = new http.Agent({ keepAlive: true, maxSockets: 16 });
    this.httpsAgent = new https.Agent({
      keepAlive: true,
      maxSockets: 16,
      ...(options.ca ? { ca: options.ca } : {}),
      rejectUnauthorized: !options.insecure,
    });
  }

  /** A JSON request with retries; `Result` error codes are `http`, `cancelled` or `invalid-argument`. */
  async request<T = unknown>(req: HttpRequest): Promise<Result<HttpResponse<T>>> {
    const service = req.service ?? this.service;
    let url: URL;
    try {
      url = withQuery(new URL(req.url), req.query);
    } catch {
      return fail({
        code: 'invalid-argument',
        message: `${service} URL is not valid: ${redactUrl(req.url)}`,
        hint: 'Check the URL in the profile or the service catalog.',
      });
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      return fail({
        code: 'invalid-argument',
        message: `${service} URL must be http or https: ${redactUrl(url.toString())}`,
      });
    const idempotent = req.idempotent ?? idempotentMethods.has(req.method);
    const retries = this.options.retries ?? 2;
    const timeoutMs = req.timeoutMs ?? this.options.timeoutMs ?? 30_000;
    for (let attempt = 1; ; attempt++) {
      if (req.signal?.aborted) return cancelled(service, req.method, url);
      const started = Date.now();
      const outcome = await this.once(url, req, timeoutMs);
      this.log(service, req.method, url, outcome, Date.now() - started, attempt);
      if (outcome.kind === 'cancelled') return cancelled(service, req.method, url);
      const again = attempt <= retries && shouldRetry(outcome, idempotent);
      if (again) {
        const waited = await abortableSleep(backoffMs(attempt, this.options.retryDelayMs ?? 250, outcome), req.signal);
        if (!waited) return cancelled(service, req.method, url);
        continue;
      }
      return this.finish<T>(service, req, url, outcome, timeoutMs, attempt);
    }
  }

  /** Closes idle keep-alive sockets (call when a run ends). */
  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  private finish<T>(
    service: string,
    req: HttpRequest,
    url: URL,
    outcome: Exclude<Attempt, { kind: 'cancelled' }>,
    timeoutMs: number,
    attempts: number,
  ): Result<HttpResponse<T>> {
    const secrets = this.options.secrets?.() ?? [];
    if (outcome.kind === 'error')
      return fail(
        transportError({
          service,
          method: req.method,
          url: url.toString(),
          ...outcome,
          timeoutMs,
          secrets,
          attempts,
        }),
      );
    const accepted = req.expect
      ? req.expect.includes(outcome.status)
      : outcome.status >= 200 && outcome.status < 300;
    if (!accepted)
      return fail(
        httpStatusError({
          service,
          method: req.method,
          url: url.toString(),
          status: outcome.status,
          body: outcome.text,
          secrets,
          attempts,
          retryAfter: outcome.headers['retry-after'],
        }),
      );
    const body = parseJson(outcome.text);
    if (body === invalidJson && /json/i.test(String(outcome.headers['content-type'] ?? '')))
      return fail({
        code: 'http',
        message: `${service} answered ${req.method} ${redactUrl(url.toString())} with HTTP ${outcome.status} but a body that is not JSON.`,
        hint: 'A proxy in front of the service may have answered instead of the service: check the URL.',
        request: `${req.method} ${redactUrl(url.toString())}`,
        httpStatus: outcome.status,
      });
    return ok({
      status: outcome.status,
      headers: outcome.headers,
      body: (body === invalidJson ? outcome.text : body) as T,
      text: outcome.text,
    });
  }

  private once(url: URL, req: HttpRequest, timeoutMs: number): Promise<Attempt> {
    return new Promise((resolve) => {
      const payload = req.body === undefined ? undefined : Buffer.from(JSON.stringify(req.body));
      const headers: Record<string, string> = {
        Accept: 'application/json',
        'User-Agent': 'trilio-dr-wizard',
        ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': String(payload.length) } : {}),
        ...req.headers,
      };
      const secure = url.protocol === 'https:';
      const options = { method: req.method, headers, agent: secure ? this.httpsAgent : this.httpAgent };
      let settled = false;
      let timedOut = false;
      const settle = (attempt: Attempt) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        req.signal?.removeEventListener('abort', onAbort);
        resolve(attempt);
      };
      const request = (secure ? https : http).request(url, options, (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBodyBytes) request.destroy(new Error(`response larger than ${maxBodyBytes} bytes`));
          else chunks.push(chunk);
        });
        response.on('end', () =>
          settle({
            kind: 'response',
            status: response.statusCode ?? 0,
            headers: response.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        response.on('error', (cause) => settle(errorAttempt(cause, timedOut, request.reusedSocket)));
        // A body cut short (timeout, size limit, peer reset) may end in 'close' without 'error'.
        response.on('close', () => {
          if (!response.complete)
            settle(
              errorAttempt(
                Object.assign(new Error('response cut short'), {
                  code: timedOut ? 'ETIMEDOUT' : 'ECONNRESET',
                }),
                timedOut,
                request.reusedSocket,
              ),
            );
        });
      });
      const timer = setTimeout(() => {
        timedOut = true;
        request.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' }));
      }, timeoutMs);
      const onAbort = () => {
        request.destroy();
        settle({ kind: 'cancelled' });
      };
      req.signal?.addEventListener('abort', onAbort, { once: true });
      request.on('error', (cause) => settle(errorAttempt(cause, timedOut, request.reusedSocket)));
      request.end(payload);
    });
  }

  private log(
    service: string,
    method: HttpMethod,
    url: URL,
    outcome: Attempt,
    durationMs: number,
    attempt: number,
  ) {
    if (!this.options.onRequest) return;
    const entry: HttpRequestLog = { service, method, url: redactUrl(url.toString()), durationMs, attempt };
    if (outcome.kind === 'response') entry.status = outcome.status;
    else
      entry.error =
        outcome.kind === 'cancelled' ? 'cancelled' : (outcome.cause.code ?? outcome.cause.message);
    try {
      this.options.onRequest(entry);
    } catch {
      // A logging hook must never break a request.
    }
  }
}

function errorAttempt(cause: Error & { code?: string }, timedOut: boolean, reusedSocket: boolean): Attempt {
  return { kind: 'error', cause, timedOut, reusedSocket };
}

/**
 * Which failures are retried: a refused connection for any method (nothing was sent); 502/503/504
 * and resets for idempotent methods only, because a POST may have been applied before the gateway
 * or the connection failed. A reset on a reused keep-alive socket is retried for any method: the
 * server closed the idle socket before reading the request (Node's documented case). Timeouts are
 * not retried: the user's limit would silently multiply.
 */
function shouldRetry(outcome: Attempt, idempotent: boolean): boolean {
  if (outcome.kind === 'response') return idempotent && retryStatuses.has(outcome.status);
  if (outcome.kind !== 'error' || outcome.timedOut) return false;
  const code = outcome.cause.code ?? '';
  if (code === 'ECONNREFUSED') return true;
  if (code === 'ECONNRESET' && outcome.reusedSocket) return true;
  return idempotent && retryCodes.has(code);
}

function backoffMs(attempt: number, baseMs: number, outcome: Attempt): number {
  const exponential = Math.min(maxBackoffMs, baseMs * 2 ** (attempt - 1));
  const jittered = exponential / 2 + Math.random() * (exponential / 2);
  const retryAfter = outcome.kind === 'response' ? Number(outcome.headers['retry-after']) : NaN;
  // Honour a short Retry-After (seconds); a long one means "not now", which the user decides.
  if (Number.isFinite(retryAfter) && retryAfter > 0) return Math.min(maxBackoffMs, retryAfter * 1000);
  return jittered;
}

function cancelled<T>(service: string, method: HttpMethod, url: URL): Result<T> {
  const request = `${method} ${redactUrl(url.toString())}`;
  return fail({ code: 'cancelled', message: `${service} request ${request} was cancelled.`, request });
}

function withQuery(url: URL, query: HttpRequest['query']): URL {
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === false) continue;
    url.searchParams.append(name, value === true ? '' : String(value));
  }
  return url;
}

const invalidJson = Symbol('invalid-json');

function parseJson(text: string): unknown {
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return invalidJson;
  }
}
