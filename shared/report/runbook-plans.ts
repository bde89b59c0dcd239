import { planAccess } from '../plans/access-plan.js';
import { planRestores } from '../plans/bulk-restore-plan.js';
import { planCleanup } from '../plans/cleanup-plan.js';
import { parseGrantActionId, revokeOf } from '../plans/cleanup-roles.js';
import { planCopy } from '../plans/copy-plan.js';
import { planFind } from '../plans/find-plan.js';
import { planMountPaths } from '../plans/mount-paths-plan.js';
import { planNotify } from '../plans/notify-plan.js';
import { planReassign } from '../plans/reassign-plan.js';
import { planReconfigure } from '../plans/reconfigure-plan.js';
import { planRevert, revertEdits } from '../plans/revert-plan.js';
import { fail, ok, type Result } from '../result.js';
import type { StepKey, StepPlan } from '../run/plan-types.js';
import type { ChangeView } from '../run/run-types.js';
import { stepInfo, stepsFor } from '../run/step-catalog.js';
import {
  accessFacts,
  applianceOf,
  copyFacts,
  dbCleanupFacts,
  findFacts,
  mountPathsFacts,
  notifyFacts,
  reassignFacts,
  reconfigureFacts,
  restoreFacts,
  type ProfileSetting,
} from './runbook-facts.js';
import { placeholder } from './runbook-targets.js';

/** One step of the runbook with the plan it is rendered from. */
export interface RunbookStep {
  key: StepKey;
  /** `profile`: planned from the profile's facts (assumptions); `run`: the plan a run made. */
  origin: 'profile' | 'run';
  /** The plan, or the planner's refusal (rendered as what stops the step and what to do). */
  plan: Result<StepPlan>;
  /** Further plans shown after the main one: clean-up's removal of the mount paths, when asked for. */
  optional?: { caption: string; plan: Result<StepPlan> }[];
}

/** Changes clean-up undoes besides the role grants (revoked last), as the clean-up step picks them. */
const undoneByCleanup = new Set(['staging-mount']);
/** Changes clean-up undoes only when asked to remove the mount paths. */
const mountKinds = new Set(['mkdir', 'bind-mount', 'fstab-line']);

const noTvm = fail({
  code: 'validation',
  message: 'The profile has no Trilio appliance host (role tvm).',
  hint: 'Add the Trilio appliance to the profile’s hosts.',
});

/** The change log a plan's changing actions leave when they run (as the executors record them). */
function record(log: ChangeView[], plan: Result<StepPlan>): void {
  if (!plan.ok) return;
  for (const action of plan.value.actions)
    if (action.kind !== 'manual' && action.change)
      log.push({
        id: log.length + 1,
        step: plan.value.step,
        actionId: action.id,
        host: action.kind === 'remote' ? action.host : '',
        kind: action.change.kind,
        description: action.description,
        undo: action.change.undo,
        appliedAt: '',
      });
}

/** Pre-flight changes nothing and has no commands: its checks are read from the live environment. */
function preflightPlan(): Result<StepPlan> {
  return ok({
    step: 'preflight',
    title: stepInfo('preflight').title,
    summary: stepInfo('preflight').summary,
    actions: [],
    verify: [],
    warnings: [],
  });
}

/**
 * Clean-up as the step plans it: every reassigned workload deleted from Trilio's database and purged
 * (Trilio's database clean-up when the profile sets it up), a single run's workload copy removed, the
 * staging mount undone, the role grants taken back last; the mount paths only when the user asks.
 */
function cleanupPlans(s: ProfileSetting, log: readonly ChangeView[]): RunbookStep {
  const tvm = applianceOf(s.profile);
  const open = log.filter((c) => !c.undoneAt);
  const ids = s.targets.map((t) => t.workloadId);
  const copied = open.find((c) => c.kind === 'workload-copy');
  const target = s.targets[0];
  const base = {
    tvm: tvm?.id ?? null,
    tvmName: tvm?.name ?? '',
    purgeCommand: s.profile.trilio.purgeCommand,
    db: tvm ? dbCleanupFacts(s, tvm) : null,
  };
  const plan = planCleanup({
    ...base,
    workloadIds: ids,
    knownToTrilio: ids,
    projects: Object.fromEntries(s.targets.map((t) => [t.workloadId, t.targetProject])),
    toUndo: open.filter((c) => undoneByCleanup.has(c.kind)),
    revokes: open.flatMap((c) => {
      const grant = c.kind === 'role-grant' ? parseGrantActionId(c.actionId) : null;
      const revoke = revokeOf(c);
      return grant && revoke ? [{ changeId: c.id, ...grant, revoke }] : [];
    }),
    copy:
      copied && tvm && target && s.kind === 'single'
        ? {
            changeId: copied.id,
            host: copied.host,
            hostName: tvm.name,
            target: copyFacts(s, tvm, target).target,
            present: true,
            newSnapshots: [],
          }
        : null,
  });
  const mounts = open.filter((c) => mountKinds.has(c.kind));
  return {
    key: 'cleanup',
    origin: 'profile',
    plan,
    ...(mounts.length > 0
      ? {
          optional: [
            {
              caption:
                'Only when the mount paths are no longer needed (clean-up with “remove mounts”, CLI --remove-mounts): they are undone too, newest first.',
              plan: planCleanup({ ...base, db: null, workloadIds: [], knownToTrilio: [], toUndo: mounts }),
            },
          ],
        }
      : {}),
  };
}

/**
 * Reassign as the step plans it for the run's choice; when the run does not turn the job schedules back
 * on, what choosing it adds is shown too (the planner's own extra actions and warnings).
 */
function reassignPlans(s: ProfileSetting): Pick<RunbookStep, 'plan' | 'optional'> {
  const facts = reassignFacts(s);
  const plan = planReassign(facts);
  if (facts.reenableSchedules || !plan.ok) return { plan };
  const withSchedules = planReassign({ ...facts, reenableSchedules: true });
  if (!withSchedules.ok) return { plan };
  const planned = new Set(plan.value.actions.map((a) => a.id));
  const extra = withSchedules.value.actions.filter((a) => !planned.has(a.id));
  if (extra.length === 0) return { plan };
  return {
    plan,
    optional: [
      {
        caption:
          'When “Re-enable job schedules” is chosen for the run (CLI --reenable-schedules), the step also turns each schedule back on:',
        plan: ok({
          ...withSchedules.value,
          actions: extra,
          verify: [],
          warnings: withSchedules.value.warnings.filter((w) => !plan.value.warnings.includes(w)),
        }),
      },
    ],
  };
}

/**
 * Every step of the procedure planned from the profile's facts by the steps' own planners; revert and
 * clean-up plan from the change log the earlier plans leave (or a run's recorded changes).
 */
export function profilePlans(s: ProfileSetting, recorded?: readonly ChangeView[]): RunbookStep[] {
  const log: ChangeView[] = [];
  const tvm = applianceOf(s.profile);
  const planOf = (key: Exclude<StepKey, 'cleanup' | 'reassign'>): Result<StepPlan> => {
    switch (key) {
      case 'preflight':
        return preflightPlan();
      case 'find':
        return tvm ? planFind(findFacts(s, tvm)) : noTvm;
      case 'copy':
        return tvm && s.targets[0] ? planCopy(copyFacts(s, tvm, s.targets[0])) : noTvm;
      case 'reconfigure':
        return planReconfigure(reconfigureFacts(s));
      case 'mount-paths':
        return planMountPaths(mountPathsFacts(s), placeholder.runId);
      case 'access':
        return planAccess(accessFacts(s));
      case 'restore':
        return planRestores(restoreFacts(s), null);
      case 'notify':
        return planNotify(notifyFacts(s));
      case 'revert':
        return planRevert({ edits: revertEdits(recorded ?? log) }, s.profile.nfs.syncedCopy);
      case 'drill-project':
      case 'drill-networks':
      case 'drill-teardown':
        // A drill's own steps: not part of the DR runbook (stepsFor without a drill never lists them).
        return fail({ code: 'internal', message: `${key} belongs to drills, not to the DR runbook.` });
    }
  };
  return stepsFor(s.kind, s.notifyOnly).map((key) => {
    if (key === 'cleanup') return cleanupPlans(s, recorded ?? log);
    if (key === 'reassign') {
      const plans = reassignPlans(s);
      record(log, plans.plan);
      return { key, origin: 'profile', ...plans };
    }
    const plan = planOf(key);
    record(log, plan);
    return { key, origin: 'profile', plan };
  });
}
