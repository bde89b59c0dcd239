import { readRestoreOutcomeData } from '../../../../shared/report/restore-outcome.js';
import { runPhase, type RunPhaseView } from '../../../../shared/run/run-phase.js';
import { stepInfo } from '../../../../shared/run/step-catalog.js';
import type { ChangeView, RunView } from '../../../../shared/run/run-types.js';

/**
 * The closing summary of a run (issue 22): what was restored (or notified), what stays on the shares
 * and hosts on purpose, and what to do next. Built from the saved run only, so a run reopened days
 * later reads the same.
 */
export interface DeliveredWorkload {
  workloadId: string;
  name: string;
  target: string;
  status: string;
  instances: string[];
  error?: string;
}

export interface RunClosure {
  phase: RunPhaseView;
  delivered: DeliveredWorkload[];
  /** What the run leaves in place on purpose (or not yet undone), one sentence each. */
  kept: string[];
  next: string[];
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function deliveredOf(run: RunView): DeliveredWorkload[] {
  const out: DeliveredWorkload[] = [];
  for (const key of ['restore', 'notify'] as const) {
    const data = readRestoreOutcomeData(run.steps.find((s) => s.key === key)?.outcome?.data);
    for (const w of data?.workloads ?? [])
      if (!out.some((o) => o.workloadId === w.workloadId))
        out.push({
          workloadId: w.workloadId,
          name: w.name,
          target: w.targetProject,
          status: w.status,
          instances: (w.instances ?? []).map((i) => i.name),
          ...(w.error ? { error: w.error } : {}),
        });
  }
  return out;
}

function hostsOf(changes: readonly ChangeView[]): string[] {
  return [...new Set(changes.map((c) => c.host).filter(Boolean))];
}

function keptOf(run: RunView): string[] {
  const open = run.changes.filter((c) => !c.undoneAt);
  const byKind = new Map<string, ChangeView[]>();
  for (const c of open) byKind.set(c.kind, [...(byKind.get(c.kind) ?? []), c]);
  const kept: string[] = [];
  const take = (kind: string) => {
    const list = byKind.get(kind) ?? [];
    byKind.delete(kind);
    return list;
  };
  const copies = take('workload-copy');
  if (copies.length > 0)
    kept.push(
      `${plural(copies.length, 'workload copy', 'workload copies')} on the target share B1 (${copies.map((c) => c.description).join('; ')}): Trilio B owns ${copies.length === 1 ? 'it' : 'them'} now and backs ${copies.length === 1 ? 'it' : 'them'} up from there.`,
    );
  const mounts = take('bind-mount');
  const fstab = take('fstab-line');
  if (mounts.length > 0 || fstab.length > 0)
    kept.push(
      `The old share's mount path, bind-mounted on ${plural(hostsOf([...mounts, ...fstab]).length, 'host')} with ${plural(fstab.length, 'fstab line')}: the restored disks' backing files resolve through it. Remove them with a clean-up that also removes mounts once the workloads were backed up anew.`,
    );
  const configs = take('config-edit');
  if (configs.length > 0)
    kept.push(
      `The synced copy B2 in Trilio's configuration on ${plural(hostsOf(configs).length, 'node')}: backups of the target region stay on hold until “${stepInfo('revert').title}” runs.`,
    );
  const grants = take('role-grant');
  if (grants.length > 0)
    kept.push(
      `${plural(grants.length, 'admin role grant')} on the target project(s): removed by “${stepInfo('cleanup').title}”.`,
    );
  const reassigned = take('reassign');
  if (reassigned.length > 0)
    kept.push(
      `${plural(reassigned.length, 'workload')} reassigned to ${reassigned.length === 1 ? 'its' : 'their'} target project: ${reassigned.length === 1 ? 'it stays' : 'they stay'} with the new owners.`,
    );
  const restores = take('restore');
  if (restores.length > 0)
    kept.push(`${plural(restores.length, 'restore')} in the target cloud: the instances are the recovery.`);
  for (const [kind, list] of byKind)
    kept.push(
      `${plural(list.length, `change (${kind})`, `changes (${kind})`)}: ${list.map((c) => c.description).join('; ')}.`,
    );
  kept.push(
    'The synced copy B2 itself: the storage team decides when it goes; the wizard never deletes backup data.',
  );
  return kept;
}

function nextOf(run: RunView, phase: RunPhaseView, delivered: DeliveredWorkload[]): string[] {
  const next: string[] = [];
  if (phase.phase === 'done' || phase.phase === 'delivered') {
    const targets = [...new Set(delivered.map((d) => d.target).filter(Boolean))];
    const restored = delivered.filter((d) => d.status === 'available');
    if (restored.length > 0)
      next.push(
        `Check the restored instances in ${targets.length === 1 ? `project ${targets[0]}` : `projects ${targets.join(', ')}`} (openstack server list --project …) and hand them over to their owners.`,
      );
    const notified = delivered.filter((d) => d.status === 'notified');
    if (notified.length > 0)
      next.push(
        `The owners of ${plural(notified.length, 'workload')} were told how to restore; follow up with them.`,
      );
    next.push('Make sure the reassigned workloads are backed up again by Trilio B (their job schedules).');
  }
  if (phase.phase === 'delivered')
    next.push(
      phase.next === 'revert'
        ? `Run “${stepInfo('revert').title}”, then “${stepInfo('cleanup').title}”, or close the run.`
        : `Run “${stepInfo('cleanup').title}” (it removes the admin role and Trilio's records of this run) or close the run.`,
    );
  if (phase.phase === 'abandoned')
    next.push(
      run.changes.some((c) => !c.undoneAt)
        ? 'Nothing was delivered. What the run changed and did not undo is listed above: clean up, or undo it by hand.'
        : 'Nothing was delivered and nothing of the run is left in place.',
    );
  if (phase.phase === 'failed' || phase.phase === 'cancelled' || phase.phase === 'interrupted')
    next.push(
      `Fix what stopped “${phase.next ? stepInfo(phase.next).title : 'the run'}” and run it again (steps are safe to repeat), or clean up and close the run.`,
    );
  next.push('Export the report for the incident record (run header, Report).');
  return next;
}

export function runClosure(run: RunView): RunClosure {
  const phase = runPhase(run);
  const delivered = deliveredOf(run);
  return { phase, delivered, kept: keptOf(run), next: nextOf(run, phase, delivered) };
}
