import { z } from 'zod';
import { stepKeys } from '../run/plan-types.js';
import type { StepStatus } from '../run/run-types.js';
import { restoreWorkloadStatus } from './restore-outcome.js';

/**
 * The run report's JSON, version 1 (docs/report-schema.md). The schema is the single source of the
 * report's types; the builder's output is checked against it before a JSON export is written.
 * Additive changes keep `trilio-dr-report/v1`; anything else needs a new version string.
 */
export const REPORT_SCHEMA_ID = 'trilio-dr-report/v1';

const reportTrilioFacts = z.object({
  release: z.string(),
  installer: z.string(),
  mountRoot: z.string(),
  folderForm: z.enum(['export', 'path']),
  configModel: z.string(),
  applianceConfigs: z.array(z.string()),
  datamoverConfigs: z.array(z.string()),
  restartAppliance: z.array(z.string()),
  restartDatamover: z.array(z.string()),
  owner: z.string(),
});

/**
 * The named objects of the report (documented one table each in docs/report-schema.md); their own
 * registry, so that `z.toJSONSchema(runReportSchema, { metadata: reportSchemas })` puts them in `$defs`
 * without claiming these generic names in zod's global registry.
 */
export const reportSchemas = z.registry<{ id: string }>();

const isoTime = z.iso.datetime();
const count = z.number().int().nonnegative();
const millis = z.number().int();

export const reportStepKey = z.enum(stepKeys);

const stepStatuses = [
  'pending',
  'planned',
  'running',
  'succeeded',
  'failed',
  'skipped',
  'cancelled',
] as const satisfies readonly StepStatus[];

const secretStates = z.array(z.string());

export const reportCloudSchema = z
  .object({
    authUrl: z.string(),
    region: z.string(),
    interface: z.string(),
    authKind: z.string(),
    username: z.string(),
    userDomain: z.string(),
    project: z.string(),
    projectDomain: z.string(),
    domain: z.string(),
    applicationCredentialId: z.string(),
    caBundlePath: z.string(),
    insecure: z.boolean(),
    trilioUrl: z.string(),
    /** Names of the secret fields that are stored (never their values). */
    storedSecrets: secretStates,
  })
  .register(reportSchemas, { id: 'Cloud' });

export const reportProfileSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    clouds: z.object({ source: reportCloudSchema, target: reportCloudSchema }),
    hosts: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        role: z.string(),
        address: z.string(),
        port: z.number().int(),
        user: z.string(),
        auth: z.string(),
        keyFile: z.string(),
        via: z.string(),
        sudo: z.boolean(),
        storedSecrets: secretStates,
      }),
    ),
    nfs: z.object({
      source: z.string(),
      target: z.string(),
      syncedCopy: z.string(),
      /** v1 field: the target cloud's mount root. */
      mountRoot: z.string(),
    }),
    trilio: z.object({
      /** v1 fields, kept: the target cloud's installer, appliance and datamover config files. */
      flavor: z.string(),
      trusteeRole: z.string(),
      adminRole: z.string(),
      purgeCommand: z.string(),
      /** Trilio's database clean-up script folder and connection overrides (absent in older reports). */
      dbCleanup: z
        .object({
          scriptDir: z.string(),
          host: z.string(),
          port: z.number().int(),
          user: z.string(),
          database: z.string(),
          storedSecrets: secretStates,
        })
        .optional(),
      wlmConfPath: z.string(),
      contegoConfPath: z.string(),
      /** Each cloud's Trilio as the run planned with it (release and installer defaults, overrides applied). */
      source: reportTrilioFacts.optional(),
      target: reportTrilioFacts.optional(),
    }),
    projectMapping: z.array(
      z.object({
        sourceProjectId: z.string(),
        sourceProjectName: z.string(),
        targetProject: z.string(),
        trusteeUser: z.string(),
      }),
    ),
    smtp: z.object({
      host: z.string(),
      port: z.number().int(),
      starttls: z.boolean(),
      username: z.string(),
      from: z.string(),
      storedSecrets: secretStates,
    }),
    /** The RTO targets the workloads are measured against. */
    reporting: z.object({
      rtoTargetMinutes: z.number().int(),
      perProject: z.array(z.object({ project: z.string(), rtoTargetMinutes: z.number().int() })),
    }),
  })
  .register(reportSchemas, { id: 'Profile' });

const reportRestoreChoicesSchema = z
  .object({
    name: z.string(),
    description: z.string(),
    restoreTopology: z.boolean(),
    instances: z.array(
      z.object({ id: z.string(), include: z.boolean(), newName: z.string(), availabilityZone: z.string() }),
    ),
    networkMapping: z.array(
      z.object({
        snapshotNetworkId: z.string(),
        snapshotSubnetId: z.string(),
        targetNetworkId: z.string(),
        targetNetworkName: z.string(),
        targetSubnetId: z.string(),
      }),
    ),
  })
  .register(reportSchemas, { id: 'RestoreChoices' });

export const reportParamsSchema = z
  .discriminatedUnion('kind', [
    z.object({
      kind: z.literal('single'),
      workloadId: z.string(),
      targetProject: z.string(),
      trusteeUser: z.string(),
      snapshot: z.string(),
      notifyOnly: z.boolean(),
      removeMountsOnCleanup: z.boolean(),
      restore: reportRestoreChoicesSchema.nullable(),
    }),
    z.object({
      kind: z.literal('full'),
      mapping: z.array(
        z.object({ sourceProjectId: z.string(), targetProject: z.string(), trusteeUser: z.string() }),
      ),
      notifyOnly: z.boolean(),
      restoreConcurrency: z.number().int(),
      removeMountsOnCleanup: z.boolean(),
    }),
  ])
  .register(reportSchemas, { id: 'Params' });

/** A planned action as shown to the user before it ran. */
export const reportActionSchema = z
  .discriminatedUnion('kind', [
    z.object({
      kind: z.literal('remote'),
      id: z.string(),
      /** Host name from the profile. */
      host: z.string(),
      /** The argument list quoted as the user sees it (`displayCommand`). */
      command: z.string(),
      privileged: z.boolean(),
      description: z.string(),
      readOnly: z.boolean(),
      /** Kind of change it records (`bind-mount`, `fstab-line`, …); absent for read-only actions. */
      change: z.string().optional(),
      /** Size of what is sent on stdin (file contents are not repeated in the report). */
      stdinBytes: count.optional(),
    }),
    z.object({
      kind: z.literal('api'),
      id: z.string(),
      service: z.string(),
      method: z.string(),
      path: z.string(),
      description: z.string(),
      readOnly: z.boolean(),
      change: z.string().optional(),
      /** The request body as pretty-printed JSON (cut at 20,000 characters). */
      body: z.string().optional(),
    }),
    z.object({
      kind: z.literal('manual'),
      id: z.string(),
      target: z.string(),
      description: z.string(),
      instructions: z.string(),
    }),
  ])
  .register(reportSchemas, { id: 'Action' });

export const reportErrorSchema = z
  .object({
    step: reportStepKey,
    code: z.string(),
    message: z.string(),
    hint: z.string().optional(),
    host: z.string().optional(),
    command: z.string().optional(),
    exitCode: z.number().int().optional(),
    output: z.string().optional(),
    request: z.string().optional(),
    httpStatus: z.number().int().optional(),
    fields: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .register(reportSchemas, { id: 'StepError' });

/** Whether a command or request belonged to the step's planning (discovery) or to its execution. */
const phase = z.enum(['plan', 'execute']);

/** A remote command as it ran, from the run's log. */
export const reportCommandSchema = z
  .object({
    host: z.string(),
    /** Absent for logs written before the phases were logged. */
    phase: phase.optional(),
    command: z.string(),
    startedAt: isoTime,
    finishedAt: isoTime.optional(),
    durationMs: millis.optional(),
    exitCode: z.number().int().optional(),
    /** `exit 0`, `killed by SIGTERM`, `no exit status (connection lost)`, or `no end in the log`. */
    result: z.string(),
    ok: z.boolean(),
    /** Last lines the command printed, kept for commands that failed. */
    outputTail: z.array(z.string()).optional(),
  })
  .register(reportSchemas, { id: 'Command' });

/** An API request as it ran, from the run's log. */
export const reportApiCallSchema = z
  .object({
    phase: phase.optional(),
    method: z.string(),
    url: z.string(),
    status: z.number().int().optional(),
    error: z.string().optional(),
    durationMs: millis,
    startedAt: isoTime,
    ok: z.boolean(),
  })
  .register(reportSchemas, { id: 'ApiCall' });

export const reportVerifyRowSchema = z
  .object({
    host: z.string().optional(),
    check: z.string(),
    ok: z.boolean(),
    detail: z.string().optional(),
  })
  .register(reportSchemas, { id: 'VerifyRow' });

export const reportStepSchema = z
  .object({
    key: reportStepKey,
    title: z.string(),
    status: z.enum(stepStatuses),
    attempts: count,
    startedAt: isoTime.optional(),
    finishedAt: isoTime.optional(),
    durationMs: millis.optional(),
    /** The outcome's one-sentence summary. */
    summary: z.string().optional(),
    plan: z
      .object({
        title: z.string(),
        summary: z.string(),
        warnings: z.array(z.string()),
        actions: z.array(reportActionSchema),
        verify: z.array(reportActionSchema),
      })
      .optional(),
    /** The outcome's verification rows. */
    verify: z.array(reportVerifyRowSchema),
    commands: z.array(reportCommandSchema),
    apiCalls: z.array(reportApiCallSchema),
    error: reportErrorSchema.optional(),
  })
  .register(reportSchemas, { id: 'Step' });

export const reportChangeSchema = z
  .object({
    id: z.number().int(),
    step: reportStepKey,
    actionId: z.string(),
    host: z.string(),
    kind: z.string(),
    description: z.string(),
    appliedAt: isoTime,
    undone: z.boolean(),
    undoneAt: isoTime.optional(),
    /**
     * `undone`; `kept` on purpose (the recovered workload, mount paths clean-up keeps, a sent message);
     * `leftover`: still to be undone by clean-up or revert.
     */
    disposition: z.enum(['undone', 'kept', 'leftover']),
    /** Why it is kept, or what undoes a leftover. */
    note: z.string().optional(),
    /** How the change is (or was) undone. */
    undo: z.array(reportActionSchema),
  })
  .register(reportSchemas, { id: 'Change' });

export const reportWorkloadSchema = z
  .object({
    workloadId: z.string(),
    name: z.string(),
    sourceProject: z.string(),
    sourceProjectName: z.string().optional(),
    targetProject: z.string(),
    snapshotId: z.string().optional(),
    /** When the restored snapshot was taken (UTC). */
    snapshotCreatedAt: isoTime.optional(),
    restoreId: z.string().optional(),
    /** When Trilio started the restore (UTC). */
    restoreStartedAt: isoTime.optional(),
    status: restoreWorkloadStatus,
    /** The step that delivered it: a restore, or a notification of the owner. */
    deliveredBy: z.enum(['restore', 'notify']),
    availableAt: isoTime.optional(),
    /** RPO achieved: the restored snapshot's age when its restore started (restore start − snapshot time). */
    rpoMs: millis.optional(),
    /** RTO achieved (what the target is about): run start → restore `available`. */
    rtoMs: millis.optional(),
    /** Measured RTO: run start → restore `available` (the same as `rtoMs`). */
    rtoFromRunStartMs: millis.optional(),
    /** Measured RTO: start of the delivering step → restore `available`. */
    rtoFromStepStartMs: millis.optional(),
    /** The RTO target of this workload. */
    rtoTargetMs: millis,
    /** Where the target comes from: the target project's own (`project`) or the profile's (`profile`). */
    rtoTargetSource: z.enum(['project', 'profile']),
    /** `met`, `missed` (available later than the target), `not-restored`, `not-applicable` (notified, skipped). */
    rtoVerdict: z.enum(['met', 'missed', 'not-restored', 'not-applicable']),
    instances: z.array(z.object({ name: z.string(), id: z.string(), sourceName: z.string().optional() })),
    error: z.string().optional(),
  })
  .register(reportSchemas, { id: 'Workload' });

export const reportHostSchema = z
  .object({
    name: z.string(),
    role: z.string().optional(),
    address: z.string().optional(),
    steps: z.array(reportStepKey),
    commands: count,
    failedCommands: count,
    changes: count,
    firstAt: isoTime.optional(),
    lastAt: isoTime.optional(),
  })
  .register(reportSchemas, { id: 'Host' });

/** One bar of the timeline: what one step executed on one host ('' = the wizard's API requests); planning is left out. */
export const timelineEntrySchema = z
  .object({
    step: reportStepKey,
    host: z.string(),
    start: isoTime,
    end: isoTime,
    commands: count,
    failed: count,
  })
  .register(reportSchemas, { id: 'TimelineEntry' });

/** The name of an id the report shows (a project, user, network, subnet or volume type). */
export const reportNameSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: z.enum(['project', 'user', 'domain', 'network', 'subnet', 'volume-type']),
    cloud: z.enum(['source', 'target']),
  })
  .register(reportSchemas, { id: 'Name' });

export const runReportSchema = z.object({
  schema: z.literal(REPORT_SCHEMA_ID),
  generatedAt: isoTime,
  appVersion: z.string(),
  run: z.object({
    id: z.string(),
    kind: z.enum(['single', 'full']),
    status: z.enum(['created', 'running', 'waiting', 'interrupted', 'failed', 'succeeded', 'cancelled']),
    operator: z.string(),
    createdAt: isoTime,
    startedAt: isoTime.optional(),
    finishedAt: isoTime.optional(),
    durationMs: millis.optional(),
    /** Where the run stands (shared/run/run-phase.ts): done, abandoned, delivered, … */
    phase: z.string().optional(),
    closedAt: isoTime.optional(),
    params: reportParamsSchema,
  }),
  profile: reportProfileSchema,
  summary: z.object({
    workloads: count,
    available: count,
    failed: count,
    notified: count,
    /** The longest measured RTO among available workloads. */
    maxRtoFromRunStartMs: millis.optional(),
    maxRtoFromStepStartMs: millis.optional(),
    /** The profile's RTO target (a target project may have its own: see each workload). */
    rtoTargetMinutes: z.number().int(),
    /** Available workloads within / over their RTO target. */
    rtoMet: count,
    rtoMissed: count,
    /** The oldest restored snapshot, at restore time (the worst RPO). */
    maxRpoMs: millis.optional(),
    changes: count,
    changesNotUndone: count,
    /** Of the changes not undone: kept on purpose, and left over (still to undo). */
    changesKept: count,
    changesLeftover: count,
    hosts: count,
    commands: count,
    failedCommands: count,
    errors: count,
  }),
  steps: z.array(reportStepSchema),
  workloads: z.array(reportWorkloadSchema),
  changes: z.array(reportChangeSchema),
  hosts: z.array(reportHostSchema),
  errors: z.array(reportErrorSchema),
  timeline: z.object({
    start: isoTime.optional(),
    end: isoTime.optional(),
    entries: z.array(timelineEntrySchema),
  }),
  /** Names of the ids the report shows, as the clouds (or the run itself) know them. */
  names: z.array(reportNameSchema).optional(),
});

export type RunReport = z.infer<typeof runReportSchema>;
export type ReportProfile = z.infer<typeof reportProfileSchema>;
export type ReportParams = z.infer<typeof reportParamsSchema>;
export type ReportAction = z.infer<typeof reportActionSchema>;
export type ReportError = z.infer<typeof reportErrorSchema>;
export type ReportCommand = z.infer<typeof reportCommandSchema>;
export type ReportApiCall = z.infer<typeof reportApiCallSchema>;
export type ReportStep = z.infer<typeof reportStepSchema>;
export type ReportChange = z.infer<typeof reportChangeSchema>;
export type ReportWorkload = z.infer<typeof reportWorkloadSchema>;
export type ReportHost = z.infer<typeof reportHostSchema>;
export type TimelineEntry = z.infer<typeof timelineEntrySchema>;
export type ReportName = z.infer<typeof reportNameSchema>;

/** Checks a report (or parsed JSON) against the v1 schema; the messages name the bad fields. */
export function validateRunReport(
  value: unknown,
): { ok: true; report: RunReport } | { ok: false; problems: string[] } {
  const parsed = runReportSchema.safeParse(value);
  if (parsed.success) return { ok: true, report: parsed.data };
  return {
    ok: false,
    problems: parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
  };
}
