import type { ApiAction } from '../run/plan-types.js';
import { scheduleState, type JobSchedule } from '../trilio/job-schedule.js';
import { reenableAction } from './reassign-plan.js';

/**
 * Re-protect after DR: Trilio turns a workload's job schedule off when it reassigns it from another
 * cloud (`migrate_cloud`), so after a DR the restored workloads take no backups until someone turns
 * them on. This lists every workload of a finished run with its schedule and backup target and plans
 * one `PUT /workloads/{id}` (the reassign planner's re-enable call: one source of truth) for each whose
 * schedule is off; a schedule already on gets nothing, so planning again after it ran plans nothing.
 */

export interface ReprotectWorkloadFacts {
  workloadId: string;
  workloadName: string;
  /** The target project the run put it in (the re-enable call runs there). */
  targetProject: { id: string; name: string };
  /** The schedule as Trilio shows it now; absent when Trilio shows none or could not be read. */
  schedule?: JobSchedule;
  /** `backup_media_target` from the workload's metadata (the share its backups go to); '' when not shown. */
  backupTarget: string;
  /** Why Trilio could not be read for it (then nothing is planned for it). */
  readError?: string;
}

export interface ReprotectFacts {
  /** The user the calls run as: Trilio makes the caller of a schedule change the workload's user. */
  actingUser: string;
  workloads: ReprotectWorkloadFacts[];
}

export interface ReprotectRow {
  workloadId: string;
  name: string;
  projectId: string;
  projectName: string;
  /** on | off | unknown */
  schedule: 'on' | 'off' | 'unknown';
  /** `off (every 24hr, …)`, as tables show it. */
  scheduleText: string;
  backupTarget: string;
  /** A re-enable call is planned for it. */
  planned: boolean;
}

export interface ReprotectPlan {
  workloads: ReprotectRow[];
  actions: ApiAction[];
  warnings: string[];
}

/** A workload's backup target as Trilio's detail view shows it (metadata as a map or a key/value list). */
export function backupTargetOf(metadata: unknown): string {
  const key = 'backup_media_target';
  if (Array.isArray(metadata)) {
    for (const m of metadata as unknown[])
      if (typeof m === 'object' && m !== null && (m as { key?: unknown }).key === key) {
        const v = (m as { value?: unknown }).value;
        return typeof v === 'string' ? v : '';
      }
    return '';
  }
  if (typeof metadata === 'object' && metadata !== null) {
    const v = (metadata as Record<string, unknown>)[key];
    return typeof v === 'string' ? v : '';
  }
  return '';
}

export function planReprotect(facts: ReprotectFacts): ReprotectPlan {
  const actions: ApiAction[] = [];
  const warnings: string[] = [];
  const workloads = facts.workloads.map((w): ReprotectRow => {
    // A schedule shown off is turned on; one Trilio shows none of, or could not read, is not guessed at.
    const planned = w.schedule?.enabled === false && !w.readError;
    if (planned) actions.push(reenableAction(w, facts.actingUser));
    if (w.readError) warnings.push(`${w.workloadName} (${w.workloadId}): ${w.readError}`);
    else if (!w.schedule)
      warnings.push(
        `Trilio shows no job schedule for ${w.workloadName} (${w.workloadId}): set one with workloadmgr workload-modify ${w.workloadId} --jobschedule enabled=True.`,
      );
    return {
      workloadId: w.workloadId,
      name: w.workloadName,
      projectId: w.targetProject.id,
      projectName: w.targetProject.name,
      schedule: w.schedule ? (w.schedule.enabled ? 'on' : 'off') : 'unknown',
      scheduleText: scheduleState(w.schedule),
      backupTarget: w.backupTarget,
      planned,
    };
  });
  if (actions.length > 0)
    warnings.push(
      `The schedules are re-enabled as ${facts.actingUser}: Trilio records the user who changes a schedule as the workload's user (workloadmgr workload_modify), so scheduled snapshots then run as ${facts.actingUser}, who needs its role on those projects to stay.`,
    );
  if (facts.workloads.some((w) => w.schedule?.globalScheduler === false))
    warnings.push(
      "Trilio's global job scheduler is off: no scheduled snapshot runs, and Trilio refuses to change a schedule until it is on (workloadmgr enable-global-job-scheduler).",
    );
  return { workloads, actions, warnings };
}

/** What `runs.reprotect` answers: the plan, and after `execute` every workload as Trilio shows it then. */
export interface ReprotectResult extends ReprotectPlan {
  executed: boolean;
  after?: ReprotectRow[];
}
