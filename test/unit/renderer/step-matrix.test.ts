import { describe, expect, it } from 'vitest';
import type { LogRecord } from '../../../shared/contract.js';
import type { ScannedWorkload } from '../../../shared/discovery/workload-scan.js';
import type { RunView, StepState } from '../../../shared/run/run-types.js';
import { stepsFor } from '../../../shared/run/step-catalog.js';
import { MatrixModel } from '../../../renderer/src/lib/run/step-matrix.js';
import { stepWork } from '../../../renderer/src/lib/run/step-work.js';

const hosts = [
  { id: 'h1', name: 'tvm-1', role: 'tvm' },
  { id: 'h2', name: 'compute-1', role: 'compute' },
];
const line = (
  step: string,
  host: string,
  stream: LogRecord['stream'],
  text: string,
  ts: number,
): LogRecord => ({
  runId: 'r',
  step,
  host,
  stream,
  ts,
  text,
});
const workload = (id: string, name: string, projectId: string): ScannedWorkload => ({
  id,
  name,
  description: null,
  projectId,
  userId: null,
  status: 'available',
  createdAt: null,
  metadata: {},
  vms: [],
  snapshots: [],
  sizeBytes: 0,
  fileCount: 0,
  path: '',
  root: '',
  errors: [],
});

function run(kind: 'single' | 'full', steps: Partial<Record<string, Partial<StepState>>>): RunView {
  return {
    id: 'r',
    profileId: 'p',
    kind,
    status: 'running',
    params:
      kind === 'single'
        ? {
            kind: 'single',
            workloadId: 'w1',
            targetProject: 't',
            trusteeUser: '',
            snapshot: 'latest',
            restore: null,
            notifyOnly: false,
            removeMountsOnCleanup: false,
          }
        : {
            kind: 'full',
            mapping: [
              { sourceProjectId: 'pa', sourceProjectName: 'a', targetProject: 'a-dr', trusteeUser: '' },
            ],
            notifyOnly: false,
            restoreConcurrency: 2,
            removeMountsOnCleanup: false,
          },
    steps: stepsFor(kind, false).map((key) => ({ key, status: 'pending', attempts: 0, ...steps[key] })),
    changes: [],
    createdAt: '2025-01-01T00:00:00Z',
    operator: 'op',
  };
}

const planOn = (...hostIds: string[]): StepState['plan'] => ({
  step: 'mount-paths',
  title: '',
  summary: '',
  warnings: [],
  verify: [],
  actions: hostIds.map((h, i) => ({
    kind: 'remote',
    id: `a${i}`,
    host: h,
    argv: ['mount', '--bind', '/a', '/b'],
    privileged: true,
    description: 'bind',
  })),
});

describe('the live matrix', () => {
  it('host cells: planned from the plan, running on a command, done or failed on its end line, with the span', () => {
    const m = new MatrixModel();
    m.reset(run('single', { 'mount-paths': { status: 'planned', plan: planOn('h1', 'h2') } }), hosts, []);
    expect(m.rows.map((r) => r.key)).toEqual(['h:tvm-1', 'h:compute-1']);
    expect(m.cell('h:tvm-1', 'mount-paths')?.state).toBe('planned');
    expect(m.cell('h:tvm-1', 'copy')).toBeUndefined();

    const v0 = m.version;
    expect(m.applyLog([line('mount-paths', 'tvm-1', 'command', 'mount --bind /a /b', 1000)])).toBe(true);
    expect(m.version).toBe(v0 + 1);
    expect(m.cell('h:tvm-1', 'mount-paths')).toMatchObject({ state: 'running', commands: 1, open: 1 });
    m.applyLog([
      line('mount-paths', 'tvm-1', 'stdout', 'ok', 1100),
      line('mount-paths', 'tvm-1', 'info', 'exit 0 after 250 ms', 1250),
      line('mount-paths', 'compute-1', 'command', 'mount --bind /a /b', 1000),
      line('mount-paths', 'compute-1', 'info', 'exit 32 after 40 ms', 1040),
    ]);
    expect(m.cell('h:tvm-1', 'mount-paths')).toMatchObject({ state: 'ok', startTs: 1000, endTs: 1250 });
    expect(m.cell('h:compute-1', 'mount-paths')).toMatchObject({
      state: 'failed',
      failed: 1,
      message: 'exit 32 after 40 ms',
    });
    expect(m.counts()).toMatchObject({ ok: 1, failed: 1, running: 0 });
    // Lines of the wizard itself (API calls) and narration do not touch host cells.
    expect(m.applyLog([line('access', '', 'info', 'HTTP GET x -> 200 in 3 ms', 5)])).toBe(false);
  });

  it('a host the log names but the profile no longer has still gets a row, among the hosts', () => {
    const m = new MatrixModel();
    m.reset(run('single', {}), hosts, [line('preflight', 'old-node', 'command', 'true', 1)]);
    expect(m.rows.map((r) => r.key)).toEqual(['h:tvm-1', 'h:compute-1', 'h:old-node']);
    expect(m.cell('h:old-node', 'preflight')?.state).toBe('running');
  });

  it('workload rows of a full-cloud run follow the outcome, then live item events', () => {
    const m = new MatrixModel();
    const r = run('full', {
      find: {
        status: 'succeeded',
        outcome: {
          summary: '',
          verify: [],
          data: {
            sourceRoot: '/b2',
            workloads: [workload('w1', 'erp', 'pa'), workload('w2', 'crm', 'pa')],
            selected: null,
          },
        },
      },
      restore: { status: 'running' },
    });
    m.reset(r, hosts, []);
    expect(m.rows.filter((x) => x.kind === 'workload').map((x) => [x.label, x.detail])).toEqual([
      ['crm', 'a → a-dr'],
      ['erp', 'a → a-dr'],
    ]);
    expect(m.cell('w:w1', 'restore')?.state).toBe('running');
    expect(m.cell('w:w1', 'access')?.state).toBe('idle');
    m.applyItem('restore', { id: 'w1', state: 'succeeded', message: 'available' });
    m.applyItem('restore', { id: 'w2', state: 'failed', message: 'boom' });
    expect(m.cell('w:w1', 'restore')).toMatchObject({ state: 'ok', message: 'available' });
    expect(m.cell('w:w2', 'restore')).toMatchObject({ state: 'failed', message: 'boom' });
    expect(m.applyItem('restore', { id: 'nope', state: 'running' })).toBe(false);
  });

  it('200 hosts × 500 workloads: a burst of 2,000 log lines is applied in a few milliseconds', () => {
    const many = Array.from({ length: 200 }, (_, i) => ({
      id: `h${i}`,
      name: `compute-${i}`,
      role: 'compute',
    }));
    const workloads = Array.from({ length: 500 }, (_, i) => workload(`w${i}`, `wl-${i}`, 'pa'));
    const m = new MatrixModel();
    m.reset(
      run('full', {
        find: {
          status: 'succeeded',
          outcome: { summary: '', verify: [], data: { sourceRoot: '', workloads, selected: null } },
        },
      }),
      many,
      [],
    );
    expect(m.rows.length).toBe(700);
    const burst = many.flatMap((h, i) => [
      ...Array.from({ length: 5 }, (_, j) => line('mount-paths', h.name, 'command', 'x', i * 10 + j)),
      ...Array.from({ length: 5 }, (_, j) =>
        line('mount-paths', h.name, 'info', 'exit 0 after 1 ms', i * 10 + j),
      ),
    ]);
    const started = performance.now();
    m.applyLog(burst);
    expect(performance.now() - started).toBeLessThan(50);
    expect(m.counts().ok).toBe(200);
  });

  it('step work: the core fraction, else workloads finished, else hosts whose commands ended', () => {
    const m = new MatrixModel();
    const state: StepState = { key: 'mount-paths', status: 'running', attempts: 1, plan: planOn('h1', 'h2') };
    m.reset(run('single', { 'mount-paths': state }), hosts, [
      line('mount-paths', 'tvm-1', 'command', 'x', 1),
      line('mount-paths', 'tvm-1', 'info', 'exit 0 after 1 ms', 2),
    ]);
    const name = (id: string) => hosts.find((h) => h.id === id)?.name ?? id;
    expect(stepWork(state, undefined, undefined, m, name)).toEqual({
      fraction: 0.5,
      label: '1 of 2 hosts done',
    });
    expect(stepWork(state, { fraction: 0.25, message: '' }, undefined, m, name)).toEqual({
      fraction: 0.25,
      label: '25 %',
    });
    expect(
      stepWork(
        state,
        undefined,
        { a: { id: 'a', state: 'succeeded' }, b: { id: 'b', state: 'running' } },
        m,
        name,
      ),
    ).toEqual({ fraction: 0.5, label: '1 of 2 workloads finished' });
    expect(stepWork({ ...state, plan: undefined }, undefined, undefined, m, name)).toEqual({ label: '' });
  });
});
