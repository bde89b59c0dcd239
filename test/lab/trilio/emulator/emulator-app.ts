import type { IncomingMessage, ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { GeneratedWorld } from '../world-types.js';
import { applianceRoutes } from './appliance-routes.js';
import { cinderVolumeRoutes } from './cinder-volume-routes.js';
import { ApplianceDb, emptyState, nowText } from './appliance-db.js';
import type { EmulatorConfig } from './emulator-config.js';
import { Faults } from './faults.js';
import { HttpError, faultBody, policyRefusal, readJsonBody, sendJson } from './http-kit.js';
import { KeystoneClient } from './keystone-client.js';
import { LabHosts } from './lab-hosts.js';
import { LoadModel } from './load-model.js';
import { labRoutes } from './lab-routes.js';
import { NeutronClient } from './neutron-client.js';
import { NovaCinderDb } from './nova-cinder-db.js';
import { novaCinderRoutes } from './nova-cinder-routes.js';
import { novaServerRoutes } from './nova-server-routes.js';
import { RestoreFailures } from './restore-failures.js';
import { RestoreRunner } from './restore-runner.js';
import { restoreRoutes } from './restore-routes.js';
import { compileRoute, matchRoute, type CompiledRoute, type RequestContext } from './routing.js';
import { readWorkloadRows } from './share-scan.js';
import { snapshotRoutes } from './snapshot-routes.js';
import { resolveTrilioProfile, type TrilioProfile } from './trilio-profile.js';
import { workloadRoutes } from './workload-routes.js';

/**
 * The Trilio workloadmgr API emulator: routes, Keystone token checks, the appliance database and the
 * lab world it derives its answers from. `handle` serves one HTTP request.
 */
export class EmulatorApp {
  readonly db: ApplianceDb;
  readonly keystone: KeystoneClient;
  readonly neutron: NeutronClient;
  readonly hosts: LabHosts;
  readonly faults = new Faults();
  readonly restoreFailures = new RestoreFailures();
  /** The benchmarks' loaded appliance (off unless `POST /_lab/load` turns it on). */
  readonly load = new LoadModel();
  /** Cloud B's Nova servers and Cinder volumes that restores made (`nova-cinder.json` beside the database). */
  readonly novaCinder: NovaCinderDb;
  readonly runner: RestoreRunner;
  readonly baseUrl: string;
  /** The release and installer this appliance plays (defaults = today's lab). */
  readonly profile: TrilioProfile;
  private readonly routes: CompiledRoute[];

  constructor(readonly config: EmulatorConfig) {
    this.profile = resolveTrilioProfile(config);
    this.db = new ApplianceDb(config.stateFile);
    this.novaCinder = new NovaCinderDb(
      path.join(path.dirname(config.stateFile), 'nova-cinder.json'),
      config.restoreStepMs,
    );
    this.keystone = new KeystoneClient(config);
    this.neutron = new NeutronClient(
      config.neutronUrl,
      () => this.keystone.serviceToken(),
      () => this.load.neutronCacheMs(),
    );
    this.hosts = new LabHosts(config, this.profile);
    this.runner = new RestoreRunner(this);
    this.baseUrl = `http://${config.host}:${config.port}`;
    this.routes = [
      ...labRoutes(this),
      ...applianceRoutes(this),
      ...workloadRoutes(this),
      ...snapshotRoutes(this),
      ...restoreRoutes(this),
      ...novaCinderRoutes(this),
      ...novaServerRoutes(this),
      ...cinderVolumeRoutes(this),
    ].map(compileRoute);
  }

  /** Restores running now (a busy appliance counts these against its limit). */
  runningRestores(): number {
    let n = 0;
    for (const r of Object.values(this.db.state.restores))
      if (r.status === 'restoring' || r.status === 'executing' || r.status === 'cancelling') n += 1;
    return n;
  }

  /** Loads the database (or makes the generated world's); restores cut off by a restart end in error. */
  async start(): Promise<void> {
    await this.novaCinder.load();
    if (!(await this.db.load())) await this.resetToWorld();
    let changed = false;
    for (const restore of Object.values(this.db.state.restores))
      if (
        restore.status === 'restoring' ||
        restore.status === 'executing' ||
        restore.status === 'cancelling'
      ) {
        restore.status = 'error';
        restore.error_msg =
          'Failed restoring snapshot: Restore was interrupted: the workloadmgr services restarted.';
        restore.updated_at = nowText();
        restore.finished_at = restore.updated_at;
        const workload = this.db.state.workloads[restore.workload_id];
        if (workload?.status === 'locked') workload.status = 'available';
        changed = true;
      }
    for (const snapshot of Object.values(this.db.state.snapshots))
      if (snapshot.status === 'restoring') {
        snapshot.status = 'available';
        changed = true;
      }
    if (changed) await this.db.save();
  }

  /**
   * The appliance as the lab generated it: its database holds exactly its own (managed) workloads,
   * imported from their folders on the share; no restores, trusts or injected faults, and no servers
   * or volumes in Nova and Cinder.
   */
  async resetToWorld(): Promise<{ workloads: number }> {
    this.runner.stopAll();
    this.faults.clear();
    this.restoreFailures.clear();
    this.load.clear();
    await this.db.lazyWrites(0);
    await this.novaCinder.lazyWrites(0);
    await this.novaCinder.clear();
    const state = emptyState();
    const world = JSON.parse(await readFile(this.config.worldFile, 'utf8')) as GeneratedWorld;
    const registry = JSON.parse(await readFile(this.config.exportsRegistry, 'utf8')) as Record<
      string,
      string
    >;
    for (const wl of world.workloads.filter((w) => w.managed)) {
      const dir = registry[wl.shareExport];
      if (!dir) continue;
      const rows = await readWorkloadRows(path.join(dir, `workload_${wl.id}`), wl.shareExport);
      state.workloads[wl.id] = rows.workload;
      for (const snap of rows.snapshots) state.snapshots[snap.id] = snap;
    }
    this.db.state = state;
    await this.db.save();
    return { workloads: Object.keys(state.workloads).length };
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now();
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', this.baseUrl);
    let status = 500;
    try {
      const reply = await this.dispatch(req, method, url);
      status = reply.status;
      sendJson(res, reply.status, reply.body, reply.headers);
    } catch (error) {
      status = error instanceof HttpError ? error.status : 500;
      const message = error instanceof Error ? error.message : String(error);
      if (!(error instanceof HttpError)) console.error(`${method} ${url.pathname}: ${String(error)}`);
      sendJson(
        res,
        status,
        faultBody(status, message),
        status === 401 ? { 'WWW-Authenticate': `Keystone uri="${this.config.keystoneUrl}"` } : {},
      );
    } finally {
      console.log(
        `${new Date().toISOString()} ${method} ${url.pathname}${url.search} ${status} ${Date.now() - started}ms`,
      );
    }
  }

  private async dispatch(
    req: IncomingMessage,
    method: string,
    url: URL,
  ): Promise<{ status: number; body?: unknown; headers?: Record<string, string> }> {
    const isLab = url.pathname.startsWith('/_lab/');
    if (!isLab) {
      const fault = this.faults.take(method, `${url.pathname}${url.search}`);
      if (fault?.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
      if (fault?.status !== undefined) {
        await readJsonBody(req).catch(() => undefined);
        return {
          status: fault.status,
          body: fault.body ?? faultBody(fault.status, 'Fault injected by the DR lab.'),
        };
      }
      const slow = this.load.slowDelayMs(method);
      if (slow > 0) await new Promise((resolve) => setTimeout(resolve, slow));
    }
    const found = matchRoute(this.routes, method, url.pathname);
    if (!('route' in found))
      throw found.methodMismatch
        ? new HttpError(405, 'The method is not allowed for the requested URL.')
        : new HttpError(404, 'The resource could not be found.');
    const { route, params } = found;
    if (route.auth === 'loopback') {
      const remote = req.socket.remoteAddress ?? '';
      if (!remote.startsWith('127.') && remote !== '::1' && !remote.startsWith('::ffff:127.'))
        throw new HttpError(403, 'Lab controls answer on loopback only.');
    }
    const ctx: RequestContext = {
      method,
      url,
      params,
      body: undefined,
      token: {
        userId: '',
        userName: '',
        projectId: '',
        projectName: '',
        roles: [],
        isAdmin: false,
        expiresAt: 0,
      },
      view: { baseUrl: this.baseUrl, projectId: params.project ?? '' },
    };
    if (route.auth === 'token') {
      const header = req.headers['x-auth-token'];
      const token = Array.isArray(header) ? header[0] : header;
      if (!token) throw new HttpError(401, 'missing token');
      const info = await this.keystone.validate(token);
      if (!info) throw new HttpError(401, 'invalid token');
      ctx.token = info;
      ctx.view = {
        ...ctx.view,
        isAdmin: info.isAdmin,
        globalJobScheduler: this.db.state.globalJobScheduler !== false,
      };
      if (params.project !== undefined && params.project !== info.projectId)
        throw new HttpError(
          400,
          `Malformed request url: the project in the URL (${params.project}) is not the project the token is scoped to (${info.projectId || 'unscoped'}).`,
        );
      if (route.adminPolicy && !info.isAdmin) throw policyRefusal(route.adminPolicy);
    }
    ctx.body = await readJsonBody(req);
    return route.handler(ctx);
  }
}
