import { describe, expect, it } from 'vitest';
import {
  planReassign,
  reassignActionId,
  type ReassignFacts,
  type ReassignWorkloadFacts,
} from '../../../shared/plans/reassign-plan.js';
import type { ApiAction } from '../../../shared/run/plan-types.js';
import { readJobSchedule } from '../../../shared/trilio/job-schedule.js';

// The eng-git workload of cloud A (project engineering), copied to B1 and orphaned for Trilio B. Its
// job schedule as Trilio's workload view shows it (`GET /workloads/{id}` → `jobschedule`).
const schedule = readJobSchedule({
  enabled: true,
  start_date: '05/01/2024',
  end_date: 'No End',
  start_time: '09:00 PM',
  interval: '24hr',
  fullbackup_interval: '-1',
  retention_policy_type: 'Number of Snapshots to Keep',
  retention_policy_value: '30',
  global_jobscheduler: true,
  nextrun: 3600.5,
})!;
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
  schedule,
});
const facts = (state: ReassignWorkloadFacts['state'], reenableSchedules = false): ReassignFacts => ({
  trusteeRoles: {
    roles: ['_member_', 'creator'],
    source: 'appliance',
    from: 'trustee_role in /etc/workloadmgr/workloadmgr.conf on tvm-b',
    note: 'the profile says creator',
  },
  trusteeSource: 'role-assignments',
  reenableSchedules,
  actingUser: 'admin',
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
  });

  it('names the trustee roles of the list and where they came from', () => {
    const plan = planReassign(facts('orphaned'));
    expect(plan.ok && plan.value.summary).toContain(
      'the first user holding a trustee role (_member_ or creator), from trustee_role in /etc/workloadmgr/workloadmgr.conf on tvm-b (the profile says creator) on each project',
    );
  });

  it('leaves a workload already in its target project alone', () => {
    const plan = planReassign({ ...facts('in-target'), trusteeSource: 'params' });
    expect(plan.ok && plan.value.actions).toEqual([]);
    expect(plan.ok && plan.value.warnings[0]).toContain('already in project engineering-dr');
    expect(plan.ok && plan.value.verify).toHaveLength(1);
  });
});

describe('job schedules after the reassign', () => {
  it('shows that migrate_cloud turns the schedule off, and says how to turn it on when the run does not', () => {
    const plan = planReassign(facts('orphaned'));
    if (!plan.ok) throw new Error(plan.error.message);
    expect(plan.value.actions.map((a) => a.id)).toEqual([
      reassignActionId('86706ed4-0a8e-420d-83ff-86de447bcceb'),
    ]);
    expect(plan.value.summary).toContain(
      'Job schedules after the reassign: eng-git off (every 24hr, from 09:00 PM, keep 30 (Number of Snapshots to Keep)). They stay off',
    );
    expect(plan.value.warnings.join('\n')).toContain('--reenable-schedules');
    expect(plan.value.warnings.join('\n')).toContain(
      'workloadmgr workload-modify <workload id> --jobschedule enabled=True',
    );
  });

  it('plans the re-enable call after the reassign: PUT /workloads/{id} with jobschedule enabled', () => {
    const plan = planReassign(facts('orphaned', true));
    if (!plan.ok) throw new Error(plan.error.message);
    expect(plan.value.actions).toHaveLength(2);
    expect(plan.value.actions[1]).toEqual({
      kind: 'api',
      id: 'schedule:86706ed4-0a8e-420d-83ff-86de447bcceb',
      service: 'workloads',
      method: 'PUT',
      path: '/workloads/86706ed4-0a8e-420d-83ff-86de447bcceb',
      body: { workload: { jobschedule: { enabled: true } } },
      description:
        'Re-enable the job schedule of eng-git (86706ed4-0a8e-420d-83ff-86de447bcceb) (every 24hr, from 09:00 PM, keep 30 (Number of Snapshots to Keep)) in project engineering-dr, as admin',
      change: { kind: 'schedule', undo: [] },
    });
    expect(plan.value.summary).toContain('The step turns 1 of them back on.');
    expect(plan.value.warnings.join('\n')).toContain(
      "Trilio records the user who changes a schedule as the workload's user",
    );
  });

  it('plans nothing for a workload in place whose schedule is on, and re-enables one left off', () => {
    const on = planReassign(facts('in-target', true));
    expect(on.ok && on.value.actions).toEqual([]);
    expect(on.ok && on.value.summary).toContain('Every schedule is on already.');
    const offFacts = facts('in-target', true);
    offFacts.workloads[0]!.schedule = { ...schedule, enabled: false };
    const off = planReassign(offFacts);
    expect(off.ok && off.value.actions.map((a) => a.id)).toEqual([
      'schedule:86706ed4-0a8e-420d-83ff-86de447bcceb',
    ]);
  });

  it('warns when Trilio’s global job scheduler is off (Trilio then refuses schedule changes)', () => {
    const f = facts('orphaned', true);
    f.workloads[0]!.schedule = { ...schedule, globalScheduler: false };
    const plan = planReassign(f);
    expect(plan.ok && plan.value.warnings.join('\n')).toContain('enable-global-job-scheduler');
  });
});
