import {
  busyDecision,
  defaultBusyPolicy,
  formatMs,
  isBusyRefusal,
  type BusyPolicy,
} from '../../../../shared/plans/restore-busy.js';
import { fail, ok, type AppError, type Result } from '../../../../shared/result.js';
import type { TrilioRestore } from '../../clients/trilio-types.js';
import { abortableSleep } from '../../abortable-sleep.js';

/**
 * Sends one restore request, and when a loaded Trilio refuses it as busy (429, or 503 with or without
 * Retry-After) waits and sends it again — but only after reading the snapshot's restores shows that the
 * refused request started none of this run's: a POST is not idempotent, and a proxy may answer 503
 * after the API worker already accepted it. Cancellable; gives up after the policy's bound with an
 * error naming the appliance, what it said and what to do.
 */

export interface BusyRestoreDeps {
  /** The restore request, exactly as planned. */
  post(): Promise<Result<TrilioRestore>>;
  /** This run's restores of the snapshot, as Trilio lists them now. */
  ours(): Promise<Result<TrilioRestore[]>>;
  /** The listing call as the plan shows it (for the log). */
  listRequest: string;
  snapshotId: string;
  log(text: string): void;
  signal: AbortSignal;
  policy?: BusyPolicy;
  sleep?: (ms: number, signal: AbortSignal) => Promise<boolean>;
  now?: () => number;
  random?: () => number;
}

export type StartedRestore =
  /** Trilio accepted the request (possibly after busy refusals). */
  | { kind: 'started'; restore: TrilioRestore; refusals: number }
  /** A refused request had started a restore after all: it is followed, nothing is sent again. */
  | { kind: 'adopted'; restore: TrilioRestore; refusals: number };

/** `known`: ids of this run's restores of the snapshot before the first request (not ours to adopt). */
export async function postUnlessBusy(
  deps: BusyRestoreDeps,
  known: ReadonlySet<string>,
): Promise<Result<StartedRestore>> {
  const policy = deps.policy ?? defaultBusyPolicy;
  const now = deps.now ?? Date.now;
  const random = deps.random ?? Math.random;
  const sleep = deps.sleep ?? abortableSleep;
  let refusals = 0;
  let firstRefusal = 0;
  for (;;) {
    if (deps.signal.aborted) return fail(stopped(deps.snapshotId, refusals));
    const answer = await deps.post();
    if (answer.ok) return ok({ kind: 'started', restore: answer.value, refusals });
    if (!isBusyRefusal(answer.error)) return answer;
    if (refusals === 0) firstRefusal = now();
    refusals += 1;
    const listed = await deps.ours();
    if (!listed.ok)
      return fail({
        ...listed.error,
        message: `Trilio refused the restore request of snapshot ${deps.snapshotId} as busy (HTTP ${answer.error.httpStatus}), and whether it started a restore anyway could not be checked: ${listed.error.message}`,
        hint: `Not sent again, so no workload is restored twice. Check the snapshot's restores in Trilio (${deps.listRequest}); run the step again when Trilio answers: it follows a restore this run started instead of starting another.`,
      });
    const created = listed.value
      .filter((r) => !known.has(r.id) && r.status !== 'cancelled')
      .sort((a, b) => (b.created_at ?? '').localeCompare(a.created_at ?? ''))[0];
    if (created) {
      deps.log(
        `Trilio answered HTTP ${answer.error.httpStatus} but started restore ${created.id} (${created.status}) all the same: following it, not sending the request again.`,
      );
      return ok({ kind: 'adopted', restore: created, refusals });
    }
    const waited = now() - firstRefusal;
    const decision = busyDecision(
      { refusals, retryAfterSeconds: answer.error.retryAfterSeconds, waitedMs: waited, random },
      policy,
    );
    if (decision.kind === 'give-up') return fail(gaveUp(answer.error, deps.snapshotId, decision.because));
    deps.log(
      `Trilio is busy: it answered the restore request with HTTP ${answer.error.httpStatus}${said(answer.error)} and started nothing (checked: ${deps.listRequest}). ` +
        `Sending it again in ${formatMs(decision.ms)} (${decision.because}; refusal ${refusals}, ${formatMs(waited)} waited so far).`,
    );
    if (!(await sleep(decision.ms, deps.signal))) return fail(stopped(deps.snapshotId, refusals));
  }
}

function said(error: AppError): string {
  const text = /: (.*)$/.exec(error.message)?.[1]?.trim();
  return text ? ` (“${text}”)` : '';
}

/** The appliance the refusals came from: the host of `METHOD url`. */
function hostOf(request: string | undefined): string | undefined {
  const url = request?.split(' ')[1];
  try {
    return url ? new URL(url).host : undefined;
  } catch {
    return undefined;
  }
}

function gaveUp(last: AppError, snapshotId: string, because: string): AppError {
  const host = hostOf(last.request);
  return {
    code: 'http',
    message: `Trilio${host ? ` at ${host}` : ''} kept refusing the restore request of snapshot ${snapshotId} as busy (${because}). Its last answer: HTTP ${last.httpStatus}${said(last)}.`,
    hint:
      'Nothing was started for this workload. The appliance is overloaded: check workloadmgr-api and its haproxy on the Trilio nodes (workers, running restores, the restore queue), ' +
      'or run with a lower --concurrency; then run the step again — it starts only the workloads not yet restored.',
    ...(host ? { host } : {}),
    ...(last.request ? { request: last.request } : {}),
    ...(last.httpStatus ? { httpStatus: last.httpStatus } : {}),
    ...(last.output ? { output: last.output } : {}),
  };
}

function stopped(snapshotId: string, refusals: number): AppError {
  return {
    code: 'cancelled',
    message: `Stopped before the restore of snapshot ${snapshotId} was started${refusals ? ` (Trilio had refused it as busy ${refusals} time(s))` : ''}.`,
    hint: 'Running the step again starts it.',
  };
}
