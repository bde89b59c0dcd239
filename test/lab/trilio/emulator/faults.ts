import { badRequest, isRecord } from './http-kit.js';

/**
 * Injected faults for tests (`POST /_lab/faults`): the next `count` requests whose method and path
 * (with query) match are delayed by `delayMs` and/or answered with `status` (and `body`, else the
 * fault body workloadmgr would send) instead of being served. Kept in memory only.
 */

export interface FaultSpec {
  method?: string;
  pathRegex: string;
  status?: number;
  delayMs?: number;
  count: number;
  body?: unknown;
}

interface ActiveFault extends FaultSpec {
  id: number;
  regex: RegExp;
  remaining: number;
}

export class Faults {
  private active: ActiveFault[] = [];
  private nextId = 1;

  add(value: unknown): { id: number } {
    if (!isRecord(value))
      throw badRequest('A fault is an object {method?, pathRegex, status?, delayMs?, count, body?}.');
    const { method, pathRegex, status, delayMs, count, body } = value;
    if (typeof pathRegex !== 'string' || pathRegex === '')
      throw badRequest('pathRegex (a string) is required.');
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 1)
      throw badRequest('count must be a positive integer.');
    if (method !== undefined && typeof method !== 'string') throw badRequest('method must be a string.');
    if (status !== undefined && (typeof status !== 'number' || status < 100 || status > 599))
      throw badRequest('status must be an HTTP status code.');
    if (delayMs !== undefined && (typeof delayMs !== 'number' || delayMs < 0 || delayMs > 600_000))
      throw badRequest('delayMs must be between 0 and 600000.');
    if (status === undefined && delayMs === undefined) throw badRequest('Give status, delayMs or both.');
    let regex: RegExp;
    try {
      regex = new RegExp(pathRegex);
    } catch (error) {
      throw badRequest(`pathRegex is not a regular expression: ${(error as Error).message}`);
    }
    const fault: ActiveFault = {
      id: this.nextId++,
      pathRegex,
      count,
      regex,
      remaining: count,
      ...(method !== undefined ? { method: method.toUpperCase() } : {}),
      ...(status !== undefined ? { status } : {}),
      ...(delayMs !== undefined ? { delayMs } : {}),
      ...(body !== undefined ? { body } : {}),
    };
    this.active.push(fault);
    return { id: fault.id };
  }

  clear(): number {
    const n = this.active.length;
    this.active = [];
    return n;
  }

  list(): FaultSpec[] {
    return this.active.map(({ regex: _regex, ...rest }) => rest);
  }

  /** The first fault matching this request, counted down (and dropped when used up). */
  take(method: string, pathWithQuery: string): FaultSpec | undefined {
    const fault = this.active.find(
      (f) => (f.method === undefined || f.method === method) && f.regex.test(pathWithQuery),
    );
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.active = this.active.filter((f) => f !== fault);
    return fault;
  }
}
