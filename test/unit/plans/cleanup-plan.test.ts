import { describe, expect, it } from 'vitest';
import { grantActionId } from '../../../shared/plans/access-plan.js';
import { planCleanup, type CleanupFacts } from '../../../shared/plans/cleanup-plan.js';
import { parseGrantActionId, regrantActionId } from '../../../shared/plans/cleanup-roles.js';
import { destructiveActionIds, type ApiAction, type RemoteAction } from '../../../shared/run/plan-types.js';
import type { ChangeView } from '../../../shared/run/run-types.js';

const revoke = (project: string): ApiAction => ({
  kind: 'api',
  id: `revoke:${project}:u-admin:r-admin`,
  service: 'identity',
  method: 'DELETE',
  path: `/projects/${project}/users/u-admin/roles/r-admin`,
  description: `Revoke role admin of admin (u-admin) on project ${project}`,
});

const stagingMount: ChangeView = {
  id: 1,
  step: 'find',
  actionId: 'mount-staging:tvm-1',
  host: 'tvm-1',
  kind: 'staging-mount',
  description: 'Mount B2 read-only',
  undo: [
    {
      kind: 'remote',
      id: 'umount-staging:tvm-1',
      host: 'tvm-1',
      argv: ['umount', '/mnt/trilio-dr/x'],
      privileged: true,
      description: 'Unmount /mnt/trilio-dr/x',
    },
  ],
  appliedAt: '2026-12-07T00:00:00Z',
};

const facts = (over: Partial<CleanupFacts> = {}): CleanupFacts => ({
  workloadIds: ['w1', 'w2'],
  knownToTrilio: ['w1', 'w2'],
  projects: { w1: 'finance-dr', w2: 'research-dr' },
  tvm: 'tvm-1',
  tvmName: 'tvm-1',
  purgeCommand: '/root/bin/trilio-lab-purge-workloads {ids}',
  toUndo: [stagingMount],
  revokes: [
    { changeId: 7, projectId: 'p-fin', userId: 'u-admin', roleId: 'r-admin', revoke: revoke('p-fin') },
    {
      changeId: 6,
      projectId: 'p-res',
      userId: 'u-admin',
      roleId: 'r-admin',
      revoke: revoke('p-res'),
      interrupted: true,
    },
  ],
  regrants: [
    {
      projectId: 'p-res',
      projectName: 'research-dr',
      domain: 'cloud_b',
      user: { id: 'u-admin', name: 'admin' },
      role: { id: 'r-admin', name: 'admin' },
      reason:
        'this run granted it and an earlier attempt of this clean-up took it away before it was stopped',
    },
  ],
  ...over,
});

describe('planCleanup: the admin role goes last, and comes back when a delete needs it', () => {
  it('grants again first, deletes, purges, undoes the other changes, and revokes every role last', () => {
    const plan = planCleanup(facts());
    expect(plan.ok).toBe(true);
    if (!plan.ok) return;
    const order = plan.value.actions.map((a) => a.id.replace(/:.*$/, ''));
    expect(order).toEqual([
      'regrant',
      'delete-workload',
      'delete-workload',
      'purge',
      'undo-1',
      'undo-regrant',
      'undo-7',
      'undo-6',
    ]);
    const regrant = plan.value.actions[0] as ApiAction;
    expect(regrant).toMatchObject({ method: 'PUT', path: '/projects/p-res/users/u-admin/roles/r-admin' });
    expect(regrant.change?.kind).toBe('role-grant');
    expect(regrant.description).toContain('again for the deletes left there');
    expect(plan.value.warnings.join(' ')).toContain('revoked at the end');
    expect((plan.value.actions.at(-1) as ApiAction).description).toContain('interrupted attempt');
    expect(plan.value.summary).toContain('taken away last');
  });

  it('needs no project role when nothing is left to delete', () => {
    const plan = planCleanup(facts({ knownToTrilio: [], purged: ['w1', 'w2'], regrants: [], toUndo: [] }));
    expect(plan.ok && plan.value.actions.map((a) => a.id)).toEqual([
      'undo-7:revoke:p-fin:u-admin:r-admin',
      'undo-6:revoke:p-res:u-admin:r-admin',
    ]);
  });

  it('reads the project, user and role back from the ids of both kinds of grant', () => {
    expect(parseGrantActionId(grantActionId('p', 'u', 'r'))).toEqual({
      projectId: 'p',
      userId: 'u',
      roleId: 'r',
    });
    expect(parseGrantActionId(regrantActionId('p', 'u', 'r'))).toEqual({
      projectId: 'p',
      userId: 'u',
      roleId: 'r',
    });
    expect(parseGrantActionId('reassign:w1')).toBeNull();
  });
});

describe('planCleanup: the workload copy on the target share', () => {
  const copy = {
    changeId: 3,
    host: 'tvm-1',
    hostName: 'tvm-1',
    target: '/var/triliovault-mounts/B1/workload_w1',
    present: true,
    newSnapshots: [],
  };
  const single = (over: Partial<CleanupFacts['copy'] & object> = {}) =>
    planCleanup(
      facts({
        workloadIds: ['w1'],
        knownToTrilio: ['w1'],
        revokes: [],
        regrants: [],
        copy: { ...copy, ...over },
      }),
    );

  it('is removed after the deletes and the purge, as the one action that asks first', () => {
    const plan = single();
    if (!plan.ok) throw new Error(plan.error.message);
    const ids = plan.value.actions.map((a) => a.id.replace(/:.*$/, ''));
    expect(ids).toEqual(['delete-workload', 'purge', 'remove-copy', 'undo-1']);
    expect(destructiveActionIds(plan.value)).toEqual(['remove-copy:tvm-1']);
    const remove = plan.value.actions[2] as RemoteAction;
    expect(remove.argv.slice(-2)).toEqual([
      copy.target,
      '/var/triliovault-mounts/B1/.trilio-dr-removing-workload_w1',
    ]);
    expect(remove.destructive).toContain(copy.target);
    expect(plan.value.summary).toContain(`remove the workload copy ${copy.target}`);
  });

  it('only clears what an interrupted removal set aside when the folder is gone, without asking', () => {
    const plan = single({ present: false });
    if (!plan.ok) throw new Error(plan.error.message);
    expect(destructiveActionIds(plan.value)).toEqual([]);
    expect(plan.value.actions.some((a) => a.id === 'remove-copy:tvm-1')).toBe(true);
  });

  it('keeps a copy that holds backups taken on the target since, and says so', () => {
    const plan = single({ newSnapshots: ['snapshot_s9'] });
    if (!plan.ok) throw new Error(plan.error.message);
    expect(plan.value.actions.some((a) => a.id.startsWith('remove-copy'))).toBe(false);
    expect(plan.value.warnings.join(' ')).toContain('snapshot_s9');
  });
});
