import { folderKeyOf, mountDirNameFor, mountPathFor } from '../nfs/mount-path.js';
import { trilioFactsOf } from '../trilio/trilio-facts.js';
import type { HostConfig, Profile } from '../profile/profile.js';
import type { StepPlan } from '../run/plan-types.js';
import type { ChangeView, RunKind } from '../run/run-types.js';
import { stepInfo, stepsFor } from '../run/step-catalog.js';
import { formatTime } from './report-format.js';
import { scrubStrings } from './report-model.js';
import { assumptionBlocks } from './runbook-assumptions.js';
import { assumedConfigText } from './runbook-config.js';
import { runbookHtml, runbookMarkdown, type Block, type Inline, type RunbookDoc } from './runbook-doc.js';
import { assumedFileModel, type ProfileSetting } from './runbook-facts.js';
import { profilePlans, type RunbookStep } from './runbook-plans.js';
import type { RenderOptions } from './runbook-render.js';
import { stepSections } from './runbook-steps.js';
import { runbookTargets, type RunbookTarget, type RunbookWorkload } from './runbook-targets.js';

export type { RunbookWorkload } from './runbook-targets.js';

export interface EnvRunbookInput {
  profile: Profile;
  /** The runbook's two scenarios: one workload while both clouds run, or the full cloud. */
  kind: RunKind;
  /** Notify project owners instead of restoring. */
  notifyOnly?: boolean;
  /**
   * A run's stored plans: every step the run planned is rendered from its plan; the others are planned
   * from the profile.
   */
  plans?: StepPlan[];
  /** The run the plans belong to, and the changes it recorded (what Revert and Clean up plan from). */
  run?: { id: string; changes?: ChangeView[] };
  /** The run turns the job schedules back on after the reassign (a run parameter). */
  reenableSchedules?: boolean;
  /** Workloads the runbook is written for (a run's or a chosen one), so the plans name real ids. */
  workloads?: RunbookWorkload[];
  /**
   * Trilio's configuration as read from a node, to show the lines the edit changes in the real file
   * (only those lines are ever shown: these files hold database and service passwords). Without it the
   * edit is shown on the file the profile implies.
   */
  configSamples?: { appliance?: string; datamover?: string };
  meta: { generatedAt: string; appVersion: string };
  /** The profile's secret scrubber, applied to every text (plans could name a secret by mistake). */
  scrub?: (text: string) => string;
}

/** Every step of the runbook with its plan: the run's where it made one, else planned from the profile. */
export function runbookSteps(input: EnvRunbookInput): RunbookStep[] {
  const assumed = profilePlans(settingOf(input), input.run?.changes);
  const stored = new Map((input.plans ?? []).map((p) => [p.step, p]));
  return assumed.map((step) => {
    const plan = stored.get(step.key);
    return plan ? { key: step.key, origin: 'run', plan: { ok: true, value: plan } } : step;
  });
}

function settingOf(input: EnvRunbookInput): ProfileSetting {
  const notifyOnly = input.notifyOnly ?? false;
  const targets: RunbookTarget[] = runbookTargets(input.profile, input.kind, input.workloads ?? []);
  return {
    profile: input.profile,
    kind: input.kind,
    notifyOnly,
    targets,
    reenableSchedules: input.reenableSchedules ?? false,
  };
}

function renderOptions(input: EnvRunbookInput): RenderOptions {
  const { profile } = input;
  const byId = new Map(profile.hosts.map((h) => [h.id, h]));
  const t = trilioFactsOf(profile.trilio, 'target');
  return {
    hostName: (id) => byId.get(id)?.name ?? id,
    configBefore: (host) => {
      const role = byId.get(host)?.role;
      const sample = role === 'tvm' ? input.configSamples?.appliance : input.configSamples?.datamover;
      if (sample !== undefined) return sample;
      // A run's edits were made on files this document has not seen: their lines are not guessed.
      return input.run ? undefined : assumedConfigText(assumedFileModel(t), profile.nfs.target);
    },
  };
}

/**
 * The environment runbook: the seed runbook's procedure "to be used as a starting point to develop the
 * exact Disaster Recovery process of a specific environment", written out for this environment. Every
 * command, path, restart, ownership and API request in it comes from a plan of the wizard's own
 * planners: a run's stored plans, or plans made from what the profile says the environment is (listed
 * as assumptions to check). Pure; only profile values are used, never secrets.
 */
export function buildEnvRunbook(input: EnvRunbookInput): RunbookDoc {
  const { profile, kind } = input;
  const setting = settingOf(input);
  const steps = runbookSteps(input);
  const title = `Disaster recovery runbook: ${profile.name} (${kind === 'single' ? 'single workload' : 'full cloud'})`;
  const blocks: Block[] = [
    { kind: 'heading', level: 1, text: title },
    {
      kind: 'para',
      parts: [
        `Generated ${formatTime(input.meta.generatedAt)} by Trilio DR Wizard ${input.meta.appVersion} from the environment profile `,
        { b: profile.name },
        input.run ? ` and run ${input.run.id}` : '',
        '. It is the Trilio DR runbook’s procedure written out for this environment: every command, path and API request below is what the wizard plans for it, quoted exactly as the wizard runs it.',
      ],
    },
    ...scenario(setting),
    ...environment(setting),
    ...(steps.some((s) => s.origin === 'profile') ? assumptionBlocks(setting) : []),
    ...overview(setting),
    ...stepSections(steps, {
      profile,
      kind,
      targets: setting.targets,
      ...(input.run ? { runId: input.run.id } : {}),
      render: renderOptions(input),
    }),
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

function scenario(ctx: ProfileSetting): Block[] {
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

function environment(ctx: ProfileSetting): Block[] {
  const { profile } = ctx;
  const root = trilioFactsOf(profile.trilio, 'target').mountRoot;
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
        { code: `${root}/<base64 of the hashed text>` },
        '. If even one character in the NFS share path is different, a completely different hash value is generated.',
      ],
    },
    {
      kind: 'table',
      headers: ['Share', 'Export', 'Hashed text', 'base64 hash', 'Mount path', 'Role'],
      rows: shares.map(([name, exp, role]) => {
        const f = factsFor(name);
        return [
          [name],
          [exp ? { code: exp } : '(not set)'],
          [exp ? { code: folderKeyOf(exp, f.folderForm) } : ''],
          [exp ? { code: mountDirNameFor(exp, f.folderForm) } : ''],
          [exp ? { code: mountPathFor(exp, f.mountRoot, f.folderForm) } : ''],
          [role],
        ];
      }),
    },
    {
      kind: 'para',
      parts: [
        'The hash values can be calculated with the base64 tool of any Linux distribution, from the hashed text exactly as shown (Trilio up to 4.1 hashes the whole export, later releases the path only).',
      ],
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

function projectMapping(ctx: ProfileSetting): Block[] {
  const mapping = ctx.profile.projectMapping;
  const fromWorkloads = ctx.targets.filter((t) => !t.workloadId.startsWith('WORKLOAD_ID'));
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
        [w.targetProject],
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

function overview(ctx: ProfileSetting): Block[] {
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
