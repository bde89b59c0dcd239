import { describe, expect, it } from 'vitest';
import type { LogRecord, StepProgress } from '../../../shared/contract.js';
import { profileSchema, type Profile } from '../../../shared/profile/profile.js';
import { fail, ok } from '../../../shared/result.js';
import type { StepKey } from '../../../shared/run/plan-types.js';
import type { SingleRunParams } from '../../../shared/run/run-types.js';
import { MemoryRunStore } from '../../../electron/core/runs/memory-run-store.js';
import { RunEngine } from '../../../electron/core/runs/run-engine.js';
import type { StepDefinition } from '../../../electron/core/runs/step-definition.js';
import { phaseLines } from '../../../shared/report/run-log.js';

const profile: Profile = profileSchema.parse({
  id: 'p1',
  name: 'lab',
  clouds: {
    source: { authUrl: '', region: '' },
    target: { authUrl: 'http://k:5000/v3', region: 'B', username: 'admin' },
  },
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

/** A world with one fact per host: whether a mount exists. Steps check before they act. */
function fakeWorld() {
  const mounts = new Set<string>();
  const applied: string[] = [];
  const step = (
    key: StepKey,
    opts: { failVerify?: () => boolean; crashAfterFirstChange?: () => boolean } = {},
  ) =>
    ({
      key,
      discover: async () => ok({ hosts: ['c1', 'c2'] }),
      plan: (facts: { hosts: string[] }) =>
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
          if (ctx.signal.aborted) return fail({ code: 'cancelled', message: 'cancelled' });
          const id = `${key}@${a.kind === 'remote' ? a.host : ''}`;
          if (!mounts.has(id)) {
            mounts.add(id);
            applied.push(id);
            ctx.recordChange({
              actionId: a.id,
              host: a.kind === 'remote' ? a.host : '',
              kind: 'mount',
              description: id,
              undo: [],
            });
            ctx.log(`mounted ${id}`, { host: a.kind === 'remote' ? a.host : '' });
            // The process dies here: the step never returns (a SIGKILL leaves the same store behind).
            if (opts.crashAfterFirstChange?.()) await new Promise(() => {});
          }
        }
        const bad = opts.failVerify?.() ?? false;
        return ok({ summary: 'done', verify: [{ host: 'c2', check: 'mount present', ok: !bad }] });
      },
    }) satisfies StepDefinition<{ hosts: string[] }, null>;
  return { mounts, applied, step };
}

function engineFor(
  store: MemoryRunStore,
  steps: Partial<Record<StepKey, StepDefinition<{ hosts: string[] }, null>>>,
) {
  const logs: LogRecord[] = [];
  const progress: StepProgress[] = [];
  const engine = new RunEngine<null>({
    store,
    steps: steps as Partial<Record<StepKey, StepDefinition<unknown, null>>>,
    loadProfile: (id) => (id === 'p1' ? ok(profile) : fail({ code: 'not-found', message: 'no profile' })),
    openServices: async () => ok(null),
    closeServices: async () => {},
    log: (r) => logs.push(r),
    emitStep: (p) => progress.push(p),
    emitRun: () => {},
    operator: 'tester',
  });
  return { engine, logs, progress };
}

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

describe('RunEngine', () => {
  it('plans, executes in order and records changes with their step', async () => {
    const world = fakeWorld();
    const steps = Object.fromEntries(allKeys.map((k) => [k, world.step(k)]));
    const { engine, logs } = engineFor(new MemoryRunStore(), steps);
    const run = engine.create('p1', params);
    if (!run.ok) throw new Error(run.error.message);
    const early = await engine.execute(run.value.id, 'copy');
    expect(early).toMatchObject({
      ok: false,
      error: { code: 'precondition', message: expect.stringContaining('Pre-flight') },
    });

    const planned = await engine.plan(run.value.id, 'preflight');
    expect(planned.ok && planned.value.status).toBe('planned');
    expect(planned.ok && planned.value.plan?.actions.map((a) => a.id)).toEqual([
      'preflight-c1',
      'preflight-c2',
    ]);

    const done = await engine.runAll(run.value.id);
    if (!done.ok) throw new Error(done.error.message);
    expect(done.value.status).toBe('succeeded');
    expect(done.value.steps.find((s) => s.key === 'cleanup')?.status).toBe('pending');
    expect(done.value.changes).toHaveLength(14);
    expect(done.value.changes[0]).toMatchObject({ step: 'preflight', host: 'c1' });
    // The engine marks planning and execution (the report's timeline shows execution only).
    expect(logs.filter((l) => l.step === 'mount-paths').map((l) => [l.host, l.host ? '' : l.text])).toEqual([
      ['', phaseLines.plan],
      ['', phaseLines.execute(1)],
      ['c1', ''],
      ['c2', ''],
    ]);
  });

  it('fails a step whose verification fails, naming the host, and retrying after a fix changes nothing twice', async () => {
    const world = fakeWorld();
    let broken = true;
    const steps = { preflight: world.step('preflight', { failVerify: () => broken }) };
    const store = new MemoryRunStore();
    const { engine } = engineFor(store, steps);
    const run = engine.create('p1', params);
    if (!run.ok) throw new Error('create');
    const first = await engine.execute(run.value.id, 'preflight');
    expect(first).toMatchObject({ ok: false, error: { message: 'Verification failed: c2: mount present.' } });
    expect(store.getRun(run.value.id)?.status).toBe('failed');
    broken = false;
    const second = await engine.execute(run.value.id, 'preflight');
    expect(second.ok && second.value).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(world.applied).toEqual(['preflight@c1', 'preflight@c2']);
    expect(store.getRun(run.value.id)?.changes).toHaveLength(2);
  });

  it('resumes a run interrupted mid-step without duplicate changes', async () => {
    const world = fakeWorld();
    let crash = true;
    const steps = Object.fromEntries(
      allKeys.map((k) => [
        k,
        world.step(k, k === 'mount-paths' ? { crashAfterFirstChange: () => crash } : {}),
      ]),
    );
    const store = new MemoryRunStore();
    const first = engineFor(store, steps);
    const run = first.engine.create('p1', params);
    if (!run.ok) throw new Error('create');
    void first.engine.runAll(run.value.id);
    await new Promise((r) => setTimeout(r, 20));
    expect(store.getRun(run.value.id)?.steps.find((s) => s.key === 'mount-paths')?.status).toBe('running');

    // A new process over the same store: the run is found interrupted and completes.
    crash = false;
    const second = engineFor(store, steps);
    expect(second.engine.recoverInterrupted()).toEqual([run.value.id]);
    expect(store.getRun(run.value.id)?.status).toBe('interrupted');
    const resumed = await second.engine.runAll(run.value.id);
    if (!resumed.ok) throw new Error(resumed.error.message);
    expect(resumed.value.status).toBe('succeeded');
    const mountChanges = resumed.value.changes.filter((c) => c.step === 'mount-paths');
    expect(mountChanges.map((c) => c.host)).toEqual(['c1', 'c2']);
    expect(world.applied.filter((a) => a.startsWith('mount-paths'))).toEqual([
      'mount-paths@c1',
      'mount-paths@c2',
    ]);
  });

  it('turns an exception in a step into a failed step with a clear message', async () => {
    const world = fakeWorld();
    const throwing: StepDefinition<{ hosts: string[] }, null> = {
      ...world.step('preflight'),
      execute: async () => {
        throw new TypeError('x is undefined');
      },
    };
    const store = new MemoryRunStore();
    const { engine } = engineFor(store, { preflight: throwing });
    const run = engine.create('p1', params);
    if (!run.ok) throw new Error('create');
    expect(await engine.execute(run.value.id, 'preflight')).toMatchObject({
      ok: false,
      error: { code: 'internal', message: expect.stringContaining('x is undefined') },
    });
    expect(store.getRun(run.value.id)?.steps[0]?.status).toBe('failed');
  });

  it('offers clean-up even after a failure, and cancels a running step', async () => {
    const world = fakeWorld();
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    const slow: StepDefinition<{ hosts: string[] }, null> = {
      ...world.step('preflight'),
      execute: async (_plan, _facts, ctx) => {
        await gate;
        return ctx.signal.aborted
          ? fail({ code: 'cancelled', message: 'Cancelled by the user.' })
          : ok({ summary: '', verify: [] });
      },
    };
    const store = new MemoryRunStore();
    const { engine } = engineFor(store, { preflight: slow, cleanup: world.step('cleanup') });
    const run = engine.create('p1', params);
    if (!run.ok) throw new Error('create');
    const pending = engine.execute(run.value.id, 'preflight');
    await new Promise((r) => setTimeout(r, 10));
    expect(await engine.execute(run.value.id, 'preflight')).toMatchObject({
      ok: false,
      error: { code: 'conflict' },
    });
    expect(engine.cancel(run.value.id)).toEqual({ ok: true, value: { cancelled: true } });
    release();
    expect(await pending).toMatchObject({ ok: false, error: { code: 'cancelled' } });
    expect(store.getRun(run.value.id)?.status).toBe('cancelled');
    const cleanup = await engine.execute(run.value.id, 'cleanup');
    expect(cleanup.ok && cleanup.value.status).toBe('succeeded');
  });

  it('closes a run once, not while a step executes; the phase then reads abandoned', async () => {
    const world = fakeWorld();
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    const slow: StepDefinition<{ hosts: string[] }, null> = {
      ...world.step('preflight'),
      execute: async () => {
        await gate;
        return ok({ summary: '', verify: [] });
      },
    };
    const store = new MemoryRunStore();
    const { engine } = engineFor(store, { preflight: slow });
    const run = engine.create('p1', params);
    if (!run.ok) throw new Error('create');
    const pending = engine.execute(run.value.id, 'preflight');
    await new Promise((r) => setTimeout(r, 10));
    expect(engine.close(run.value.id)).toMatchObject({ ok: false, error: { code: 'conflict' } });
    release();
    await pending;
    const closed = engine.close(run.value.id);
    if (!closed.ok) throw new Error(closed.error.message);
    expect(closed.value.closedAt).toMatch(/^\d{4}-/);
    const again = engine.close(run.value.id);
    expect(again.ok && again.value.closedAt).toBe(closed.value.closedAt);
    expect(store.listRuns('p1')[0]).toMatchObject({ phase: 'abandoned', phaseLabel: 'abandoned, closed' });
    expect(engine.close('nope')).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });
});
