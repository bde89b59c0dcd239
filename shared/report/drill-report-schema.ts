import { z } from 'zod';
import { drillPhaseKeys } from '../drill/drill-types.js';
import { reportNameSchema, reportStepKey } from './report-schema.js';

/**
 * The drill report's JSON, version 1 (docs/drill-report-schema.md): what an auditor's tool reads of a
 * DR drill. The schema is the single source of the report's types; `drillReportModel` builds it, the
 * HTML and PDF render it, and a JSON export is written only after it passes `validateDrillReport`.
 * Additive changes keep `trilio-dr-drill-report/v1`; anything else needs a new version string.
 * RTO and RPO are in seconds (as the drill measures them), other durations in milliseconds; every
 * field says its unit.
 */
export const DRILL_REPORT_SCHEMA_ID = 'trilio-dr-drill-report/v1';

/** The named objects (one table each in docs/drill-report-schema.md), for `z.toJSONSchema`'s `$defs`. */
export const drillReportSchemas = z.registry<{ id: string }>();

const isoTime = z.iso.datetime();
const count = z.number().int().nonnegative();
const millis = z.number().int();
const seconds = z.number().int();

export const drillVerdictSchema = z.enum(['PASSED', 'FAILED', 'RUNNING']);
export const drillWorkloadResultSchema = z.enum(['passed', 'failed', 'pending', 'running']);

export const drillFailureSchema = z
  .object({
    /** The run step that failed (absent when the drill failed the workload outside a step). */
    step: reportStepKey.optional(),
    /** That step's title, as the wizard names it. */
    stepTitle: z.string().optional(),
    code: z.string(),
    message: z.string(),
    /** What to do about it (the error's hint). */
    fix: z.string().optional(),
    host: z.string().optional(),
    command: z.string().optional(),
    request: z.string().optional(),
    httpStatus: z.number().int().optional(),
    exitCode: z.number().int().optional(),
    output: z.string().optional(),
  })
  .register(drillReportSchemas, { id: 'Failure' });

export const drillResourceSchema = z
  .object({
    kind: z.enum(['instance', 'volume']),
    id: z.string(),
    name: z.string(),
    /** Listed by Nova / Cinder in the drill project: the restore made it. */
    listed: z.boolean(),
    /** Deleted by the tear-down. */
    removed: z.boolean(),
  })
  .register(drillReportSchemas, { id: 'Resource' });

const resourceCounts = z.object({ total: count, listed: count, removed: count });

export const drillReportWorkloadSchema = z
  .object({
    workloadId: z.string(),
    name: z.string(),
    sourceProjectId: z.string(),
    sourceProjectName: z.string(),
    /** The drill project it was restored into. */
    drillProject: z.string(),
    /** The single-workload run that carried it. */
    runId: z.string().optional(),
    result: drillWorkloadResultSchema,
    snapshotId: z.string().optional(),
    snapshotCreatedAt: isoTime.optional(),
    restoreId: z.string().optional(),
    startedAt: isoTime.optional(),
    availableAt: isoTime.optional(),
    finishedAt: isoTime.optional(),
    /** Measured RTO: the workload's DR start → its restore `available`. */
    rtoSeconds: seconds.optional(),
    /** The same, as the report writes it (`12 min 5 s`). */
    rtoText: z.string().optional(),
    /** RPO: the restored snapshot's age when the restore started. */
    rpoSeconds: seconds.optional(),
    rpoText: z.string().optional(),
    instances: resourceCounts,
    volumes: resourceCounts,
    resources: z.array(drillResourceSchema),
    failure: drillFailureSchema.optional(),
  })
  .register(drillReportSchemas, { id: 'Workload' });

export const drillReportPhaseSchema = z
  .object({
    key: z.enum(drillPhaseKeys),
    title: z.string(),
    status: z.enum(['pending', 'running', 'succeeded', 'failed']),
    startedAt: isoTime.optional(),
    finishedAt: isoTime.optional(),
    durationMs: millis.optional(),
    detail: z.string().optional(),
  })
  .register(drillReportSchemas, { id: 'Phase' });

export const drillReportProjectSchema = z
  .object({
    /** `trilio-drill-<drill id>-<project>`. */
    name: z.string(),
    /** Keystone id, once created. */
    id: z.string().optional(),
    sourceProjectId: z.string(),
    sourceProjectName: z.string(),
    /** Whether the tear-down removed it with its role grants. */
    removed: z.boolean(),
  })
  .register(drillReportSchemas, { id: 'DrillProject' });

/** What a difference touches, so a tool can group them without parsing `where`. */
export const differenceAreas = [
  'projects',
  'role-assignments',
  'networks',
  'subnets',
  'security-groups',
  'trilio-workloads',
  'trilio-restores',
  'fstab',
  'mounts',
  'config-file',
  'node',
  'share',
  'other',
] as const;

export const drillFindingSchema = z
  .object({
    /** What is different, in the user's words (ids followed by their names where known). */
    text: z.string(),
    /** What undoes it. */
    fix: z.string(),
  })
  .register(drillReportSchemas, { id: 'Finding' });

export const drillDifferenceSchema = z
  .object({
    /** As the inventory comparison names it: `target cloud projects`, `compute-1 /etc/fstab`, `share …`. */
    where: z.string(),
    /** The same place in words: `Keystone projects on the target cloud`. */
    place: z.string(),
    area: z.enum(differenceAreas),
    cloud: z.enum(['source', 'target']).optional(),
    host: z.string().optional(),
    added: z.array(z.string()),
    removed: z.array(z.string()),
    findings: z.array(drillFindingSchema),
  })
  .register(drillReportSchemas, { id: 'Difference' });

export const drillComparisonWorkloadSchema = z
  .object({
    workloadId: z.string(),
    name: z.string(),
    /** Absent when the workload was not in that drill. */
    now: drillWorkloadResultSchema.optional(),
    then: drillWorkloadResultSchema.optional(),
    /**
     * `fixed` (failed then, passed now), `newly-failing` (passed then, failed now), `still-passing`,
     * `still-failing`, `added` / `removed` (in only one of the two drills), `not-finished` (either one
     * has no result).
     */
    change: z.enum([
      'fixed',
      'newly-failing',
      'still-passing',
      'still-failing',
      'added',
      'removed',
      'not-finished',
    ]),
    rtoNowSeconds: seconds.optional(),
    rtoThenSeconds: seconds.optional(),
    /** now − then: positive is slower. */
    rtoDeltaSeconds: seconds.optional(),
    /** `+2 min 5 s`, `−40 s`, `±0 s`. */
    rtoDeltaText: z.string().optional(),
  })
  .register(drillReportSchemas, { id: 'ComparedWorkload' });

export const drillComparisonSchema = z
  .object({
    /** The profile's drill before this one that finished (absent: none to compare with, see `note`). */
    previous: z
      .object({
        id: z.string(),
        status: z.string(),
        verdict: drillVerdictSchema,
        operator: z.string(),
        createdAt: isoTime,
        finishedAt: isoTime.optional(),
        durationMs: millis.optional(),
        passed: count,
        failed: count,
        differences: count,
      })
      .optional(),
    /** One sentence: what changed since, or why there is nothing to compare with. */
    note: z.string(),
    workloads: z.array(drillComparisonWorkloadSchema),
    /** Names of the workloads in each group. */
    fixed: z.array(z.string()),
    newlyFailing: z.array(z.string()),
    added: z.array(z.string()),
    removed: z.array(z.string()),
    /** This drill's duration − the previous one's. */
    durationDeltaMs: millis.optional(),
    durationDeltaText: z.string().optional(),
  })
  .register(drillReportSchemas, { id: 'Comparison' });

export const drillReportSchema = z.object({
  schema: z.literal(DRILL_REPORT_SCHEMA_ID),
  generatedAt: isoTime,
  appVersion: z.string(),
  drill: z.object({
    id: z.string(),
    profileId: z.string(),
    profileName: z.string(),
    /** `running`, `passed`, `failed`, `interrupted` or `refused`, as the drill recorded it. */
    status: z.enum(['running', 'passed', 'failed', 'interrupted', 'refused']),
    operator: z.string(),
    createdAt: isoTime,
    finishedAt: isoTime.optional(),
    durationMs: millis.optional(),
    scope: z.object({ all: z.boolean(), workloadIds: z.array(z.string()) }),
  }),
  verdict: z.object({
    result: drillVerdictSchema,
    /** Why, one sentence each (the first says it all when the drill passed). */
    reasons: z.array(z.string()),
  }),
  summary: z.object({
    workloads: count,
    passed: count,
    failed: count,
    /** Not drilled to the end (pending or running). */
    unfinished: count,
    maxRtoSeconds: seconds.optional(),
    maxRpoSeconds: seconds.optional(),
    differences: count,
    /** Restored instances and volumes the tear-down did not delete. */
    resourcesLeft: count,
  }),
  workloads: z.array(drillReportWorkloadSchema),
  phases: z.array(drillReportPhaseSchema),
  projects: z.array(drillReportProjectSchema),
  teardown: z.object({
    /** `no-trace`: both inventories taken and identical; `differences`; `not-proved`: no after inventory. */
    state: z.enum(['no-trace', 'differences', 'not-proved']),
    summary: z.string(),
    beforeAt: isoTime.optional(),
    afterAt: isoTime.optional(),
    differences: z.array(drillDifferenceSchema),
  }),
  comparison: drillComparisonSchema,
  /** Why the drill failed or was refused as a whole, with what to do. */
  error: drillFailureSchema.optional(),
  /** Names of the ids the report shows. */
  names: z.array(reportNameSchema),
});

export type DrillReport = z.infer<typeof drillReportSchema>;
export type DrillVerdict = z.infer<typeof drillVerdictSchema>;
export type DrillReportWorkload = z.infer<typeof drillReportWorkloadSchema>;
export type DrillFailure = z.infer<typeof drillFailureSchema>;
export type DrillReportPhase = z.infer<typeof drillReportPhaseSchema>;
export type DrillDifference = z.infer<typeof drillDifferenceSchema>;
export type DrillFinding = z.infer<typeof drillFindingSchema>;
export type DrillComparison = z.infer<typeof drillComparisonSchema>;
export type DrillComparisonWorkload = z.infer<typeof drillComparisonWorkloadSchema>;
export type DifferenceArea = (typeof differenceAreas)[number];

/** Checks a drill report (or parsed JSON) against the v1 schema; the messages name the bad fields. */
export function validateDrillReport(
  value: unknown,
): { ok: true; report: DrillReport } | { ok: false; problems: string[] } {
  const parsed = drillReportSchema.safeParse(value);
  if (parsed.success) return { ok: true, report: parsed.data };
  return {
    ok: false,
    problems: parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
  };
}
