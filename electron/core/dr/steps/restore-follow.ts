import {
  parseRestoreChangeId,
  restoreChangeId,
  restoreListRequest,
  type RestoreFacts,
  type RestoreRequestBody,
} from '../../../../shared/plans/restore-plan.js';
import { restorePollDelay, type RestorePollPolicy } from '../../../../shared/plans/restore-poll.js';
import type { RestoredInstance } from '../../../../shared/report/restore-outcome.js';
import { fail, ok, type AppError, type Result } from '../../../../shared/result.js';
import type { ApiAction, StepPlan } from '../../../../shared/run/plan-types.js';
import type { CloudClients } from '../../clients/index.js';
import type { TrilioRestore } from '../../clients/trilio-types.js';
import type { DrContext } from '../remote-action.js';
import { postUnlessBusy } from './restore-busy.js';
import { abortableSleep } from '../../abortable-sleep.js';

/**
 * One workload's restore: started once and recorded as `restore:<snapshot>:<restore id>`, then followed
 * until Trilio says it is available, in error or cancelled. Running again follows the newest recorded
 * restore of the snapshot while it is restoring or available, and starts a new one only after it ended
 * in error or was cancelled — so a retry of a bulk restore only restarts the failed workloads.
 */

const FINAL = new Set(['available', 'error', 'cancelled']);

export interface FollowedRestore {
  restore: TrilioRestore;
  availableAt: string;
}

/** Log and progress of one workload within the step (several run at once). */
export interface RestoreReporter {
  log(text: string, stream?: 'info' | 'error'): void;
  progress(fraction: number, message: string): void;
}

/** The newest restore of this snapshot recorded by this run while still usable, else a new restore. */
export async function followOrStart(
  ctx: DrContext,
  clients: CloudClients,
  facts: RestoreFacts,
  action: ApiAction,
  report: RestoreReporter,
): Promise<Result<string>> {
  const body = action.body as RestoreRequestBody;
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
      report.log(
        `Following restore ${recorded.restoreId} started earlier by this run (${earlier.value.status}).`,
      );
      return ok(recorded.restoreId);
    }
    report.log(
      `Restore ${recorded.restoreId} of an earlier attempt ${earlier.ok ? `ended ${earlier.value.status}` : 'is gone'}: starting a new one.`,
    );
  }
  const mine = await runRestores(ctx, clients, facts, body);
  if (!mine.ok) return mine;
  const lost = newestUsable(mine.value);
  if (lost) {
    ctx.recordChange({
      actionId: restoreChangeId(facts.snapshot.id, lost.id),
      host: '',
      kind: 'restore',
      description: `${action.description}: restore ${lost.id}`,
      undo: [],
    });
    report.log(
      `Following restore ${lost.id} (${lost.status}): started by an earlier attempt of this run that stopped before recording it.`,
    );
    return ok(lost.id);
  }
  report.log(`${action.method} ${action.path}: ${action.description}`);
  const started = await postUnlessBusy(
    {
      post: () =>
        clients.trilio.restoreSnapshot(
          facts.snapshot.id,
          {
            name: body.restore.name,
            description: body.restore.description,
            // restore.json is a plain JSON object; Trilio's client types it loosely.
            options: body.restore.options as unknown as Record<string, unknown>,
          },
          { signal: ctx.signal },
        ),
      ours: () => runRestores(ctx, clients, facts, body),
      listRequest: restoreListRequest(facts.snapshot.id),
      snapshotId: facts.snapshot.id,
      log: (text) => report.log(text),
      signal: ctx.signal,
    },
    new Set(mine.value.map((r) => r.id)),
  );
  if (!started.ok)
    return fail({
      ...started.error,
      hint:
        started.error.httpStatus === 400
          ? 'Trilio refused the restore request; its message names the part of restore.json. Adjust the restore form, plan again, then run.'
          : started.error.hint,
    });
  const id = started.value.restore.id;
  ctx.recordChange({
    actionId: restoreChangeId(facts.snapshot.id, id),
    host: '',
    kind: 'restore',
    description: `${action.description}: restore ${id}`,
    undo: [],
  });
  if (started.value.kind === 'started') {
    const after = started.value.refusals ? ` after ${started.value.refusals} busy refusal(s)` : '';
    report.log(`Trilio started restore ${id} (${started.value.restore.status})${after}.`);
  }
  return ok(id);
}

/** Marks a run's restore requests (in their description) so Trilio's list tells which are the run's. */
export const restoreRunTag = (runId: string): string => `[trilio-dr ${runId}]`;

/** The plan with the run's tag appended to each restore request's description (shown as sent). */
export function tagRestoreRequests(plan: StepPlan, runId: string): StepPlan {
  const tag = restoreRunTag(runId);
  return {
    ...plan,
    actions: plan.actions.map((a) => {
      const body = a.kind === 'api' ? (a.body as RestoreRequestBody | undefined) : undefined;
      if (a.kind !== 'api' || !body?.restore || body.restore.description.includes(tag)) return a;
      const description = `${body.restore.description} ${tag}`.trim();
      return { ...a, body: { ...body, restore: { ...body.restore, description } } };
    }),
  };
}

/**
 * This run's restores of the snapshot (those carrying the run's tag), as Trilio lists them. A usable one
 * the run never recorded means the process was killed while Trilio answered the POST; one that appears
 * after a busy refusal was started by the refused request. Following it instead of starting another
 * keeps every workload restored once. Without the tag (never, as planned) none can be told apart.
 */
async function runRestores(
  ctx: DrContext,
  clients: CloudClients,
  facts: RestoreFacts,
  body: RestoreRequestBody,
): Promise<Result<TrilioRestore[]>> {
  const tag = restoreRunTag(ctx.runId);
  if (!body.restore.description.includes(tag)) return ok([]);
  const listed = await clients.trilio.listRestores(facts.snapshot.id, { signal: ctx.signal });
  if (!listed.ok) return listed;
  return ok(listed.value.filter((r) => (r.description ?? '').includes(tag)));
}

/** The newest restoring or available one. */
function newestUsable(restores: TrilioRestore[]): TrilioRestore | undefined {
  return restores
    .filter((r) => r.status !== 'error' && r.status !== 'cancelled')
    .sort((a, b) => (b.created_at ?? '').localeCompare(a.created_at ?? ''))[0];
}

/**
 * Reads the restore until it is available, in error or cancelled, waiting longer between reads as it
 * ages (`restorePollDelay`); reports progress.
 */
export async function follow(
  ctx: DrContext,
  clients: CloudClients,
  restoreId: string,
  poll: RestorePollPolicy,
  report: RestoreReporter,
): Promise<Result<FollowedRestore>> {
  let lastMessage = '';
  let first = true;
  const since = Date.now();
  for (;;) {
    const got = await clients.trilio.getRestore(restoreId, { signal: ctx.signal });
    if (!got.ok) return got.error.code === 'cancelled' ? fail(stoppedFollowing(restoreId)) : got;
    const r = got.value;
    const percent = r.progress_percent ?? 0;
    const message = r.progress_msg ?? r.status;
    report.progress(Math.max(0, Math.min(1, percent / 100)), message);
    if (`${r.status} ${message}` !== lastMessage) {
      report.log(`Restore ${restoreId}: ${r.status}, ${percent}%: ${message}`);
      lastMessage = `${r.status} ${message}`;
    }
    if (FINAL.has(r.status)) {
      // Seen at once (an earlier attempt's restore): Trilio's own finish time is closer to the truth.
      const availableAt = (first && trilioTime(r.finished_at)) || new Date().toISOString();
      return ok({ restore: r, availableAt });
    }
    first = false;
    if (!(await abortableSleep(restorePollDelay(Date.now() - since, poll), ctx.signal)))
      return fail(stoppedFollowing(restoreId));
  }
}

function stoppedFollowing(restoreId: string): AppError {
  return {
    code: 'cancelled',
    message: `Stopped following restore ${restoreId}; it keeps running in Trilio.`,
    hint: 'Running the step again follows the same restore.',
  };
}

/** A restore that ended in error or was cancelled, with the hint for the usual cause. */
export function restoreFailure(restore: TrilioRestore, facts: RestoreFacts): AppError {
  const said = restore.error_msg?.trim() || `status ${restore.status}`;
  const backing = /could not open|backing|no such file/i.test(said);
  return {
    code: 'precondition',
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

/** The restored instances, named as in the target cloud, with their snapshot VM's name when it differs. */
export function restoredInstances(restore: TrilioRestore, facts: RestoreFacts): RestoredInstance[] {
  const sourceName = new Map(facts.instances.map((i) => [i.id, i.name]));
  return (restore.instances ?? []).map((i) => {
    const metadata = (i.metadata ?? {}) as Record<string, unknown>;
    const from = typeof metadata.instance_id === 'string' ? sourceName.get(metadata.instance_id) : undefined;
    const name = i.name ?? i.id;
    return { name, id: i.id, ...(from && from !== name ? { sourceName: from } : {}) };
  });
}

/** Trilio's times are UTC without a zone (`2024-05-01T10:00:00.000000`). */
function trilioTime(text: string | null | undefined): string | undefined {
  if (!text) return undefined;
  const zoned = /(Z|[+-]\d\d:?\d\d)$/.test(text) ? text : `${text}Z`;
  const ms = Date.parse(zoned);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}
