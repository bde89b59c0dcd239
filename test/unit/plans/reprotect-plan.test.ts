import { describe, expect, it } from 'vitest';
import {
  backupTargetOf,
  planReprotect,
  type ReprotectWorkloadFacts,
} from '../../../shared/plans/reprotect-plan.js';
import { readJobSchedule } from '../../../shared/trilio/job-schedule.js';

// Two workloads of a finished full-cloud run as Trilio B shows them after the reassign
// (`GET /workloads/{id}`): migrate_cloud turned eng-git's schedule off; fin-db's owner turned it on.
const shown = (enabled: boolean) =>
  readJobSchedule({
    enabled,
    start_date: '05/01/2024',
    end_date: 'No End',
    start_time: '09:00 PM',
    interval: '24hr',
    fullbackup_interval: '-1',
    retention_policy_type: 'Number of Snapshots to Keep',
    retention_policy_value: '30',
    global_jobscheduler: true,
    nextrun: 3600.5,
  });
const engGit: ReprotectWorkloadFacts = {
  workloadId: '86706ed4-0a8e-420d-83ff-86de447bcceb',
  workloadName: 'eng-git',
  targetProject: { id: 'fd6e2137d0464f9c894121e770f65e3e', name: 'engineering-dr' },
  schedule: shown(false),
  backupTarget: '10.10.2.20:/trilio-b1',
};
const finDb: ReprotectWorkloadFacts = {
  workloadId: '0c1f6f7e-3d5a-4a53-9b0e-2f7f5e0c9a11',
  workloadName: 'fin-db',
  targetProject: { id: '5a3c9d1e2b7f4c6d8e9f0a1b2c3d4e5f', name: 'finance-dr' },
  schedule: shown(true),
  backupTarget: '10.10.2.20:/trilio-b1',
};

describe('planReprotect', () => {
  it('plans the reassign planner’s PUT jobschedule call for a schedule that is off, nothing for one that is on', () => {
    const plan = planReprotect({ actingUser: 'admin', workloads: [engGit, finDb] });
    expect(plan.actions).toEqual([
      expect.objectContaining({
        kind: 'api',
        id: 'schedule:86706ed4-0a8e-420d-83ff-86de447bcceb',
        service: 'workloads',
        method: 'PUT',
        path: '/workloads/86706ed4-0a8e-420d-83ff-86de447bcceb',
        body: { workload: { jobschedule: { enabled: true } } },
      }),
    ]);
    expect(plan.actions[0]!.description).toContain('engineering-dr, as admin');
    expect(plan.workloads).toEqual([
      expect.objectContaining({
        name: 'eng-git',
        schedule: 'off',
        planned: true,
        backupTarget: '10.10.2.20:/trilio-b1',
      }),
      expect.objectContaining({ name: 'fin-db', schedule: 'on', planned: false, projectName: 'finance-dr' }),
    ]);
    expect(plan.workloads[0]!.scheduleText).toBe(
      'off (every 24hr, from 09:00 PM, keep 30 (Number of Snapshots to Keep))',
    );
    expect(plan.warnings.join(' ')).toMatch(/workload's user/);
  });

  it('plans nothing once every schedule is on (a second run)', () => {
    const plan = planReprotect({
      actingUser: 'admin',
      workloads: [{ ...engGit, schedule: shown(true) }, finDb],
    });
    expect(plan.actions).toEqual([]);
    expect(plan.warnings).toEqual([]);
  });

  it('does not guess for a workload without a shown schedule or one it could not read', () => {
    const { schedule: _omit, ...noSchedule } = engGit;
    const plan = planReprotect({
      actingUser: 'admin',
      workloads: [noSchedule, { ...finDb, schedule: shown(false), readError: 'HTTP 404 workload not found' }],
    });
    expect(plan.actions).toEqual([]);
    expect(plan.workloads.map((w) => w.schedule)).toEqual(['unknown', 'off']);
    expect(plan.warnings).toHaveLength(2);
    expect(plan.warnings[1]).toContain('HTTP 404');
  });

  it('warns when Trilio’s global job scheduler is off', () => {
    const off = readJobSchedule({ enabled: false, interval: '24hr', global_jobscheduler: false });
    const plan = planReprotect({ actingUser: 'admin', workloads: [{ ...engGit, schedule: off }] });
    expect(plan.warnings.some((w) => w.includes('global job scheduler is off'))).toBe(true);
  });
});

describe('backupTargetOf', () => {
  it('reads backup_media_target from metadata as a key/value list or a map', () => {
    expect(
      backupTargetOf([
        { key: 'workload_approx_backup_size', value: '12' },
        { key: 'backup_media_target', value: '10.0.0.5:/b1' },
      ]),
    ).toBe('10.0.0.5:/b1');
    expect(backupTargetOf({ backup_media_target: '10.0.0.5:/b1' })).toBe('10.0.0.5:/b1');
    expect(backupTargetOf(undefined)).toBe('');
    expect(backupTargetOf([{ key: 'other', value: 'x' }])).toBe('');
  });
});
