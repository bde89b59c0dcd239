import { folderKeyOf, mountDirNameFor, mountPathFor } from '../nfs/mount-path.js';
import { shareMountPaths, targetMountPath, trilioFactsOf } from '../trilio/trilio-facts.js';
import type { HostConfig, Profile } from '../profile/profile.js';
import type { RestoreJson } from '../restore/restore-json.js';
import type { StepPlan } from '../run/plan-types.js';
import type { RunKind } from '../run/run-types.js';
import { stepInfo, stepsFor } from '../run/step-catalog.js';
import { displayCommand } from '../shell/quote.js';
import { formatTime } from './report-format.js';
import { reportActionOf, scrubStrings } from './report-model.js';
import { runbookHtml, runbookMarkdown, type Block, type Inline, type RunbookDoc } from './runbook-doc.js';
import { stepSections, type RunbookContext } from './runbook-steps.js';

/** A workload the runbook is written for (from discovery), so its commands name real ids. */
export interface RunbookWorkload {
  id: string;
  name: string;
  sourceProjectId: string;
  sourceProjectName?: string;
  /** Target project in cloud B, when already chosen. */
  targetProject?: string;
  trusteeUser?: string;
  snapshotId?: string;
}

export interface EnvRunbookInput {
  profile: Profile;
  /** The runbook's two scenarios: one workload while both clouds run, or the full cloud. */
  kind: RunKind;
  /** Notify project owners instead of restoring. */
  notifyOnly?: boolean;
  /** Plans the wizard made for this environment; their exact actions are listed per step. */
  plans?: StepPlan[];
  workloads?: RunbookWorkload[];
  /**
   * Mount paths the backing chains reference (from a chain check); default: NFS A1's mount path.
   * Absolute `<mount root>/<base64>` paths.
   */
  neededMountPaths?: string[];
  /**
   * Trilio's configuration as read from a node, to show the exact edit of `vault_storage_nfs_export`.
   * Only the option's line is ever shown (these files hold database and service passwords).
   */
  configSamples?: { appliance?: string; datamover?: string };
  /** The restore.json the restore form produced; a commented skeleton is shown without it. */
  restoreJson?: RestoreJson;
  meta: { generatedAt: string; appVersion: string };
  /** The profile's secret scrubber, applied to every text (plans could name a secret by mistake). */
  scrub?: (text: string) => string;
}

/**
 * The environment runbook: the seed runbook's procedure "to be used as a starting point to develop the
 * exact Disaster Recovery process of a specific environment", written out for this environment with
 * its real host names, NFS exports and their base64 mount paths, fstab lines, configuration edits,
 * project mapping and restore.json. Pure; only profile values are used, never secrets.
 */
export function buildEnvRunbook(input: EnvRunbookInput): RunbookDoc {
  const { profile, kind } = input;
  const target = trilioFactsOf(profile.trilio, 'target');
  const root = target.mountRoot;
  const liveExport = kind === 'single' ? profile.nfs.target : profile.nfs.syncedCopy;
  const livePath = targetMountPath(profile.trilio, liveExport);
  const sourcePath = shareMountPaths(profile.trilio, profile.nfs).source;
  const neededPaths = input.neededMountPaths ?? (sourcePath && sourcePath !== livePath ? [sourcePath] : []);
  const ctx: RunbookContext = {
    profile,
    kind,
    notifyOnly: input.notifyOnly ?? false,
    root,
    liveExport,
    livePath,
    neededPaths: neededPaths.filter((p) => p !== livePath),
    tvms: profile.hosts.filter((h) => h.role === 'tvm'),
    computes: profile.hosts.filter((h) => h.role === 'compute'),
    workloads: input.workloads ?? [],
    configSamples: input.configSamples ?? {},
    ...(input.restoreJson ? { restoreJson: input.restoreJson } : {}),
  };
  const title = `Disaster recovery runbook: ${profile.name} (${kind === 'single' ? 'single workload' : 'full cloud'})`;
  const blocks: Block[] = [
    { kind: 'heading', level: 1, text: title },
    {
      kind: 'para',
      parts: [
        `Generated ${formatTime(input.meta.generatedAt)} by Trilio DR Wizard ${input.meta.appVersion} from the environment profile `,
        { b: profile.name },
        '. It is the Trilio DR runbook’s procedure written out for this environment: the host names, NFS exports, mount paths, configuration edits and commands below are this environment’s own.',
      ],
    },
    ...scenario(ctx),
    ...environment(ctx),
    ...overview(ctx),
    ...stepSections(ctx),
    ...plannedActions(input.plans ?? [], profile),
  ];
  const doc = { title, blocks };
  return input.scrub ? scrubStrings(doc, input.scrub) : doc;
}

/** The runbook as Markdown. */
export function envRunbookMarkdown(input: EnvRunbookInput): string {
  return runbookMarkdown(buildEnvRunbook(input));
}

/** The runbook as one self-contained, printable HTML file. */
export function envRunbookHtml(input: EnvRunbookInput): string {
  return runbookHtml(buildEnvRunbook(input));
}

function scenario(ctx: RunbookContext): Block[] {
  const { profile } = ctx;
  const a = profile.clouds.source;
  const b = profile.clouds.target;
  return [
    { kind: 'heading', level: 2, text: 'Scenario', id: 'scenario' },
    {
      kind: 'para',
      parts: [
        `Openstack Cloud A (region ${a.region}) is down or lost, and its workloads are restored into Openstack Cloud B (region ${b.region}). Trilio A wrote its backups to NFS A1 `,
        { code: profile.nfs.source || '(not set in the profile)' },
        ', which is synced to NFS B2 ',
        { code: profile.nfs.syncedCopy },
        '. Trilio B writes to NFS B1 ',
        { code: profile.nfs.target },
        '.',
      ],
    },
    {
      kind: 'para',
      parts: [
        ctx.kind === 'single'
          ? 'A single workload is recovered while both clouds may still be active: its directory is copied to NFS B1, which Trilio B already uses.'
          : 'The full cloud is recovered: Trilio B is reconfigured to use NFS B2 as well, every orphaned workload on it is reassigned and restored, and the configuration is reverted afterwards.',
        ctx.notifyOnly
          ? ' The project owners are notified that their workloads are available instead of restoring them.'
          : '',
      ],
    },
    { kind: 'para', parts: ['This runbook assumes that the following is true:'] },
    {
      kind: 'list',
      items: [
        ['Both clouds have an active Trilio installation with a valid license.'],
        [`Cloud B (${b.region}) has free resources to host the additional VMs.`],
        [
          'Cloud B has the projects that are the designated restore points of cloud A’s projects (see the project mapping).',
        ],
        [
          `The user `,
          { code: b.username || '(admin user)' },
          ` has the admin role on domain level in cloud B (domain `,
          { code: b.domain },
          ').',
        ],
        [
          'In the case of shared tenant networks beyond the floating IP: all tenant networks, routers, ports, floating IPs and DNS zones exist in cloud B.',
        ],
      ],
    },
  ];
}

const hostRow = (h: HostConfig, profile: Profile): Inline[][] => {
  const via = h.via ? (profile.hosts.find((x) => x.id === h.via)?.name ?? h.via) : '';
  return [
    [{ b: h.name }],
    [h.role === 'tvm' ? 'Trilio appliance' : h.role === 'compute' ? 'compute node (datamover)' : 'jump host'],
    [{ code: `${h.address}:${h.port}` }],
    [h.user + (h.sudo ? ' (sudo -n)' : '')],
    [via],
  ];
};

function environment(ctx: RunbookContext): Block[] {
  const { profile, root } = ctx;
  // A1's folders are named by cloud A's Trilio (its backing files keep them); B1 and B2 by cloud B's.
  const factsFor = (share: string) =>
    trilioFactsOf(profile.trilio, share.startsWith('NFS A1') ? 'source' : 'target');
  const shares: [string, string, string][] = [
    [
      'NFS A1 (source, cloud A)',
      profile.nfs.source,
      'Trilio A’s backup target; its base64 path is in the backing files.',
    ],
    ['NFS B1 (target, cloud B)', profile.nfs.target, 'Trilio B’s backup target.'],
    ['NFS B2 (synced copy of A1)', profile.nfs.syncedCopy, 'Holds cloud A’s workloads on the cloud B side.'],
  ];
  return [
    { kind: 'heading', level: 2, text: 'Environment', id: 'environment' },
    {
      kind: 'table',
      headers: ['Cloud', 'Keystone', 'Region', 'Domain of the projects', 'Admin user'],
      rows: (['source', 'target'] as const).map((side) => {
        const c = profile.clouds[side];
        return [
          [side === 'source' ? 'Openstack Cloud A' : 'Openstack Cloud B'],
          [{ code: c.authUrl }],
          [c.region],
          [c.domain],
          [`${c.username} (${c.userDomain})`],
        ];
      }),
    },
    { kind: 'heading', level: 3, text: 'NFS shares and their mount paths' },
    {
      kind: 'para',
      parts: [
        'Trilio is using the base64 hashing algorithm for the NFS mount paths: every node mounts an export at ',
        { code: `${root}/<base64 of the export>` },
        '. If even one character in the NFS share path is different, a completely different hash value is generated.',
      ],
    },
    {
      kind: 'table',
      headers: ['Share', 'Export', 'base64 hash', 'Mount path', 'Role'],
      rows: shares.map(([name, exp, role]) => [
        [name],
        [exp ? { code: exp } : '(not set)'],
        [exp ? { code: mountDirNameFor(exp, factsFor(name).folderForm) } : ''],
        [exp ? { code: mountPathFor(exp, factsFor(name).mountRoot, factsFor(name).folderForm) } : ''],
        [role],
      ]),
    },
    {
      kind: 'code',
      caption: 'The hash values can be calculated with the base64 tool of any Linux distribution:',
      text: shares
        .filter(([, exp]) => exp)
        .map(([name, exp]) => {
          const form = factsFor(name).folderForm;
          return `echo -n ${displayCommand([folderKeyOf(exp, form)])} | base64    # ${mountDirNameFor(exp, form)}`;
        })
        .join('\n'),
    },
    { kind: 'heading', level: 3, text: 'Hosts' },
    {
      kind: 'table',
      headers: ['Host', 'Role', 'Address', 'User', 'Reached via'],
      rows: profile.hosts.map((h) => hostRow(h, profile)),
    },
    ...projectMapping(ctx),
  ];
}

function projectMapping(ctx: RunbookContext): Block[] {
  const mapping = ctx.profile.projectMapping;
  const fromWorkloads = ctx.workloads.filter((w) => w.targetProject);
  if (mapping.length === 0 && fromWorkloads.length === 0)
    return [
      { kind: 'heading', level: 3, text: 'Project mapping' },
      {
        kind: 'note',
        parts: [
          'The profile maps no projects yet: decide for every source project which cloud B project in domain ',
          { code: ctx.profile.clouds.target.domain },
          ' is its restore point, and which user there has the ',
          { code: ctx.profile.trilio.trusteeRole },
          ' role.',
        ],
      },
    ];
  const rows: Inline[][][] = mapping.map((m) => [
    [m.sourceProjectName ? `${m.sourceProjectName} ` : '', { code: m.sourceProjectId }],
    [m.targetProject],
    [m.trusteeUser || '(any user with the trustee role)'],
  ]);
  for (const w of fromWorkloads)
    if (!mapping.some((m) => m.sourceProjectId === w.sourceProjectId))
      rows.push([
        [w.sourceProjectName ? `${w.sourceProjectName} ` : '', { code: w.sourceProjectId }],
        [w.targetProject ?? ''],
        [w.trusteeUser || '(any user with the trustee role)'],
      ]);
  return [
    { kind: 'heading', level: 3, text: 'Project mapping' },
    {
      kind: 'table',
      headers: [
        'Source project (cloud A)',
        'Target project (cloud B)',
        `Trustee user (role ${ctx.profile.trilio.trusteeRole})`,
      ],
      rows,
    },
  ];
}

function overview(ctx: RunbookContext): Block[] {
  const steps = stepsFor(ctx.kind, ctx.notifyOnly);
  return [
    { kind: 'heading', level: 2, text: 'Procedure', id: 'procedure' },
    {
      kind: 'para',
      parts: ['To do the disaster recovery the following high-level process needs to be followed:'],
    },
    {
      kind: 'list',
      ordered: true,
      items: steps.map((k) => [{ b: stepInfo(k).title }, `: ${stepInfo(k).summary}`]),
    },
  ];
}

function plannedActions(plans: StepPlan[], profile: Profile): Block[] {
  if (plans.length === 0) return [];
  const names = new Map(profile.hosts.map((h) => [h.id, h.name]));
  const blocks: Block[] = [
    { kind: 'heading', level: 2, text: 'Planned actions for this environment', id: 'plans' },
    {
      kind: 'para',
      parts: [
        'These are the exact actions the wizard planned from what it found on the hosts and in the clouds; each changing action is recorded with how it is undone.',
      ],
    },
  ];
  for (const plan of plans) {
    blocks.push({ kind: 'heading', level: 3, text: plan.title }, { kind: 'para', parts: [plan.summary] });
    for (const w of plan.warnings) blocks.push({ kind: 'note', parts: [w] });
    const rows: Inline[][][] = [...plan.actions, ...plan.verify].map((action) => {
      const a = reportActionOf(action, (id) => names.get(id) ?? id);
      if (a.kind === 'remote')
        return [
          [a.host],
          [a.description],
          [{ code: a.command }],
          [a.change ? `undo recorded (${a.change})` : a.readOnly ? 'read-only' : ''],
        ];
      if (a.kind === 'api')
        return [
          [a.service],
          [a.description],
          [{ code: `${a.method} ${a.path}` }],
          [a.change ? `undo recorded (${a.change})` : a.readOnly ? 'read-only' : ''],
        ];
      return [[a.target], [a.description], [{ code: a.instructions }], ['manual: apply, then confirm']];
    });
    if (rows.length > 0)
      blocks.push({
        kind: 'table',
        headers: ['Host / service', 'Action', 'Command or request', 'Change'],
        rows,
      });
    else
      blocks.push({
        kind: 'para',
        parts: ['Nothing to do: the environment is already in the state this step makes.'],
      });
  }
  return blocks;
}
