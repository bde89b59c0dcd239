import { describe, expect, it } from 'vitest';
import {
  parseCallArgs,
  type Api,
  type CallArgs,
  type CallName,
  type CallResult,
  type FileDownload,
  type LogRecord,
} from '../../../shared/contract.js';
import type { ScannedWorkload } from '../../../shared/discovery/workload-scan.js';
import {
  drillSummaryOf,
  type DrillView,
  type DrillWorkloadResult,
} from '../../../shared/drill/drill-types.js';
import type { AppError, Result } from '../../../shared/result.js';
import type { RunSummary, RunView } from '../../../shared/run/run-types.js';
import { DrillState } from '../../../renderer/src/lib/drill/drill-state.svelte.js';
import { WizardState } from '../../../renderer/src/lib/wizard/wizard-state.svelte.js';

/**
 * The Rehearse screen's state against a stand-in core that answers the contract as the real one does:
 * arguments parsed with the contract's schemas, answers through a JSON round trip (IPC/HTTP). Only the
 * drill itself is scripted (the test moves it phase by phase), so each behaviour the screen must show
 * can be set up and checked.
 */

const scanned = (id: string, name: string, vms: string[]): ScannedWorkload => ({
  id,
  name,
  description: null,
  projectId: 'proj-a',
  userId: null,
  status: 'available',
  createdAt: null,
  metadata: {},
  vms: vms.map((vm) => ({ id: `${vm}-id`, name: vm })),
  snapshots: [],
  sizeBytes: 1024 ** 3,
  fileCount: 3,
  path: `/b2/workload_${id}`,
  root: '/b2',
  errors: [],
});

const runSummary = (id: string, at: string): RunSummary => ({
  id,
  profileId: 'p1',
  kind: 'single',
  status: 'waiting',
  createdAt: at,
  lastActivityAt: at,
  title: `run ${id}`,
  phase: 'in-progress',
  phaseLabel: 'in progress',
  workloads: [],
  workloadCount: 0,
  target: 'finance-dr',
});

const runView = (id: string, find?: { workloads: ScannedWorkload[]; finishedAt: string }): RunView => ({
  id,
  profileId: 'p1',
  kind: 'single',
  status: 'waiting',
  params: {
    kind: 'single',
    workloadId: '',
    targetProject: 'finance-dr',
    trusteeUser: '',
    snapshot: 'latest',
    restore: null,
    notifyOnly: false,
    removeMountsOnCleanup: false,
  },
  steps: [
    find
      ? {
          key: 'find',
          status: 'succeeded',
          attempts: 1,
          finishedAt: find.finishedAt,
          outcome: {
            summary: 'listed',
            verify: [],
            data: { sourceRoot: '/b2', workloads: find.workloads, selected: null },
          },
        }
      : { key: 'find', status: 'pending', attempts: 0 },
  ],
  changes: [],
  createdAt: '2026-12-01T10:00:00.000Z',
  operator: 'ops',
});

const workloadResult = (id: string, name: string, runId?: string): DrillWorkloadResult => ({
  workloadId: id,
  name,
  sourceProjectId: 'proj-a',
  sourceProjectName: 'finance',
  drillProject: 'trilio-drill-d1-finance',
  ...(runId ? { runId } : {}),
  status: 'pending',
  resources: [],
});

const newDrill = (id: string, workloadIds: string[]): DrillView => ({
  id,
  profileId: 'p1',
  profileName: 'lab',
  status: 'running',
  scope: { all: workloadIds.length === 0, workloadIds },
  createdAt: '2026-12-07T12:00:00.000Z',
  operator: 'ops',
  phases: [{ key: 'checks', status: 'running', startedAt: '2026-12-07T12:00:00.000Z' }],
  projects: [],
  workloads: [],
  inventory: { differences: [] },
});

const line = (runId: string, ts: number, text: string, id?: number): LogRecord & { id?: number } => ({
  ...(id !== undefined ? { id } : {}),
  runId,
  step: 'restore',
  host: '',
  stream: 'info',
  ts,
  text,
});

class DrillCore implements Pick<Api, 'call'> {
  readonly calls: { name: CallName; args: Record<string, unknown> }[] = [];
  runs: RunSummary[] = [];
  runViews = new Map<string, RunView>();
  drills = new Map<string, DrillView>();
  /** Stored log lines per run id (the `runs.logs` answer). */
  logs = new Map<string, (LogRecord & { id: number })[]>();
  /** What `drills.start` answers: a view made from the args, or this error. */
  startAnswer: AppError | ((args: { all: boolean; workloadIds: string[] }) => DrillView) = (args) =>
    newDrill('d1', args.workloadIds);
  reportError: AppError | null = null;
  /** Resolves a `runs.logs` call only when the test says so (lines arrive meanwhile). */
  holdLogs: Promise<void> | null = null;

  async call<N extends CallName>(name: N, raw: CallArgs<N>): Promise<Result<CallResult<N>>> {
    const parsed = parseCallArgs(name, JSON.parse(JSON.stringify(raw)));
    if (!parsed.ok) return parsed as Result<never>;
    const args = parsed.value as Record<string, unknown>;
    this.calls.push({ name, args });
    if (name === 'runs.logs' && this.holdLogs) await this.holdLogs;
    const value = this.#answer(name, args);
    return JSON.parse(JSON.stringify(value)) as Result<CallResult<N>>;
  }

  callsOf(name: CallName) {
    return this.calls.filter((c) => c.name === name).map((c) => c.args);
  }

  #answer(name: CallName, args: Record<string, unknown>): Result<unknown> {
    const missing = (what: string): Result<never> => ({
      ok: false,
      error: { code: 'not-found', message: `No ${what}.` },
    });
    switch (name) {
      case 'runs.list':
        return { ok: true, value: this.runs };
      case 'runs.get': {
        const run = this.runViews.get(String(args.runId));
        return run ? { ok: true, value: run } : missing('run');
      }
      case 'runs.logs': {
        const lines = this.logs.get(String(args.runId));
        if (!lines) return missing('run');
        const after = typeof args.afterId === 'number' ? args.afterId : -1;
        return { ok: true, value: lines.filter((l) => l.id > after).slice(0, Number(args.limit)) };
      }
      case 'drills.list':
        return { ok: true, value: [...this.drills.values()].map(drillSummaryOf) };
      case 'drills.get': {
        const drill = this.drills.get(String(args.drillId));
        return drill ? { ok: true, value: drill } : missing('drill');
      }
      case 'drills.start': {
        if (typeof this.startAnswer !== 'function') return { ok: false, error: this.startAnswer };
        const drill = this.startAnswer(args as { all: boolean; workloadIds: string[] });
        this.drills.set(drill.id, drill);
        return { ok: true, value: drill };
      }
      case 'drills.resume': {
        const drill = this.drills.get(String(args.drillId));
        if (!drill) return missing('drill');
        const resumed: DrillView = { ...drill, status: 'running' };
        this.drills.set(drill.id, resumed);
        return { ok: true, value: resumed };
      }
      case 'drills.report':
        if (this.reportError) return { ok: false, error: this.reportError };
        return {
          ok: true,
          value: {
            fileName: `drill-${String(args.drillId)}.${String(args.format)}`,
            mimeType: 'text/html',
            base64: 'PGgxPg==',
          },
        };
      default:
        return { ok: false, error: { code: 'internal', message: `${name} is not faked.` } };
    }
  }

  /** Moves a drill on (as the engine does) and returns the progress event it would send. */
  update(id: string, change: (d: DrillView) => DrillView) {
    const next = change(this.drills.get(id)!);
    this.drills.set(id, next);
    return { drillId: id, status: next.status };
  }
}

const setup = () => {
  const core = new DrillCore();
  const downloads: FileDownload[] = [];
  const state = new DrillState(core, { download: (f) => downloads.push(f) });
  return { core, state, downloads };
};

describe("the wizard's Rehearse choice", () => {
  it('sits beside the run kinds: choosing it keeps the run kind, choosing a run kind leaves it', async () => {
    const wizard = new WizardState(new DrillCore());
    expect(wizard.choice).toBe('single');
    wizard.choice = 'full';
    wizard.choice = 'drill';
    expect([wizard.choice, wizard.rehearse, wizard.setup.kind]).toEqual(['drill', true, 'full']);
    wizard.choice = 'single';
    expect([wizard.choice, wizard.rehearse, wizard.setup.kind]).toEqual(['single', false, 'single']);
    wizard.choice = 'drill';
    await wizard.useProfile('p2');
    expect(wizard.choice).toBe('single');
  });
});

describe('DrillState: setup and start', () => {
  it("lists the profile's drills newest first and the workloads of its newest Find", async () => {
    const { core, state } = setup();
    core.drills.set('old', {
      ...newDrill('old', ['w1']),
      status: 'passed',
      createdAt: '2026-11-01T00:00:00.000Z',
    });
    core.drills.set('new', {
      ...newDrill('new', ['w1']),
      status: 'failed',
      createdAt: '2026-12-01T00:00:00.000Z',
    });
    // The newest run has not listed anything yet; the one before has.
    core.runs = [
      runSummary('r-old', '2026-11-30T09:00:00.000Z'),
      runSummary('r-new', '2026-12-02T09:00:00.000Z'),
    ];
    core.runViews.set('r-new', runView('r-new'));
    core.runViews.set(
      'r-old',
      runView('r-old', {
        workloads: [
          scanned('w-web', 'fin-web', ['fin-web-1']),
          scanned('w-erp', 'fin-erp', ['erp-app', 'erp-db']),
        ],
        finishedAt: '2026-11-30T09:05:00.000Z',
      }),
    );
    await state.useProfile('p1');
    expect(state.drills.map((d) => d.id)).toEqual(['new', 'old']);
    expect(state.drillsLoaded).toBe(true);
    expect(state.known).toMatchObject({
      runId: 'r-old',
      runTitle: 'run r-old',
      at: '2026-11-30T09:05:00.000Z',
    });
    expect(state.known?.rows.map((r) => `${r.name}:${r.vmNames}`)).toEqual([
      'fin-erp:erp-app, erp-db',
      'fin-web:fin-web-1',
    ]);
    expect(core.callsOf('runs.get').map((a) => a.runId)).toEqual(['r-new', 'r-old']);
  });

  it('without a Find, offers typed ids only', async () => {
    const { state } = setup();
    await state.useProfile('p1');
    expect(state.known).toBeNull();
    expect(state.knownLoaded).toBe(true);
  });

  it('refuses to start with nothing chosen, without asking the core', async () => {
    const { core, state } = setup();
    await state.useProfile('p1');
    expect(await state.start()).toBe(false);
    expect(state.error?.message).toMatch(/Choose at least one workload/);
    expect(core.callsOf('drills.start')).toEqual([]);
  });

  it('sends the ticked ids, then the typed ones, each once; "all" sends no ids', async () => {
    const { core, state } = setup();
    await state.useProfile('p1');
    state.toggle('w-web', true);
    state.toggle('w-erp', true);
    state.toggle('w-web', false);
    state.form.typed = 'w-git, w-erp\nw-ci';
    expect(state.chosenIds).toEqual(['w-erp', 'w-git', 'w-ci']);
    expect(await state.start()).toBe(true);
    expect(core.callsOf('drills.start').at(-1)).toEqual({
      profileId: 'p1',
      all: false,
      workloadIds: ['w-erp', 'w-git', 'w-ci'],
    });
    expect(state.drill?.scope.workloadIds).toEqual(['w-erp', 'w-git', 'w-ci']);
    state.close();
    state.form.scope = 'all';
    expect(await state.start()).toBe(true);
    expect(core.callsOf('drills.start').at(-1)).toEqual({ profileId: 'p1', all: true, workloadIds: [] });
  });

  it('a refusal stays on the setup with its message and hint', async () => {
    const { core, state } = setup();
    await state.useProfile('p1');
    core.startAnswer = {
      code: 'precondition',
      message: 'A real DR run of the profile lab is open (run r7, Restore).',
      hint: 'Finish or close run r7 first; a drill never runs beside a real DR.',
    };
    state.form.typed = 'w-web';
    expect(await state.start()).toBe(false);
    expect(state.drill).toBeNull();
    expect(state.error).toMatchObject({ code: 'precondition', hint: /Finish or close run r7/ });
    // Shown again later (the real run closed, a Find ran meanwhile): the refusal is gone, the list is new.
    core.runs = [runSummary('r8', '2026-12-07T11:00:00.000Z')];
    core.runViews.set(
      'r8',
      runView('r8', {
        workloads: [scanned('w-web', 'fin-web', ['fin-web-1'])],
        finishedAt: '2026-12-07T11:01:00.000Z',
      }),
    );
    await state.showSetup();
    expect(state.error).toBeNull();
    expect(state.known?.rows.map((r) => r.id)).toEqual(['w-web']);
  });

  it('a drill recorded as refused is not opened: its error shows on the setup, and it is in the history', async () => {
    const { core, state } = setup();
    await state.useProfile('p1');
    core.startAnswer = (args) => ({
      ...newDrill('d9', args.workloadIds),
      status: 'refused',
      error: {
        code: 'precondition',
        message: 'Workload w-web is still owned by a live project.',
        hint: 'Drill a copy.',
      },
    });
    state.form.typed = 'w-web';
    expect(await state.start()).toBe(false);
    expect(state.drill).toBeNull();
    expect(state.error?.message).toBe('Workload w-web is still owned by a live project.');
    expect(state.drills.map((d) => d.id)).toEqual(['d9']);
  });
});

describe('DrillState: following a drill', () => {
  it('re-reads the drill on its events; its lines (held back until their run is named) show in time order', async () => {
    const { core, state } = setup();
    await state.useProfile('p1');
    state.form.typed = 'w-web';
    const starting = state.start();
    // A line of the drill arrives before `drills.start` has answered.
    state.onLog([line('d1', 100, 'drill: checks')]);
    expect(await starting).toBe(true);
    expect(state.log.records.map((r) => r.text)).toEqual(['drill: checks']);

    // The workload's run logs before the drill record names it; another run's lines never show.
    state.onLog([
      line('run-web', 210, 'web: copy'),
      line('other', 220, 'someone else'),
      line('d1', 230, 'drill: isolate'),
    ]);
    expect(state.log.records.map((r) => r.text)).toEqual(['drill: checks', 'drill: isolate']);
    const progress = core.update('d1', (d) => ({
      ...d,
      phases: [
        { key: 'checks', status: 'succeeded' },
        { key: 'workloads', status: 'running' },
      ],
      workloads: [{ ...workloadResult('w-web', 'fin-web', 'run-web'), status: 'running' }],
    }));
    expect(state.apply({ ...progress, workloadId: 'w-web' })).toBe(true);
    await state.refresh();
    expect(state.drill?.workloads.map((w) => w.status)).toEqual(['running']);
    expect(state.log.records.map((r) => r.text)).toEqual(['drill: checks', 'web: copy', 'drill: isolate']);
    state.onLog([line('run-web', 300, 'web: restore available')]);
    expect(state.log.records.at(-1)?.text).toBe('web: restore available');

    // An event of another drill is not this one's.
    expect(state.apply({ drillId: 'd2', status: 'running' })).toBe(false);

    // The end: the view and the history say how it went.
    const end = core.update('d1', (d) => ({
      ...d,
      status: 'passed',
      finishedAt: '2026-12-07T12:09:00.000Z',
      workloads: d.workloads.map((w) => ({ ...w, status: 'passed', rtoSeconds: 300, rpoSeconds: 7200 })),
    }));
    state.apply(end);
    await state.refresh();
    await state.refreshList();
    expect(state.drill?.status).toBe('passed');
    expect(state.drills).toMatchObject([{ id: 'd1', status: 'passed', passed: 1, failed: 0 }]);
    // Once over, lines of unknown runs are no longer held.
    state.onLog([line('late', 400, 'x')]);
    expect(state.log.records).toHaveLength(4);
  });

  it('folds events that come while a read is under way into one more read', async () => {
    const { core, state } = setup();
    await state.useProfile('p1');
    state.form.typed = 'w-web';
    await state.start();
    const before = core.callsOf('drills.get').length;
    const a = state.refresh();
    state.apply({ drillId: 'd1', status: 'running' });
    state.apply({ drillId: 'd1', status: 'running' });
    await a;
    expect(core.callsOf('drills.get').length - before).toBe(2);
  });

  it('opens a past drill with the stored lines of the drill and its runs, merged; live lines are not doubled', async () => {
    const { core, state } = setup();
    core.drills.set('d5', {
      ...newDrill('d5', ['w-web', 'w-erp']),
      workloads: [
        workloadResult('w-web', 'fin-web', 'run-web'),
        workloadResult('w-erp', 'fin-erp', 'run-erp'),
      ],
    });
    core.logs.set('d5', [line('d5', 100, 'drill start', 1), line('d5', 500, 'drill teardown', 7)] as never);
    core.logs.set('run-web', [line('run-web', 200, 'web 1', 2), line('run-web', 400, 'web 2', 5)] as never);
    // run-erp has no stored lines (the store says not found): a gap, not an error.
    await state.useProfile('p1');
    let release = () => {};
    core.holdLogs = new Promise((r) => (release = r));
    const opening = state.open('d5');
    await Promise.resolve();
    await new Promise((r) => setTimeout(r, 0));
    // While the past is read, a live line comes that the store will also return, and a new one.
    state.onLog([line('run-web', 400, 'web 2'), line('run-erp', 600, 'erp live')]);
    release();
    expect(await opening).toBe(true);
    expect(state.log.records.map((r) => r.text)).toEqual([
      'drill start',
      'web 1',
      'web 2',
      'drill teardown',
      'erp live',
    ]);
    expect(state.error).toBeNull();
    expect(core.callsOf('runs.logs').map((a) => a.runId)).toEqual(['d5', 'run-web', 'run-erp']);
  });

  it('downloads the report in the chosen format; a failure shows on the drill', async () => {
    const { core, state, downloads } = setup();
    core.drills.set('d5', { ...newDrill('d5', ['w-web']), status: 'passed' });
    await state.useProfile('p1');
    await state.open('d5');
    expect(await state.downloadReport('html')).toBe(true);
    expect(core.callsOf('drills.report')).toEqual([{ drillId: 'd5', format: 'html' }]);
    expect(downloads.map((d) => d.fileName)).toEqual(['drill-d5.html']);
    core.reportError = { code: 'internal', message: 'PDF renderer missing.', hint: 'Install chromium.' };
    expect(await state.downloadReport('pdf')).toBe(false);
    expect(state.drillError?.hint).toBe('Install chromium.');
    expect(state.reporting).toBeNull();
  });

  it('resumes an interrupted drill', async () => {
    const { core, state } = setup();
    core.drills.set('d6', { ...newDrill('d6', ['w-web']), status: 'interrupted' });
    await state.useProfile('p1');
    await state.open('d6');
    expect(await state.resume()).toBe(true);
    expect(core.callsOf('drills.resume')).toEqual([{ drillId: 'd6' }]);
    expect(state.drill?.status).toBe('running');
  });

  it('another profile closes the open drill and starts a fresh setup', async () => {
    const { core, state } = setup();
    core.drills.set('d5', { ...newDrill('d5', ['w-web']), status: 'passed' });
    await state.useProfile('p1');
    await state.open('d5');
    state.form.typed = 'w-x';
    await state.useProfile('p2');
    expect(state.drill).toBeNull();
    expect(state.form.typed).toBe('');
    expect(state.log.records).toEqual([]);
  });
});
