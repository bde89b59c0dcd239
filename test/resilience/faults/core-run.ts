import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LogRecord } from '../../../shared/contract.js';
import { AppFailure, fail, ok, type Result } from '../../../shared/result.js';
import type { StepKey } from '../../../shared/run/plan-types.js';
import type { RunView, StepState } from '../../../shared/run/run-types.js';
import { createCore } from '../../../electron/core/app-core.js';
import type { Core } from '../../../electron/core/core-types.js';
import type { LabHost, LabJson } from '../../lab/lab-json.js';

/**
 * A DR run driven through the app core as the wizard drives it (the lab's importable profile, a
 * SQLite store in a temp folder, `runs.*` calls), for tests that inject a fault between two calls
 * and then read the run's own record: step states, changes and the log lines it kept.
 */
export interface CoreRun {
  core: Core;
  dataDir: string;
  runId: string;
  /** A core call that must succeed (throws with the error otherwise). */
  call<T>(name: string, args: unknown): Promise<T>;
  execute(step: StepKey): Promise<Result<StepState>>;
  plan(step: StepKey): Promise<Result<StepState>>;
  view(): Promise<RunView>;
  /** Every log line the run kept so far (flushed first). */
  logs(): Promise<(LogRecord & { id: number })[]>;
  close(): Promise<void>;
}

export type CoreRunParams = { kind: 'full' } | { kind: 'single'; workloadId: string; targetProject: string };

export const passphrase = 'fault suite passphrase';

/** Opens a core on a fresh data folder, imports the lab profile and creates a run (nothing executed). */
export async function openCoreRun(lab: LabJson, params: CoreRunParams): Promise<CoreRun> {
  const dataDir = await mkdtemp(join(tmpdir(), 'trilio-dr-faults-'));
  const core = await createCore({ dataDir, cipher: null, passphrase, mode: 'headless', version: 'test' });
  const handle = async <T>(name: string, args: unknown) => (await core.handle(name, args)) as Result<T>;
  const call = async <T>(name: string, args: unknown): Promise<T> => {
    const result = await handle<T>(name, args);
    if (!result.ok) throw new Error(`${name}: ${JSON.stringify(result.error)}`);
    return result.value;
  };
  const profile = await call<{ id: string }>('profiles.import', {
    text: await readFile(lab.profileFile, 'utf8'),
  });
  const run = await call<RunView>('runs.create', { profileId: profile.id, params });
  return {
    core,
    dataDir,
    runId: run.id,
    call,
    execute: (step) => handle<StepState>('runs.execute', { runId: run.id, step }),
    plan: (step) => handle<StepState>('runs.plan', { runId: run.id, step }),
    view: () => call<RunView>('runs.get', { runId: run.id }),
    logs: () => call('runs.logs', { runId: run.id, limit: 100_000 }),
    close: async () => {
      await core.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Executes steps in order; throws naming the first that fails (setup, not the fault under test). */
export async function executeSteps(run: CoreRun, steps: StepKey[]): Promise<void> {
  for (const step of steps) {
    const done = await run.execute(step);
    if (!done.ok) throw new Error(`setup step ${step} failed: ${JSON.stringify(done.error)}`);
  }
}

/** `createCore` as a Result: a second instance on a locked store throws an AppFailure. */
export async function tryCreateCore(dataDir: string): Promise<Result<Core>> {
  try {
    return ok(await createCore({ dataDir, cipher: null, passphrase, mode: 'headless', version: 'test' }));
  } catch (error) {
    if (error instanceof AppFailure) return fail(error.error);
    throw error;
  }
}

/** The lab's Trilio nodes (appliance and computes), not the jump host. */
export const trilioNodes = (lab: LabJson): LabHost[] => lab.hosts.filter((h) => h.role !== 'jump');

/** The Trilio config file of a node (systemd flavor). */
export const confOf = (host: LabHost): string =>
  host.role === 'tvm' ? '/etc/workloadmgr/workloadmgr.conf' : '/etc/tvault-contego/tvault-contego.conf';

/** The Trilio service of a node whose restart mounts the NFS exports. */
export const serviceOf = (host: LabHost): 'wlm-workloads' | 'tvault-contego' =>
  host.role === 'tvm' ? 'wlm-workloads' : 'tvault-contego';

/**
 * How many times the run's log shows a command matching `pattern` sent to each host (the `command`
 * lines the SSH engine logs before it runs anything), optionally within one step and after a log id.
 */
export function commandsPerHost(
  logs: readonly (LogRecord & { id: number })[],
  pattern: RegExp,
  options: { step?: StepKey; afterId?: number } = {},
): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const l of logs) {
    if (l.stream !== 'command' || !pattern.test(l.text)) continue;
    if (options.step && l.step !== options.step) continue;
    if (options.afterId !== undefined && l.id <= options.afterId) continue;
    counts[l.host] = (counts[l.host] ?? 0) + 1;
  }
  return counts;
}
