import { describe, expect, it } from 'vitest';
import type { ScannedWorkload } from '../../../shared/discovery/workload-scan.js';
import type { Action, StepPlan } from '../../../shared/run/plan-types.js';
import {
  findDataOf,
  formatBytes,
  formatWhen,
  workloadRow,
  workloadRows,
} from '../../../renderer/src/lib/run/find-data.js';
import { actionLine, manualActionIds, restoreJsonOf } from '../../../renderer/src/lib/run/plan-lines.js';
import { wizardStepsFor } from '../../../renderer/src/lib/wizard/wizard-steps.js';

const workload = (over: Partial<ScannedWorkload>): ScannedWorkload => ({
  id: 'w1',
  name: 'fin-erp',
  description: null,
  projectId: 'p-fin',
  userId: null,
  status: 'available',
  createdAt: null,
  metadata: { owner: 'alice' },
  vms: [
    { id: 'vm-1', name: 'erp-app' },
    { id: 'vm-2', name: null },
  ],
  snapshots: [
    {
      id: 's2',
      name: null,
      type: 'incremental',
      status: 'available',
      createdAt: '2026-03-02T10:20:30',
      size: 1,
      folder: 'snapshot_s2',
    },
    {
      id: 's1',
      name: null,
      type: 'full',
      status: 'available',
      createdAt: '2026-03-01T00:00:00',
      size: 1,
      folder: 'snapshot_s1',
    },
  ],
  sizeBytes: 1536,
  fileCount: 3,
  path: '/b2/workload_w1',
  root: '/b2',
  errors: [],
  ...over,
});

const plan = (actions: Action[]): StepPlan => ({
  step: 'restore',
  title: 'Restore',
  summary: '',
  actions,
  verify: [],
  warnings: [],
});

describe('workload table rows', () => {
  it('shows what a user recognises a workload by, with the newest snapshot', () => {
    expect(workloadRow(workload({}))).toEqual({
      id: 'w1',
      name: 'fin-erp',
      project: 'p-fin',
      vmCount: 2,
      vmNames: 'erp-app, vm-2',
      snapshotCount: 2,
      lastSnapshot: '2026-03-02T10:20:30',
      sizeBytes: 1536,
      errors: [],
    });
    const broken = workloadRow(
      workload({
        name: null,
        snapshots: [],
        errors: [{ file: 'workload_db', code: 'invalid-json', message: 'bad' }],
      }),
    );
    expect(broken).toMatchObject({ name: '', lastSnapshot: '', errors: ['workload_db: bad'] });
  });

  it('filters by every word (id, name, metadata, VM names) and sorts by name', () => {
    const all = [
      workload({ id: 'w3', name: 'fin-web', metadata: {}, vms: [{ id: 'x', name: 'web-1' }] }),
      workload({}),
      workload({ id: 'w2', name: 'eng-ci', projectId: 'p-eng', metadata: {}, vms: [] }),
    ];
    expect(workloadRows(all, '').map((r) => r.name)).toEqual(['eng-ci', 'fin-erp', 'fin-web']);
    expect(workloadRows(all, 'FIN').map((r) => r.id)).toEqual(['w1', 'w3']);
    expect(workloadRows(all, 'fin alice').map((r) => r.id)).toEqual(['w1']);
    expect(workloadRows(all, 'web-1').map((r) => r.id)).toEqual(['w3']);
    expect(workloadRows(all, 'nothing-like-it')).toEqual([]);
  });

  it('reads the find outcome defensively', () => {
    expect(findDataOf(undefined)).toBeNull();
    expect(findDataOf({ summary: '', verify: [], data: { workloads: 'no' } })).toBeNull();
    const data = findDataOf({
      summary: '',
      verify: [],
      data: { sourceRoot: '/b2', workloads: [workload({})] },
    });
    expect(data).toMatchObject({ sourceRoot: '/b2', selected: null });
    expect(data?.workloads).toHaveLength(1);
  });

  it('formats sizes and times', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(3 * 1024 ** 3)).toBe('3.0 GiB');
    expect(formatBytes(-1)).toBe('?');
    expect(formatWhen('2026-03-02T10:20:30.123Z')).toBe('2026-03-02 10:20');
    expect(formatWhen('yesterday')).toBe('yesterday');
  });
});

describe('plan lines', () => {
  it('shows a remote command exactly as the remote shell receives it, with control characters visible', () => {
    const line = actionLine(
      {
        kind: 'remote',
        id: 'bind',
        host: 'c1',
        argv: ['mount', '--bind', "/it's here", '/x\ry'],
        privileged: true,
        description: 'bind',
        change: { kind: 'mount', undo: [] },
      },
      (id) => (id === 'c1' ? 'compute-1' : id),
    );
    expect(line).toMatchObject({
      where: 'compute-1',
      text: `mount --bind '/it'\\''s here' '/x'$'\\x0d''y'`,
      privileged: true,
      changes: true,
      readOnly: false,
    });
  });

  it('shows API requests with their body, and manual instructions', () => {
    const api = actionLine({
      kind: 'api',
      id: 'a',
      service: 'workloads',
      method: 'POST',
      path: '/snapshots/s1',
      body: { restore: { name: 'r' } },
      description: 'restore',
    });
    expect(api).toMatchObject({ where: 'workloads', text: 'POST /snapshots/s1', changes: false });
    expect(JSON.parse(api.body)).toEqual({ restore: { name: 'r' } });
    const manual: Action = {
      kind: 'manual',
      id: 'm',
      target: 'juju',
      description: 'set',
      instructions: 'juju config x',
    };
    expect(actionLine(manual)).toMatchObject({ where: 'juju', text: 'juju config x' });
    expect(manualActionIds(plan([manual, { ...manual, id: 'n' }]))).toEqual(['m', 'n']);
    expect(manualActionIds(undefined)).toEqual([]);
  });

  it("finds the restore.json in a restore plan's request body", () => {
    const options = { type: 'openstack', restore_type: 'selective' };
    expect(
      restoreJsonOf(
        plan([
          {
            kind: 'api',
            id: 'g',
            service: 'workloads',
            method: 'GET',
            path: '/snapshots/s1',
            description: '',
          },
          {
            kind: 'api',
            id: 'r',
            service: 'workloads',
            method: 'POST',
            path: '/snapshots/s1',
            body: { restore: { name: 'n', description: '', options } },
            description: '',
          },
        ]),
      ),
    ).toEqual(options);
    expect(restoreJsonOf(plan([]))).toBeNull();
    expect(restoreJsonOf(undefined)).toBeNull();
  });
});

describe('wizard steps', () => {
  it('follows the catalog; clean-up is on demand', () => {
    expect(wizardStepsFor('single', false).map((s) => s.key)).toEqual([
      'preflight',
      'find',
      'copy',
      'mount-paths',
      'access',
      'reassign',
      'restore',
      'cleanup',
    ]);
    expect(wizardStepsFor('single', true).map((s) => s.key)).toContain('notify');
    expect(
      wizardStepsFor('single', false)
        .filter((s) => s.onDemand)
        .map((s) => s.key),
    ).toEqual(['cleanup']);
  });

  it('full cloud: reconfigure instead of copy, revert and clean-up on demand', () => {
    const full = wizardStepsFor('full', false);
    expect(full.map((s) => s.key)).toEqual([
      'preflight',
      'find',
      'reconfigure',
      'mount-paths',
      'access',
      'reassign',
      'restore',
      'revert',
      'cleanup',
    ]);
    expect(full.filter((s) => s.onDemand).map((s) => s.key)).toEqual(['revert', 'cleanup']);
    expect(wizardStepsFor('full', true).map((s) => s.key)).not.toContain('restore');
  });
});
