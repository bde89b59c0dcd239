import { describe, expect, it } from 'vitest';
import { readJobSchedule, reenableScheduleBody, scheduleState } from '../../../shared/trilio/job-schedule.js';

describe('job schedule', () => {
  it('reads Trilio’s view: enabled as workloadmgr reads it, view-only keys dropped', () => {
    // After a migrate_cloud reassign (workloadmgr: enabled false, no nextrun).
    const off = readJobSchedule({
      enabled: false,
      interval: '24hr',
      start_time: '09:00 PM',
      retention_policy_type: 'Number of Snapshots to Keep',
      retention_policy_value: '30',
      global_jobscheduler: true,
    });
    expect(off).toEqual({
      enabled: false,
      settings: {
        enabled: false,
        interval: '24hr',
        start_time: '09:00 PM',
        retention_policy_type: 'Number of Snapshots to Keep',
        retention_policy_value: '30',
      },
      globalScheduler: true,
    });
    expect(scheduleState(off)).toBe('off (every 24hr, from 09:00 PM, keep 30 (Number of Snapshots to Keep))');
    expect(readJobSchedule({ enabled: 'True', nextrun: 12.5 })).toEqual({
      enabled: true,
      settings: { enabled: 'True' },
    });
    expect(readJobSchedule({ enabled: '1' })?.enabled).toBe(true);
    expect(readJobSchedule({ interval: '1hr' })).toBeUndefined();
    expect(readJobSchedule('enabled')).toBeUndefined();
    expect(scheduleState(undefined)).toBe('unknown (Trilio shows no job schedule)');
  });

  it('re-enables with enabled alone: Trilio fills the rest from the stored schedule', () => {
    expect(reenableScheduleBody()).toEqual({ workload: { jobschedule: { enabled: true } } });
  });
});
