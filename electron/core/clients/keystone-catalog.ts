import { fail, ok, type Result } from '../../../shared/result.js';

/** The service catalog of a Keystone v3 token, and endpoint lookup in it. */

export type EndpointInterface = 'public' | 'internal' | 'admin';

export interface CatalogEndpoint {
  id?: string;
  interface: string;
  /** v3 catalogs carry both; older deployments may have only `region`. */
  region_id?: string | null;
  region?: string | null;
  url: string;
}

export interface CatalogService {
  id?: string;
  type: string;
  name?: string;
  endpoints: CatalogEndpoint[];
}

export interface EndpointQuery {
  /** Catalog service type: `network`, `compute`, `volumev3`, `workloads`… */
  type: string;
  interface: EndpointInterface;
  /** Empty: any region, as long as only one offers the service. */
  region: string;
}

/**
 * The URL of the service `type` at `interface` in `region`. Errors are `not-found` and say what the
 * catalog does offer (other regions or interfaces), because a wrong region is the usual cause.
 */
export function findEndpoint(catalog: readonly CatalogService[], query: EndpointQuery): Result<string> {
  const services = catalog.filter((s) => s.type === query.type);
  const where = query.region ? `region ${query.region}` : 'any region';
  if (services.length === 0)
    return fail({
      code: 'not-found',
      message: `Service ${query.type} is not in the catalog for ${where}.`,
      hint: `The cloud does not register a "${query.type}" service (types in the catalog: ${listOrNone(catalog.map((s) => s.type))}). Check the cloud, or set the URL in the profile if it has an override.`,
    });
  const endpoints = services.flatMap((s) => s.endpoints);
  const inRegion = query.region ? endpoints.filter((e) => regionOf(e) === query.region) : endpoints;
  if (inRegion.length === 0)
    return fail({
      code: 'not-found',
      message: `Service ${query.type} is not in the catalog for region ${query.region}.`,
      hint: `It is offered in: ${listOrNone(endpoints.map(regionOf))}. Check the region name in the profile (it is case-sensitive).`,
    });
  const matching = inRegion.filter((e) => e.interface === query.interface);
  if (matching.length === 0)
    return fail({
      code: 'not-found',
      message: `Service ${query.type} has no ${query.interface} endpoint in ${where}.`,
      hint: `Interfaces offered there: ${listOrNone(inRegion.map((e) => e.interface))}. Change the interface in the profile.`,
    });
  const regions = new Set(matching.map(regionOf));
  if (regions.size > 1)
    return fail({
      code: 'validation',
      message: `Service ${query.type} is offered in several regions (${[...regions].join(', ')}); the profile names none.`,
      hint: 'Set the region in the profile.',
    });
  const [first] = matching;
  return first ? ok(first.url) : fail({ code: 'internal', message: 'unreachable: empty endpoint list' });
}

function regionOf(e: CatalogEndpoint): string {
  return e.region_id ?? e.region ?? '';
}

function listOrNone(values: string[]): string {
  const unique = [...new Set(values.filter(Boolean))].sort();
  return unique.length ? unique.join(', ') : 'none';
}

/**
 * Fills the project id into a service URL: Keystone's `$(project_id)s` / `$(tenant_id)s`, the
 * Python `%(project_id)s` form, and `{project_id}`. Keystone substitutes these in token catalogs
 * itself; profile overrides and some catalogs still carry them.
 */
export function substituteProject(url: string, projectId: string): string {
  return url.replace(
    /\$\((project_id|tenant_id)\)s|%\((project_id|tenant_id)\)s|\{(project_id|tenant_id)\}/g,
    projectId,
  );
}

/** `base` without trailing slashes, joined with `path` (which starts with `/`). */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}${path}`;
}
