import type { Profile } from '../profile/profile.js';
import type { StepKey } from '../run/plan-types.js';
import type { RunKind } from '../run/run-types.js';
import { stepInfo } from '../run/step-catalog.js';
import { jujuCharms } from '../trilio/installer-facts.js';
import { trilioFactsOf } from '../trilio/trilio-facts.js';
import type { Block, Inline } from './runbook-doc.js';
import type { RunbookStep } from './runbook-plans.js';
import { planBlocks, type RenderOptions } from './runbook-render.js';
import type { RunbookTarget } from './runbook-targets.js';

/**
 * One section per step of the procedure, in runbook order: the seed runbook's words on why the step
 * is needed, then the step's plan as the wizard made it (commands, requests, warnings, undo).
 */
export interface StepsContext {
  profile: Profile;
  kind: RunKind;
  targets: RunbookTarget[];
  /** The run whose plans are shown, when the runbook is a run's. */
  runId?: string;
  render: RenderOptions;
}

const p = (...parts: Inline[]): Block => ({ kind: 'para', parts });

/** Why each step is needed, in the seed runbook's words (no command: those come from the plans). */
const why: Record<StepKey, (c: StepsContext) => Block[]> = {
  preflight: () => [
    p(
      stepInfo('preflight').summary,
      ' Pre-flight also reads how Trilio is installed on every node (the folders under the mount root and what they decode to, the config files and their model, the restart tools) and stops on a difference from the release and installer in the profile, naming both sides. It changes nothing.',
    ),
  ],
  find: (c) => [
    p(
      'Trilio workloads are identified by the id under which they are stored on the backup target. In the case that the workload id is not known, the metadata inside the workload directories (',
      { code: 'workload_db' },
      ') identifies the right workload.',
    ),
    p(
      'The wizard reads NFS B2 ',
      { code: c.profile.nfs.syncedCopy },
      ' on the Trilio appliance. Where Trilio does not mount it yet, it is mounted read-only, so the source data cannot be changed through it; every workload folder and its metadata are then read in one pass.',
    ),
    ...workloadTable(c),
  ],
  copy: (c) => [
    p(
      'As only a single workload is to be recovered, it is more efficient to copy the data of that workload over to NFS B1 ',
      { code: c.profile.nfs.target },
      ', which is used by Trilio B. The Trilio VM is the connector between both NFS volumes, as Trilio’s nova user is available there. The workload is copied with all subdirectories and files; afterwards its ownership is given to the user Trilio B’s nova runs as, with the right permissions.',
    ),
  ],
  reconfigure: () => [
    p(
      'Before the disaster recovery can start, the backups to be restored are made available to Trilio B: NFS B2 is added to the backup targets of the Trilio appliance and of every datamover, and their services are restarted, so B2 is mounted on every node.',
    ),
    p(
      'Trilio integrates natively into the OpenStack deployment tools. Where an orchestrator (Kolla-Ansible, Red Hat director, OpenStack-Ansible, Juju) owns the configuration, the change below lasts only until its next run: the warning says where the durable setting lives.',
    ),
  ],
  'mount-paths': () => [
    p(
      'Trilio incremental snapshots involve a backing file to the prior backup, which makes every incremental backup a synthetic full backup. The backing files are absolute paths under the mount path of the share they were written on: ',
      { code: '<mount root>/<base64 hash of the share>' },
      '. When that path is not available on the Trilio appliance and the compute nodes, restores of incremental backups fail.',
    ),
    p(
      'Workloads that have been moved between NFS shares need the path of their original share on every node of the target cloud. The tested and recommended method is to create that path and use mount --bind to make the workload data accessible over the old and the new mount path. The bind mount lasts until the next reboot; to keep it past a reboot, the fstab is edited as well.',
    ),
  ],
  access: (c) => [
    p(
      'Trilio workloads have clear ownership, which only OpenStack administrators can change. The admin user ',
      { code: c.profile.clouds.target.username || 'admin' },
      ' is used until the workloads have been restored, so it needs access to each target project; clean-up removes exactly the roles given here.',
    ),
  ],
  reassign: (c) => [
    p(
      'Each Trilio installation keeps a database of the workloads it knows. A workload on the share that is not assigned to any existing project of cloud B is orphaned from the perspective of Trilio B. The orphaned workloads are assigned to their new projects, and to a user with the backup trustee role (',
      { code: c.profile.trilio.trusteeRole },
      ') existing in the target project, so the project owners can work with them. Afterwards the wizard verifies that Trilio B manages each workload under the right project and user.',
    ),
  ],
  restore: () => [
    p(
      'A selective restore needs a few pieces of information about the snapshot to restore: the wizard lists the workload’s snapshots, reads the chosen snapshot’s VMs, networks and disks, and fills in the restore form (restore.json) for the target project’s networks, zones and volume types. The request below carries the restore.json as its ',
      { code: 'options' },
      '; the restore’s status is then followed until Trilio reports it available.',
    ),
  ],
  notify: (c) => [
    p(
      'Instead of restoring, the users of each target project are told that their workloads are available in cloud B, to restore them with Horizon or the workloadmgr CLI. ',
      c.profile.smtp.host
        ? `The messages go through ${c.profile.smtp.host}:${c.profile.smtp.port}${c.profile.smtp.starttls ? ' with STARTTLS' : ''}${c.profile.smtp.from ? `, from ${c.profile.smtp.from}` : ''}.`
        : 'No SMTP server is configured: the messages are saved as .eml files to send by hand.',
    ),
  ],
  revert: (c) => [
    p(
      'After the disaster recovery has finished, the Trilio installation returns to its original configuration: NFS B2 is removed from every config file it was added to, and the services are restarted.',
    ),
    ...(trilioFactsOf(c.profile.trilio, 'target').editsFiles
      ? []
      : [
          p(
            'The charms own Trilio’s configuration here, and the wizard records no file edit to revert: set the ',
            { code: jujuCharms.option },
            ' option of ',
            { code: jujuCharms.wlmApp },
            ' and ',
            { code: jujuCharms.datamoverApp },
            ' back to its value before the DR yourself (step Reconfigure Trilio shows both values).',
          ),
        ]),
  ],
  'drill-project': () => [p(stepInfo('drill-project').summary)],
  'drill-networks': () => [p(stepInfo('drill-networks').summary)],
  'drill-teardown': () => [p(stepInfo('drill-teardown').summary)],
  cleanup: () => [
    p(
      'The Trilio database follows the OpenStack standard of not deleting entries: a deleted workload, snapshot or restore is only marked as deleted. To be ready for another disaster recovery, the restored workloads are deleted from Trilio B and their entries purged completely with Trilio’s clean-up script (trilioData/solutions, openstack/CleanWlmDatabase). After all restores, the admin user’s roles on the target projects are removed again.',
    ),
  ],
};

function workloadTable(c: StepsContext): Block[] {
  const real = c.targets.filter((t) => t.label && !t.workloadId.startsWith('WORKLOAD_ID'));
  if (real.length === 0) return [];
  return [
    {
      kind: 'table',
      headers: ['Workload', 'Id', 'Source project', 'Target project'],
      rows: real.map((t) => [
        [t.workloadName],
        [{ code: t.workloadId }],
        [t.sourceProjectName ? `${t.sourceProjectName} ` : '', { code: t.sourceProjectId }],
        [t.targetProject],
      ]),
    },
  ];
}

function origin(step: RunbookStep, c: StepsContext): Block[] {
  if (!c.runId) return [];
  return step.origin === 'run'
    ? [p({ b: `As planned by run ${c.runId}:` })]
    : [p({ b: `Not planned by run ${c.runId} yet;` }, ' planned from the profile (see the assumptions):')];
}

/** The sections of the steps, numbered in runbook order. */
export function stepSections(steps: readonly RunbookStep[], c: StepsContext): Block[] {
  return steps.flatMap((step, i) => [
    {
      kind: 'heading',
      level: 2,
      text: `${i + 1}. ${stepInfo(step.key).title}`,
      id: `step-${step.key}`,
    } as Block,
    ...why[step.key](c),
    ...origin(step, c),
    ...planBlocks(step.plan, c.render),
    ...(step.optional ?? []).flatMap((o) => [p(o.caption), ...planBlocks(o.plan, c.render)]),
  ]);
}
