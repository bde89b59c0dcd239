import { addExport, removeExport, type ConfigEdit } from '../config/nfs-export-option.js';
import { bindMountLine } from '../fstab/fstab.js';
import type { HostConfig, Profile } from '../profile/profile.js';
import { trilioFactsOf } from '../trilio/trilio-facts.js';
import { cmd, names, type RunbookContext } from './runbook-context.js';
import type { Block } from './runbook-doc.js';

/**
 * The runbook sections that change Trilio's configuration and the nodes' mounts: reconfigure (add
 * NFS B2), mount paths (bind the old share path), revert (remove NFS B2 again).
 */
interface ConfigTarget {
  role: 'appliance' | 'datamover';
  hosts: HostConfig[];
  file: string;
  service: string;
}

function configTargets(profile: Profile): ConfigTarget[] {
  const t = trilioFactsOf(profile.trilio, 'target');
  return [
    {
      role: 'appliance',
      hosts: profile.hosts.filter((h) => h.role === 'tvm'),
      file: t.applianceConfigs[0]!,
      service: t.restartAppliance.at(-1) ?? 'wlm-workloads',
    },
    {
      role: 'datamover',
      hosts: profile.hosts.filter((h) => h.role === 'compute'),
      file: t.datamoverConfigs[0]!,
      service: t.restartDatamover.at(-1) ?? 'tvault-contego',
    },
  ];
}

/** The option's line before and after, from a sample of the file (only that line), or as described. */
function optionEdit(
  sample: string | undefined,
  edit: (text: string) => ConfigEdit,
  fallback: [string, string],
): string {
  if (sample !== undefined) {
    const result = edit(sample);
    if (result.ok) {
      const before = sample.split('\n')[result.line - 1]?.replace(/\r$/, '') ?? '';
      const after = result.text.split('\n')[result.line - 1]?.replace(/\r$/, '') ?? '';
      return `# line ${result.line}, before:\n${before}\n# after:\n${after}`;
    }
  }
  return `# before:\nvault_storage_nfs_export = ${fallback[0]}\n# after:\nvault_storage_nfs_export = ${fallback[1]}`;
}

function withB2(sample: string, b2: string): string {
  const added = addExport(sample, b2);
  return added.ok ? added.text : sample;
}

function configBlocks(ctx: RunbookContext, direction: 'add' | 'remove'): Block[] {
  const { profile } = ctx;
  const b1 = profile.nfs.target;
  const b2 = profile.nfs.syncedCopy;
  const blocks: Block[] = [];
  for (const t of configTargets(profile)) {
    const sample = t.role === 'appliance' ? ctx.configSamples.appliance : ctx.configSamples.datamover;
    const line = optionEdit(
      // A sample read before the DR lacks B2; the revert starts from the file as the reconfiguration left it.
      direction === 'remove' && sample !== undefined ? withB2(sample, b2) : sample,
      (text) => (direction === 'add' ? addExport(text, b2) : removeExport(text, b2)),
      direction === 'add' ? [b1, `${b1},${b2}`] : [`${b1},${b2}`, b1],
    );
    const installer = trilioFactsOf(profile.trilio, 'target').installer;
    const orchestrated = t.role === 'datamover' && installer !== 'packages';
    blocks.push({
      kind: 'heading',
      level: 3,
      text: t.role === 'appliance' ? `Trilio appliance: ${names(t.hosts)}` : `Datamovers: ${names(t.hosts)}`,
    });
    if (orchestrated)
      blocks.push({
        kind: 'note',
        parts: [
          `This environment is deployed with ${installer}: Trilio integrates natively into the OpenStack deployment tools, so change `,
          { code: 'vault_storage_nfs_export' },
          ' in the orchestrator’s environment files and update the datamovers through it rather than editing the nodes by hand.',
        ],
      });
    blocks.push(
      {
        kind: 'list',
        ordered: true,
        items: [
          ['Edit ', { code: t.file }],
          ['Look for the line defining the NFS mounts (', { code: 'vault_storage_nfs_export' }, ')'],
          direction === 'add'
            ? [
                'Add NFS B2 ',
                { code: b2 },
                ' to it as a comma-separated list. A space is not necessary, but can be set.',
              ]
            : ['Delete NFS B2 ', { code: b2 }, ' from the comma-separated list'],
          ['Write and close the file'],
          ['Restart the ', { code: t.service }, ' service'],
        ],
      },
      { kind: 'code', caption: `${t.file}:`, text: line },
      {
        kind: 'code',
        caption: `On ${names(t.hosts)}:`,
        text: [
          cmd('systemctl', 'restart', t.service),
          direction === 'add' ? cmd('mountpoint', ctx.livePath) : cmd('systemctl', 'is-active', t.service),
        ].join('\n'),
      },
    );
  }
  return blocks;
}

export function reconfigure(ctx: RunbookContext): Block[] {
  return [
    {
      kind: 'para',
      parts: [
        'Before the disaster recovery can start, the backups to be restored are made available to Trilio B by adding NFS B2 to its configuration.',
      ],
    },
    {
      kind: 'note',
      parts: [
        'During the reconfiguration all backups of the target region are on hold; do not create new backup jobs until the disaster recovery has finished and the original Trilio configuration has been restored.',
      ],
    },
    ...configBlocks(ctx, 'add'),
    { kind: 'para', parts: ['Afterwards NFS B2 is mounted on every node at ', { code: ctx.livePath }, '.'] },
  ];
}

export function mountPaths(ctx: RunbookContext): Block[] {
  const hosts = [...ctx.tvms, ...ctx.computes];
  const blocks: Block[] = [
    {
      kind: 'para',
      parts: [
        'Trilio incremental snapshots have qcow2 backing files with absolute paths under the mount path of the share they were written on. Workloads that have been moved between NFS shares need that path on the Trilio appliance and on all compute nodes of the target cloud; a mount --bind makes the workload data accessible over the old and the new mount path. The backing files can be made visible with the qemu-img tool:',
      ],
    },
    {
      kind: 'code',
      text: cmd(
        'qemu-img',
        'info',
        '--backing-chain',
        `${ctx.livePath}/workload_<id>/snapshot_<id>/vm_id_<id>/vm_res_id_<id>_<disk>/<disk id>`,
      ),
    },
  ];
  if (ctx.neededPaths.length === 0) {
    blocks.push({
      kind: 'note',
      parts: [
        'The profile names no NFS A1 export: take the mount path to create from the backing files that qemu-img shows.',
      ],
    });
    return blocks;
  }
  blocks.push(
    {
      kind: 'para',
      parts: [
        `Based on the base64 hash values, the following paths are required on ${names(hosts)}, bound to the live share (`,
        { code: ctx.liveExport },
        ' at ',
        { code: ctx.livePath },
        '):',
      ],
    },
    { kind: 'list', items: ctx.neededPaths.map((p) => [{ code: p }]) },
    {
      kind: 'code',
      caption: `On each of ${names(hosts)}:`,
      text: ctx.neededPaths
        .flatMap((p) => [cmd('mkdir', '-p', p), cmd('mount', '--bind', ctx.livePath, p)])
        .join('\n'),
    },
    {
      kind: 'code',
      caption: 'To keep the mounts past a reboot, add to /etc/fstab on the same nodes:',
      text: ctx.neededPaths.map((p) => bindMountLine(ctx.livePath, p)).join('\n'),
    },
  );
  return blocks;
}

export function revert(ctx: RunbookContext): Block[] {
  return [
    {
      kind: 'para',
      parts: [
        'After the disaster recovery has finished, Trilio B returns to its original configuration by removing NFS B2 again.',
      ],
    },
    ...configBlocks(ctx, 'remove'),
  ];
}
