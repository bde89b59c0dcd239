import { describe, expect, it } from 'vitest';
import { isPhaseLine } from '../../../shared/report/run-log.js';
import {
  parseCallArgs,
  type Api,
  type CallArgs,
  type CallName,
  type CallResult,
  type EventName,
  type Events,
  type LogRecord,
} from '../../../shared/contract.js';
import type { ScannedWorkload } from '../../../shared/discovery/workload-scan.js';
import { profileSchema, type Profile } from '../../../shared/profile/profile.js';
import { fail, ok, type AppError, type Result } from '../../../shared/result.js';
import type { StepKey } from '../../../shared/run/plan-types.js';
import { MemoryRunStore } from '../../../electron/core/runs/memory-run-store.js';
import { RunEngine } from '../../../electron/core/runs/run-engine.js';
import type { StepDefinition } from '../../../electron/core/runs/step-definition.js';
import { LogView } from '../../../renderer/src/lib/log/log-view.svelte.js';
import { findDataOf } from '../../../renderer/src/lib/run/find-data.js';
import { WizardState } from '../../../renderer/src/lib/wizard/wizard-state.svelte.js';
import type { Confirm } from '../../../renderer/src/lib/app/workspace.svelte.js';

/**
 * The wizard's state classes against the real run engine (in-memory store) behind the contract:
 * arguments are parsed with the contract's schemas and answers cross a JSON round trip, as over IPC
 * or HTTP. Only the steps are stand-ins, each with the behaviour a panel has to show.
 */
const profile: Profile = profileSchema.parse({
  id: 'p1',
  name: 'lab',
  clouds: {
    source: { authUrl: '', region: '' },
    target: { authUrl: 'http://k:5000/v3', region: 'B', username: 'admin' },
  },
  nfs: { target: '10.0.0.1:/b1', syncedCopy: '10.0.0.2:/b2' },
});

const workload = (id: string, name: string, vms: string[], snapshots: string[]): ScannedWorkload => ({
  id,
  name,
  description: null,
  projectId: 'proj-a',
  userId: null,
  status: 'available',
  createdAt: null,
  metadata: {},
  vms: vms.map((vm) => ({ id: `${vm}-id`, name: vm })),
  snapshots: snapshots.map((createdAt, i) => ({
    id: `${id}-s${i}`,
    name: `s${i}`,
    type: i === 0 ? 'full' : 'incremental',
    status: 'available',
    createdAt,
    size: 10,
    folder: `snapshot_${id}-s${i}`,
  })),
  sizeBytes: 3 * 1024 ** 3,
  fileCount: 9,
  path: `/b2/workload_${id}`,
  root: '/b2',
  errors: [],
});
const workloads = [
  workload('w-erp', 'fin-erp', ['erp-app', 'erp-db'], ['2026-01-01T00:00:00', '2026-01-03T00:00:00']),
  workload('w-web', 'fin-web', ['web-1'], ['2026-01-02T00:00:00']),
];

const hostKey = {
  host: '127.0.1.1',
  keyType: 'ssh-ed25519',
  keyBase64: 'AAAAC3NzaC1lZDI1NTE5AAAAIIHZ4J7jCaqYzwv6g7o8mEjkuJaBaFxoXpaGgN2/OprU',
  fingerprint: 'SHA256:abc',
};

type Facts = Record<string, unknown>;

/** Stand-in steps: each does just enough to exercise one part of the panel. */
function fakeSteps(world: { keyTrusted: boolean; copyGate: Promise<void> }) {
  const step = (
    key: StepKey,
    body: Partial<StepDefinition<Facts, null>> = {},
  ): StepDefinition<Facts, null> => ({
    key,
    discover: async () => ok({}),
    plan: () =>
      ok({
        step: key,
        title: key,
        summary: `${key} summary`,
        warnings: [],
        verify: [],
        actions: [
          {
            kind: 'remote',
            id: `${key}-1`,
            host: 'compute-1',
            argv: ['mount', '--bind', '/a b', '/c'],
            privileged: true,
            description: `${key} on compute-1`,
          },
        ],
      }),
    execute: async (_plan, _facts, ctx) => {
      ctx.log(`${key} ran`, { host: 'compute-1' });
      return ok({ summary: `${key} done`, verify: [{ host: 'compute-1', check: `${key} holds`, ok: true }] });
    },
    ...body,
  });
  const steps: Partial<Record<StepKey, StepDefinition<Facts, null>>> = {
    preflight: step('preflight'),
    find: step('find', {
      execute: async (_plan, _facts, ctx) => {
        const wanted = ctx.params.kind === 'single' ? ctx.params.workloadId : '';
        const selected = workloads.find((w) => w.id === wanted) ?? null;
        return ok({
          summary: selected ? `found ${selected.name}` : `${workloads.length} workloads: choose one`,
          verify: wanted
            ? [{ host: 'tvm-1', check: `workload ${wanted} is there`, ok: selected !== null }]
            : [],
          data: { sourceRoot: '/b2', workloads, selected },
        });
      },
    }),
    copy: step('copy', {
      execute: async (_plan, _facts, ctx) => {
        ctx.progress(0.5, '1 of 2 GiB');
        await world.copyGate;
        return ok({ summary: 'copied', verify: [{ host: 'tvm-1', check: 'sizes match', ok: true }] });
      },
    }),
    'mount-paths': step('mount-paths', {
      discover: async () =>
        world.keyTrusted
          ? ok({})
          : fail({
              code: 'ssh-host-key-unknown',
              message: 'compute-1 presented an unknown host key.',
              host: 'compute-1',
              hostKey,
            }),
    }),
    reassign: step('reassign', {
      plan: (_facts, ctx) =>
        ok({
          step: 'reassign',
          title: 'Reassign',
          summary: ctx.params.reenableSchedules ? 're-enables the schedules' : 'schedules stay off',
          warnings: [],
          verify: [],
          actions: [],
        }),
    }),
    cleanup: step('cleanup', {
      plan: (_facts, ctx) =>
        ok({
          step: 'cleanup',
          title: 'Clean up',
          summary:
            ctx.params.kind === 'single' && ctx.params.removeMountsOnCleanup
              ? 'also removes the mounts'
              : 'keeps the mounts',
          warnings: [],
          verify: [],
          actions: [],
        }),
    }),
  };
  return steps;
}

/** The contract served by the real engine, with `log` and `step` events. */
function engineApi() {
  let release = () => {};
  const world = {
    keyTrusted: false,
    copyGate: new Promise<void>((resolve) => (release = resolve)),
  };
  const listeners = new Map<EventName, Set<(payload: never) => void>>();
  const emit = <E extends EventName>(event: E, payload: Events[E]) => {
    for (const l of listeners.get(event) ?? [])
      (l as (p: Events[E]) => void)(JSON.parse(JSON.stringify(payload)));
  };
  const stored: (LogRecord & { id: number })[] = [];
  const store = new MemoryRunStore();
  const hooks: { duringLogs?: () => void; afterLogs?: () => void } = {};
  const logLine = (record: LogRecord) => {
    stored.push({ ...record, id: stored.length + 1 });
    emit('log', [record]);
  };
  const engine = new RunEngine<null>({
    store,
    steps: fakeSteps(world) as Partial<Record<StepKey, StepDefinition<unknown, null>>>,
    loadProfile: (id) =>
      id === profile.id ? ok(profile) : fail({ code: 'not-found', message: 'no profile' }),
    openServices: async () => ok(null),
    closeServices: async () => {},
    log: logLine,
    emitStep: (progress) => emit('step', progress),
    emitRun: () => {},
    operator: 'tester',
  });
  const trusted: unknown[] = [];
  const calls: CallName[] = [];

  const handle = async (name: CallName, args: Record<string, unknown>): Promise<Result<unknown>> => {
    const runId = String(args.runId);
    const step = args.step as StepKey;
    switch (name) {
      case 'runs.create':
        return engine.create(String(args.profileId), args.params as never);
      case 'runs.list':
        return ok(store.listRuns(args.profileId as string | undefined));
      case 'runs.get':
        return engine.get(runId);
      case 'runs.updateParams':
        return engine.updateParams(runId, args.params as never);
      case 'runs.plan':
        return engine.plan(runId, step);
      case 'runs.execute':
        return engine.execute(runId, step, args.confirmed as string[]);
      case 'runs.cancel':
        return engine.cancel(runId);
      case 'runs.close':
        return engine.close(runId);
      case 'names.lookup':
        return ok({ names: {}, problems: [] });
      case 'runs.logs': {
        const after = (args.afterId as number | undefined) ?? 0;
        hooks.duringLogs?.();
        const answer = stored.filter((r) => r.runId === runId && r.id > after).slice(0, args.limit as number);
        hooks.afterLogs?.();
        return ok(answer);
      }
      case 'hosts.trustKey':
        trusted.push(args);
        world.keyTrusted = true;
        return ok({ trusted: true });
      default:
        return fail({ code: 'internal', message: `${name} is not served here` });
    }
  };

  const api: Api = {
    async call<N extends CallName>(name: N, args: CallArgs<N>): Promise<Result<CallResult<N>>> {
      calls.push(name);
      const parsed = parseCallArgs(name, JSON.parse(JSON.stringify(args)));
      if (!parsed.ok) return parsed;
      const result = await handle(name, parsed.value as Record<string, unknown>);
      return JSON.parse(JSON.stringify(result)) as Result<CallResult<N>>;
    },
    on<E extends EventName>(event: E, listener: (payload: Events[E]) => void) {
      const set = listeners.get(event) ?? new Set();
      set.add(listener as (payload: never) => void);
      listeners.set(event, set);
      return () => set.delete(listener as (payload: never) => void);
    },
  };
  return { api, engine, store, stored, trusted, calls, world, hooks, logLine, release: () => release() };
}

/** A wizard wired as app.svelte wires it: events in, log panel fed. */
function wizardFor(backend: ReturnType<typeof engineApi>, confirmAnswer = true) {
  const log = new LogView();
  const asked: string[] = [];
  const requests: Parameters<Confirm>[0][] = [];
  const wizard = new WizardState(backend.api, {
    log,
    confirm: async (request) => {
      asked.push(request.message);
      requests.push(request);
      return confirmAnswer;
    },
  });
  backend.api.on('log', (batch) => wizard.onLog(batch));
  backend.api.on('step', (progress) => wizard.apply(progress));
  return { wizard, log, asked, requests };
}

async function started(backend = engineApi(), setup: Partial<WizardState['setup']> = {}) {
  const ui = wizardFor(backend);
  await ui.wizard.useProfile('p1');
  Object.assign(ui.wizard.setup, { targetProject: 'finance-dr', ...setup });
  expect(await ui.wizard.start()).toBe(true);
  return { backend, ...ui, session: ui.wizard.session! };
}

const status = (wizard: WizardState, key: StepKey) => wizard.steps.find((s) => s.key === key)?.status;

describe('WizardState', () => {
  it('shows the single-workload steps, pending, before any run; notify replaces restore', async () => {
    const { wizard } = wizardFor(engineApi());
    await wizard.useProfile('p1');
    expect(wizard.steps.map((s) => s.title)).toEqual([
      'Pre-flight',
      'Find the workload',
      'Copy',
      'Mount paths',
      'Access',
      'Reassign',
      'Restore',
      'Clean up',
    ]);
    expect(new Set(wizard.steps.map((s) => s.status))).toEqual(new Set(['pending']));
    expect(wizard.current.key).toBe('preflight');
    expect(wizard.runsLoaded).toBe(true);
    expect(wizard.runs).toEqual([]);
    wizard.setup.notifyOnly = true;
    expect(wizard.steps.map((s) => s.key)).toContain('notify');
    expect(wizard.steps.map((s) => s.key)).not.toContain('restore');
  });

  it('refuses to start without a target project, then creates a single run from the form', async () => {
    const backend = engineApi();
    const { wizard } = wizardFor(backend);
    await wizard.useProfile('p1');
    expect(await wizard.start()).toBe(false);
    expect(wizard.error?.fields?.[0]?.path).toBe('targetProject');
    expect(backend.calls).not.toContain('runs.create');

    Object.assign(wizard.setup, { targetProject: ' finance-dr ', trusteeUser: 'alice-dr', snapshot: '' });
    expect(await wizard.start()).toBe(true);
    expect(wizard.error).toBeNull();
    expect(wizard.session?.run.params).toEqual({
      kind: 'single',
      workloadId: '',
      targetProject: 'finance-dr',
      trusteeUser: 'alice-dr',
      snapshot: 'latest',
      restore: null,
      notifyOnly: false,
      removeMountsOnCleanup: false,
      reenableSchedules: false,
    });
    expect(wizard.runs.map((r) => r.id)).toEqual([wizard.session?.id]);
    expect(wizard.steps.map((s) => s.status)).toEqual(Array(8).fill('pending'));
  });

  it('plans, then runs a step: plan, outcome with verification rows, log lines of this run only', async () => {
    const { wizard, session, log, backend } = await started();
    expect(await session.plan('preflight')).toBe(true);
    expect(status(wizard, 'preflight')).toBe('planned');
    expect(wizard.apply({ runId: 'other', step: 'preflight', status: 'failed' })).toBe(false);
    expect(wizard.apply({ runId: session.id, step: 'not-a-step', status: 'failed' })).toBe(false);
    expect(status(wizard, 'preflight')).toBe('planned');
    expect(session.stepState('preflight')?.plan?.actions[0]).toMatchObject({ host: 'compute-1' });

    // A line of another run (the CLI on the same store) must not reach this run's panel.
    wizard.onLog([{ runId: 'other', step: 'copy', host: 'x', stream: 'info', ts: 1, text: 'not mine' }]);
    expect(await session.execute('preflight')).toBe(true);
    expect(status(wizard, 'preflight')).toBe('succeeded');
    expect(session.stepState('preflight')?.outcome?.verify).toEqual([
      { host: 'compute-1', check: 'preflight holds', ok: true },
    ]);
    // The engine's phase lines (planning, executing) aside.
    expect(log.records.map((r) => r.text).filter((t) => !isPhaseLine(t))).toEqual(['preflight ran']);
    expect(wizard.nextStep('preflight')).toBe('find');
    expect(backend.store.getRun(session.id)?.status).toBe('waiting');
  });

  it('keeps the error of a call the core refuses (a step before it has not succeeded)', async () => {
    const { session, wizard } = await started();
    await session.plan('copy');
    expect(await session.execute('copy')).toBe(false);
    expect(session.errorOf('copy')?.message).toMatch(/needs “Pre-flight” to succeed first/);
    expect(status(wizard, 'copy')).not.toBe('running');
    await session.plan('copy');
    expect(session.errorOf('copy')).toBeUndefined();
  });

  it('lists the scanned workloads; choosing one saves it and runs find again so it verifies', async () => {
    const { session, wizard } = await started();
    await session.execute('preflight');
    await session.plan('find');
    expect(await session.execute('find')).toBe(true);
    const data = findDataOf(session.stepState('find')?.outcome);
    expect(data?.workloads.map((w) => w.name)).toEqual(['fin-erp', 'fin-web']);
    expect(data?.selected).toBeNull();

    expect(await session.chooseWorkload('w-erp')).toBe(true);
    expect(session.params?.workloadId).toBe('w-erp');
    const find = session.stepState('find');
    expect(find?.status).toBe('succeeded');
    expect(find?.attempts).toBe(2);
    expect(find?.outcome?.verify).toEqual([{ host: 'tvm-1', check: 'workload w-erp is there', ok: true }]);
    expect(findDataOf(find?.outcome)?.selected?.name).toBe('fin-erp');
    expect(wizard.steps.find((s) => s.key === 'find')?.message).toBe('found fin-erp');
  });

  it('shows progress events of the running step and refuses a second action meanwhile', async () => {
    const { session, wizard, backend } = await started();
    await session.execute('preflight');
    await session.execute('find');
    await session.plan('copy');
    const running = session.execute('copy');
    await expect.poll(() => wizard.steps.find((s) => s.key === 'copy')?.fraction).toBe(0.5);
    expect(wizard.steps.find((s) => s.key === 'copy')).toMatchObject({
      status: 'running',
      message: '1 of 2 GiB',
    });
    expect(session.busy).toEqual({ step: 'copy', work: 'execute' });
    expect(await session.plan('mount-paths')).toBe(false);
    backend.release();
    expect(await running).toBe(true);
    expect(session.busy).toBeNull();
    expect(session.live.copy).toBeUndefined();
    expect(status(wizard, 'copy')).toBe('succeeded');
  });

  it('offers to trust an unknown host key, sends exactly that key, and the step then plans', async () => {
    const backend = engineApi();
    const { session } = await started(backend);
    expect(await session.plan('mount-paths')).toBe(false);
    const error = session.errorOf('mount-paths') as AppError;
    expect(error.code).toBe('ssh-host-key-unknown');
    expect(error.hostKey?.fingerprint).toBe('SHA256:abc');
    expect(session.stepState('mount-paths')?.error?.hostKey).toBeDefined();

    expect(await session.trustKey('mount-paths', error.hostKey!, false)).toBe(true);
    expect(backend.trusted).toEqual([
      {
        profileId: 'p1',
        host: '127.0.1.1',
        keyType: 'ssh-ed25519',
        keyBase64: hostKey.keyBase64,
        replace: false,
      },
    ]);
    expect(session.isTrusted(error.hostKey!)).toBe(true);
    expect(session.notices['mount-paths']).toMatch(/Run the step again/);
    expect(await session.plan('mount-paths')).toBe(true);
    expect(session.errorOf('mount-paths')).toBeUndefined();
  });

  it('replaces a changed host key only after the user confirms', async () => {
    const backend = engineApi();
    const ui = wizardFor(backend, false);
    await ui.wizard.useProfile('p1');
    ui.wizard.setup.targetProject = 'finance-dr';
    await ui.wizard.start();
    const session = ui.wizard.session!;
    const changed = { ...hostKey, knownFingerprints: ['SHA256:old'] };
    expect(await session.trustKey('mount-paths', changed, true)).toBe(false);
    expect(ui.asked[0]).toContain('SHA256:old');
    expect(backend.trusted).toEqual([]);

    const yes = wizardFor(backend, true);
    await yes.wizard.useProfile('p1');
    await yes.wizard.open(session.id);
    expect(await yes.wizard.session!.trustKey('mount-paths', changed, true)).toBe(true);
    expect(backend.trusted).toMatchObject([{ replace: true }]);
  });

  it('saves the clean-up choice and plans clean-up again with it', async () => {
    const { session, backend } = await started();
    await session.plan('cleanup');
    expect(session.stepState('cleanup')?.plan?.summary).toBe('keeps the mounts');
    expect(await session.setRemoveMounts(true)).toBe(true);
    expect(backend.store.getRun(session.id)?.params).toMatchObject({ removeMountsOnCleanup: true });
    expect(session.stepState('cleanup')?.plan?.summary).toBe('also removes the mounts');
  });

  it('saves the re-enable-schedules choice of the Reassign step and plans it again with it', async () => {
    const { session, backend } = await started();
    await session.plan('reassign');
    expect(session.stepState('reassign')?.plan?.summary).toBe('schedules stay off');
    expect(await session.setReenableSchedules(true)).toBe(true);
    expect(backend.store.getRun(session.id)?.params).toMatchObject({ reenableSchedules: true });
    expect(session.stepState('reassign')?.plan?.summary).toBe('re-enables the schedules');
  });

  it('reopens a saved run where it stopped, with its past log lines and no duplicates', async () => {
    const backend = engineApi();
    const first = await started(backend, { workloadId: 'w-erp' });
    await first.session.execute('preflight');
    await first.session.execute('find');
    const runId = first.session.id;

    // The app was closed: a new window lists the profile's runs and reopens this one.
    const again = wizardFor(backend);
    await again.wizard.useProfile('p1');
    expect(again.wizard.runs).toMatchObject([{ id: runId, status: 'waiting', currentStep: 'copy' }]);
    expect(await again.wizard.open(runId)).toBe(true);
    expect(again.wizard.selected).toBe('copy');
    expect(status(again.wizard, 'preflight')).toBe('succeeded');
    expect(again.log.records.map((r) => r.text).filter((t) => !isPhaseLine(t))).toEqual(['preflight ran']);
    expect(again.wizard.steps.find((s) => s.key === 'find')?.message).toBe('found fin-erp');

    // Lines emitted while the past lines are read show once, whether or not the answer has them.
    const line = (text: string, ts: number): LogRecord => ({
      runId,
      step: 'copy',
      host: 'tvm-1',
      stream: 'info',
      ts,
      text,
    });
    backend.hooks.duringLogs = () => backend.logLine(line('in the answer too', 5));
    backend.hooks.afterLogs = () => backend.logLine(line('only as an event', 6));
    await again.wizard.open(runId);
    expect(again.log.records.map((r) => r.text).filter((t) => !isPhaseLine(t))).toEqual([
      'preflight ran',
      'in the answer too',
      'only as an event',
    ]);

    again.wizard.close();
    expect(again.wizard.session).toBeNull();
    expect(again.log.records).toEqual([]);
    expect(again.wizard.apply({ runId, step: 'copy', status: 'running' })).toBe(false);
  });

  it('starts over when another profile is shown', async () => {
    const { wizard } = await started();
    await wizard.useProfile('p2');
    expect(wizard.session).toBeNull();
    expect(wizard.runs).toEqual([]);
    expect(wizard.setup.targetProject).toBe('');
  });

  it('clean-up runs only once confirmed; a cancelled confirmation changes nothing', async () => {
    const backend = engineApi();
    const no = wizardFor(backend, false);
    await no.wizard.useProfile('p1');
    no.wizard.profile = { name: 'lab', hosts: [] };
    Object.assign(no.wizard.setup, { targetProject: 'finance-dr' });
    await no.wizard.start();
    const session = no.wizard.session!;
    expect(await session.execute('cleanup')).toBe(false);
    // Planned first, so the question lists what would go; then not run.
    expect(no.requests[0]).toMatchObject({ title: 'Clean up: confirm what is removed', danger: true });
    expect(session.stepState('cleanup')?.status).toBe('planned');
    expect(session.stepState('cleanup')?.attempts).toBe(0);
    expect(session.notices.cleanup).toMatch(/not confirmed|cancelled/);

    const yes = wizardFor(backend, true);
    await yes.wizard.useProfile('p1');
    await yes.wizard.open(session.id);
    expect(await yes.wizard.session!.execute('cleanup')).toBe(true);
    expect(yes.requests).toHaveLength(1);
    expect(yes.wizard.session!.stepState('cleanup')?.status).toBe('succeeded');
  });

  it('Find that only listed reads "choose"; a closed run without delivery reads abandoned in the list', async () => {
    const { wizard, requests } = await started();
    const session = wizard.session!;
    await session.execute('preflight');
    await session.execute('find');
    expect(status(wizard, 'find')).toBe('choose');
    expect(wizard.nextStep('preflight')).toBe('find');
    expect(await wizard.closeRun()).toBe(true);
    expect(requests.at(-1)).toMatchObject({ title: 'Close this run' });
    expect(session.run.closedAt).toBeDefined();
    expect(wizard.runs).toMatchObject([{ phase: 'abandoned', phaseLabel: 'abandoned, closed' }]);
  });
});
