import { ok, type Result } from '../../../shared/result.js';
import type { HttpRequest, HttpResponse } from './http-client.js';
import { joinUrl } from './keystone-catalog.js';
import type { KeystoneSession } from './keystone-session.js';

/**
 * A request to a catalog service of a session's cloud: resolves the service URL (catalog type in the
 * session's region and interface, or a fixed base URL), appends the path and sends it with the token.
 */
export interface ServiceTarget {
  /** Name for messages: `Neutron`, `Nova`, `Cinder`, `Trilio`. */
  service: string;
  /** Catalog service type. */
  type: string;
  /** Turns the catalog URL into the API base, e.g. appends Neutron's `/v2.0` when it is missing. */
  base?: (catalogUrl: string) => string;
  /** A base URL that replaces the catalog lookup (a profile override, already complete). */
  fixedUrl?: string;
}

export type ServiceRequest = Omit<HttpRequest, 'url' | 'service'> & { path: string };

/** Sends `req` to `target`; the body is the parsed JSON answer. */
export async function serviceRequest<T>(
  session: KeystoneSession,
  target: ServiceTarget,
  req: ServiceRequest,
): Promise<Result<HttpResponse<T>>> {
  let base = target.fixedUrl;
  if (base === undefined) {
    const url = await session.endpoint(target.type, { signal: req.signal });
    if (!url.ok) return url;
    base = target.base ? target.base(url.value) : url.value;
  }
  const { path, ...rest } = req;
  return session.request<T>({ ...rest, url: joinUrl(base, path), service: target.service });
}

/** `serviceRequest` returning only the body's `key` member. */
export async function serviceGet<T>(
  session: KeystoneSession,
  target: ServiceTarget,
  path: string,
  key: string,
  options: Pick<ServiceRequest, 'query' | 'signal' | 'headers'> = {},
): Promise<Result<T>> {
  const answer = await serviceRequest<Record<string, T>>(session, target, {
    method: 'GET',
    path,
    ...options,
  });
  if (!answer.ok) return answer;
  return ok((answer.value.body?.[key] ?? []) as T);
}
