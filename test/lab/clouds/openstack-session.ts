import { LabFailure } from '../lab-failure.js';

/**
 * A minimal admin session against the lab's Keystone, used to seed it and Neutron over their REST
 * APIs (each `openstack` CLI call costs seconds of Python start-up; seeding makes about a hundred).
 * Tokens live 60 s in the lab, so the session re-authenticates shortly before expiry.
 */

export interface PasswordCredentials {
  username: string;
  password: string;
  userDomain: string;
  project: string;
  projectDomain: string;
  /** Scope to the project with this id instead of `project` in `projectDomain`. */
  projectId?: string;
}

interface CachedToken {
  value: string;
  expiresAt: number;
}

const refreshMarginMs = 15_000;

export class OpenStackSession {
  private cached: CachedToken | undefined;

  constructor(
    readonly authUrl: string,
    private readonly credentials: PasswordCredentials,
  ) {}

  /** A project-scoped token, fresh enough for the next request. */
  async token(): Promise<string> {
    if (this.cached && this.cached.expiresAt - Date.now() > refreshMarginMs) return this.cached.value;
    const { token, body } = await authenticate(this.authUrl, this.credentials);
    const expiresAt = Date.parse((body as { token: { expires_at: string } }).token.expires_at);
    this.cached = { value: token, expiresAt };
    return token;
  }

  /** JSON request to `baseUrl + path` with the session's token; throws an `http` LabFailure on other statuses. */
  async request<T = unknown>(method: string, baseUrl: string, path: string, body?: unknown): Promise<T> {
    const url = `${baseUrl}${path}`;
    const response = await fetch(url, {
      method,
      headers: {
        'X-Auth-Token': await this.token(),
        'Content-Type': 'application/json',
        Accept: 'application/json',
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(60_000),
    });
    const text = await response.text();
    if (!response.ok) throw httpFailure(method, url, response.status, text);
    return (text ? JSON.parse(text) : undefined) as T;
  }
}

/** POST /v3/auth/tokens with a password, scoped to a project (or unscoped when `project` is empty). */
export async function authenticate(
  authUrl: string,
  c: PasswordCredentials,
): Promise<{ token: string; body: unknown }> {
  const scope = c.projectId
    ? { project: { id: c.projectId } }
    : c.project
      ? { project: { name: c.project, domain: { name: c.projectDomain } } }
      : undefined;
  const identity = {
    methods: ['password'],
    password: { user: { name: c.username, domain: { name: c.userDomain }, password: c.password } },
  };
  const url = `${authUrl}/auth/tokens`;
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ auth: { identity, ...(scope ? { scope } : {}) } }),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  const token = response.headers.get('x-subject-token');
  if (response.status !== 201 || !token) throw httpFailure('POST', url, response.status, text);
  return { token, body: JSON.parse(text) };
}

export function httpFailure(method: string, url: string, status: number, text: string): LabFailure {
  return new LabFailure({
    code: 'http',
    message: `The lab's OpenStack answered ${method} ${url} with HTTP ${status}.`,
    request: `${method} ${url}`,
    httpStatus: status,
    output: text.slice(0, 2000),
  });
}

/** A query string from defined values only. */
export function query(params: Record<string, string | undefined>): string {
  const defined = Object.entries(params).filter((entry): entry is [string, string] => entry[1] !== undefined);
  return defined.length ? `?${new URLSearchParams(defined).toString()}` : '';
}
