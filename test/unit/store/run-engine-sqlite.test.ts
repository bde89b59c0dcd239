import { describe, expect, it } from 'vitest';
import { phaseLines } from '../../../shared/report/run-log.js';
import { RunEngine } from '../../../electron/core/runs/run-engine.js';
import type { RunStore } from '../../../electron/core/runs/run-store.js';
import type { StepDefinition } from '../../../electron/core/runs/step-definition.js';
import { LogWriter, readLogs } from '../../../electron/core/store/log-repo.js';
import { RunRepo } from '../../../electron/core/store/run-repo.js';
import type { StoreDb } from '../../../electron/core/store/database.js';
import { profileSchema, type Profile } from '../../../shared/profile/profile.js';
import { fail, ok } from '../../../shared/result.js';
import type { StepKey } from '../../../shared/run/plan-types.js';
import type { SingleRunParams } from '../../../shared/run/run-types.js';
import { useTempStores } from './temp-store.js';

/**
 * The run engine's behaviours (test/unit/runs/run-engine.test.ts) over the SQLite RunStore, with the
 * interruption made real: the store is closed under a step that never returns, and a new engine
 * resumes from the reopened file.
 */
const stores = useTempStores();

const profile: Profile = profileSchema.parse({
  id: 'p1',
  name: 'lab',
  clouds: { source: { authUrl: '', region: '' }, target: { authUrl: 'http://k:5000/v3', region: 'B' } },
  nfs: { target: '10.0.0.1:/b1', syncedCopy: '10.0.0.2:/b2' },
});
const params: SingleRunParams = {
  kind: 'single',
  workloadId: 'w1',
  targetProject: 'finance-dr',
  trusteeUser: '',
  snapshot: 'latest',
  restore: null,
  notifyOnly: false,
  removeMountsOnCleanup: true,
};
const allKeys: StepKey[] = [
  'preflight',
  'find',
  'copy',
  'mount-paths',
  'access',
  'reassign',
  'restore',
  'cleanup',
];

type Facts = { hosts: string[] };

/** Steps that mount on two hosts, check before acting, and record each mount once. */
function world() {
  const mounts = new Set<string>();
  const applied: string[] = [];
  const step = (
    key: StepKey,
    opts: { failVerify?: () => boolean; hangAfterFirstChange?: () => boolean } = {},
  ) =>
    ({
      key,
      discover: async () => ok({ hosts: ['c1', 'c2'] }),
      plan: (facts: Facts) =>
        ok({
          step: key,
          title: key,
          summary: '',
          warnings: [],
          verify: [],
          actions: facts.hosts.map((h) => ({
            kind: 'remote' as const,
            id: `${key}-${h}`,
            host: h,
            argv: ['mount', '--bind', '/a', '/b'],
            privileged: true,
            description: `bind on ${h}`,
          })),
        }),
      execute: async (plan, _facts, ctx) => {
        for (const a of plan.actions) {
          const host = a.kind === 'remote' ? a.host : '';
          const id = `${key}@${host}`;
          if (mounts.has(id)) continue;
          mounts.add(id);
          applied.push(id);
          ctx.recordChange({ actionId: a.id, host, kind: 'mount', description: id, undo: [] });
          ctx.log(`mounted ${id}`, { host });
          if (opts.hangAfterFirstChange?.()) await new Promise(() => {});
        }
        return ok({
          summary: 'done',
          verify: [{ host: 'c2', check: 'mount present', ok: !(opts.failVerify?.() ?? false) }],
        });
      },
    }) satisfies StepDefinition<Facts, null>;
  return { applied, step };
}

function engineFor(
  store: RunStore,
  steps: Partial<Record<StepKey, StepDefinition<Facts, null>>>,
  logs?: LogWriter,
) {
  return new RunEngine<null>({
    store,
    steps: steps as Partial<Record<StepKey, StepDefinition<unknown, null>>>,
    loadProfile: (id) => (id === 'p1' ? ok(profile) : fail({ code: 'not-found', message: 'no profile' })),
    openServices: async () => ok(null),
    closeServices: async () => {},
    log: (r) => logs?.write(r),
    emitStep: () => {},
    emitRun: () => {},
    operator: 'tester',
  });
}

async function until(check: () => boolean, deadlineMs = 5_000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('RunEngine over the SQLite store', () => {
  it('plans, executes in order and records changes and log lines', async () => {
    const w = world();
    const store: StoreDb = stores.open(stores.newFile());
    const logs = new LogWriter(store);
    const engine = engineFor(
      new RunRepo(store),
      Object.fromEntries(allKeys.map((k) => [k, w.step(k)])),
      logs,
    );
    const run = engine.create('p1', params);
    if (!run.ok) throw new Error(run.error.message);
    expect(await engine.execute(run.value.id, 'copy')).toMatchObject({
      ok: false,
      error: { code: 'precondition' },
    });
    const done = await engine.runAll(run.value.id);
    if (!done.ok) throw new Error(done.error.message);
    expect(done.value.status).toBe('succeeded');
    expect(done.value.steps.find((s) => s.key === 'cleanup')?.status).toBe('pending');
    expect(done.value.changes).toHaveLength(14);
    expect(done.value.changes[0]).toMatchObject({ id: 1, step: 'preflight', host: 'c1' });
    logs.close();
    expect(
      readLogs(store, run.value.id)
        .filter((l) => l.step === 'mount-paths')
        .map((l) => l.host || l.text),
    ).toEqual([phaseLines.plan, phaseLines.execute(1), 'c1', 'c2']);
  });

  it('fails a step whose verification fails; the retry changes nothing twice', async () => {
    const w = world();
    let broken = true;
    const repo = new RunRepo(stores.open(stores.newFile()));
    const engine = engineFor(repo, { preflight: w.step('preflight', { failVerify: () => broken }) });
    const run = engine.create('p1', params);
    if (!run.ok) throw new Error('create');
    expect(await engine.execute(run.value.id, 'preflight')).toMatchObject({
      ok: false,
      error: { message: 'Verification failed: c2: mount present.' },
    });
    expect(repo.getRun(run.value.id)?.status).toBe('failed');
    broken = false;
    const second = await engine.execute(run.value.id, 'preflight');
    expect(second.ok && second.value).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(repo.getRun(run.value.id)?.changes).toHaveLength(2);
  });

  it('resumes from the reopened file a run whose process died mid-step, without duplicate changes', async () => {
    const w = world();
    let hang = true;
    const steps = Object.fromEntries(
      allKeys.map((k) => [k, w.step(k, k === 'mount-paths' ? { hangAfterFirstChange: () => hang } : {})]),
    );
    const file = stores.newFile();
    const first = stores.open(file);
    const firstRepo = new RunRepo(first);
    const engine = engineFor(firstRepo, steps);
    const run = engine.create('p1', params);
    if (!run.ok) throw new Error('create');
    void engine.runAll(run.value.id);
    await until(() => firstRepo.getRun(run.value.id)?.changes.some((c) => c.step === 'mount-paths') ?? false);
    // The "process" dies: its store handle goes away with the step still hanging.
    first.close();

    hang = false;
    const repo = new RunRepo(stores.open(file));
    expect(repo.getRun(run.value.id)?.steps.find((s) => s.key === 'mount-paths')?.status).toBe('running');
    const second = engineFor(repo, steps);
    expect(second.recoverInterrupted()).toEqual([run.value.id]);
    expect(repo.getRun(run.value.id)?.status).toBe('interrupted');
    const resumed = await second.runAll(run.value.id);
    if (!resumed.ok) throw new Error(resumed.error.message);
    expect(resumed.value.status).toBe('succeeded');
    expect(resumed.value.changes.filter((c) => c.step === 'mount-paths').map((c) => c.host)).toEqual([
      'c1',
      'c2',
    ]);
    expect(w.applied.filter((a) => a.startsWith('mount-paths'))).toEqual([
      'mount-paths@c1',
      'mount-paths@c2',
    ]);
  });
});
