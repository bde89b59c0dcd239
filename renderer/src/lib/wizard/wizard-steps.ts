import type { StepKey } from '../../../../shared/run/plan-types.js';

export interface WizardStepInfo {
  key: StepKey;
  title: string;
  /** One line in the runbook's words: what the step does. */
  summary: string;
}

/** The steps of a single-workload DR, in runbook order; later issues fill each step's panel. */
export const wizardSteps: readonly WizardStepInfo[] = [
  {
    key: 'preflight',
    title: 'Pre-flight',
    summary:
      'Check that both clouds, the Trilio appliance, the compute nodes and the NFS shares are reachable.',
  },
  {
    key: 'find',
    title: 'Find the workload',
    summary: 'Identify the workload on the synced NFS share by its id or by the metadata in its directory.',
  },
  {
    key: 'copy',
    title: 'Copy',
    summary:
      'Copy the workload directory to the target share (B1) through the Trilio VM and set ownership to nova:nova.',
  },
  {
    key: 'mount-paths',
    title: 'Mount paths',
    summary:
      'Make the source share’s base64 mount path exist on the Trilio VM and every compute node with mount --bind, and keep it in fstab.',
  },
  {
    key: 'access',
    title: 'Access',
    summary: 'Give the admin user a role on the target project for the duration of the restore.',
  },
  {
    key: 'reassign',
    title: 'Reassign',
    summary: 'Assign the orphaned workload to its target project and a user with the trustee role.',
  },
  {
    key: 'restore',
    title: 'Restore',
    summary: 'Pick the snapshot, adjust restore.json to the target networks and run a selective restore.',
  },
  {
    key: 'cleanup',
    title: 'Clean up',
    summary:
      'Purge the restored workload from the Trilio database and remove the admin user from the project.',
  },
];
