import type { RestoredInstance, RestoredWorkload } from '../../../../shared/report/restore-outcome.js';
import { formatApiCallLog } from '../../../../shared/report/run-log.js';
import {
  parseRestoreChangeId,
  pickSnapshot,
  planRestore,
  restoreActionId,
  restoreChangeId,
  snapshotInstancesOf,
  type RestoreFacts,
  type RestoreRequestBody,
  type SnapshotSummary,
  type TargetNetwork,
} from '../../../../shared/plans/restore-plan.js';
import type { RestoreJson } from '../../../../shared/restore/restore-json.js';
import { fail, ok, type Result } from '../../../../shared/result.js';
import type { ApiAction } from '../../../../shared/run/plan-types.js';
import type { VerifyRow } from '../../../../shared/run/run-types.js';
import { CinderClient } from '../../clients/cinder-client.js';
import { openCloudSession } from '../../clients/cloud-session.js';
import type { HttpRequestLog } from '../../clients/http-client.js';
import type { CloudClients } from '../../clients/index.js';
import { KeystoneClient } from '../../clients/keystone-client.js';
import { NeutronClient } from '../../clients/neutron-client.js';
import { NovaClient } from '../../clients/nova-client.js';
import { TrilioClient } from '../../clients/trilio-client.js';
import type { TrilioRestore } from '../../clients/trilio-types.js';
import type { StepDefinition } from '../../runs/step-definition.js';
import type { GetSecret } from '../../ssh/credentials.js';
import type { DrContext } from '../remote-action.js';
import type { RunServices } from '../run-services.js';
import { findTargetProject, singleRunParams } from './access-step.js';

/**
 * Runbook: "List all Snapshots … Get Snapshot Details … restore.json … do the actual restore … the
 * restore status is checked." The restore runs with a token of the TARGET project (the admin user got a
 * role there in the Access step), so Trilio creates the VMs there and maps networks of that project.
 *
 * Idempotence: a started restore is recorded as a change `restore:<snapshot>:<restore id>` (no undo:
 * removing restored VMs is the owner's decision; clean-up deletes the workload record). Running the step
 * again follows the newest recorded restore of the snapshot while it is restoring or available, and
 * starts a new one only after it ended in error or was cancelled.
 */

export interface RestoreStepOptions {
  /** How often the restore's status is read; default 2 s. */
  pollMs?: number;
}

export interface RestoreStepData {
  restoreId: string;
  snapshotId: string;
  status: string;
  instances: RestoredInstance[];
  availableAt: string;
  restoreJson: RestoreJson;
  /** The report's and the notifications' view (`RestoreOutcomeData`). */
  workloads: RestoredWorkload[];
}

const FINAL = new Set(['available', 'error', 'cancelled']);

export function createRestoreStep(
  options: RestoreStepOptions = {},
): StepDefinition<RestoreFacts, RunServices> {
  const pollMs = options.pollMs ?? 2000;
  return {
    key: 'restore',
    async discover(ctx) {
      const params = singleRunParams(ctx);
      if (!params.ok) return params;
      const workloadId = params.value.workloadId.trim();
      if (!workloadId)
        return fail({
          code: 'validation',
          message: 'The run has no workload to restore.',
          hint: 'Choose the workload in the “Find the workload” step.',
          fields: [{ path: 'workloadId', message: 'required' }],
        });
      const admin = await ctx.services.clouds.target();
      if (!admin.ok) return admin;
      const project = await findTargetProject(ctx, admin.value, params.value.targetProject);
      if (!project.ok) return project;
      const target = { ...project.value };
      return withProjectClients(
        ctx,
        target,
        () => false,
        async (clients) => {
          const info = await clients.session.tokenInfo(ctx.signal);
          if (!info.ok) return info;
          const workload = await clients.trilio.getWorkload(workloadId, { signal: ctx.signal });
          if (!workload.ok)
            return workload.error.httpStatus === 404
              ? fail({
                  code: 'precondition',
                  message: `Trilio B does not list workload ${workloadId} in project ${target.name}.`,
                  hint: 'Run the Reassign step first: it assigns the orphaned workload to the project.',
                })
              : workload;
          const listed = await clients.trilio.listSnapshots(workloadId, { signal: ctx.signal });
          if (!listed.ok) return listed;
          const snapshots: SnapshotSummary[] = listed.value.map((s) => ({
            id: s.id,
            name: s.name,
            status: s.status,
            type: s.snapshot_type ?? '',
            createdAt: s.created_at ?? '',
          }));
          const picked = pickSnapshot(snapshots, params.value.snapshot, workload.value.name);
          if (!picked.ok) return picked;
          const detail = await clients.trilio.getSnapshot(picked.value.id, {
            workloadId,
            signal: ctx.signal,
          });
          if (!detail.ok) return detail;
          const instances = snapshotInstancesOf(detail.value.instances ?? []);
          if (instances.length === 0)
            return fail({
              code: 'precondition',
              message: `Snapshot ${picked.value.id} of ${workload.value.name} lists no VM to restore.`,
              hint: 'Choose another snapshot; check its snapshot_db on the share.',
            });
          const networks = await targetNetworks(ctx, clients, target.id);
          if (!networks.ok) return networks;
          ctx.log(
            `Snapshot ${picked.value.name} (${picked.value.id}, ${picked.value.createdAt}): ${instances.length} VM(s); ` +
              `${networks.value.length} network(s) usable in ${target.name}.`,
          );
          return ok({
            workloadId,
            workloadName: workload.value.name,
            targetProject: target,
            restoreAs: info.value.userName,
            snapshots,
            snapshot: picked.value,
            instances,
            networks: networks.value,
            availabilityZones: await zonesOf(ctx, clients),
            volumeTypes: await volumeTypesOf(ctx, clients),
          });
        },
      );
    },
    plan: (facts, ctx) => planRestore(facts, ctx.params.kind === 'single' ? ctx.params.restore : null),
    async execute(plan, facts, ctx) {
      const action = plan.actions.find(
        (a): a is ApiAction => a.kind === 'api' && a.id === restoreActionId(facts.snapshot.id),
      );
      if (!action) return fail({ code: 'internal', message: 'The restore plan has no restore request.' });
      const body = action.body as RestoreRequestBody;
      let polling = false;
      // The status polls are narrated by progress lines; logging each request would bury the log.
      const quiet = (e: HttpRequestLog) =>
        polling && e.method === 'GET' && e.status === 200 && /\/restores\/[^/]+$/.test(e.url);
      return withProjectClients(ctx, facts.targetProject, quiet, async (clients) => {
        const started = await followOrStart(ctx, clients, facts, action, body);
        if (!started.ok) return started;
        polling = true;
        const end = await follow(ctx, clients, started.value, pollMs);
        polling = false;
        if (!end.ok) return end;
        const restore = end.value.restore;
        if (restore.status !== 'available') return fail(restoreFailure(restore, facts));
        return ok(outcomeOf(ctx, facts, body, restore, end.value.availableAt));
      });
    },
  };
}

/** The restore step with the default 2 s status polling. */
export const restoreStep = createRestoreStep();

/** The newest restore of this snapshot recorded by this run while still usable, else a new restore. */
async function followOrStart(
  ctx: DrContext,
  clients: CloudClients,
  facts: RestoreFacts,
  action: ApiAction,
  body: RestoreRequestBody,
): Promise<Result<string>> {
  const recorded = ctx
    .changes()
    .filter((c) => c.step === ctx.step && c.kind === 'restore' && !c.undoneAt)
    .sort((a, b) => b.id - a.id)
    .map((c) => parseRestoreChangeId(c.actionId))
    .find((r) => r?.snapshotId === facts.snapshot.id);
  if (recorded) {
    const earlier = await clients.trilio.getRestore(recorded.restoreId, { signal: ctx.signal });
    if (!earlier.ok && earlier.error.httpStatus !== 404) return earlier;
    if (earlier.ok && earlier.value.status !== 'error' && earlier.value.status !== 'cancelled') {
      ctx.log(
        `Following restore ${recorded.restoreId} started earlier by this run (${earlier.value.status}).`,
      );
      return ok(recorded.restoreId);
    }
    ctx.log(
      `Restore ${recorded.restoreId} of an earlier attempt ${earlier.ok ? `ended ${earlier.value.status}` : 'is gone'}: starting a new one.`,
    );
  }
  ctx.log(`${action.method} ${action.path}: ${action.description}`);
  const started = await clients.trilio.restoreSnapshot(
    facts.snapshot.id,
    {
      name: body.restore.name,
      description: body.restore.description,
      // restore.json is a plain JSON object; Trilio's client types it loosely.
      options: body.restore.options as unknown as Record<string, unknown>,
    },
    { signal: ctx.signal },
  );
  if (!started.ok)
    return fail({
      ...started.error,
      hint:
        started.error.httpStatus === 400
          ? 'Trilio refused the restore request; its message names the part of restore.json. Adjust the restore form, plan again, then run.'
          : started.error.hint,
    });
  const id = started.value.id;
  ctx.recordChange({
    actionId: restoreChangeId(facts.snapshot.id, id),
    host: '',
    kind: 'restore',
    description: `${action.description}: restore ${id}`,
    undo: [],
  });
  ctx.log(`Trilio started restore ${id} (${started.value.status}).`);
  return ok(id);
}

/** Reads the restore every `pollMs` until it is available, in error or cancelled; reports progress. */
async function follow(
  ctx: DrContext,
  clients: CloudClients,
  restoreId: string,
  pollMs: number,
): Promise<Result<{ restore: TrilioRestore; availableAt: string }>> {
  let lastMessage = '';
  let first = true;
  for (;;) {
    const got = await clients.trilio.getRestore(restoreId, { signal: ctx.signal });
    if (!got.ok) return got.error.code === 'cancelled' ? fail(stoppedFollowing(restoreId)) : got;
    const r = got.value;
    const percent = r.progress_percent ?? 0;
    const message = r.progress_msg ?? r.status;
    ctx.progress(Math.max(0, Math.min(1, percent / 100)), message);
    if (`${r.status} ${message}` !== lastMessage) {
      ctx.log(`Restore ${restoreId}: ${r.status}, ${percent}%: ${message}`);
      lastMessage = `${r.status} ${message}`;
    }
    if (FINAL.has(r.status)) {
      // Seen at once (an earlier attempt's restore): Trilio's own finish time is closer to the truth.
      const availableAt = (first && trilioTime(r.finished_at)) || new Date().toISOString();
      return ok({ restore: r, availableAt });
    }
    first = false;
    if (!(await sleep(pollMs, ctx.signal))) return fail(stoppedFollowing(restoreId));
  }
}

function stoppedFollowing(restoreId: string) {
  return {
    code: 'cancelled' as const,
    message: `Stopped following restore ${restoreId}; it keeps running in Trilio.`,
    hint: 'Running the step again follows the same restore.',
  };
}

function restoreFailure(restore: TrilioRestore, facts: RestoreFacts) {
  const said = restore.error_msg?.trim() || `status ${restore.status}`;
  const backing = /could not open|backing|no such file/i.test(said);
  return {
    code: 'precondition' as const,
    message:
      restore.status === 'cancelled'
        ? `Restore ${restore.id} of snapshot ${facts.snapshot.id} was cancelled in Trilio.`
        : `Trilio restore ${restore.id} of snapshot ${facts.snapshot.id} ended in error: ${said}`,
    hint: backing
      ? 'A backing file of the snapshot cannot be read on a compute node: the old share’s mount path is missing there. Run the Mount paths step (every compute node needs the bind mount), then run this step again; it starts a new restore.'
      : `See the restore in Trilio (restore-show ${restore.id}) and the workloadmgr log; fix the cause and run the step again (a new restore is started).`,
    request: `GET /restores/${restore.id}`,
    ...(restore.error_msg ? { output: restore.error_msg } : {}),
  };
}

function outcomeOf(
  ctx: DrContext,
  facts: RestoreFacts,
  body: RestoreRequestBody,
  restore: TrilioRestore,
  availableAt: string,
) {
  const sourceName = new Map(facts.instances.map((i) => [i.id, i.name]));
  const instances: RestoredInstance[] = (restore.instances ?? []).map((i) => {
    const metadata = (i.metadata ?? {}) as Record<string, unknown>;
    const from = typeof metadata.instance_id === 'string' ? sourceName.get(metadata.instance_id) : undefined;
    const name = i.name ?? i.id;
    return { name, id: i.id, ...(from && from !== name ? { sourceName: from } : {}) };
  });
  const included = body.restore.options.openstack.instances.filter((i) => i.include);
  const verify: VerifyRow[] = [
    { check: `Restore ${restore.id} is available`, ok: restore.status === 'available' },
    {
      check: `${included.length} VM(s) restored into project ${facts.targetProject.name}`,
      ok: instances.length >= included.length,
      detail: instances.map((i) => i.name).join(', ') || 'Trilio lists no restored instance',
    },
  ];
  const sourceProject = reassignedFrom(ctx, facts.workloadId);
  const workload: RestoredWorkload = {
    workloadId: facts.workloadId,
    name: facts.workloadName,
    sourceProject,
    targetProject: facts.targetProject.name,
    snapshotId: facts.snapshot.id,
    restoreId: restore.id,
    status: 'available',
    availableAt,
    instances,
  };
  const data: RestoreStepData = {
    restoreId: restore.id,
    snapshotId: facts.snapshot.id,
    status: restore.status,
    instances,
    availableAt,
    restoreJson: body.restore.options,
    workloads: [workload],
  };
  return {
    summary: `Restore ${restore.id} of ${facts.workloadName} is available in project ${facts.targetProject.name}: ${instances.map((i) => i.name).join(', ')}.`,
    verify,
    data,
  };
}

/** Cloud A's project of the workload, as the Reassign step found it (the record now says cloud B's). */
function reassignedFrom(ctx: DrContext, workloadId: string): string {
  const data = ctx.outcomeOf('reassign')?.data as
    { workloads?: { workloadId?: string; sourceProjectId?: string; reassigned?: boolean }[] } | undefined;
  const row = data?.workloads?.find((w) => w.workloadId === workloadId);
  return row?.reassigned ? (row.sourceProjectId ?? '') : '';
}

/** Networks of the project plus shared ones, each with its subnets. */
async function targetNetworks(
  ctx: DrContext,
  clients: CloudClients,
  projectId: string,
): Promise<Result<TargetNetwork[]>> {
  const opts = { signal: ctx.signal };
  const networks = await clients.neutron.listNetworks(projectId, { ...opts, includeShared: true });
  if (!networks.ok) return networks;
  const subnets = await clients.neutron.listSubnets({ projectId }, opts);
  if (!subnets.ok) return subnets;
  const all = [...subnets.value];
  // Subnets of shared networks belong to their owner's project.
  for (const n of networks.value.filter((x) => x.project_id !== projectId)) {
    const theirs = await clients.neutron.listSubnets({ networkId: n.id }, opts);
    if (!theirs.ok) return theirs;
    all.push(...theirs.value);
  }
  return ok(
    networks.value.map((n) => ({
      id: n.id,
      name: n.name,
      shared: n.shared,
      subnets: all
        .filter((s) => s.network_id === n.id)
        .map((s) => ({ id: s.id, name: s.name, cidr: s.cidr })),
    })),
  );
}

/** Available Nova zones; an error only leaves them unchecked (the restore reports a bad zone itself). */
async function zonesOf(ctx: DrContext, clients: CloudClients): Promise<string[]> {
  const zones = await clients.nova.listAvailabilityZones({ signal: ctx.signal });
  if (zones.ok) return zones.value.filter((z) => z.zoneState.available).map((z) => z.zoneName);
  ctx.log(`Availability zones could not be read (${zones.error.message}); they are not checked.`, {
    stream: 'stderr',
  });
  return [];
}

async function volumeTypesOf(ctx: DrContext, clients: CloudClients): Promise<string[]> {
  const types = await clients.cinder.listVolumeTypes({ signal: ctx.signal });
  if (types.ok) return types.value.map((t) => t.name);
  ctx.log(`Volume types could not be read (${types.error.message}); they are not checked.`, {
    stream: 'stderr',
  });
  return [];
}

/**
 * The target cloud's clients with a token of the target project, for one piece of work; closed after.
 * API requests go to the step's log as the report reads them (`HTTP GET … -> 200 in 12 ms`).
 */
async function withProjectClients<T>(
  ctx: DrContext,
  project: { id: string; name: string; domainId: string },
  quiet: (entry: HttpRequestLog) => boolean,
  work: (clients: CloudClients) => Promise<Result<T>>,
): Promise<Result<T>> {
  const getSecret = secretsOf(ctx.services);
  if (!getSecret)
    return fail({
      code: 'internal',
      message:
        'The run services do not offer the profile’s secrets, which the restore needs to log in to the target project.',
      hint: 'This is a bug in the wizard (RunServices.getSecret).',
    });
  const cloud = ctx.profile.clouds.target;
  if (cloud.authKind === 'application-credential')
    return fail({
      code: 'precondition',
      message: `The target cloud logs in with an application credential, which is bound to its own project; a restore into ${project.name} needs a token of that project.`,
      hint: 'Use a password login for the target cloud in the profile: the Access step gives that user a role on the project.',
    });
  const session = await openCloudSession(
    { ...cloud, project: project.name, projectDomain: project.domainId },
    'target',
    getSecret,
    {
      onRequest: (e) => {
        if (!quiet(e)) ctx.log(formatApiCallLog(e));
      },
    },
  );
  if (!session.ok) return session;
  try {
    const info = await session.value.tokenInfo(ctx.signal);
    if (!info.ok)
      return fail({
        ...info.error,
        hint:
          info.error.httpStatus === 401
            ? `${cloud.username} cannot log in to project ${project.name}: run the Access step first (it grants the user a role there).`
            : info.error.hint,
      });
    const s = session.value;
    return await work({
      side: 'target',
      session: s,
      keystone: new KeystoneClient(s),
      neutron: new NeutronClient(s),
      nova: new NovaClient(s),
      cinder: new CinderClient(s),
      trilio: new TrilioClient(s, { url: cloud.trilioUrl }),
    });
  } finally {
    session.value.close();
  }
}

/**
 * The secret lookup of the run, when the services carry it. RunServices does not declare it yet; the
 * core's services are asked to (see the step's report); until then it is read structurally.
 */
function secretsOf(services: RunServices): GetSecret | undefined {
  const candidate: unknown = (services as unknown as { getSecret?: unknown }).getSecret;
  return typeof candidate === 'function' ? (candidate as GetSecret) : undefined;
}

/** Trilio's times are UTC without a zone (`2024-05-01T10:00:00.000000`). */
function trilioTime(text: string | null | undefined): string | undefined {
  if (!text) return undefined;
  const zoned = /(Z|[+-]\d\d:?\d\d)$/.test(text) ? text : `${text}Z`;
  const ms = Date.parse(zoned);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

/** Waits `ms` unless the signal aborts first; false when aborted. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
