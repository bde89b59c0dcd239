import type { DrillPhaseKey, DrillView, DrillWorkloadResult } from '../drill/drill-types.js';
import { mergeNames, setName, type NameMap } from '../names/name-book.js';
import type { AppError } from '../result.js';
import { stepInfo } from '../run/step-catalog.js';
import { compareDrills, drillDurationMs, rtoSecondsOf } from './drill-comparison.js';
import { readDifference } from './drill-differences.js';
import {
  DRILL_REPORT_SCHEMA_ID,
  type DrillFailure,
  type DrillReport,
  type DrillReportWorkload,
  type DrillVerdict,
} from './drill-report-schema.js';
import { scrubStrings } from './report-model.js';
import { formatDuration } from './report-format.js';
import { serviceTimeIso } from './report-rto.js';

export type { DrillReport } from './drill-report-schema.js';

export interface DrillReportMeta {
  /** ISO time the report is generated (default: the epoch, so that the model stays pure). */
  generatedAt?: string;
  appVersion?: string;
  /** The profile's secret scrubber: every text of the report passes through it. */
  scrub?: (text: string) => string;
}

/** The drill's phases in the words of the Rehearse screen. */
export const drillPhaseTitles: Record<DrillPhaseKey, string> = {
  checks: 'Checks before the drill',
  'inventory-before': 'Inventory before',
  isolate: 'Isolated drill projects and networks',
  workloads: 'Restore and verify the workloads',
  teardown: 'Tear-down',
  'inventory-after': 'Inventory after: proof of no trace',
};

/**
 * The drill report (schema `trilio-dr-drill-report/v1`) of a drill as saved: who ran it, when and how
 * long, the overall verdict and why, each workload's result with its measured RTO, RPO, restored
 * resources and, for a failure, the failed step, the message and its fix; the phases; the tear-down
 * proof from the inventories; and the comparison with `previous`, the profile's drill before it
 * (`previousDrillOf`). `names` (id → name, from the clouds) names the ids in the tear-down findings;
 * the drill's own project names are added. Pure.
 */
export function drillReportModel(
  drill: DrillView,
  previous: DrillView | undefined,
  names: NameMap = {},
  meta: DrillReportMeta = {},
): DrillReport {
  const book = drillNames(drill, names);
  const workloads = drill.workloads.map(workloadOf);
  const differences = drill.inventory.differences.map((d) => readDifference(d, book));
  const verdict = verdictOf(drill);
  const durationMs = drillDurationMs(drill);
  const maxOf = (values: (number | undefined)[]) => {
    const present = values.filter((v): v is number => v !== undefined);
    return present.length > 0 ? Math.max(...present) : undefined;
  };
  const before = iso(drill.inventory.before?.takenAt);
  const after = iso(drill.inventory.after?.takenAt);
  const resourcesLeft = workloads.reduce(
    (n, w) => n + w.resources.filter((r) => r.listed && !r.removed).length,
    0,
  );
  const teardownState = !drill.inventory.after
    ? 'not-proved'
    : differences.length === 0
      ? 'no-trace'
      : 'differences';

  const report: DrillReport = {
    schema: DRILL_REPORT_SCHEMA_ID,
    generatedAt: iso(meta.generatedAt) ?? new Date(0).toISOString(),
    appVersion: meta.appVersion ?? 'unknown',
    drill: {
      id: drill.id,
      profileId: drill.profileId,
      profileName: drill.profileName,
      status: drill.status,
      operator: drill.operator,
      createdAt: iso(drill.createdAt) ?? new Date(0).toISOString(),
      ...opt('finishedAt', iso(drill.finishedAt)),
      ...opt('durationMs', durationMs),
      scope: { all: drill.scope.all, workloadIds: [...drill.scope.workloadIds] },
    },
    verdict: { result: verdict, reasons: verdictReasons(drill, verdict, teardownState, resourcesLeft) },
    summary: {
      workloads: workloads.length,
      passed: workloads.filter((w) => w.result === 'passed').length,
      failed: workloads.filter((w) => w.result === 'failed').length,
      unfinished: workloads.filter((w) => w.result === 'pending' || w.result === 'running').length,
      ...opt('maxRtoSeconds', maxOf(workloads.map((w) => w.rtoSeconds))),
      ...opt('maxRpoSeconds', maxOf(workloads.map((w) => w.rpoSeconds))),
      differences: differences.length,
      resourcesLeft,
    },
    workloads,
    phases: drill.phases.map((p) => {
      const startedAt = iso(p.startedAt);
      const finishedAt = iso(p.finishedAt);
      return {
        key: p.key,
        title: drillPhaseTitles[p.key],
        status: p.status,
        ...opt('startedAt', startedAt),
        ...opt('finishedAt', finishedAt),
        ...opt('durationMs', between(startedAt, finishedAt)),
        ...opt('detail', p.detail),
      };
    }),
    projects: drill.projects.map((p) => ({
      name: p.name,
      ...opt('id', p.id),
      sourceProjectId: p.sourceProjectId,
      sourceProjectName: p.sourceProjectName,
      removed: p.removed ?? false,
    })),
    teardown: {
      state: teardownState,
      summary: teardownSummary(drill, teardownState, differences.length),
      ...opt('beforeAt', before),
      ...opt('afterAt', after),
      differences,
    },
    comparison: compareDrills(drill, previous, verdictOf),
    ...opt('error', drill.error && failureOf(drill.error)),
    names: Object.entries(book)
      .map(([id, e]) => ({ id, name: e.name, kind: e.kind, cloud: e.cloud }))
      .sort((a, b) => a.id.localeCompare(b.id)),
  };
  return meta.scrub ? scrubStrings(report, meta.scrub) : report;
}

/**
 * PASSED only when the drill says so and the record agrees: every workload passed, the after inventory
 * was taken and equals the one before, and no restored resource was left. RUNNING while it runs.
 */
export function verdictOf(drill: DrillView): DrillVerdict {
  if (drill.status === 'running') return 'RUNNING';
  const clean =
    drill.status === 'passed' &&
    drill.workloads.length > 0 &&
    drill.workloads.every((w) => w.status === 'passed') &&
    drill.inventory.after !== undefined &&
    drill.inventory.differences.length === 0 &&
    drill.workloads.every((w) => w.resources.every((r) => !r.listed || r.removed));
  return clean ? 'PASSED' : 'FAILED';
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function verdictReasons(
  drill: DrillView,
  verdict: DrillVerdict,
  teardown: DrillReport['teardown']['state'],
  resourcesLeft: number,
): string[] {
  const n = drill.workloads.length;
  if (verdict === 'PASSED')
    return [
      `${n === 1 ? 'The workload was' : `All ${n} workloads were`} restored into the drill projects and verified, and the tear-down left no trace: the inventories of both clouds and every node before and after the drill are identical.`,
    ];
  if (verdict === 'RUNNING') {
    const phase = drill.phases.find((p) => p.status === 'running');
    return [
      `The drill is still running${phase ? ` (${drillPhaseTitles[phase.key].toLowerCase()})` : ''}: this report is not its result.`,
    ];
  }
  const reasons: string[] = [];
  if (drill.status === 'refused')
    reasons.push(
      `The drill was refused before anything changed${drill.error ? `: ${drill.error.message}` : '.'}`,
    );
  if (drill.status === 'interrupted')
    reasons.push(
      `The drill was interrupted before it finished; \`trilio-dr drill --resume ${drill.id}\` finishes its tear-down and takes the after inventory.`,
    );
  for (const w of drill.workloads.filter((x) => x.status === 'failed'))
    reasons.push(
      `${w.name} failed${w.failedStep ? ` at ${stepInfo(w.failedStep).title}` : ''}${w.error ? `: ${w.error.message}` : '.'}`,
    );
  const unfinished = drill.workloads.filter((w) => w.status === 'pending' || w.status === 'running');
  if (unfinished.length > 0 && drill.status !== 'refused')
    reasons.push(
      `${plural(unfinished.length, 'workload was', 'workloads were')} not drilled to the end (${unfinished.map((w) => w.name).join(', ')}).`,
    );
  if (n === 0 && drill.status !== 'refused') reasons.push('No workload was drilled.');
  if (teardown === 'differences')
    reasons.push(
      `The tear-down left ${plural(drill.inventory.differences.length, 'difference')} between the inventories before and after the drill (each is listed with what undoes it).`,
    );
  if (teardown === 'not-proved' && drill.status !== 'refused')
    reasons.push('The inventory after the tear-down was not taken: nothing proves the drill left no trace.');
  if (resourcesLeft > 0)
    reasons.push(
      `${plural(resourcesLeft, 'restored instance or volume was', 'restored instances or volumes were')} not deleted by the tear-down.`,
    );
  if (drill.error && drill.status !== 'refused') reasons.push(drill.error.message);
  if (reasons.length === 0) reasons.push(`The drill ended ${drill.status}.`);
  return reasons;
}

function teardownSummary(
  drill: DrillView,
  state: DrillReport['teardown']['state'],
  differences: number,
): string {
  if (state === 'no-trace')
    return 'No trace: the inventories taken before and after the drill (Keystone projects and role assignments, Neutron networks and subnets, Trilio workloads and restores of both clouds; fstab, mounts and Trilio configuration of every node; the shares’ folders) are identical.';
  if (state === 'differences')
    return `${plural(differences, 'difference')} between the inventories before and after the drill: each below says what is different and what undoes it.`;
  if (drill.status === 'refused')
    return 'The drill was refused before it changed anything: there was nothing to tear down.';
  if (drill.status === 'running')
    return 'The drill is still running: the inventory after its tear-down is not taken yet.';
  return drill.inventory.before
    ? 'Not proved: the inventory after the tear-down was not taken, so nothing shows the clouds and nodes are as they were.'
    : 'Not proved: neither inventory was taken.';
}

function workloadOf(w: DrillWorkloadResult): DrillReportWorkload {
  const rto = rtoSecondsOf(w);
  const rpo =
    w.rpoSeconds !== undefined && Number.isFinite(w.rpoSeconds) ? Math.round(w.rpoSeconds) : undefined;
  const counts = (kind: 'instance' | 'volume') => {
    const of = w.resources.filter((r) => r.kind === kind);
    return {
      total: of.length,
      listed: of.filter((r) => r.listed).length,
      removed: of.filter((r) => r.removed).length,
    };
  };
  const failure =
    w.error || w.failedStep
      ? failureOf(
          w.error ?? { code: 'internal', message: 'The workload failed without an error message.' },
          w.failedStep,
        )
      : undefined;
  return {
    workloadId: w.workloadId,
    name: w.name,
    sourceProjectId: w.sourceProjectId,
    sourceProjectName: w.sourceProjectName,
    drillProject: w.drillProject,
    ...opt('runId', w.runId),
    result: w.status,
    ...opt('snapshotId', w.snapshotId),
    ...opt('snapshotCreatedAt', serviceTimeIso(w.snapshotCreatedAt)),
    ...opt('restoreId', w.restoreId),
    ...opt('startedAt', iso(w.startedAt)),
    ...opt('availableAt', iso(w.availableAt)),
    ...opt('finishedAt', iso(w.finishedAt)),
    ...opt('rtoSeconds', rto),
    ...opt('rtoText', rto === undefined ? undefined : formatDuration(rto * 1000)),
    ...opt('rpoSeconds', rpo),
    ...opt('rpoText', rpo === undefined ? undefined : formatDuration(rpo * 1000)),
    instances: counts('instance'),
    volumes: counts('volume'),
    resources: w.resources.map((r) => ({
      kind: r.kind,
      id: r.id,
      name: r.name,
      listed: r.listed,
      removed: r.removed,
    })),
    ...opt('failure', failure),
  };
}

function failureOf(e: AppError, step?: DrillWorkloadResult['failedStep']): DrillFailure {
  return {
    ...opt('step', step),
    ...opt('stepTitle', step && stepInfo(step).title),
    code: e.code,
    message: e.message,
    ...opt('fix', e.hint),
    ...opt('host', e.host),
    ...opt('command', e.command),
    ...opt('request', e.request),
    ...opt('httpStatus', e.httpStatus),
    ...opt('exitCode', e.exitCode),
    ...opt('output', e.output),
  };
}

/** The caller's names with the drill's own: its source projects and the drill projects it made. */
function drillNames(drill: DrillView, names: NameMap): NameMap {
  const own: NameMap = {};
  const add = (id: string | undefined, name: string, cloud: 'source' | 'target') => {
    if (id && name) setName(own, id, { name, kind: 'project', cloud });
  };
  for (const p of drill.projects) {
    add(p.sourceProjectId, p.sourceProjectName, 'source');
    add(p.id, p.name, 'target');
  }
  for (const w of drill.workloads) add(w.sourceProjectId, w.sourceProjectName, 'source');
  return mergeNames(names, own);
}

function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function iso(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const t = Date.parse(value);
  return Number.isFinite(t) ? new Date(t).toISOString() : undefined;
}

function between(from: string | undefined, to: string | undefined): number | undefined {
  if (!from || !to) return undefined;
  return Math.round(Date.parse(to) - Date.parse(from));
}
