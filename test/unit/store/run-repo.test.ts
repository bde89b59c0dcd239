import { describe, expect, it } from 'vitest';
import { MemoryRunStore } from '../../../electron/core/runs/memory-run-store.js';
import type { RunRecord, RunStore } from '../../../electron/core/runs/run-store.js';
import { RunRepo } from '../../../electron/core/store/run-repo.js';
import type { ChangeRecord } from '../../../shared/run/plan-types.js';
import type { FullRunParams, SingleRunParams, StepState } from '../../../shared/run/run-types.js';
import { useTempStores } from './temp-store.js';

const stores = useTempStores();

const single: SingleRunParams = {
  kind: 'single',
  workloadId: 'w1',
  targetProject: 'finance-dr',
  trusteeUser: '',
  snapshot: 'latest',
  restore: null,
  notifyOnly: false,
  removeMountsOnCleanup: true,
};
const full: FullRunParams = {
  kind: 'full',
  mapping: [{ sourceProjectId: 'p-a', sourceProjectName: 'a', targetProject: 'p-b', trusteeUser: 'u' }],
  notifyOnly: true,
  restoreConcurrency: 3,
  removeMountsOnCleanup: false,
};

const run = (id: string, profileId: string, createdAt: string, params: RunRecord['params']): RunRecord => ({
  id,
  profileId,
  kind: params.kind,
  status: 'created',
  params,
  operator: 'tester',
  createdAt,
});
const steps = (...keys: StepState['key'][]): StepState[] =>
  keys.map((key) => ({ key, status: 'pending', attempts: 0 }));
const change = (step: ChangeRecord['step'], actionId: string, host: string): ChangeRecord => ({
  step,
  actionId,
  host,
  kind: 'mount',
  description: `${actionId} on ${host}`,
  undo: [
    {
      kind: 'remote',
      id: `undo-${actionId}`,
      host,
      argv: ['umount', '/b'],
      privileged: true,
      description: 'unmount',
    },
  ],
});

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return (error as Error).message;
  }
  return 'no error';
}

/** The same operations on any RunStore; what it observes is compared across implementations. */
function scenario(store: RunStore): unknown[] {
  const seen: unknown[] = [];
  store.insertRun(
    run('r1', 'p1', '2025-01-01T10:00:00.000Z', single),
    steps('preflight', 'find', 'copy', 'cleanup'),
  );
  store.insertRun(run('r2', 'p2', '2025-01-02T10:00:00.000Z', full), steps('preflight', 'restore'));
  store.insertRun(run('r3', 'p1', '2025-01-01T10:00:00.000Z', full), steps('preflight'));
  seen.push(store.listRuns(), store.listRuns('p1'), store.listRuns('nobody'), store.getRun('missing'));

  store.updateRun('r1', { status: 'running', startedAt: '2025-01-01T10:01:00.000Z' });
  store.saveStep('r1', {
    key: 'preflight',
    status: 'succeeded',
    attempts: 1,
    facts: { hosts: ['c1', 'c2'], nested: { n: 1, list: [true, null] } },
    outcome: { summary: 'ok', verify: [{ host: 'c1', check: 'reachable', ok: true }], data: { x: 'y' } },
    startedAt: '2025-01-01T10:01:00.000Z',
    finishedAt: '2025-01-01T10:02:00.000Z',
  });
  store.saveStep('r1', {
    key: 'find',
    status: 'failed',
    attempts: 2,
    error: { code: 'ssh-command', message: 'boom', host: 'c1', exitCode: 3 },
  });
  seen.push(store.getRun('r1'), store.listRuns('p1'));

  seen.push(store.addChange('r1', change('copy', 'a1', 'c1'), 't1'));
  seen.push(store.addChange('r1', change('copy', 'a1', 'c1'), 't2'));
  seen.push(store.addChange('r1', change('copy', 'a1', 'c2'), 't3'));
  seen.push(store.addChange('r2', change('copy', 'a1', 'c1'), 't4'));
  store.markChangeUndone('r1', 1, 't5');
  seen.push(store.addChange('r1', change('copy', 'a1', 'c1'), 't6'));
  seen.push(store.addChange('r1', change('copy', 'a1', 'c1'), 't7'));
  store.markChangeUndone('r1', 999, 't8');
  seen.push(store.getRun('r1')?.changes);

  store.updateRun('r1', {
    status: 'succeeded',
    finishedAt: '2025-01-01T11:00:00.000Z',
    params: { ...single, snapshot: 's-9' },
  });
  store.updateRun('r2', { status: 'waiting' });
  store.updateRun('r1', { startedAt: undefined });
  seen.push(store.getRun('r1'), store.getRun('r2'), store.listRuns());

  seen.push(
    errorOf(() => store.saveStep('r2', { key: 'copy', status: 'running', attempts: 1 })),
    errorOf(() => store.saveStep('nope', { key: 'copy', status: 'running', attempts: 1 })),
    errorOf(() => store.updateRun('nope', { status: 'failed' })),
    errorOf(() => store.addChange('nope', change('copy', 'a', 'h'), 't')),
    errorOf(() => store.markChangeUndone('nope', 1, 't')),
  );
  store.updateRun('r3', { closedAt: '2025-01-03T09:00:00.000Z' });
  seen.push(store.getRun('r3'), store.listRuns('p1'));
  return seen;
}

/** JSON equality: `undefined` members are absent in both. */
const normal = (v: unknown) => JSON.parse(JSON.stringify(v ?? null)) as unknown;

describe('RunRepo', () => {
  it('behaves like MemoryRunStore', () => {
    const memory = scenario(new MemoryRunStore());
    const sqlite = scenario(new RunRepo(stores.open(stores.newFile())));
    expect(sqlite.length).toBe(memory.length);
    sqlite.forEach((value, i) =>
      expect({ i, value: normal(value) }).toEqual({ i, value: normal(memory[i]) }),
    );
  });

  it('returns null for a change recorded twice, and keeps run order and summaries', () => {
    const repo = new RunRepo(stores.open(stores.newFile()));
    const observed = scenario(repo);
    expect(observed[7]).toBeNull();
    expect(observed[11]).toBeNull();
    expect(repo.listRuns().map((r) => [r.id, r.status, r.currentStep, r.title])).toEqual([
      ['r2', 'waiting', 'preflight', 'Full cloud DR'],
      ['r1', 'succeeded', 'find', 'Single workload DR'],
      // r3 was closed before it started: abandoned, nothing to go on with.
      ['r3', 'created', undefined, 'Full cloud DR'],
    ]);
    const r1 = repo.getRun('r1')!;
    expect(r1.startedAt).toBeUndefined();
    expect(r1.params).toEqual({ ...single, snapshot: 's-9' });
    expect(r1.changes.map((c) => [c.host, c.appliedAt, c.undoneAt])).toEqual([
      ['c1', 't1', 't5'],
      ['c2', 't3', undefined],
      ['c1', 't6', undefined],
    ]);
  });

  it('summarises runs for the list: closed, phase, target', () => {
    const repo = new RunRepo(stores.open(stores.newFile()));
    scenario(repo);
    const r3 = repo.listRuns('p1').find((r) => r.id === 'r3')!;
    expect(r3).toMatchObject({
      closedAt: '2025-01-03T09:00:00.000Z',
      phase: 'abandoned',
      phaseLabel: 'abandoned, closed',
      target: 'p-b',
      workloadCount: 0,
    });
    expect(r3.currentStep).toBeUndefined();
    const r1 = repo.listRuns('p1').find((r) => r.id === 'r1')!;
    expect(r1).toMatchObject({ phase: 'in-progress', target: 'finance-dr', workloads: ['w1'] });
    expect(r1.lastActivityAt).toBe('2025-01-01T10:02:00.000Z');
  });

  it('keeps every write after the store is closed and reopened', () => {
    const file = stores.newFile();
    const first = stores.open(file);
    scenario(new RunRepo(first));
    const before = new RunRepo(first).getRun('r1');
    first.close();
    const again = new RunRepo(stores.open(file));
    expect(again.getRun('r1')).toEqual(before);
    expect(again.addChange('r1', change('copy', 'a1', 'c2'), 'later')).toBeNull();
  });
});
