import type { TokenInfo } from './keystone-client.js';
import type { ViewContext } from './views.js';

/** A tiny route table: `/v1/:project/workloads/:id` patterns, first match wins. */

export interface RequestContext {
  method: string;
  url: URL;
  params: Record<string, string>;
  body: unknown;
  /** The caller's validated token (routes with `auth: 'token'`). */
  token: TokenInfo;
  view: ViewContext;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Route {
  method: string;
  pattern: string;
  /** `token`: X-Auth-Token validated against Keystone; `loopback`: lab controls, no auth. */
  auth: 'token' | 'loopback';
  /** Policy name of an admin-only call (`workload:get_orphaned_workloads_list`). */
  adminPolicy?: string;
  handler: (ctx: RequestContext) => Promise<Reply>;
}

export interface CompiledRoute extends Route {
  regex: RegExp;
  names: string[];
}

export function compileRoute(route: Route): CompiledRoute {
  const names: string[] = [];
  const source = route.pattern
    .split('/')
    .map((part) => {
      if (!part.startsWith(':')) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(part.slice(1));
      return '([^/]+)';
    })
    .join('/');
  return { ...route, regex: new RegExp(`^${source}$`), names };
}

/** The route for a method and path, with its parameters; `methodMismatch` when only the method differs. */
export function matchRoute(
  routes: CompiledRoute[],
  method: string,
  pathname: string,
): { route: CompiledRoute; params: Record<string, string> } | { methodMismatch: boolean } {
  let methodMismatch = false;
  for (const route of routes) {
    const m = route.regex.exec(pathname);
    if (!m) continue;
    if (route.method !== method) {
      methodMismatch = true;
      continue;
    }
    const params: Record<string, string> = {};
    route.names.forEach((name, i) => (params[name] = decodeURIComponent(m[i + 1]!)));
    return { route, params };
  }
  return { methodMismatch };
}
