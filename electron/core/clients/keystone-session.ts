import { fail, ok, type AppError, type Result } from '../../../shared/result.js';
import { HttpClient, type HttpClientOptions, type HttpRequest, type HttpResponse } from './http-client.js';
import { redactUrl } from './http-errors.js';
import {
  findEndpoint,
  joinUrl,
  substituteProject,
  type CatalogService,
  type EndpointInterface,
} from './keystone-catalog.js';

/**
 * A Keystone v3 session for one cloud: authenticates with a password or an application credential,
 * reuses the token until it is within `refreshMarginMs` of expiry, re-authenticates once when a
 * service answers 401 (token revoked or expired early), and resolves service URLs from the catalog.
 * Every request of every client of that cloud goes through `request`, so the token is never handed out.
 */

export type KeystoneAuth =
  | {
      kind: 'password';
      username: string;
      /** Domain name, or a domain id (32 hex digits). */
      userDomain: string;
      password: string;
      project: string;
      /** Domain name, or a domain id (32 hex digits). */
      projectDomain: string;
    }
  | { kind: 'application-credential'; id: string; secret: string };

export interface KeystoneSessionOptions {
  /** Keystone v3 URL, e.g. `https://keystone.example:5000/v3`. */
  authUrl: string;
  region: string;
  interface?: EndpointInterface;
  auth: KeystoneAuth;
  /** TLS, timeouts, retries and the request hook for this cloud's HTTP traffic. */
  http?: Omit<HttpClientOptions, 'service' | 'secrets'>;
  /** Re-authenticate when the token expires within this margin; default 30 s. */
  refreshMarginMs?: number;
}

/** What the current token says about who we are. */
export interface TokenInfo {
  userId: string;
  userName: string;
  userDomainId: string;
  projectId: string;
  projectName: string;
  projectDomainId: string;
  roles: string[];
  /** Local clock, ms since the epoch (computed from the token's own lifetime, immune to clock skew). */
  expiresAt: number;
  catalog: CatalogService[];
}

interface TokenBody {
  token: {
    expires_at: string;
    issued_at?: string;
    user: { id: string; name: string; domain?: { id: string } };
    project?: { id: string; name: string; domain?: { id: string } };
    roles?: { id: string; name: string }[];
    catalog?: CatalogService[];
  };
}

interface CachedToken {
  value: string;
  info: TokenInfo;
}

export class KeystoneSession {
  readonly http: HttpClient;
  readonly authUrl: string;
  readonly region: string;
  readonly interface: EndpointInterface;
  private cached: CachedToken | undefined;
  private pending: Promise<Result<CachedToken>> | undefined;
  /** Tokens handed out by Keystone during this session, blanked out of every error. */
  private readonly seenTokens = new Set<string>();
  private readonly refreshMarginMs: number;

  constructor(private readonly options: KeystoneSessionOptions) {
    this.authUrl = options.authUrl.replace(/\/+$/, '');
    this.region = options.region;
    this.interface = options.interface ?? 'public';
    this.refreshMarginMs = options.refreshMarginMs ?? 30_000;
    this.http = new HttpClient({ ...options.http, service: 'Keystone', secrets: () => this.secrets() });
  }

  /** The current token's identity and catalog, authenticating when needed. */
  async tokenInfo(signal?: AbortSignal): Promise<Result<TokenInfo>> {
    const token = await this.token(signal);
    return token.ok ? ok(token.value.token.info) : token;
  }

  /** Forgets the token; the next request authenticates again. */
  invalidate(): void {
    this.cached = undefined;
  }

  /** The URL of a catalog service in this cloud's region and interface, project id filled in. */
  async endpoint(
    type: string,
    options: { interface?: EndpointInterface; region?: string; signal?: AbortSignal } = {},
  ): Promise<Result<string>> {
    const info = await this.tokenInfo(options.signal);
    if (!info.ok) return info;
    const found = findEndpoint(info.value.catalog, {
      type,
      interface: options.interface ?? this.interface,
      region: options.region ?? this.region,
    });
    return found.ok ? ok(substituteProject(found.value, info.value.projectId)) : found;
  }

  /**
   * An authenticated request. A 401 with a token that was cached re-authenticates once and repeats
   * the request; a 401 with a brand-new token is returned as it is.
   */
  async request<T = unknown>(req: HttpRequest): Promise<Result<HttpResponse<T>>> {
    const first = await this.token(req.signal);
    if (!first.ok) return first;
    const answer = await this.send<T>(req, first.value);
    if (answer.ok || answer.error.httpStatus !== 401 || first.value.fresh) return answer;
    if (this.cached?.value === first.value.token.value) this.cached = undefined;
    const second = await this.token(req.signal);
    if (!second.ok) return second;
    return this.send<T>(req, second.value);
  }

  /** A request to the Keystone API itself (`path` below the auth URL, e.g. `/projects`). */
  identity<T = unknown>(
    req: Omit<HttpRequest, 'url' | 'service'> & { path: string },
  ): Promise<Result<HttpResponse<T>>> {
    const { path, ...rest } = req;
    return this.request<T>({ ...rest, url: joinUrl(this.authUrl, path), service: 'Keystone' });
  }

  close(): void {
    this.http.close();
  }

  private send<T>(req: HttpRequest, token: { token: CachedToken }): Promise<Result<HttpResponse<T>>> {
    return this.http.request<T>({ ...req, headers: { ...req.headers, 'X-Auth-Token': token.token.value } });
  }

  private async token(signal?: AbortSignal): Promise<Result<{ token: CachedToken; fresh: boolean }>> {
    const cached = this.cached;
    if (cached && cached.info.expiresAt - Date.now() > this.refreshMarginMs)
      return ok({ token: cached, fresh: false });
    // Concurrent callers share one authentication; a caller that cancels stops waiting, not the others.
    this.pending ??= this.authenticate().finally(() => (this.pending = undefined));
    const result = await abortable(this.pending, signal, this.authRequest());
    return result.ok ? ok({ token: result.value, fresh: true }) : result;
  }

  private async authenticate(): Promise<Result<CachedToken>> {
    const started = Date.now();
    const answer = await this.http.request<TokenBody>({
      method: 'POST',
      url: joinUrl(this.authUrl, '/auth/tokens'),
      body: this.authBody(),
      expect: [201],
      // Issuing a token changes nothing a repeat could duplicate.
      idempotent: true,
    });
    if (!answer.ok) return fail(this.authError(answer.error));
    const value = answer.value.headers['x-subject-token'];
    const body = answer.value.body;
    if (typeof value !== 'string' || !body?.token?.expires_at)
      return fail({
        code: 'http',
        message: `Keystone at ${redactUrl(this.authUrl)} issued no usable token (missing X-Subject-Token or expiry).`,
        hint: 'Check that the auth URL points at Keystone v3 (it usually ends in /v3).',
        request: this.authRequest(),
        httpStatus: answer.value.status,
      });
    this.seenTokens.add(value);
    const token = { value, info: tokenInfoOf(body, started) };
    this.cached = token;
    return ok(token);
  }

  private authBody(): unknown {
    const auth = this.options.auth;
    if (auth.kind === 'application-credential')
      return {
        auth: {
          identity: {
            methods: ['application_credential'],
            application_credential: { id: auth.id, secret: auth.secret },
          },
        },
      };
    return {
      auth: {
        identity: {
          methods: ['password'],
          password: {
            user: { name: auth.username, domain: domainRef(auth.userDomain), password: auth.password },
          },
        },
        scope: { project: { name: auth.project, domain: domainRef(auth.projectDomain) } },
      },
    };
  }

  private authError(error: AppError): AppError {
    if (error.code !== 'http' || error.httpStatus === undefined) return error;
    const auth = this.options.auth;
    const who =
      auth.kind === 'password'
        ? `user ${auth.username} (domain ${auth.userDomain}) for project ${auth.project} (domain ${auth.projectDomain})`
        : `application credential ${auth.id}`;
    if (error.httpStatus === 401)
      return {
        ...error,
        message: `Keystone refused the login of ${who}: ${error.message}`,
        hint:
          auth.kind === 'password'
            ? 'Check the password stored for this cloud, the user name and both domains, and that the user has a role on the project.'
            : 'Check the application credential id and secret; it may have expired or been deleted.',
      };
    if (error.httpStatus === 404)
      return {
        ...error,
        hint: 'Keystone does not know the user, project or domain, or the auth URL lacks /v3: check them in the profile.',
      };
    return error;
  }

  private authRequest(): string {
    return `POST ${redactUrl(joinUrl(this.authUrl, '/auth/tokens'))}`;
  }

  private *secrets(): Iterable<string> {
    const auth = this.options.auth;
    if (auth.kind === 'password') yield auth.password;
    else yield auth.secret;
    yield* this.seenTokens;
  }
}

/** `{name}` for a domain name, `{id}` for a 32-hex-digit id or Keystone's built-in `default`. */
function domainRef(value: string): { id: string } | { name: string } {
  return /^[0-9a-f]{32}$/.test(value) || value === 'default' ? { id: value } : { name: value };
}

function tokenInfoOf(body: TokenBody, requestStarted: number): TokenInfo {
  const t = body.token;
  const expires = Date.parse(t.expires_at);
  const issued = t.issued_at ? Date.parse(t.issued_at) : NaN;
  // Lifetime from the token's own clock, counted from when we asked: safe against a skewed local clock.
  const expiresAt = Number.isFinite(issued) ? requestStarted + (expires - issued) : expires;
  return {
    userId: t.user.id,
    userName: t.user.name,
    userDomainId: t.user.domain?.id ?? '',
    projectId: t.project?.id ?? '',
    projectName: t.project?.name ?? '',
    projectDomainId: t.project?.domain?.id ?? '',
    roles: (t.roles ?? []).map((r) => r.name),
    expiresAt,
    catalog: t.catalog ?? [],
  };
}

/** Waits for `promise` unless `signal` aborts first (the promise keeps running for other waiters). */
function abortable<T>(
  promise: Promise<Result<T>>,
  signal: AbortSignal | undefined,
  request: string,
): Promise<Result<T>> {
  if (!signal) return promise;
  const cancelled = (): Result<T> =>
    fail({ code: 'cancelled', message: `Keystone authentication (${request}) was cancelled.`, request });
  if (signal.aborted) return Promise.resolve(cancelled());
  return new Promise((resolve) => {
    const onAbort = () => resolve(cancelled());
    signal.addEventListener('abort', onAbort, { once: true });
    void promise.then((result) => {
      signal.removeEventListener('abort', onAbort);
      resolve(result);
    });
  });
}
