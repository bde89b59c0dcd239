import { readFile } from 'node:fs/promises';
import type { LogRecord, StepProgress } from '../../../../shared/contract.js';
import { profileSchema, type Profile } from '../../../../shared/profile/profile.js';
import type { SecretKey } from '../../../../shared/profile/secret-keys.js';
import { fail, ok, type Result } from '../../../../shared/result.js';
import type { StepKey } from '../../../../shared/run/plan-types.js';
import type { SingleRunParams } from '../../../../shared/run/run-types.js';
import {
  closeRunServices,
  openRunServices,
  type RunServices,
} from '../../../../electron/core/dr/run-services.js';
import { MemoryRunStore } from '../../../../electron/core/runs/memory-run-store.js';
import { RunEngine } from '../../../../electron/core/runs/run-engine.js';
import type { StepDefinition } from '../../../../electron/core/runs/step-definition.js';
import { importKnownHosts } from '../../../../electron/core/ssh/known-hosts-file.js';
import { MemoryKnownHostsStore } from '../../../../electron/core/ssh/memory-known-hosts-store.js';
import { profilePath } from '../../../lab/lab.js';

/**
 * A real run engine over the lab for the API steps: the lab's importable profile (`.lab/lab-profile.json`)
 * with its secrets and known hosts, real run services, an in-memory run store, and the steps before
 * Access (pre-flight, find, copy, mount paths) as stand-ins that succeed: the tests prepare what they
 * would have done (the copy on B1, the bind mounts) themselves.
 */

/** The run services plus the secret lookup the restore step needs for its project-scoped login. */
export type ApiRunServices = RunServices & { getSecret: (key: SecretKey) => string | undefined };

export interface ApiRunWorld {
  profile: Profile;
  engine: RunEngine<RunServices>;
  store: MemoryRunStore;
  logs: LogRecord[];
  progress: StepProgress[];
  getSecret: (key: SecretKey) => string | undefined;
  /** Creates a single-workload run with the stand-in steps already done. */
  startRun(
    params: Partial<SingleRunParams> & Pick<SingleRunParams, 'workloadId' | 'targetProject'>,
  ): Promise<string>;
  logOf(runId: string, step: StepKey): string[];
}

interface ProfileEnvelope {
  profile: Record<string, unknown>;
  secrets: Record<string, string>;
  knownHosts: string[];
}

const standIns: StepKey[] = ['preflight', 'find', 'copy', 'mount-paths'];

function standIn(key: StepKey): StepDefinition<unknown, RunServices> {
  return {
    key,
    discover: async () => ok({}),
    plan: () =>
      ok({ step: key, title: key, summary: 'prepared by the test', actions: [], verify: [], warnings: [] }),
    execute: async () => ok({ summary: 'prepared by the test', verify: [] }),
  };
}

export async function apiRunWorld(
  steps: Partial<Record<StepKey, StepDefinition<unknown, RunServices>>>,
): Promise<ApiRunWorld> {
  const envelope = JSON.parse(await readFile(profilePath, 'utf8')) as ProfileEnvelope;
  const profile = profileSchema.parse({ ...envelope.profile, id: 'lab' });
  const secrets = new Map(Object.entries(envelope.secrets));
  const getSecret = (key: SecretKey): string | undefined => secrets.get(key);
  const knownHosts = new MemoryKnownHostsStore(importKnownHosts(envelope.knownHosts.join('\n')).entries);
  const logs: LogRecord[] = [];
  const progress: StepProgress[] = [];
  const sink = (record: LogRecord) => logs.push(record);
  const store = new MemoryRunStore();
  const engine = new RunEngine<RunServices>({
    store,
    steps: { ...Object.fromEntries(standIns.map((k) => [k, standIn(k)])), ...steps },
    loadProfile: (id): Result<Profile> =>
      id === profile.id ? ok(profile) : fail({ code: 'not-found', message: `no profile ${id}` }),
    openServices: async (p, _runId, signal) => {
      const services: ApiRunServices = {
        ...openRunServices(p, { getSecret, knownHosts, sink, scrub: (t) => t }, signal),
        getSecret,
      };
      return ok(services);
    },
    closeServices: closeRunServices,
    log: sink,
    emitStep: (p) => progress.push(p),
    emitRun: () => undefined,
    operator: 'api-steps-test',
  });
  return {
    profile,
    engine,
    store,
    logs,
    progress,
    getSecret,
    async startRun(params) {
      const run = engine.create(profile.id, {
        kind: 'single',
        trusteeUser: '',
        snapshot: 'latest',
        restore: null,
        notifyOnly: false,
        removeMountsOnCleanup: false,
        ...params,
      });
      if (!run.ok) throw new Error(JSON.stringify(run.error));
      for (const key of standIns) {
        const done = await engine.execute(run.value.id, key);
        if (!done.ok) throw new Error(`${key}: ${JSON.stringify(done.error)}`);
      }
      return run.value.id;
    },
    logOf: (runId, step) => logs.filter((l) => l.runId === runId && l.step === step).map((l) => l.text),
  };
}
