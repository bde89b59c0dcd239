import {
  planRestores,
  type RestoreProblemFacts,
  type RestoreStepFacts,
  type RestoreTargetFacts,
} from '../../../../shared/plans/bulk-restore-plan.js';
import {
  planRestore,
  restoreActionId,
  type RestoreFacts,
  type RestoreRequestBody,
} from '../../../../shared/plans/restore-plan.js';
import {
  defaultRestorePoll,
  fixedRestorePoll,
  type RestorePollPolicy,
} from '../../../../shared/plans/restore-poll.js';
import type {
  RestoredInstance,
  RestoredWorkload,
  RestoreOutcomeData,
} from '../../../../shared/report/restore-outcome.js';
import type { RestoreJson } from '../../../../shared/restore/restore-json.js';
import { fail, ok, type AppError, type Result } from '../../../../shared/result.js';
import type { ApiAction } from '../../../../shared/run/plan-types.js';
import type { StepOutcome, VerifyRow } from '../../../../shared/run/run-types.js';
import type { HttpRequestLog } from '../../clients/http-client.js';
import type { StepDefinition } from '../../runs/step-definition.js';
import { fanOut } from '../../ssh/fan-out.js';
import { openProjectSessions, type ProjectSessions } from '../project-sessions.js';
import type { DrContext } from '../remote-action.js';
import type { RunServices } from '../run-services.js';
import { resolveTargets, type ResolvedTarget } from '../target-projects.js';
import { discoverWorkloadRestore, projectOffer, type ProjectOffer } from './restore-discovery.js';
import {
  follow,
  followOrStart,
  restoreFailure,
  restoredInstances,
  type FollowedRestore,
  type RestoreReporter,
  tagRestoreRequests,
} from './restore-follow.js';

/**
 * Runbook: "List all Snapshots … Get Snapshot Details … restore.json … do the actual restore … the
 * restore status is checked." Each restore runs with a token of its TARGET project (the admin user got
 * a role there in the Access step), so Trilio creates the VMs there and maps networks of that project.
 *
 * Single-workload runs restore the chosen snapshot with the user's form. Full-cloud runs restore every
 * reassigned workload's newest snapshot with the defaults, `restoreConcurrency` at once; a workload that
 * fails does not stop the others, the step fails at the end naming it, and running it again follows the
 * restores that are available or still running (recorded as `restore:<snapshot>:<restore id>`) and
 * starts new ones only for the failed workloads.
 */

export interface RestoreStepOptions {
  /** A fixed interval between status reads (lab tests); by default the wait grows with the restore's age. */
  pollMs?: number;
}

/**
 * The step's outcome data: the per-workload table (`RestoreOutcomeData`, read by the report and the
 * notifications), each workload's restore.json, and the first restored workload's restore in detail —
 * the only one of a single-workload run, which the wizard shows.
 */
export interface RestoreStepData extends RestoreOutcomeData {
  restoreId: string;
  snapshotId: string;
  status: string;
  instances: RestoredInstance[];
  availableAt: string;
  restoreJson: RestoreJson;
  /** Workload id → the restore.json sent for it. */
  restoreJsons: Record<string, RestoreJson>;
}

interface RestoreJob {
  facts: RestoreTargetFacts;
  action: ApiAction;
}

type JobResult = FollowedRestore & { facts: RestoreTargetFacts; body: RestoreRequestBody };

export function createRestoreStep(
  options: RestoreStepOptions = {},
): StepDefinition<RestoreStepFacts, RunServices> {
  const poll = options.pollMs === undefined ? defaultRestorePoll : fixedRestorePoll(options.pollMs);
  return {
    key: 'restore',
    discover: (ctx) => discoverRestores(ctx),
    plan: (facts, ctx) => {
      const planned = planRestores(facts, ctx.params.kind === 'single' ? ctx.params.restore : null);
      return planned.ok ? ok(tagRestoreRequests(planned.value, ctx.runId)) : planned;
    },
    async execute(plan, facts, ctx) {
      const single = ctx.params.kind === 'single';
      const jobs: RestoreJob[] = [];
      const unplanned: RestoreProblemFacts[] = [...facts.problems];
      for (const w of facts.workloads) {
        const action = plan.actions.find(
          (a): a is ApiAction => a.kind === 'api' && a.id === restoreActionId(w.snapshot.id),
        );
        if (action) jobs.push({ facts: w, action });
        else if (single)
          return fail({ code: 'internal', message: 'The restore plan has no restore request.' });
        else {
          const why = planRestore(w, null);
          unplanned.push(problemOf(w, why.ok ? 'No restore request was planned.' : why.error.message));
        }
      }
      const results = await runJobs(ctx, jobs, facts.concurrency, poll);
      if (!results.ok) return results;
      if (single) {
        const only = results.value[0];
        if (!only) return fail({ code: 'internal', message: 'The restore step ran no restore.' });
        if (!only.ok) return fail(only.error);
        if (only.value.restore.status !== 'available')
          return fail(restoreFailure(only.value.restore, only.value.facts));
        return ok(singleOutcome(only.value));
      }
      return ok(bulkOutcome(jobs, results.value, unplanned));
    },
  };
}

/** Workloads whose restore facts are read at once in a full-cloud run. */
const discoveryWidth = 8;

/** The restore step with the default status polling (a wait that grows with the restore's age). */
export const restoreStep = createRestoreStep();

/** Every workload of the run with its snapshot, VMs and what its target project offers. */
async function discoverRestores(ctx: DrContext): Promise<Result<RestoreStepFacts>> {
  const params = ctx.params;
  if (params.kind === 'single' && !params.workloadId.trim())
    return fail({
      code: 'validation',
      message: 'The run has no workload to restore.',
      hint: 'Choose the workload in the “Find the workload” step.',
      fields: [{ path: 'workloadId', message: 'required' }],
    });
  const admin = await ctx.services.clouds.target();
  if (!admin.ok) return admin;
  const targets = await resolveTargets(ctx, admin.value);
  if (!targets.ok) return targets;
  const wanted = params.kind === 'single' ? params.snapshot : 'latest';
  const sessions = openProjectSessions(ctx, () => false);
  const offers = new Map<string, Promise<Result<ProjectOffer>>>();
  const workloads: RestoreTargetFacts[] = [];
  const problems: RestoreProblemFacts[] = [];
  try {
    // Each workload is three reads (workload, snapshots, snapshot detail) independent of the others:
    // a full-cloud run of hundreds reads them a few at once, the results kept in the targets' order.
    const found = new Array<Result<RestoreFacts>>(targets.value.length);
    let next = 0;
    const reader = async () => {
      while (next < targets.value.length) {
        const i = next++;
        found[i] = await discoverOne(ctx, sessions, offers, targets.value[i]!, wanted);
      }
    };
    const width = params.kind === 'full' ? Math.min(discoveryWidth, targets.value.length) : 1;
    await Promise.all(Array.from({ length: width }, reader));
    for (const [i, t] of targets.value.entries()) {
      const one = found[i]!;
      const source = { sourceProject: sourceOf(ctx, t), sourceProjectName: t.sourceProjectName };
      if (one.ok) workloads.push({ ...one.value, ...source });
      else if (params.kind === 'single') return one;
      else {
        ctx.log(`${t.workloadName}: cannot be restored: ${one.error.message}`, { stream: 'error' });
        problems.push({
          workloadId: t.workloadId,
          workloadName: t.workloadName,
          ...source,
          targetProject: t.project.name,
          error: one.error.message,
        });
      }
    }
  } finally {
    sessions.close();
  }
  const only = workloads[0];
  return ok({
    workloads,
    problems,
    concurrency: params.kind === 'full' ? Math.max(1, params.restoreConcurrency) : 1,
    ...(params.kind === 'single' && only ? { snapshots: only.snapshots } : {}),
  });
}

async function discoverOne(
  ctx: DrContext,
  sessions: ProjectSessions,
  offers: Map<string, Promise<Result<ProjectOffer>>>,
  t: ResolvedTarget,
  wanted: string,
) {
  const clients = await sessions.get(t.project);
  if (!clients.ok) return clients;
  let offer = offers.get(t.project.id);
  if (!offer) {
    offer = projectOffer(ctx, clients.value, t.project);
    offers.set(t.project.id, offer);
  }
  const offered = await offer;
  if (!offered.ok) return offered;
  return discoverWorkloadRestore(ctx, clients.value, t, wanted, offered.value);
}

/**
 * Runs the restores, `concurrency` at once, each in its project's session. Every workload gets a
 * result; only a cancellation of the run fails the whole.
 */
async function runJobs(
  ctx: DrContext,
  jobs: RestoreJob[],
  concurrency: number,
  poll: RestorePollPolicy,
): Promise<Result<Result<JobResult>[]>> {
  const multi = jobs.length > 1;
  const fractions = new Map<string, number>();
  let finished = 0;
  const byId = new Map(jobs.map((j) => [j.facts.workloadId, j]));
  // The status polls are narrated by progress lines; logging each request would bury the log.
  const quiet = (e: HttpRequestLog) =>
    e.method === 'GET' && e.status === 200 && /\/restores\/[^/?]+$/.test(e.url);
  const sessions = openProjectSessions(ctx, quiet);
  try {
    const outcomes = await fanOut(
      jobs.map((j) => j.facts.workloadId),
      async (id): Promise<Result<JobResult>> => {
        const job = byId.get(id)!;
        const name = job.facts.workloadName;
        const total = () => [...fractions.values()].reduce((a, b) => a + b, 0) / Math.max(1, jobs.length);
        const summary = (message: string) =>
          multi ? `${finished}/${jobs.length} finished; ${name}: ${message}` : message;
        const report: RestoreReporter = {
          log: (text, stream) => ctx.log(multi ? `${name}: ${text}` : text, stream ? { stream } : undefined),
          progress: (fraction, message) => {
            fractions.set(id, fraction);
            ctx.progress(total(), summary(message), { id, state: 'running', message });
          },
        };
        ctx.progress(total(), summary('starting'), { id, state: 'running', message: 'starting' });
        const done = await restoreOne(ctx, sessions, job, poll, report);
        finished += 1;
        fractions.set(id, 1);
        const failure = !done.ok
          ? done.error.message
          : done.value.restore.status !== 'available'
            ? restoreFailure(done.value.restore, job.facts).message
            : undefined;
        if (failure !== undefined) report.log(`not restored: ${failure}`, 'error');
        ctx.progress(
          total(),
          summary(failure === undefined ? 'available' : 'not restored'),
          failure === undefined
            ? { id, state: 'succeeded', message: 'available' }
            : { id, state: 'failed', message: failure },
        );
        return done;
      },
      { concurrency, signal: ctx.signal },
    );
    if (ctx.signal.aborted)
      return fail({
        code: 'cancelled',
        message: 'Stopped following the restores; started ones keep running in Trilio.',
        hint: 'Running the step again follows them.',
      });
    return ok(outcomes.map((o): Result<JobResult> => (o.ok ? ok(o.value) : fail(o.error))));
  } finally {
    sessions.close();
  }
}

async function restoreOne(
  ctx: DrContext,
  sessions: ProjectSessions,
  job: RestoreJob,
  poll: RestorePollPolicy,
  report: RestoreReporter,
): Promise<Result<JobResult>> {
  const clients = await sessions.get(job.facts.targetProject);
  if (!clients.ok) return clients;
  const started = await followOrStart(ctx, clients.value, job.facts, job.action, report);
  if (!started.ok) return started;
  const end = await follow(ctx, clients.value, started.value, poll, report);
  if (!end.ok) return end;
  return ok({ ...end.value, facts: job.facts, body: job.action.body as RestoreRequestBody });
}

function problemOf(w: RestoreTargetFacts, error: string): RestoreProblemFacts {
  return {
    workloadId: w.workloadId,
    workloadName: w.workloadName,
    sourceProject: w.sourceProject,
    sourceProjectName: w.sourceProjectName,
    targetProject: w.targetProject.name,
    error,
  };
}

function rowOf(
  w: { workloadId: string; workloadName: string; sourceProject: string; sourceProjectName: string },
  targetProject: string,
): Pick<RestoredWorkload, 'workloadId' | 'name' | 'sourceProject' | 'sourceProjectName' | 'targetProject'> {
  return {
    workloadId: w.workloadId,
    name: w.workloadName,
    sourceProject: w.sourceProject,
    ...(w.sourceProjectName ? { sourceProjectName: w.sourceProjectName } : {}),
    targetProject,
  };
}

/** The snapshot restored and when Trilio started the restore: what the report's RPO is made of. */
function snapshotTimes(facts: RestoreTargetFacts, restore?: { created_at?: string }) {
  return {
    snapshotId: facts.snapshot.id,
    ...(facts.snapshot.createdAt ? { snapshotCreatedAt: facts.snapshot.createdAt } : {}),
    ...(restore?.created_at ? { restoreStartedAt: restore.created_at } : {}),
  };
}

function availableRow(done: JobResult): RestoredWorkload {
  return {
    ...rowOf(done.facts, done.facts.targetProject.name),
    ...snapshotTimes(done.facts, done.restore),
    restoreId: done.restore.id,
    status: 'available',
    availableAt: done.availableAt,
    instances: restoredInstances(done.restore, done.facts),
  };
}

/** The single-workload outcome, as the wizard's single view reads it. */
function singleOutcome(done: JobResult): StepOutcome {
  const { facts, restore, body, availableAt } = done;
  const row = availableRow(done);
  const instances = row.instances ?? [];
  const included = body.restore.options.openstack.instances.filter((i) => i.include);
  const verify: VerifyRow[] = [
    { check: `Restore ${restore.id} is available`, ok: restore.status === 'available' },
    {
      check: `${included.length} VM(s) restored into project ${facts.targetProject.name}`,
      ok: instances.length >= included.length,
      detail: instances.map((i) => i.name).join(', ') || 'Trilio lists no restored instance',
    },
  ];
  const data: RestoreStepData = {
    restoreId: restore.id,
    snapshotId: facts.snapshot.id,
    status: restore.status,
    instances,
    availableAt,
    restoreJson: body.restore.options,
    restoreJsons: { [facts.workloadId]: body.restore.options },
    workloads: [row],
  };
  return {
    summary: `Restore ${restore.id} of ${facts.workloadName} is available in project ${facts.targetProject.name}: ${instances.map((i) => i.name).join(', ')}.`,
    verify,
    data,
  };
}

/**
 * The per-workload table: available ones with their instances, failed ones with the reason. Each
 * workload is a verification row, so a failed one fails the step (naming it) while the table stays
 * with the step for the report and for the retry.
 */
function bulkOutcome(
  jobs: RestoreJob[],
  results: Result<JobResult>[],
  unplanned: RestoreProblemFacts[],
): StepOutcome {
  const rows: RestoredWorkload[] = [];
  const verify: VerifyRow[] = [];
  const restoreJsons: Record<string, RestoreJson> = {};
  let first: JobResult | undefined;
  jobs.forEach((job, i) => {
    const result = results[i]!;
    const body = job.action.body as RestoreRequestBody;
    restoreJsons[job.facts.workloadId] = body.restore.options;
    const check = `${job.facts.workloadName} (${job.facts.workloadId}) restored into ${job.facts.targetProject.name}`;
    if (result.ok && result.value.restore.status === 'available') {
      const row = availableRow(result.value);
      first ??= result.value;
      rows.push(row);
      const included = body.restore.options.openstack.instances.filter((x) => x.include).length;
      const instances = row.instances ?? [];
      verify.push({
        check,
        ok: instances.length >= included,
        detail: `restore ${row.restoreId}: ${instances.map((x) => x.name).join(', ') || 'Trilio lists no restored instance'}`,
      });
      return;
    }
    const error: AppError = result.ok ? restoreFailure(result.value.restore, job.facts) : result.error;
    rows.push({
      ...rowOf(job.facts, job.facts.targetProject.name),
      ...snapshotTimes(job.facts, result.ok ? result.value.restore : undefined),
      ...(result.ok ? { restoreId: result.value.restore.id } : {}),
      status: result.ok && result.value.restore.status === 'cancelled' ? 'cancelled' : 'error',
      error: error.message,
    });
    verify.push({ check, ok: false, detail: error.hint ? `${error.message} ${error.hint}` : error.message });
  });
  for (const p of unplanned) {
    rows.push({ ...rowOf(p, p.targetProject), status: 'error', error: p.error });
    verify.push({
      check: `${p.workloadName} (${p.workloadId}) restored into ${p.targetProject}`,
      ok: false,
      detail: p.error,
    });
  }
  const failed = rows.filter((r) => r.status !== 'available');
  const data: RestoreStepData = {
    restoreId: first?.restore.id ?? '',
    snapshotId: first?.facts.snapshot.id ?? '',
    status: first?.restore.status ?? '',
    instances: first ? restoredInstances(first.restore, first.facts) : [],
    availableAt: first?.availableAt ?? '',
    restoreJson: first ? first.body.restore.options : ({} as RestoreJson),
    restoreJsons,
    workloads: rows,
  };
  return {
    summary:
      failed.length === 0
        ? `Restored all ${rows.length} workload(s): ${rows.map((r) => `${r.name} → ${r.targetProject}`).join(', ')}.`
        : `Restored ${rows.length - failed.length} of ${rows.length} workload(s); not restored: ${failed.map((r) => `${r.name} (${r.error ?? r.status})`).join('; ')}. Run the step again to retry only these.`,
    verify,
    data,
  };
}

/** Cloud A's project of a workload: as the Reassign step found it (the record now says cloud B's), else as found on the share. */
function sourceOf(ctx: DrContext, t: ResolvedTarget): string {
  const data = ctx.outcomeOf('reassign')?.data as
    { workloads?: { workloadId?: string; sourceProjectId?: string; reassigned?: boolean }[] } | undefined;
  const row = data?.workloads?.find((w) => w.workloadId === t.workloadId);
  return (row?.reassigned ? row.sourceProjectId : '') || t.sourceProjectId;
}
