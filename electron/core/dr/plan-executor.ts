import type { Action, RemoteAction } from '../../../shared/run/plan-types.js';
import type { ChangeView } from '../../../shared/run/run-types.js';
import { fail, ok, type AppError, type Result } from '../../../shared/result.js';
import { fanOut } from '../ssh/fan-out.js';
import { runRemoteAction, type DrContext } from './remote-action.js';

export interface HostRunSummary {
  host: string;
  ran: number;
  error?: AppError;
}

/**
 * Runs a plan's remote actions: hosts in parallel (the profile's concurrency), each host's actions in
 * order, stopping at a host's first failure. Every action that changes something is recorded with its
 * undo before it runs, so a crash at any moment still leaves it in the run's change log (undo commands
 * are idempotent: they check before they act).
 * One host failing never stops the others; the result names every failed host.
 */
export async function executeRemoteActions(
  ctx: DrContext,
  actions: readonly Action[],
  what: string,
): Promise<Result<HostRunSummary[]>> {
  const remote = actions.filter((a): a is RemoteAction => a.kind === 'remote');
  const hosts = [...new Set(remote.map((a) => a.host))];
  let done = 0;
  const outcomes = await fanOut(
    hosts,
    async (host) => {
      let ran = 0;
      for (const action of remote.filter((a) => a.host === host)) {
        // Recorded before the command, not after: a process killed while the command runs would leave
        // a mount or an fstab line no change records (the next plan finds it done and skips it, and
        // clean-up would never remove it). Undo commands check first, so undoing what never happened
        // is a no-op; a repeat of the record is ignored.
        if (action.change)
          ctx.recordChange({
            actionId: action.id,
            host,
            kind: action.change.kind,
            description: action.description,
            undo: action.change.undo,
          });
        // After this run's own record: the journal always names someone responsible for the mount.
        for (const t of action.takesOver ?? []) ctx.takeOver(t.runId, t.changeId);
        const result = await runRemoteAction(ctx, action);
        if (!result.ok) return fail({ ...result.error, host: result.error.host ?? hostName(ctx, host) });
        ran += 1;
        done += 1;
        ctx.progress(done / Math.max(1, remote.length), action.description);
      }
      return ok(ran);
    },
    { concurrency: ctx.services.concurrency, signal: ctx.signal },
  );
  const summaries: HostRunSummary[] = outcomes.map((o) =>
    o.ok ? { host: o.host, ran: o.value } : { host: o.host, ran: 0, error: o.error },
  );
  const failed = summaries.filter((s) => s.error);
  if (failed.length === 0) return ok(summaries);
  return fail(combinedError(ctx, failed, what));
}

/**
 * Runs the undo actions of recorded changes, newest first, and marks each undone. Changes already
 * undone are skipped, so clean-up can run again after a partial failure.
 */
export async function undoChanges(
  ctx: DrContext,
  changes: readonly ChangeView[],
  what: string,
): Promise<Result<number>> {
  const pending = changes.filter((c) => !c.undoneAt).sort((a, b) => b.id - a.id);
  const errors: HostRunSummary[] = [];
  let undone = 0;
  // Per host in reverse order (fstab line, then unmount, then rmdir); hosts in parallel.
  const hosts = [...new Set(pending.map((c) => c.host))];
  const outcomes = await fanOut(
    hosts,
    async (host) => {
      for (const change of pending.filter((c) => c.host === host)) {
        for (const action of change.undo) {
          if (action.kind !== 'remote') continue;
          const result = await runRemoteAction(ctx, action);
          if (!result.ok) return fail({ ...result.error, host: result.error.host ?? hostName(ctx, host) });
        }
        ctx.markUndone(change.id);
        undone += 1;
      }
      return ok(undefined);
    },
    { concurrency: ctx.services.concurrency, signal: ctx.signal },
  );
  for (const o of outcomes) if (!o.ok) errors.push({ host: o.host, ran: 0, error: o.error });
  if (errors.length > 0) return fail(combinedError(ctx, errors, what));
  return ok(undone);
}

function hostName(ctx: DrContext, id: string): string {
  const host = ctx.services.host(id);
  return host.ok ? host.value.name : id;
}

function combinedError(ctx: DrContext, failed: HostRunSummary[], what: string): AppError {
  const first = failed[0]?.error as AppError;
  const names = failed.map((f) => hostName(ctx, f.host));
  return {
    ...first,
    message:
      failed.length === 1
        ? `${what} failed on ${names[0]}: ${first.message}`
        : `${what} failed on ${failed.length} hosts (${names.join(', ')}). First: ${first.message}`,
    hint: `${first.hint ? `${first.hint} ` : ''}Run the step again when fixed: hosts that succeeded are not touched twice.`,
  };
}
