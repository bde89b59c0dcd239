import { expect } from 'vitest';
import type { Result } from '../../../shared/result.js';
import { KeystoneClient } from '../../../electron/core/clients/keystone-client.js';
import { KeystoneSession } from '../../../electron/core/clients/keystone-session.js';
import { NeutronClient } from '../../../electron/core/clients/neutron-client.js';
import { TrilioClient } from '../../../electron/core/clients/trilio-client.js';
import type { LabJson } from '../../lab/lab-json.js';
import {
  adminSession,
  RequestLog,
  userSession,
} from '../../integration/remote/clients/support/lab-clouds.js';
import { clearFaults, injectFault } from '../../integration/remote/clients/support/trilio-lab.js';
import type { FaultWorld } from './fault-world.js';
import type { ExpectedError, FaultScenario } from './scenario.js';

/**
 * API faults, through the wizard's own clients: Keystone and Neutron are the lab's real servers behind
 * a fault proxy (`fault-proxy.ts`), Trilio is the emulator with its `/_lab/faults`. Every attempt is
 * recorded by the client's `onRequest` hook; after the fault is cleared, the retry must send only the
 * request that failed (no second login, no other call).
 */
interface HttpState {
  log: RequestLog;
  session: KeystoneSession;
  call: () => Promise<Result<unknown>>;
  /** Log entries before the act, and before the retry. */
  atAct: number;
  atRetry: number;
  extra: Record<string, unknown>;
}

interface HttpFaultSpec {
  id: string;
  title: string;
  /** Builds the session and the call (warming the token when the fault is not about logging in). */
  setup(world: FaultWorld, log: RequestLog): Promise<Omit<HttpState, 'log' | 'atAct' | 'atRetry' | 'extra'>>;
  inject(world: FaultWorld, state: HttpState): Promise<void>;
  clear(world: FaultWorld, state: HttpState): Promise<void>;
  expected: ExpectedError;
  /** What the failed call sent (`METHOD /path status`, `-` when no answer came). */
  during: string[];
  /** What the retry sent: only the request that failed. */
  retried: string[];
  /** Extra checks after the retry (no duplicate object created…). */
  after?(world: FaultWorld, state: HttpState): Promise<void>;
}

const shown = (log: RequestLog, from: number, to = log.entries.length) =>
  log.entries.slice(from, to).map((e) => {
    const path = new URL(e.url).pathname
      .replace(/^\/v1\/[0-9a-f]{32}/, '/v1/{p}')
      .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '{w}');
    return `${e.method} ${path} ${e.status ?? '-'}`;
  });

function httpScenario(spec: HttpFaultSpec): FaultScenario<HttpState> {
  return {
    id: spec.id,
    title: spec.title,
    cheap: true,
    async inject(world) {
      const log = new RequestLog();
      const built = await spec.setup(world, log);
      const state: HttpState = { ...built, log, atAct: 0, atRetry: 0, extra: {} };
      await spec.inject(world, state);
      state.atAct = log.entries.length;
      return state;
    },
    act: (_world, state) => state.call(),
    expected: () => spec.expected,
    async clear(world, state) {
      await spec.clear(world, state);
      state.atRetry = state.log.entries.length;
    },
    retry: (_world, state) => state.call(),
    async touchedOnlyFailed(world, state) {
      try {
        expect(shown(state.log, state.atAct, state.atRetry), 'requests of the failed call').toEqual(
          spec.during,
        );
        expect(shown(state.log, state.atRetry), 'requests of the retry').toEqual(spec.retried);
        await spec.after?.(world, state);
      } finally {
        state.session.close();
      }
    },
  };
}

/** Cloud B's admin through the Keystone proxy (its catalog's Neutron is the Neutron proxy). */
async function proxiedAdmin(
  world: FaultWorld,
  log: RequestLog,
  timeoutMs?: number,
): Promise<KeystoneSession> {
  const { authUrl } = await world.proxies();
  const b = world.lab.clouds.B;
  return new KeystoneSession({
    authUrl,
    region: b.region,
    auth: { kind: 'password', ...b.admin },
    http: { onRequest: log.hook, retryDelayMs: 50, ...(timeoutMs ? { timeoutMs } : {}) },
  });
}

const domainB = (lab: LabJson) => lab.clouds.B.domain;
const project = (lab: LabJson, name: string) => lab.clouds.B.projects[name] ?? '';
const login = 'POST /v3/auth/tokens';

export const httpScenarios: FaultScenario<HttpState>[] = [
  httpScenario({
    id: 'keystone-401-expired-token',
    title: 'Keystone 401 on an expired (revoked) token, and again after the one re-login',
    async setup(world, log) {
      const session = await proxiedAdmin(world, log);
      const keystone = new KeystoneClient(session);
      const call = () => keystone.listProjects(domainB(world.lab));
      const warm = await call();
      expect(warm.ok).toBe(true);
      return { session, call };
    },
    async inject(world) {
      const { keystone } = await world.proxies();
      // The token ends behind the session's back (real Keystone revokes it) …
      const other = adminSession(world.lab);
      const revoked = await other.identity({
        method: 'DELETE',
        path: '/auth/tokens',
        headers: { 'X-Subject-Token': keystone.tokens.at(-1)! },
      });
      other.close();
      expect(revoked.ok).toBe(true);
      // … and the repeat after the re-login is refused too (a token rejected as soon as it is issued).
      keystone.inject({ method: 'GET', pathRegex: /\/v3\/domains/, status: 401, count: 1, skip: 1 });
    },
    clear: async (world) => (await world.proxies()).keystone.clear(),
    expected: {
      code: 'http',
      httpStatus: 401,
      request: /^GET http:\/\/127\.0\.0\.1:\d+\/v3\/domains/,
      hint: /credentials/,
    },
    // One 401 from Keystone itself, one re-login, the repeat refused: no loop of logins.
    during: ['GET /v3/domains 401', `${login} 201`, 'GET /v3/domains 401'],
    // The new token is kept: no second login.
    retried: ['GET /v3/domains 200', 'GET /v3/projects 200'],
  }),
  httpScenario({
    id: 'keystone-5xx',
    title: 'Keystone 5xx (503 on login, through all retries)',
    async setup(world, log) {
      const session = await proxiedAdmin(world, log);
      const keystone = new KeystoneClient(session);
      return { session, call: () => keystone.listProjects(domainB(world.lab)) };
    },
    inject: async (world) =>
      (await world.proxies()).keystone.inject({
        method: 'POST',
        pathRegex: /\/auth\/tokens$/,
        status: 503,
        count: 3,
      }),
    clear: async (world) => (await world.proxies()).keystone.clear(),
    expected: {
      code: 'http',
      httpStatus: 503,
      message: /after 3 attempts/,
      request: /^POST http:\/\/127\.0\.0\.1:\d+\/v3\/auth\/tokens$/,
      hint: /unhealthy/,
    },
    during: [`${login} 503`, `${login} 503`, `${login} 503`],
    retried: [`${login} 201`, 'GET /v3/domains 200', 'GET /v3/projects 200'],
  }),
  httpScenario({
    id: 'keystone-slow',
    title: 'Keystone slow response (timeout, not retried)',
    async setup(world, log) {
      const session = await proxiedAdmin(world, log, 1000);
      const keystone = new KeystoneClient(session);
      return { session, call: () => keystone.listProjects(domainB(world.lab)) };
    },
    inject: async (world) =>
      (await world.proxies()).keystone.inject({
        method: 'POST',
        pathRegex: /\/auth\/tokens$/,
        delayMs: 4000,
        count: 1,
      }),
    clear: async (world) => (await world.proxies()).keystone.clear(),
    expected: {
      code: 'http',
      message: /did not answer POST .* within 1 s/,
      request: /^POST .*\/v3\/auth\/tokens$/,
      hint: /slow/,
    },
    during: [`${login} -`],
    retried: [`${login} 201`, 'GET /v3/domains 200', 'GET /v3/projects 200'],
  }),
  httpScenario({
    id: 'neutron-5xx',
    title: 'Neutron 5xx (503 through all retries)',
    async setup(world, log) {
      const session = await proxiedAdmin(world, log);
      const neutron = new NeutronClient(session);
      const call = () => neutron.listNetworks(project(world.lab, 'finance-dr'));
      expect((await session.tokenInfo()).ok).toBe(true);
      return { session, call };
    },
    inject: async (world) =>
      (await world.proxies()).neutron.inject({
        method: 'GET',
        pathRegex: /\/v2\.0\/networks/,
        status: 503,
        count: 3,
      }),
    clear: async (world) => (await world.proxies()).neutron.clear(),
    expected: {
      code: 'http',
      httpStatus: 503,
      message: /^Neutron answered GET .*\(after 3 attempts\)/,
      request: /^GET http:\/\/127\.0\.0\.1:\d+\/v2\.0\/networks\?project_id=/,
      hint: /unhealthy/,
    },
    during: ['GET /v2.0/networks 503', 'GET /v2.0/networks 503', 'GET /v2.0/networks 503'],
    retried: ['GET /v2.0/networks 200'],
  }),
  httpScenario({
    id: 'neutron-slow',
    title: 'Neutron slow response (timeout, not retried)',
    async setup(world, log) {
      const session = await proxiedAdmin(world, log, 1500);
      const neutron = new NeutronClient(session);
      expect((await session.tokenInfo()).ok).toBe(true);
      return { session, call: () => neutron.listNetworks(project(world.lab, 'finance-dr')) };
    },
    inject: async (world) =>
      (await world.proxies()).neutron.inject({
        method: 'GET',
        pathRegex: /\/v2\.0\/networks/,
        delayMs: 5000,
        count: 1,
      }),
    clear: async (world) => (await world.proxies()).neutron.clear(),
    expected: {
      code: 'http',
      message: /^Neutron did not answer GET .* within 1\.5 s/,
      request: /\/v2\.0\/networks/,
      hint: /slow/,
    },
    during: ['GET /v2.0/networks -'],
    retried: ['GET /v2.0/networks 200'],
  }),
  httpScenario({
    id: 'trilio-5xx',
    title: 'Trilio 5xx (503 through all retries)',
    async setup(world, log) {
      const session = userSession(world.lab, 'alice-dr', log);
      const trilio = new TrilioClient(session);
      expect((await session.tokenInfo()).ok).toBe(true);
      return { session, call: () => trilio.listWorkloads() };
    },
    inject: () => injectFault({ method: 'GET', pathRegex: '/workloads$', status: 503, count: 3 }),
    clear: () => clearFaults(),
    expected: {
      code: 'http',
      httpStatus: 503,
      message: /^Trilio answered GET .*\(after 3 attempts\)/,
      request: /^GET http:\/\/127\.0\.0\.1:8780\/v1\/[0-9a-f]{32}\/workloads$/,
      hint: /unhealthy/,
    },
    during: ['GET /v1/{p}/workloads 503', 'GET /v1/{p}/workloads 503', 'GET /v1/{p}/workloads 503'],
    retried: ['GET /v1/{p}/workloads 200'],
  }),
  httpScenario({
    id: 'trilio-500-on-create',
    title: 'Trilio 500 on a POST (creating a trust): never repeated by itself',
    async setup(world, log) {
      const session = userSession(world.lab, 'alice-dr', log);
      const trilio = new TrilioClient(session);
      expect((await session.tokenInfo()).ok).toBe(true);
      return { session, call: () => trilio.createTrust({ role_name: world.lab.trusteeRole }) };
    },
    async inject(_world, state) {
      const trusts = await new TrilioClient(state.session).listTrusts();
      expect(trusts.ok).toBe(true);
      state.extra.before = trusts.ok ? trusts.value.length : 0;
      await injectFault({ method: 'POST', pathRegex: '/trusts$', status: 500, count: 1 });
    },
    clear: () => clearFaults(),
    expected: { code: 'http', httpStatus: 500, request: /^POST .*\/trusts$/, hint: /unhealthy/ },
    during: ['POST /v1/{p}/trusts 500'],
    retried: ['POST /v1/{p}/trusts 200'],
    async after(_world, state) {
      const trusts = await new TrilioClient(state.session).listTrusts();
      expect(trusts.ok && trusts.value.length, 'exactly one trust more').toBe(
        (state.extra.before as number) + 1,
      );
    },
  }),
  httpScenario({
    id: 'trilio-slow',
    title: 'Trilio slow response (timeout, not retried)',
    async setup(world, log) {
      const session = adminSession(world.lab, log, undefined, { timeoutMs: 1000 });
      const trilio = new TrilioClient(session);
      expect((await session.tokenInfo()).ok).toBe(true);
      return { session, call: () => trilio.listNodes() };
    },
    inject: () =>
      injectFault({ method: 'GET', pathRegex: '/workloads/metrics/nodes', delayMs: 4000, count: 1 }),
    clear: () => clearFaults(),
    expected: {
      code: 'http',
      message: /^Trilio did not answer GET .*\/workloads\/metrics\/nodes within 1 s/,
      request: /metrics\/nodes/,
      hint: /slow/,
    },
    during: ['GET /v1/{p}/workloads/metrics/nodes -'],
    retried: ['GET /v1/{p}/workloads/metrics/nodes 200'],
  }),
  httpScenario({
    id: 'trilio-404-workload',
    title: 'Trilio 404 for a workload',
    async setup(world, log) {
      const session = userSession(world.lab, 'alice-dr', log);
      const trilio = new TrilioClient(session);
      const managed = world.lab.workloads.find((w) => w.managed)!;
      expect((await session.tokenInfo()).ok).toBe(true);
      return { session, call: () => trilio.getWorkload(managed.id) };
    },
    inject: (world) =>
      injectFault({
        method: 'GET',
        pathRegex: `/workloads/${world.lab.workloads.find((w) => w.managed)!.id}$`,
        status: 404,
        count: 1,
      }),
    clear: () => clearFaults(),
    expected: {
      code: 'http',
      httpStatus: 404,
      request: /^GET .*\/workloads\/[0-9a-f-]{36}$/,
      hint: /does not know/,
    },
    during: ['GET /v1/{p}/workloads/{w} 404'],
    retried: ['GET /v1/{p}/workloads/{w} 200'],
  }),
];
