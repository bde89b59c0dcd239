import { ok } from '../../../shared/result.js';
import type { RunEngine } from '../runs/run-engine.js';
import type { RunRepo } from '../store/run-repo.js';
import { readLogs, type LogWriter } from '../store/log-repo.js';
import type { CoreState } from '../core-state.js';
import type { PartialHandlers } from './handler-types.js';

type RunCalls =
  | 'runs.create'
  | 'runs.list'
  | 'runs.get'
  | 'runs.updateParams'
  | 'runs.plan'
  | 'runs.execute'
  | 'runs.cancel'
  | 'runs.close'
  | 'runs.logs';

/** DR runs: create, plan and execute steps one at a time, cancel, and read back their logs. */
export function runHandlers<S>(
  state: CoreState,
  engine: RunEngine<S>,
  runs: RunRepo,
  logs: LogWriter,
): PartialHandlers<RunCalls> {
  return {
    'runs.create': ({ profileId, params }) => engine.create(profileId, params),
    'runs.list': ({ profileId }) => ok(runs.listRuns(profileId)),
    'runs.get': ({ runId }) => engine.get(runId),
    'runs.updateParams': ({ runId, params }) => engine.updateParams(runId, params),
    'runs.plan': ({ runId, step }) => engine.plan(runId, step),
    'runs.execute': ({ runId, step, confirmed }) => engine.execute(runId, step, confirmed),
    'runs.cancel': ({ runId }) => engine.cancel(runId),
    'runs.close': ({ runId }) => engine.close(runId),
    'runs.logs': ({ runId, afterId, limit }) => {
      // Lines still buffered for the next batch are part of the answer.
      logs.flush();
      return ok(readLogs(state.store, runId, { ...(afterId !== undefined ? { afterId } : {}), limit }));
    },
  };
}
