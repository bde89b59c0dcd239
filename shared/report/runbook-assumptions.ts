import { mountPathFor } from '../nfs/mount-path.js';
import { liveShareOf, stagingPathOf } from '../plans/dr-paths.js';
import { displayCommand } from '../shell/quote.js';
import { trilioFactsOf, type FactOrigin, type TrilioFacts } from '../trilio/trilio-facts.js';
import type { Block, Inline } from './runbook-doc.js';
import { assumedConfigFiles, type ProfileSetting } from './runbook-facts.js';
import { placeholder } from './runbook-targets.js';

/**
 * What the runbook's plans assume about the environment (the facts the wizard reads at run time), in
 * words, so the reader knows what to check before following them. Each line matches a fact built in
 * runbook-facts.ts.
 */

const from = (origin: FactOrigin) =>
  origin === 'profile'
    ? ' (set in the profile)'
    : origin === 'release'
      ? ' (the release’s)'
      : ' (the installer’s)';

const list = (items: readonly string[]): Inline[] =>
  items.flatMap((item, i) => [...(i > 0 ? [', '] : []), { code: item }]);

function trilioLine(name: string, t: TrilioFacts, target: boolean): Inline[] {
  const parts: Inline[] = [
    `${name}: release ${t.release}, ${t.installerLabel}. It mounts its shares under `,
    { code: t.mountRoot },
    `${from(t.origin.mountRoot)}, in folders named by base64 of ${t.folderForm === 'export' ? 'the whole export' : 'the share path only'}${from(t.origin.folderForm)}`,
  ];
  if (!target) return [...parts, '.'];
  const restarts = [t.restartAppliance, t.restartDatamover].filter((r) => r.length > 0).map(displayCommand);
  return [
    ...parts,
    `; its backup targets are ${t.configModel === 'export-list' ? 'the vault_storage_nfs_export list' : t.configModel === 'backends' ? 'enabled_backends sections' : 'managed by its backup-target service'}${from(t.origin.configModel)}. Config files: appliance `,
    ...list(assumedConfigFiles(t.applianceConfigs)),
    ', compute nodes ',
    ...list(t.datamoverConfigs.slice(0, 1)),
    `${from(t.origin.configs)}. `,
    ...(t.editsFiles
      ? ['Restarts: ', ...list(restarts), `${from(t.origin.restart)}. `]
      : ['The charms apply configuration changes; nothing is restarted by hand. ']),
    'Copied workloads are owned by ',
    { code: t.owner },
    `${from(t.origin.owner)}.`,
  ];
}

/** The assumptions as a list, for the document's "Assumptions" section. */
export function assumptionBlocks(s: ProfileSetting): Block[] {
  const { profile } = s;
  const { nfs } = profile;
  const source = trilioFactsOf(profile.trilio, 'source');
  const target = trilioFactsOf(profile.trilio, 'target');
  const live = liveShareOf(profile, s);
  const b1Path = mountPathFor(nfs.target, target.mountRoot, target.folderForm);
  const a1Path = nfs.source ? mountPathFor(nfs.source, source.mountRoot, source.folderForm) : '';
  const items: Inline[][] = [
    trilioLine('Trilio B (restores)', target, true),
    trilioLine('Trilio A (wrote the backups; its folder names are in the backing files)', source, false),
    [
      'Every appliance and compute node of cloud B uses NFS B1 ',
      { code: nfs.target },
      ' only, mounted at ',
      { code: b1Path },
      '. NFS B2 is neither configured nor mounted; the appliance mounts it read-only at ',
      { code: stagingPathOf(profile) },
      ' to read it.',
    ],
    a1Path
      ? [
          'The backing files of the workloads name NFS A1’s mount path ',
          { code: a1Path },
          ' (what the wizard’s chain check finds on the appliance). No node has it, its bind mount onto the live share ',
          { code: live.mountPath },
          ' or its fstab line yet.',
        ]
      : [
          'The profile names no NFS A1 export: the mount paths the backing files need are read by the wizard’s chain check on the appliance.',
        ],
    [
      'Every workload is orphaned in Trilio B (its project is cloud A’s) and had its job schedule on, the admin user holds no role on the target projects, and no snapshot is running while Trilio restarts.',
    ],
    [
      'Trilio B’s appliance names the trustee role(s) of the profile (',
      { code: profile.trilio.trusteeRole },
      ') in its ',
      { code: 'trustee_role' },
      ' option; the wizard reads the option and prefers it.',
    ],
    [
      'Each snapshot holds one VM booted from an image, with one volume and one NIC with a fixed IP, on a network and subnet that the target project has a network and subnet of the same name for. The restore.json shown is the restore form’s defaults for such a snapshot (flavor values left empty keep the snapshot’s); the wizard builds it from the real snapshot.',
    ],
    [
      'Values in capitals are read from the clouds when the wizard runs: ',
      { code: placeholder.workloadId('') },
      ', ',
      { code: placeholder.projectId('name') },
      ', ',
      { code: placeholder.userId('name') },
      ', ',
      { code: placeholder.snapshotId('') },
      ', … ',
      { code: placeholder.runId },
      ' is the run’s id, which names the backups of edited files.',
    ],
  ];
  return [
    { kind: 'heading', level: 2, text: 'Assumptions to check', id: 'assumptions' },
    {
      kind: 'para',
      parts: [
        'The commands and requests below are planned by the wizard’s own planners from what the profile says the environment is. Where the live environment differs, the wizard plans differently (and pre-flight says where): check these before following the runbook by hand.',
      ],
    },
    { kind: 'list', items },
  ];
}
