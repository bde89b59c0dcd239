import {
  planReprotect,
  backupTargetOf,
  type ReprotectResult,
  type ReprotectWorkloadFacts,
} from '../../../shared/plans/reprotect-plan.js';
import type { Profile } from '../../../shared/profile/profile.js';
import { fail, ok, type AppError, type Result } from '../../../shared/result.js';
import type { RunView } from '../../../shared/run/run-types.js';
import { readJobSchedule } from '../../../shared/trilio/job-schedule.js';
import { openCloudSession } from '../clients/cloud-session.js';
import type { OpenClouds } from '../clients/index.js';
import { TrilioClient } from '../clients/trilio-client.js';
import type { CoreState } from '../core-state.js';
import type { RunEngine } from '../runs/run-engine.js';
import type { GetSecret } from '../ssh/credentials.js';
import type { PartialHandlers } from './handler-types.js';
import { withRunClouds } from './mapping-handlers.js';

/** What the Reassign step recorded of each workload of the run (its outcome data). */
interface ReassignedWorkload {
  workloadId?: string;
  name?: string;
  targetProjectId?: string;
  targetProjectName?: string;
}

/**
 * Re-protect after DR (`runs.reprotect`): the run's workloads with their job schedule and backup target
 * as Trilio B shows them now, and the re-enable calls for those whose schedule is off. `execute` sends
 * them (each with a login scoped to the workload's project, as the Reassign step does), then reads every
 * workload back and fails when a schedule is still off. Safe to repeat: a schedule on gets no call.
 */
export function reprotectHandlers<S>(
  state: CoreState,
  engine: RunEngine<S>,
): PartialHandlers<'runs.reprotect'> {
  return {
    'runs.reprotect': ({ runId, execute }) =>
      withRunClouds(state, engine, runId, (run, profile, clouds, getSecret) =>
        reprotect(run, profile, clouds, getSecret, execute),
      ),
  };
}

async function reprotect(
  run: RunView,
  profile: Profile,
  clouds: OpenClouds,
  getSecret: GetSecret,
  execute: boolean,
): Promise<Result<ReprotectResult>> {
  const data = run.steps.find((s) => s.key === 'reassign')?.outcome?.data as
    { workloads?: ReassignedWorkload[] } | undefined;
  const listed = (data?.workloads ?? []).filter((w) => w.workloadId && w.targetProjectId);
  if (listed.length === 0)
    return fail({
      code: 'precondition',
      message: `Run ${run.id} has no reassigned workloads: re-protect works on the workloads a finished Reassign step put in their target projects.`,
      hint: `Finish the run first: trilio-dr resume --run ${run.id} --yes`,
    });
  const target = await clouds.target();
  if (!target.ok) return target;
  // The admin login reads every project's workloads and sees backup_media_target (hidden from others).
  const read = async (): Promise<ReprotectWorkloadFacts[]> => {
    const facts: ReprotectWorkloadFacts[] = [];
    for (const w of listed) {
      const now = await target.value.trilio.getWorkload(w.workloadId!);
      const schedule = now.ok ? readJobSchedule(now.value.jobschedule) : undefined;
      facts.push({
        workloadId: w.workloadId!,
        workloadName: w.name || w.workloadId!,
        targetProject: { id: w.targetProjectId!, name: w.targetProjectName || w.targetProjectId! },
        ...(schedule ? { schedule } : {}),
        backupTarget: now.ok ? backupTargetOf(now.value.metadata) : '',
        ...(now.ok ? {} : { readError: `Trilio B could not show it: ${now.error.message}` }),
      });
    }
    return facts;
  };
  const actingUser = profile.clouds.target.username;
  const before = await read();
  const plan = planReprotect({ actingUser, workloads: before });
  if (!execute) return ok({ ...plan, executed: false });

  const errors: string[] = [];
  for (const action of plan.actions) {
    const w = before.find((f) => action.path === `/workloads/${encodeURIComponent(f.workloadId)}`)!;
    const done = await reenable(profile, getSecret, w);
    if (!done.ok) errors.push(`${w.workloadName} (${w.workloadId}): ${done.error.message}`);
  }
  const after = planReprotect({ actingUser, workloads: await read() });
  const stillOff = after.workloads.filter((w) => w.schedule !== 'on');
  if (errors.length > 0 || stillOff.length > 0)
    return fail(
      failure(
        errors,
        stillOff.map((w) => `${w.name} (${w.workloadId}): ${w.scheduleText}`),
      ),
    );
  return ok({ ...plan, executed: true, after: after.workloads });
}

/** One re-enable call, with a login scoped to the workload's project (its owner's view). */
async function reenable(
  profile: Profile,
  getSecret: GetSecret,
  w: ReprotectWorkloadFacts,
): Promise<Result<void>> {
  const cloud = profile.clouds.target;
  const session = await openCloudSession(
    { ...cloud, project: w.targetProject.name, projectDomain: cloud.domain.trim() || 'Default' },
    'target',
    getSecret,
  );
  if (!session.ok) return session;
  try {
    const trilio = new TrilioClient(session.value, { url: cloud.trilioUrl });
    return await trilio.updateJobSchedule(w.workloadId, { enabled: true });
  } finally {
    session.value.close();
  }
}

function failure(errors: readonly string[], stillOff: readonly string[]): AppError {
  const said = errors.join(' ');
  return {
    code: 'http',
    message:
      (errors.length > 0 ? `Re-enabling failed for ${errors.join('; ')}. ` : '') +
      (stillOff.length > 0 ? `Job schedules still not on after re-protect: ${stillOff.join('; ')}.` : ''),
    hint: /global job ?scheduler is disabled/i.test(said)
      ? "Trilio's global job scheduler is off: turn it on (workloadmgr enable-global-job-scheduler), then run re-protect again."
      : /401|403|log in|role/i.test(said)
        ? 'The admin user needs a role on the workload’s project (the Access step gives it; clean-up removes it): let the owner run workloadmgr workload-modify <workload id> --jobschedule enabled=True, or grant the role and run re-protect again.'
        : 'Run re-protect again (a schedule already on is left alone), or let each owner run workloadmgr workload-modify <workload id> --jobschedule enabled=True.',
  };
}
