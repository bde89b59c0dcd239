import { describe, expect, it } from 'vitest';
import {
  planReassign,
  reassignActionId,
  type ReassignFacts,
  type ReassignWorkloadFacts,
} from '../../../shared/plans/reassign-plan.js';
import type { ApiAction } from '../../../shared/run/plan-types.js';

// The eng-git workload of cloud A (project engineering), copied to B1 and orphaned for Trilio B.
const workload = (state: ReassignWorkloadFacts['state']): ReassignWorkloadFacts => ({
  workloadId: '86706ed4-0a8e-420d-83ff-86de447bcceb',
  workloadName: 'eng-git',
  state,
  currentProjectId:
    state === 'orphaned' ? '7e398a4b102a43ffa0219c02b26b7ce5' : 'fd6e2137d0464f9c894121e770f65e3e',
  currentUserId: 'b0b0000000000000000000000000b0b0',
  sourceProjectId: '7e398a4b102a43ffa0219c02b26b7ce5',
  targetProject: { id: 'fd6e2137d0464f9c894121e770f65e3e', name: 'engineering-dr' },
  trustee: { id: '2406538d96e447f8b9c78946e7a65264', name: 'bob-dr' },
});
const facts = (state: ReassignWorkloadFacts['state']): ReassignFacts => ({
  trusteeRole: 'creator',
  trusteeSource: 'role-assignments',
  workloads: [workload(state)],
});

describe('planReassign', () => {
  it('reassigns an orphan with Trilio’s list body (both id lists present, migrate_cloud true)', () => {
    const plan = planReassign(facts('orphaned'));
    expect(plan.ok).toBe(true);
    if (!plan.ok) return;
    expect(plan.value.actions).toHaveLength(1);
    const post = plan.value.actions[0] as ApiAction;
    expect(post).toMatchObject({
      kind: 'api',
      id: reassignActionId('86706ed4-0a8e-420d-83ff-86de447bcceb'),
      service: 'workloads',
      method: 'POST',
      path: '/workloads/reasign_workloads',
      change: { kind: 'reassign', undo: [] },
    });
    expect(post.body).toEqual([
      {
        workload_ids: ['86706ed4-0a8e-420d-83ff-86de447bcceb'],
        old_tenant_ids: [],
        new_tenant_id: 'fd6e2137d0464f9c894121e770f65e3e',
        user_id: '2406538d96e447f8b9c78946e7a65264',
        migrate_cloud: true,
      },
    ]);
    expect(post.description).toContain('engineering-dr');
    expect(post.description).toContain('bob-dr');
    expect(plan.value.verify).toEqual([
      expect.objectContaining({
        method: 'GET',
        path: '/workloads/86706ed4-0a8e-420d-83ff-86de447bcceb',
        readOnly: true,
      }),
    ]);
    expect(plan.value.summary).toContain('first user holding the trustee role creator');
  });

  it('leaves a workload already in its target project alone', () => {
    const plan = planReassign({ ...facts('in-target'), trusteeSource: 'params' });
    expect(plan.ok && plan.value.actions).toEqual([]);
    expect(plan.ok && plan.value.warnings[0]).toContain('already in project engineering-dr');
    expect(plan.ok && plan.value.verify).toHaveLength(1);
  });
});
