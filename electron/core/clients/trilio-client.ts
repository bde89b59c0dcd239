import { fail, ok, type Result } from '../../../shared/result.js';
import type { HttpResponse } from './http-client.js';
import { substituteProject } from './keystone-catalog.js';
import type { KeystoneSession } from './keystone-session.js';
import { serviceRequest, type ServiceRequest, type ServiceTarget } from './service-request.js';
import { validateReassignMaps } from './trilio-reassign.js';
import type {
  CreateTrustRequest,
  ReassignMap,
  ReassignResult,
  RestoreRequest,
  TrilioContegoService,
  TrilioLicense,
  TrilioNode,
  TrilioRestore,
  TrilioSetting,
  TrilioSnapshot,
  TrilioTrust,
  TrilioWorkload,
} from './trilio-types.js';

/**
 * The Trilio workloadmgr API v1, one method per call the DR wizard makes (reference/trilio-api.md).
 * The URL is the catalog's `workloads` service (in the session's region and interface, both from the
 * profile) or the profile's `trilioUrl` override, completed to `…/v1/<project id of the token>`.
 * Every call carries `X-Auth-Project-Id` (the token's project id) besides the token, as
 * python-workloadmgrclient sends it and Trilio's API guide lists it for every call.
 */

type Opts = { signal?: AbortSignal };

export interface TrilioClientOptions {
  /** Profile override (`CloudConfig.trilioUrl`); empty uses the catalog. */
  url?: string;
}

export class TrilioClient {
  private readonly target: ServiceTarget;

  constructor(
    private readonly session: KeystoneSession,
    private readonly options: TrilioClientOptions = {},
  ) {
    this.target = { service: 'Trilio', type: 'workloads' };
  }

  /** The API base used for the calls (`…/v1/<project id>`). */
  async baseUrl(opts: Opts = {}): Promise<Result<string>> {
    const target = await this.apiTarget(opts);
    return target.ok ? ok(target.value.base) : target;
  }

  /** The API base and the project id the token is scoped to (sent as `X-Auth-Project-Id`). */
  private async apiTarget(opts: Opts): Promise<Result<{ base: string; projectId: string }>> {
    const info = await this.session.tokenInfo(opts.signal);
    if (!info.ok) return info;
    const override = this.options.url?.trim();
    const url = override
      ? ok(override)
      : await this.session.endpoint(this.target.type, { signal: opts.signal });
    if (!url.ok)
      return fail({
        ...url.error,
        hint: `${url.error.hint ?? ''} Trilio registers as service type "workloads" (TrilioVaultWLM); if it is not in the catalog, set the Trilio URL in the cloud's profile settings.`.trim(),
      });
    const { projectId } = info.value;
    return ok({ base: trilioApiBase(url.value, projectId), projectId });
  }

  // ── workloads ────────────────────────────────────────────────────────────

  /** `workload-list`; admins may list every project's (`allWorkloads`) or one project's workloads. */
  listWorkloads(
    opts: Opts & { detail?: boolean; allWorkloads?: boolean; projectId?: string } = {},
  ): Promise<Result<TrilioWorkload[]>> {
    return this.get(opts.detail ? '/workloads/detail' : '/workloads', 'workloads', {
      signal: opts.signal,
      query: { all_workloads: opts.allWorkloads ? 'True' : undefined, project_id: opts.projectId },
    });
  }

  /** `workload-show`. */
  getWorkload(workloadId: string, opts: Opts = {}): Promise<Result<TrilioWorkload>> {
    return this.get(`/workloads/${seg(workloadId)}`, 'workload', opts);
  }

  /**
   * `workload-delete`; `databaseOnly` removes the workload from Trilio's database and keeps its backup
   * data on the share (what the DR clean-up of a second DR needs).
   */
  async deleteWorkload(
    workloadId: string,
    opts: Opts & { databaseOnly?: boolean } = {},
  ): Promise<Result<void>> {
    const answer = await this.call({
      method: 'DELETE',
      path: `/workloads/${seg(workloadId)}`,
      query: { database_only: opts.databaseOnly ? 'True' : undefined },
      signal: opts.signal,
    });
    return answer.ok ? ok(undefined) : answer;
  }

  /**
   * `workload-modify --jobschedule …`: `PUT /workloads/{id}` with `{"workload": {"jobschedule": …}}`
   * (Trilio answers 202). Trilio fills the keys the body leaves out from the stored schedule and sets
   * the workload's `user_id` to the caller (workloadmgr `workload_modify`).
   */
  async updateJobSchedule(
    workloadId: string,
    jobschedule: Record<string, unknown>,
    opts: Opts = {},
  ): Promise<Result<void>> {
    const answer = await this.call({
      method: 'PUT',
      path: `/workloads/${seg(workloadId)}`,
      body: { workload: { jobschedule } },
      signal: opts.signal,
    });
    return answer.ok ? ok(undefined) : answer;
  }

  /**
   * `workload-get-orphaned-workloads-list`: workloads on the backup target whose project or user does
   * not exist in this cloud. `migrateCloud` (default true) lists those written by another cloud.
   */
  listOrphanedWorkloads(opts: Opts & { migrateCloud?: boolean } = {}): Promise<Result<TrilioWorkload[]>> {
    // The route ends in a slash and Trilio compares the value to the strings "True"/"true".
    return this.get('/workloads/orphan_workloads/', 'workloads', {
      signal: opts.signal,
      query: { migrate_cloud: opts.migrateCloud === false ? 'False' : 'True' },
    });
  }

  /**
   * `workload-reassign-workloads` (the route is spelled `reasign_workloads`). The maps are checked
   * first; an invalid body is a `validation` error and nothing is sent.
   */
  async reassignWorkloads(maps: readonly ReassignMap[], opts: Opts = {}): Promise<Result<ReassignResult>> {
    const body = validateReassignMaps(maps);
    if (!body.ok) return body;
    const answer = await this.call<{ workloads?: Partial<ReassignResult> }>({
      method: 'POST',
      path: '/workloads/reasign_workloads',
      body: body.value,
      signal: opts.signal,
    });
    if (!answer.ok) return answer;
    const result = answer.value.body?.workloads ?? {};
    return ok({
      reassigned_workloads: result.reassigned_workloads ?? [],
      failed_workloads: result.failed_workloads ?? [],
    });
  }

  // ── snapshots and restores ───────────────────────────────────────────────

  /** `snapshot-list --workload_id W`, oldest first. */
  async listSnapshots(
    workloadId: string,
    opts: Opts & { detail?: boolean } = {},
  ): Promise<Result<TrilioSnapshot[]>> {
    const path = `/workloads/${seg(workloadId)}/snapshots${opts.detail ? '/detail' : ''}`;
    const listed = await this.get<TrilioSnapshot[]>(path, 'snapshots', opts);
    if (!listed.ok) return listed;
    return ok([...listed.value].sort((a, b) => (a.created_at ?? '').localeCompare(b.created_at ?? '')));
  }

  /** `snapshot-show`: instances with their NICs (`--output networks`) and disks (`--output disks`). */
  getSnapshot(
    snapshotId: string,
    opts: Opts & { workloadId?: string } = {},
  ): Promise<Result<TrilioSnapshot>> {
    const path = opts.workloadId
      ? `/workloads/${seg(opts.workloadId)}/snapshots/${seg(snapshotId)}`
      : `/snapshots/${seg(snapshotId)}`;
    return this.get(path, 'snapshot', opts);
  }

  /**
   * `snapshot-selective-restore` / `snapshot-oneclick-restore`: starts a restore and returns it
   * (status `restoring`); poll `getRestore`. Never retried: a repeat would start a second restore.
   */
  async restoreSnapshot(
    snapshotId: string,
    request: RestoreRequest,
    opts: Opts = {},
  ): Promise<Result<TrilioRestore>> {
    const answer = await this.call<{ restore?: TrilioRestore }>({
      method: 'POST',
      path: `/snapshots/${seg(snapshotId)}`,
      body: { restore: { name: request.name, description: request.description, options: request.options } },
      signal: opts.signal,
    });
    if (!answer.ok) return answer;
    const restore = answer.value.body?.restore;
    return restore ? ok(restore) : this.shapeError('POST', `/snapshots/${snapshotId}`, 'restore');
  }

  /** `restore-list --snapshot_id S` (detail view): the token's project's restores of a snapshot. */
  listRestores(snapshotId: string, opts: Opts = {}): Promise<Result<TrilioRestore[]>> {
    return this.get('/restores/detail', 'restores', {
      signal: opts.signal,
      query: { snapshot_id: snapshotId },
    });
  }

  /** `restore-show`: `status` goes restoring → available | error (`error_msg`, `progress_percent`). */
  getRestore(restoreId: string, opts: Opts = {}): Promise<Result<TrilioRestore>> {
    return this.get(`/restores/${seg(restoreId)}`, 'restore', opts);
  }

  /** `restore-cancel` (a GET in Trilio's API). */
  async cancelRestore(restoreId: string, opts: Opts = {}): Promise<Result<void>> {
    const answer = await this.call({
      method: 'GET',
      path: `/restores/${seg(restoreId)}/cancel`,
      signal: opts.signal,
    });
    return answer.ok ? ok(undefined) : answer;
  }

  /** `restore-delete`: removes the restore record (not the restored VMs). */
  async deleteRestore(restoreId: string, opts: Opts = {}): Promise<Result<void>> {
    const answer = await this.call({
      method: 'DELETE',
      path: `/restores/${seg(restoreId)}`,
      signal: opts.signal,
    });
    return answer.ok ? ok(undefined) : answer;
  }

  // ── trusts, settings, appliance ──────────────────────────────────────────

  /** `trust-list`: trusts that let Trilio act for the token's user in this project. */
  async listTrusts(opts: Opts = {}): Promise<Result<TrilioTrust[]>> {
    const answer = await this.call<Record<string, unknown>>({
      method: 'GET',
      path: '/trusts',
      signal: opts.signal,
    });
    if (!answer.ok) return answer;
    // Releases answer `{"trust": [...]}` or `{"trusts": [...]}`.
    const list = answer.value.body?.trust ?? answer.value.body?.trusts ?? [];
    return Array.isArray(list) ? ok(list as TrilioTrust[]) : this.shapeError('GET', '/trusts', 'trust');
  }

  /** `trust-create <role>`: a Keystone trust for the token's user with the trustee role. */
  async createTrust(request: CreateTrustRequest, opts: Opts = {}): Promise<Result<TrilioTrust[]>> {
    if (!request.role_name.trim())
      return fail({
        code: 'validation',
        message: 'A Trilio trust needs at least one role name.',
        hint: "Set the trustee role in the profile's Trilio settings.",
      });
    const answer = await this.call<Record<string, unknown>>({
      method: 'POST',
      path: '/trusts',
      body: { trusts: { role_name: request.role_name, is_cloud_trust: request.is_cloud_trust ?? false } },
      signal: opts.signal,
    });
    if (!answer.ok) return answer;
    const made = answer.value.body?.trust ?? answer.value.body?.trusts ?? [];
    return ok((Array.isArray(made) ? made : [made]) as TrilioTrust[]);
  }

  /** `setting-list`. */
  listSettings(opts: Opts = {}): Promise<Result<TrilioSetting[]>> {
    return this.get('/settings', 'settings', opts);
  }

  /** `license-list`. */
  getLicense(opts: Opts = {}): Promise<Result<TrilioLicense>> {
    return this.get('/workloads/metrics/license', 'license', opts);
  }

  /** `workload-nodes`: the appliance nodes (wlm-workloads services). */
  listNodes(opts: Opts = {}): Promise<Result<TrilioNode[]>> {
    return this.get('/workloads/metrics/nodes', 'nodes', opts);
  }

  /** Datamover (tvault-contego) services on the compute nodes and their state. */
  contegoStatus(opts: Opts = {}): Promise<Result<TrilioContegoService[]>> {
    return this.get('/workloads/metrics/contego_status', 'contego_services', opts);
  }

  // ── plumbing ─────────────────────────────────────────────────────────────

  /**
   * Any call below `…/v1/<project id>` (a planned API action replayed as shown), with the same URL
   * and headers as the typed calls.
   */
  request<T = unknown>(req: ServiceRequest): Promise<Result<HttpResponse<T>>> {
    return this.call<T>(req);
  }

  private async call<T = unknown>(req: ServiceRequest): Promise<Result<HttpResponse<T>>> {
    const target = await this.apiTarget({ signal: req.signal });
    if (!target.ok) return target;
    const headers = { ...req.headers, 'X-Auth-Project-Id': target.value.projectId };
    return serviceRequest<T>(
      this.session,
      { ...this.target, fixedUrl: target.value.base },
      { ...req, headers },
    );
  }

  /** GET `path` and return the body's `key` (Trilio wraps every answer in one named member). */
  private async get<T>(
    path: string,
    key: string,
    req: Omit<ServiceRequest, 'method' | 'path'>,
  ): Promise<Result<T>> {
    const answer = await this.call<Record<string, unknown>>({ ...req, method: 'GET', path });
    if (!answer.ok) return answer;
    const value = answer.value.body?.[key];
    return value === undefined ? this.shapeError('GET', path, key) : ok(value as T);
  }

  private shapeError<T>(method: string, path: string, key: string): Result<T> {
    return fail({
      code: 'http',
      message: `Trilio answered ${method} ${path} without the expected "${key}" member.`,
      hint: 'The Trilio API version may differ from what the wizard supports; check the Trilio release.',
      request: `${method} ${path}`,
    });
  }
}

/**
 * `…/v1/<projectId>` from a catalog URL or a profile override: placeholders are filled, and a URL that
 * stops at the host or at `/v1` is completed.
 */
export function trilioApiBase(url: string, projectId: string): string {
  const filled = substituteProject(url.trim(), projectId).replace(/\/+$/, '');
  if (/\/v1\/[^/]+$/.test(filled)) return filled;
  if (/\/v1$/.test(filled)) return `${filled}/${projectId}`;
  return `${filled}/v1/${projectId}`;
}

/** An id as one path segment (ids come from APIs and users; a `/` must not change the route). */
function seg(id: string): string {
  return encodeURIComponent(id);
}
