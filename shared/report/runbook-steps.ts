import type { HostConfig, Profile } from '../profile/profile.js';
import type { RestoreJson } from '../restore/restore-json.js';
import type { StepKey } from '../run/plan-types.js';
import { stepInfo, stepsFor } from '../run/step-catalog.js';
import type { RunbookWorkload } from './env-runbook.js';
import { bindMountLine } from '../fstab/fstab.js';
import { mountPaths, reconfigure, revert } from './runbook-config.js';
import { cmd, names, roleArgv, STAGING, targetProjects, type RunbookContext } from './runbook-context.js';
import type { Block, Inline } from './runbook-doc.js';

export type { RunbookContext } from './runbook-context.js';

/** One section per step of the procedure, in runbook order. */
export function stepSections(ctx: RunbookContext): Block[] {
  const writers: Record<StepKey, (c: RunbookContext) => Block[]> = {
    preflight,
    find,
    copy,
    reconfigure,
    'mount-paths': mountPaths,
    access,
    reassign,
    restore,
    notify,
    revert,
    cleanup,
  };
  return stepsFor(ctx.kind, ctx.notifyOnly).flatMap((key, i) => [
    { kind: 'heading', level: 2, text: `${i + 1}. ${stepInfo(key).title}`, id: `step-${key}` } as Block,
    ...writers[key](ctx),
  ]);
}

function sshArgv(h: HostConfig, profile: Profile): string[] {
  const jump = h.via ? profile.hosts.find((x) => x.id === h.via) : undefined;
  return [
    'ssh',
    ...(jump ? ['-J', `${jump.user}@${jump.address}:${jump.port}`] : []),
    '-p',
    String(h.port),
    `${h.user}@${h.address}`,
    'true',
  ];
}

function preflight(ctx: RunbookContext): Block[] {
  const { profile } = ctx;
  const cloud = (side: 'source' | 'target') => {
    const c = profile.clouds[side];
    return cmd(
      'openstack',
      '--os-auth-url',
      c.authUrl,
      '--os-region-name',
      c.region,
      '--os-username',
      c.username,
      '--os-user-domain-name',
      c.userDomain,
      '--os-project-name',
      c.project,
      '--os-project-domain-name',
      c.projectDomain,
      'token',
      'issue',
    );
  };
  return [
    { kind: 'para', parts: [stepInfo('preflight').summary] },
    {
      kind: 'code',
      caption:
        'Both clouds (in a full cloud DR cloud A is expected to be unreachable); the password is asked for:',
      text: `${cloud('source')}\n${cloud('target')}`,
    },
    {
      kind: 'code',
      caption: 'Every host, as the wizard reaches it:',
      text: profile.hosts.map((h) => `${cmd(...sshArgv(h, profile))}    # ${h.name}`).join('\n'),
    },
  ];
}

const workloadDir = (w: RunbookWorkload) => `workload_${w.id}`;

function workloadTable(ctx: RunbookContext, base: string): Block[] {
  if (ctx.workloads.length === 0)
    return [
      {
        kind: 'note',
        parts: ['No workload was selected yet; the commands use ', { code: 'workload_<id>' }, '.'],
      },
    ];
  return [
    {
      kind: 'table',
      headers: ['Workload', 'Id', 'Source project', 'Directory'],
      rows: ctx.workloads.map((w) => [
        [w.name],
        [{ code: w.id }],
        [w.sourceProjectName ?? '', w.sourceProjectName ? ' ' : '', { code: w.sourceProjectId }],
        [{ code: `${base}/${workloadDir(w)}` }],
      ]),
    },
  ];
}

function find(ctx: RunbookContext): Block[] {
  const tvm = ctx.tvms[0]?.name ?? 'the Trilio appliance';
  const base = ctx.kind === 'single' ? STAGING : ctx.livePath;
  const ids = ctx.workloads.length > 0 ? ctx.workloads.map(workloadDir) : ['workload_<id>'];
  const blocks: Block[] = [
    {
      kind: 'para',
      parts: [
        'Trilio workloads are identified by the id under which they are stored on the backup target. In the case that the workload id is not known, the metadata inside the workload directories (',
        { code: 'workload_db' },
        ') identifies the right workload.',
      ],
    },
  ];
  if (ctx.kind === 'single')
    blocks.push({
      kind: 'code',
      caption: `On ${tvm}, mount NFS B2 read-only to read it:`,
      text: [
        cmd('mkdir', '-p', STAGING),
        cmd('mount', '-t', 'nfs', '-o', 'ro', ctx.profile.nfs.syncedCopy, STAGING),
      ].join('\n'),
    });
  blocks.push(
    {
      kind: 'code',
      caption: `On ${tvm}:`,
      text: [
        cmd('ls', '-d', `${base}/workload_`) + '*',
        ...ids.map((d) => cmd('python3', '-m', 'json.tool', `${base}/${d}/workload_db`)),
      ].join('\n'),
    },
    ...workloadTable(ctx, base),
  );
  return blocks;
}

function copy(ctx: RunbookContext): Block[] {
  const tvm = ctx.tvms[0]?.name ?? 'the Trilio appliance';
  const target = ctx.livePath;
  const ids = ctx.workloads.length > 0 ? ctx.workloads.map(workloadDir) : ['workload_<id>'];
  return [
    {
      kind: 'para',
      parts: [
        `As only a single workload is to be recovered, its data is copied to NFS B1 (`,
        { code: ctx.profile.nfs.target },
        `, mounted at `,
        { code: target },
        `), which is used by Trilio B. The Trilio VM ${tvm} is the connector between both NFS volumes, as the nova user is available there. The workload is copied with all subdirectories and files; afterwards its ownership is set to nova:nova.`,
      ],
    },
    {
      kind: 'code',
      caption: `On ${tvm}:`,
      text: ids
        .flatMap((d) => [
          cmd('cp', '-a', `${STAGING}/${d}`, `${target}/${d}`),
          cmd('chown', '-R', 'nova:nova', `${target}/${d}`),
        ])
        .join('\n'),
    },
  ];
}

function access(ctx: RunbookContext): Block[] {
  return [
    {
      kind: 'para',
      parts: [
        'Workload ownership can only be changed by OpenStack administrators. The admin user ',
        { code: ctx.profile.clouds.target.username },
        ' is used until the workloads have been restored, so it needs access to each target project:',
      ],
    },
    {
      kind: 'code',
      text: targetProjects(ctx)
        .map((p) => cmd(...roleArgv(ctx, 'add', p)))
        .join('\n'),
    },
  ];
}

/** The CLI takes ids; the runbook names the project and user and says where their ids come from. */
const projectId = (p: string) => (p.startsWith('<') ? p : `<id of project ${p}>`);
const userId = (u: string) => (u ? `<id of user ${u}>` : '<id of a user with the trustee role>');

function reassignLine(project: string, user: string, selector: [string, string]): string {
  const argv = ['workloadmgr', 'workload-reassign-workloads', '--new_tenant_id', projectId(project)];
  return cmd(...argv, '--user_id', userId(user), ...selector, '--migrate_cloud', 'True');
}

function reassign(ctx: RunbookContext): Block[] {
  const { profile } = ctx;
  const domain = profile.clouds.target.domain;
  const trustee = profile.trilio.trusteeRole;
  const byWorkload = ctx.workloads.filter((w) => w.targetProject);
  const lines =
    byWorkload.length > 0
      ? byWorkload.map((w) => reassignLine(w.targetProject!, w.trusteeUser ?? '', ['--workload_ids', w.id]))
      : profile.projectMapping.map((m) =>
          reassignLine(m.targetProject, m.trusteeUser, ['--old_tenant_ids', m.sourceProjectId]),
        );
  if (lines.length === 0)
    lines.push(reassignLine('<target project id>', '', ['--workload_ids', '<workload id>']));
  const users = [
    ...new Set([
      ...byWorkload.map((w) => w.trusteeUser ?? ''),
      ...profile.projectMapping.map((m) => m.trusteeUser),
    ]),
  ];
  const verify = (byWorkload.length > 0 ? byWorkload.map((w) => w.id) : ['<workload id>']).map((id) =>
    cmd('workloadmgr', 'workload-show', id),
  );
  return [
    {
      kind: 'para',
      parts: [
        'Workloads on the share that are not assigned to any existing project of cloud B are orphaned from the perspective of Trilio B. They are assigned to their new projects and to a user with the backup trustee role (',
        { code: trustee },
        ') in the target project, so the project owners can work with them.',
      ],
    },
    {
      kind: 'code',
      caption: 'Gather the orphaned workloads, the projects of the target domain and the trustee users:',
      text: [
        cmd('workloadmgr', 'workload-get-orphaned-workloads-list', '--migrate_cloud', 'True'),
        cmd('openstack', 'project', 'list', '--domain', domain),
        ...users
          .filter((u) => u !== '')
          .map((u) => cmd('openstack', 'user', 'show', '--domain', domain, u, '-f', 'value', '-c', 'id')),
        ...targetProjects(ctx).map((p) =>
          cmd(
            'openstack',
            'role',
            'assignment',
            'list',
            '--project',
            p,
            '--project-domain',
            domain,
            '--role',
            trustee,
            '--names',
          ),
        ),
      ].join('\n'),
    },
    { kind: 'code', caption: 'Reassign:', text: lines.join('\n') },
    {
      kind: 'code',
      caption: 'Verify the workload is managed by Trilio B and assigned to the right project and user:',
      text: verify.join('\n'),
    },
    {
      kind: 'code',
      caption:
        'Trilio turns the job schedule of a workload reassigned with --migrate_cloud off (workload-show: jobschedule enabled false). Turn it on again where backups must go on (as the workload owner: Trilio records who changes it as the workload user):',
      text: (byWorkload.length > 0 ? byWorkload.map((w) => w.id) : ['<workload id>'])
        .map((id) => cmd('workloadmgr', 'workload-modify', id, '--jobschedule', 'enabled=True'))
        .join('\n'),
    },
  ];
}

function restoreJsonSkeleton(ctx: RunbookContext): RestoreJson {
  const w = ctx.workloads[0];
  return {
    name: `DR restore of ${w?.name ?? '<workload>'}`,
    description: 'Selective restore by the Trilio DR Wizard',
    type: 'openstack',
    restore_type: 'selective',
    oneclickrestore: false,
    openstack: {
      instances: [
        {
          id: '<instance id from snapshot-show>',
          include: true,
          name: '<instance name in cloud B>',
          availability_zone: 'nova',
          restore_boot_disk: true,
          flavor: { vcpus: '', ram: '', disk: '', ephemeral: '', swap: '' },
          vdisks: [
            {
              id: '<volume_id of a volume-backed disk from snapshot-show --output disks>',
              new_volume_type: '',
              availability_zone: 'nova',
            },
          ],
          nics: [
            {
              mac_address: '<mac_address from snapshot-show --output networks>',
              ip_address: '<its fixed IP, kept>',
              network: { id: '<cloud B network id>', subnet: { id: '<cloud B subnet id>' } },
            },
          ],
        },
      ],
      networks_mapping: {
        networks: [
          {
            snapshot_network: { id: '<snapshot network id>', subnet: { id: '<snapshot subnet id>' } },
            target_network: {
              id: '<cloud B network id>',
              name: '<cloud B network name>',
              subnet: { id: '<cloud B subnet id>' },
            },
          },
        ],
      },
      restore_topology: false,
    },
  };
}

function restore(ctx: RunbookContext): Block[] {
  const w = ctx.workloads[0];
  const snapshot = w?.snapshotId ?? '<snapshot id>';
  return [
    {
      kind: 'para',
      parts: ['A selective restore needs a few pieces of information about the snapshot to restore:'],
    },
    {
      kind: 'code',
      text: [
        cmd('workloadmgr', 'snapshot-list', '--workload_id', w?.id ?? '<workload id>'),
        cmd('workloadmgr', 'snapshot-show', '--output', 'networks', snapshot),
        cmd('workloadmgr', 'snapshot-show', '--output', 'disks', snapshot),
      ].join('\n'),
    },
    {
      kind: 'code',
      caption: ctx.restoreJson
        ? 'The restore.json chosen in the restore form:'
        : 'The restore.json, adjusted to the desired restore (values in <> come from the commands above and cloud B’s networks):',
      text: JSON.stringify(ctx.restoreJson ?? restoreJsonSkeleton(ctx), null, 2),
    },
    {
      kind: 'code',
      caption: 'Run the restore, then check its status until it is available:',
      text: [
        cmd('workloadmgr', 'snapshot-selective-restore', '--filename', 'restore.json', snapshot),
        cmd('workloadmgr', 'restore-show', '<restore id>'),
      ].join('\n'),
    },
  ];
}

function notify(ctx: RunbookContext): Block[] {
  const smtp = ctx.profile.smtp;
  const parts: Inline[] = [
    'Notify the users of each target project that their workloads are available in cloud B; the reassigned workloads can be restored by the project owners using Horizon or the workloadmgr CLI. ',
  ];
  parts.push(
    smtp.host
      ? `The messages go through ${smtp.host}:${smtp.port}${smtp.starttls ? ' with STARTTLS' : ''}${smtp.from ? `, from ${smtp.from}` : ''}.`
      : 'No SMTP server is configured: the messages are saved as .eml files to send by hand.',
  );
  return [
    { kind: 'para', parts },
    {
      kind: 'list',
      items: targetProjects(ctx).map((p) => [
        { b: p },
        `: ${
          ctx.workloads
            .filter((w) => w.targetProject === p)
            .map((w) => w.name)
            .join(', ') || 'its workloads'
        }`,
      ]),
    },
  ];
}

function cleanup(ctx: RunbookContext): Block[] {
  const { profile } = ctx;
  const ids = ctx.workloads.length > 0 ? ctx.workloads.map((w) => w.id).join(' ') : '<workload ids>';
  const purge = profile.trilio.purgeCommand ? profile.trilio.purgeCommand.replaceAll('{ids}', ids) : '';
  const blocks: Block[] = [
    {
      kind: 'para',
      parts: [
        'The Trilio database follows the OpenStack standard of not deleting entries: deleted workloads, snapshots and restores are only marked as deleted. To be ready for another disaster recovery the entries of the restored workloads are deleted completely with Trilio’s clean-up script for the workload database.',
      ],
    },
    purge
      ? { kind: 'code', caption: `On ${names(ctx.tvms)}:`, text: purge }
      : {
          kind: 'note',
          parts: [
            'The profile names no purge command: set the path of your copy of Trilio’s CleanWlmDatabase script (trilioData/solutions, openstack/CleanWlmDatabase) in the profile.',
          ],
        },
    {
      kind: 'para',
      parts: [
        'After all restores for the target projects have been achieved, remove the admin user from the projects again:',
      ],
    },
    {
      kind: 'code',
      text: targetProjects(ctx)
        .map((p) => cmd(...roleArgv(ctx, 'remove', p)))
        .join('\n'),
    },
  ];
  if (ctx.neededPaths.length > 0)
    blocks.push({
      kind: 'code',
      caption: `When the bind mounts are no longer needed, on ${names([...ctx.tvms, ...ctx.computes])} unmount them and remove their fstab lines:`,
      text: ctx.neededPaths
        .map((p) => `${cmd('umount', p)}    # and delete from /etc/fstab: ${bindMountLine(ctx.livePath, p)}`)
        .join('\n'),
    });
  return blocks;
}
