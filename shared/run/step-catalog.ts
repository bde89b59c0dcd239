import type { StepKey } from './plan-types.js';
import type { RunKind } from './run-types.js';

export interface StepInfo {
  key: StepKey;
  title: string;
  /** One line in the runbook's words: what the step does. */
  summary: string;
  /** Runs only when the user asks for it (clean-up, revert), not as part of "run all". */
  onDemand?: boolean;
}

const info: Record<StepKey, StepInfo> = {
  preflight: {
    key: 'preflight',
    title: 'Pre-flight',
    summary:
      'Check that both clouds, the Trilio appliance, the compute nodes and the NFS shares are reachable.',
  },
  find: {
    key: 'find',
    title: 'Find the workload',
    summary: 'Identify the workloads on the synced NFS share by id or by the metadata in their directories.',
  },
  copy: {
    key: 'copy',
    title: 'Copy',
    summary:
      'Copy the workload directory to the target share (B1) through the Trilio VM and set ownership to nova:nova.',
  },
  reconfigure: {
    key: 'reconfigure',
    title: 'Reconfigure Trilio',
    summary:
      'Add NFS B2 to the Trilio appliance and datamover configuration, restart their services, check the mounts.',
  },
  'mount-paths': {
    key: 'mount-paths',
    title: 'Mount paths',
    summary:
      'Make the source share’s base64 mount path exist on the Trilio VM and every compute node with mount --bind, and keep it in fstab.',
  },
  'drill-project': {
    key: 'drill-project',
    title: 'Drill project',
    summary:
      'Drill only: create the isolated trilio-drill project that stands in for the target project, and give the admin user the trustee role there.',
  },
  'drill-networks': {
    key: 'drill-networks',
    title: 'Drill networks',
    summary:
      'Drill only: create networks and subnets like the snapshot’s in the drill project, with no router to anything outside.',
  },
  'drill-teardown': {
    key: 'drill-teardown',
    title: 'Drill tear-down',
    summary:
      'Drill only: check the restored instances and volumes in Nova and Cinder, then delete them, the restore records, and the drill networks.',
    onDemand: true,
  },
  access: {
    key: 'access',
    title: 'Access',
    summary: 'Give the admin user a role on the target project for the duration of the restore.',
  },
  reassign: {
    key: 'reassign',
    title: 'Reassign',
    summary: 'Assign the orphaned workload to its target project and a user with the trustee role.',
  },
  restore: {
    key: 'restore',
    title: 'Restore',
    summary: 'Pick the snapshot, adjust restore.json to the target networks and run a selective restore.',
  },
  notify: {
    key: 'notify',
    title: 'Notify owners',
    summary:
      'Tell each project owner which workloads are available in the target cloud and how to restore them.',
  },
  revert: {
    key: 'revert',
    title: 'Revert configuration',
    summary: 'Remove NFS B2 from the Trilio configuration again and restart the services.',
    onDemand: true,
  },
  cleanup: {
    key: 'cleanup',
    title: 'Clean up',
    summary:
      'Purge the restored workloads from the Trilio database and remove the admin user from the projects.',
    onDemand: true,
  },
};

export function stepInfo(key: StepKey): StepInfo {
  return info[key];
}

/**
 * The steps of a run, in runbook order. The notify step replaces restore when the user only notifies.
 * A drill (single-workload path only) restores into a drill project with networks of its own, then
 * tears the restore down before the clean-up (which also removes the drill project).
 */
export function stepsFor(kind: RunKind, notifyOnly: boolean, drill = false): StepKey[] {
  const deliver: StepKey = notifyOnly ? 'notify' : 'restore';
  if (kind === 'single' && drill)
    return [
      'preflight',
      'find',
      'copy',
      'mount-paths',
      'drill-project',
      'access',
      'reassign',
      'drill-networks',
      'restore',
      'drill-teardown',
      'cleanup',
    ];
  if (kind === 'single')
    return ['preflight', 'find', 'copy', 'mount-paths', 'access', 'reassign', deliver, 'cleanup'];
  return [
    'preflight',
    'find',
    'reconfigure',
    'mount-paths',
    'access',
    'reassign',
    deliver,
    'revert',
    'cleanup',
  ];
}
