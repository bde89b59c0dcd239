import { describe, expect, it } from 'vitest';
import type { ScannedWorkload } from '../../../shared/discovery/workload-scan.js';
import type { StepKey } from '../../../shared/run/plan-types.js';
import { choicePending, runPhase, runProgress, stepDisplayStatus } from '../../../shared/run/run-phase.js';
import { runSummaryOf } from '../../../shared/run/run-summary.js';
import type {
  FullRunParams,
  RunView,
  SingleRunParams,
  StepState,
  StepStatus,
} from '../../../shared/run/run-types.js';
import { stepsFor } from '../../../shared/run/step-catalog.js';

const single: SingleRunParams = {
  kind: 'single',
  workloadId: '',
  targetProject: 'finance-dr',
  trusteeUser: '',
  snapshot: 'latest',
  restore: null,
  notifyOnly: false,
  removeMountsOnCleanup: false,
};
const full: FullRunParams = {
  kind: 'full',
  mapping: [],
  notifyOnly: false,
  restoreConcurrency: 4,
  removeMountsOnCleanup: false,
};

const workload = (id: string, name: string, projectId: string | null): ScannedWorkload => ({
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
  path: `/b2/workload_${id}`,
  root: '/b2',
  errors: [],
});

/** A run whose steps have the given statuses (the rest pending), Find seeing three workloads. */
function runWith(
  params: SingleRunParams | FullRunParams,
  statuses: Partial<Record<StepKey, StepStatus>>,
  extra: Partial<RunView> = {},
): RunView {
  const steps: StepState[] = stepsFor(params.kind, params.notifyOnly).map((key) => ({
    key,
    status: statuses[key] ?? 'pending',
    attempts: statuses[key] && statuses[key] !== 'pending' ? 1 : 0,
    ...(key === 'find' && statuses.find === 'succeeded'
      ? {
          outcome: {
            summary: '3 workloads',
            verify: [],
            data: {
              sourceRoot: '/b2',
              workloads: [
                workload('w-1', 'fin-erp', 'pa'),
                workload('w-2', 'res-notebook', 'pb'),
                workload('w-3', 'orphan', null),
              ],
              selected: null,
            },
          },
        }
      : {}),
    ...(statuses[key] === 'succeeded'
      ? { finishedAt: `2025-01-01T10:0${Object.keys(statuses).indexOf(key)}:00.000Z` }
      : {}),
  }));
  return {
    id: 'r',
    profileId: 'p',
    kind: params.kind,
    status: 'waiting',
    params,
    steps,
    changes: [],
    createdAt: '2025-01-01T09:59:00.000Z',
    startedAt: '2025-01-01T10:00:00.000Z',
    operator: 'op',
    ...extra,
  };
}

const allMain = {
  preflight: 'succeeded',
  find: 'succeeded',
  copy: 'succeeded',
  'mount-paths': 'succeeded',
  access: 'succeeded',
  reassign: 'succeeded',
  restore: 'succeeded',
} as const;

describe('run phase and step display status', () => {
  it('a Find that listed workloads is not done until one is chosen (single) or the mapping saved (full)', () => {
    const listed = runWith(single, { preflight: 'succeeded', find: 'succeeded' });
    expect(choicePending(listed, 'find')).toBe(true);
    expect(stepDisplayStatus(listed, 'find')).toBe('choose');
    expect(runPhase(listed)).toEqual({ phase: 'in-progress', label: 'in progress', next: 'find' });
    const chosen = runWith({ ...single, workloadId: 'w-1' }, { preflight: 'succeeded', find: 'succeeded' });
    expect(stepDisplayStatus(chosen, 'find')).toBe('succeeded');
    expect(runPhase(chosen).next).toBe('copy');

    const unmapped = runWith(full, { preflight: 'succeeded', find: 'succeeded' });
    expect(stepDisplayStatus(unmapped, 'find')).toBe('choose');
    const mapped = runWith(
      {
        ...full,
        mapping: [{ sourceProjectId: 'pa', sourceProjectName: 'a', targetProject: 'a-dr', trusteeUser: '' }],
      },
      { preflight: 'succeeded', find: 'succeeded' },
    );
    expect(stepDisplayStatus(mapped, 'find')).toBe('succeeded');
    expect(runPhase(mapped).next).toBe('reconfigure');
  });

  it('delivered is not done: clean-up (or closing) ends a run; without delivery it was abandoned', () => {
    const params = { ...single, workloadId: 'w-1' };
    const deliveredRun = runWith(params, allMain, { status: 'succeeded' });
    expect(runPhase(deliveredRun)).toEqual({
      phase: 'delivered',
      label: 'delivered, clean-up pending',
      next: 'cleanup',
    });
    expect(runPhase(runWith(params, { ...allMain, cleanup: 'succeeded' }, { status: 'succeeded' }))).toEqual({
      phase: 'done',
      label: 'done',
    });
    expect(runPhase({ ...deliveredRun, closedAt: '2025-01-02T00:00:00.000Z' }).phase).toBe('done');
    // The case: cleaned up after Access, the run must not read "waiting / next Reassign".
    const abandoned = runWith(params, {
      preflight: 'succeeded',
      find: 'succeeded',
      copy: 'succeeded',
      'mount-paths': 'succeeded',
      access: 'succeeded',
      cleanup: 'succeeded',
    });
    expect(runPhase(abandoned)).toEqual({ phase: 'abandoned', label: 'abandoned, cleaned up' });
    expect(runSummaryOf(abandoned).currentStep).toBeUndefined();
    const closedEarly = runWith(params, { preflight: 'failed' }, { status: 'failed', closedAt: 'x' });
    expect(runPhase(closedEarly)).toEqual({ phase: 'abandoned', label: 'abandoned, closed' });
  });

  it('a full-cloud run still holding B2 in the configuration goes on with the revert', () => {
    const params: FullRunParams = {
      ...full,
      mapping: [{ sourceProjectId: 'pa', sourceProjectName: 'a', targetProject: 'a-dr', trusteeUser: '' }],
    };
    const main = {
      preflight: 'succeeded',
      find: 'succeeded',
      reconfigure: 'succeeded',
      'mount-paths': 'succeeded',
      access: 'succeeded',
      reassign: 'succeeded',
      restore: 'succeeded',
    } as const;
    expect(runPhase(runWith(params, main)).next).toBe('revert');
    expect(runPhase(runWith(params, { ...main, revert: 'succeeded' })).next).toBe('cleanup');
  });

  it('failed, cancelled, interrupted and new runs say so and name where to go on', () => {
    expect(runPhase(runWith(single, {}, { status: 'created' }))).toEqual({
      phase: 'new',
      label: 'not started',
      next: 'preflight',
    });
    expect(runPhase(runWith(single, { preflight: 'failed' }, { status: 'failed' }))).toMatchObject({
      phase: 'failed',
      next: 'preflight',
    });
    expect(runPhase(runWith(single, { preflight: 'running' }, { status: 'interrupted' })).phase).toBe(
      'interrupted',
    );
    expect(runPhase(runWith(single, { preflight: 'running' }, { status: 'running' })).phase).toBe('running');
  });

  it('overall progress counts the main steps, the running fraction and the closing', () => {
    const params = { ...single, workloadId: 'w-1' };
    const half = runWith(
      params,
      { preflight: 'succeeded', find: 'succeeded', copy: 'running' },
      { status: 'running' },
    );
    expect(runProgress(half, { copy: { fraction: 0.5 } })).toEqual({ done: 2, total: 8, fraction: 2.5 / 8 });
    const listed = runWith(single, { preflight: 'succeeded', find: 'succeeded' });
    expect(runProgress(listed).done).toBe(1);
    expect(runProgress(runWith(params, allMain)).fraction).toBe(7 / 8);
    expect(runProgress(runWith(params, { ...allMain, cleanup: 'succeeded' })).fraction).toBe(1);
  });

  it('summarises a full-cloud run with its workloads and targets', () => {
    const params: FullRunParams = {
      ...full,
      mapping: [
        { sourceProjectId: 'pb', sourceProjectName: 'b', targetProject: 'b-dr', trusteeUser: '' },
        { sourceProjectId: 'pa', sourceProjectName: 'a', targetProject: 'a-dr', trusteeUser: '' },
      ],
    };
    const summary = runSummaryOf(runWith(params, { preflight: 'succeeded', find: 'succeeded' }));
    expect(summary).toMatchObject({
      workloads: ['fin-erp', 'res-notebook'],
      workloadCount: 2,
      target: 'a-dr, b-dr',
      phase: 'in-progress',
      currentStep: 'reconfigure',
      startedAt: '2025-01-01T10:00:00.000Z',
    });
  });
});
