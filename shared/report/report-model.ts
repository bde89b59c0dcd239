import type { LogRecord } from '../contract.js';
import type { Profile } from '../profile/profile.js';
import type { AppError } from '../result.js';
import type { Action, StepKey } from '../run/plan-types.js';
import type { ChangeView, RunParams, RunView, StepState } from '../run/run-types.js';
import { stepInfo } from '../run/step-catalog.js';
import { runPhase } from '../run/run-phase.js';
import { mergeNames, type NameMap } from '../names/name-book.js';
import { runNames } from '../names/run-names.js';
import { displayCommand } from '../shell/quote.js';
import { reportProfileOf } from './report-profile.js';
import {
  REPORT_SCHEMA_ID,
  type ReportAction,
  type ReportApiCall,
  type ReportChange,
  type ReportCommand,
  type ReportError,
  type ReportParams,
  type ReportStep,
  type ReportWorkload,
  type RunReport,
} from './report-schema.js';
import { readRestoreOutcomeData } from './restore-outcome.js';
import { changeDisposition } from './report-changes.js';
import { rtoTargetFor, rtoVerdict, serviceTimeIso } from './report-rto.js';
import { hostsOf, timelineOf } from './report-timeline.js';
import { readRunLog, type LoggedApiCall, type LoggedCommand } from './run-log.js';

export type { RunReport } from './report-schema.js';
export type { RestoreOutcomeData, RestoredWorkload, RestoredInstance } from './restore-outcome.js';

export interface ReportMeta {
  /** ISO time the report is generated. */
  generatedAt: string;
  appVersion: string;
  /**
   * The run's secret scrubber (loaded with the profile's secrets). Log lines and error output are
   * scrubbed when stored; this also covers what was never logged, such as a plan's command lines.
   */
  scrub?: (text: string) => string;
  /** Names of projects, users, networks… by id, from the clouds; the run's own names are added. */
  names?: NameMap;
}

/** API request bodies longer than this are cut in the report (a restore.json of 200 VMs is large). */
const MAX_BODY_CHARS = 20_000;

/**
 * The run report (schema `trilio-dr-report/v1`) of a run as saved: its profile without secrets, who ran
 * it and when, every step with its plan, what ran (from the log) and how it ended, what changed and
 * whether it was undone, each workload's outcome with the measured RTO, and the timeline. Pure: the
 * caller reads the run, the profile and the log lines from the store.
 */
export function buildRunReport(
  run: RunView,
  profile: Profile,
  logs: LogRecord[],
  meta: ReportMeta,
): RunReport {
  const names = new Map(profile.hosts.map((h) => [h.id, h.name]));
  const hostName = (id: string) => names.get(id) ?? id;
  const logged = readRunLog(logs);

  const steps = run.steps.map((s) => stepOf(s, logged.commands, logged.apiCalls, hostName));
  const errors = run.steps.flatMap((s) => (s.error ? [errorOf(s.key, s.error)] : []));
  const changes = run.changes.map((c) => changeOf(c, hostName, run.params));
  const runStart = iso(run.startedAt) ?? iso(run.createdAt);
  const workloads = workloadsOf(run, runStart, profile);
  const entries = timelineOf(logged.commands, logged.apiCalls, executionStarts(run.steps));
  const hosts = hostsOf(profile, logged.commands, changes);

  const times = [
    ...entries.flatMap((e) => [e.start, e.end]),
    ...steps.flatMap((s) => [s.startedAt, s.finishedAt]),
    runStart,
    iso(run.finishedAt),
  ].filter((t): t is string => t !== undefined);
  const available = workloads.filter((w) => w.status === 'available');
  const maxOf = (values: (number | undefined)[]) => {
    const present = values.filter((v): v is number => v !== undefined);
    return present.length > 0 ? Math.max(...present) : undefined;
  };
  const finishedAt = iso(run.finishedAt);
  const commands = logged.commands;

  const report: RunReport = {
    schema: REPORT_SCHEMA_ID,
    generatedAt: iso(meta.generatedAt) ?? new Date(0).toISOString(),
    appVersion: meta.appVersion,
    run: {
      id: run.id,
      kind: run.kind,
      status: run.status,
      operator: run.operator,
      createdAt: iso(run.createdAt) ?? new Date(0).toISOString(),
      ...opt('startedAt', iso(run.startedAt)),
      ...opt('finishedAt', finishedAt),
      ...opt('durationMs', between(runStart, finishedAt)),
      phase: runPhase(run).phase,
      ...opt('closedAt', iso(run.closedAt)),
      params: paramsOf(run.params),
    },
    profile: reportProfileOf(profile),
    summary: {
      workloads: workloads.length,
      available: available.length,
      failed: workloads.filter((w) => w.status === 'error' || w.status === 'cancelled').length,
      notified: workloads.filter((w) => w.status === 'notified').length,
      ...opt('maxRtoFromRunStartMs', maxOf(available.map((w) => w.rtoFromRunStartMs))),
      ...opt('maxRtoFromStepStartMs', maxOf(available.map((w) => w.rtoFromStepStartMs))),
      rtoTargetMinutes: profile.reporting.rtoTargetMinutes,
      rtoMet: workloads.filter((w) => w.rtoVerdict === 'met').length,
      rtoMissed: workloads.filter((w) => w.rtoVerdict === 'missed').length,
      ...opt('maxRpoMs', maxOf(workloads.map((w) => w.rpoMs))),
      changes: changes.length,
      changesNotUndone: changes.filter((c) => !c.undone).length,
      changesKept: changes.filter((c) => c.disposition === 'kept').length,
      changesLeftover: changes.filter((c) => c.disposition === 'leftover').length,
      hosts: hosts.length,
      commands: commands.length,
      failedCommands: commands.filter((c) => !c.ok).length,
      errors: errors.length,
    },
    steps,
    workloads,
    changes,
    hosts,
    errors,
    timeline: {
      ...opt('start', times.length > 0 ? times.reduce((a, b) => (a < b ? a : b)) : undefined),
      ...opt('end', times.length > 0 ? times.reduce((a, b) => (a > b ? a : b)) : undefined),
      entries,
    },
    names: Object.entries(mergeNames(meta.names ?? {}, runNames(run)))
      .map(([id, e]) => ({ id, name: e.name, kind: e.kind, cloud: e.cloud }))
      .sort((a, b) => a.id.localeCompare(b.id)),
  };
  return meta.scrub ? scrubStrings(report, meta.scrub) : report;
}

/** Every string of a JSON value passed through `scrub` (the report's shape is unchanged). */
export function scrubStrings<T>(value: T, scrub: (text: string) => string): T {
  if (typeof value === 'string') return scrub(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => scrubStrings(v, scrub)) as T;
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubStrings(v, scrub)])) as T;
  return value;
}

/** `{ [key]: value }` when the value is defined, else nothing (keeps optional fields absent). */
function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** A stored time as ISO 8601 UTC, or undefined when absent or unreadable. */
function iso(value: string | number | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  const t = new Date(value).getTime();
  return Number.isFinite(t) ? new Date(t).toISOString() : undefined;
}

function between(from: string | undefined, to: string | undefined): number | undefined {
  if (!from || !to) return undefined;
  return Math.round(new Date(to).getTime() - new Date(from).getTime());
}

function paramsOf(params: RunParams): ReportParams {
  if (params.kind === 'full')
    return {
      kind: 'full',
      mapping: params.mapping.map((m) => ({
        sourceProjectId: m.sourceProjectId,
        targetProject: m.targetProject,
        trusteeUser: m.trusteeUser,
      })),
      notifyOnly: params.notifyOnly,
      restoreConcurrency: params.restoreConcurrency,
      removeMountsOnCleanup: params.removeMountsOnCleanup,
    };
  const r = params.restore;
  return {
    kind: 'single',
    workloadId: params.workloadId,
    targetProject: params.targetProject,
    trusteeUser: params.trusteeUser,
    snapshot: params.snapshot,
    notifyOnly: params.notifyOnly,
    removeMountsOnCleanup: params.removeMountsOnCleanup,
    restore: r
      ? {
          name: r.name,
          description: r.description,
          restoreTopology: r.restoreTopology,
          instances: r.instances.map((i) => ({
            id: i.id,
            include: i.include,
            newName: i.newName,
            availabilityZone: i.availabilityZone,
          })),
          networkMapping: Object.entries(r.networkMapping).map(([key, t]) => ({
            ...splitPairKey(key),
            targetNetworkId: t.networkId,
            targetNetworkName: t.networkName,
            targetSubnetId: t.subnetId,
          })),
        }
      : null,
  };
}

/** A planned action as the report shows it; remote commands quoted as the user saw them. */
export function reportActionOf(action: Action, hostName: (id: string) => string = (id) => id): ReportAction {
  if (action.kind === 'remote')
    return {
      kind: 'remote',
      id: action.id,
      host: hostName(action.host),
      command: displayCommand(action.argv),
      privileged: action.privileged,
      description: action.description,
      readOnly: action.readOnly ?? false,
      ...opt('change', action.change?.kind),
      ...opt(
        'stdinBytes',
        action.stdin === undefined ? undefined : new TextEncoder().encode(action.stdin).length,
      ),
    };
  if (action.kind === 'api') {
    const body = action.body === undefined ? undefined : JSON.stringify(action.body, null, 2);
    return {
      kind: 'api',
      id: action.id,
      service: action.service,
      method: action.method,
      path: action.path,
      description: action.description,
      readOnly: action.readOnly ?? false,
      ...opt('change', action.change?.kind),
      ...opt(
        'body',
        body && body.length > MAX_BODY_CHARS ? `${body.slice(0, MAX_BODY_CHARS)}\n… (cut)` : body,
      ),
    };
  }
  return {
    kind: 'manual',
    id: action.id,
    target: action.target,
    description: action.description,
    instructions: action.instructions,
  };
}

function errorOf(step: StepKey, e: AppError): ReportError {
  return {
    step,
    code: e.code,
    message: e.message,
    ...opt('hint', e.hint),
    ...opt('host', e.host),
    ...opt('command', e.command),
    ...opt('exitCode', e.exitCode),
    ...opt('output', e.output),
    ...opt('request', e.request),
    ...opt('httpStatus', e.httpStatus),
    ...opt(
      'fields',
      e.fields?.map((f) => ({ path: f.path, message: f.message })),
    ),
  };
}

function commandOf(c: LoggedCommand): ReportCommand {
  return {
    host: c.host,
    ...opt('phase', c.phase),
    command: c.command,
    startedAt: new Date(c.startTs).toISOString(),
    ...opt('finishedAt', c.endTs === undefined ? undefined : new Date(c.endTs).toISOString()),
    ...opt('durationMs', c.durationMs),
    ...opt('exitCode', c.exitCode),
    result: c.result,
    ok: c.ok,
    ...opt('outputTail', c.ok || c.outputTail.length === 0 ? undefined : c.outputTail),
  };
}

function apiCallOf(c: LoggedApiCall): ReportApiCall {
  return {
    ...opt('phase', c.phase),
    method: c.method,
    url: c.url,
    ...opt('status', c.status),
    ...opt('error', c.error),
    durationMs: c.durationMs,
    startedAt: new Date(c.startTs).toISOString(),
    ok: c.ok,
  };
}

function stepOf(
  s: StepState,
  commands: LoggedCommand[],
  apiCalls: LoggedApiCall[],
  hostName: (id: string) => string,
): ReportStep {
  const startedAt = iso(s.startedAt);
  const finishedAt = iso(s.finishedAt);
  return {
    key: s.key,
    title: stepInfo(s.key).title,
    status: s.status,
    attempts: s.attempts,
    ...opt('startedAt', startedAt),
    ...opt('finishedAt', finishedAt),
    ...opt('durationMs', between(startedAt, finishedAt)),
    ...opt('summary', s.outcome?.summary),
    ...opt(
      'plan',
      s.plan && {
        title: s.plan.title,
        summary: s.plan.summary,
        warnings: [...s.plan.warnings],
        actions: s.plan.actions.map((a) => reportActionOf(a, hostName)),
        verify: s.plan.verify.map((a) => reportActionOf(a, hostName)),
      },
    ),
    verify: (s.outcome?.verify ?? []).map((v) => ({
      ...opt('host', v.host === undefined ? undefined : hostName(v.host)),
      check: v.check,
      ok: v.ok,
      ...opt('detail', v.detail),
    })),
    commands: commands.filter((c) => c.step === s.key).map(commandOf),
    apiCalls: apiCalls.filter((c) => c.step === s.key).map(apiCallOf),
    ...opt('error', s.error && errorOf(s.key, s.error)),
  };
}

function changeOf(c: ChangeView, hostName: (id: string) => string, params: RunParams): ReportChange {
  const undoneAt = iso(c.undoneAt);
  const { disposition, note } = changeDisposition({ kind: c.kind, undone: undoneAt !== undefined }, params);
  return {
    id: c.id,
    step: c.step,
    actionId: c.actionId,
    host: hostName(c.host),
    kind: c.kind,
    description: c.description,
    appliedAt: iso(c.appliedAt) ?? new Date(0).toISOString(),
    undone: undoneAt !== undefined,
    ...opt('undoneAt', undoneAt),
    disposition,
    ...opt('note', note),
    undo: c.undo.map((a) => reportActionOf(a, hostName)),
  };
}

/** When each step's execution (last attempt) started: the timeline's fallback for logs without phase lines. */
function executionStarts(steps: readonly StepState[]): Map<string, number> {
  const starts = new Map<string, number>();
  for (const s of steps) {
    const t = s.startedAt ? Date.parse(s.startedAt) : NaN;
    if (Number.isFinite(t)) starts.set(s.key, t);
  }
  return starts;
}

/**
 * Workloads delivered by the restore step, or by the notify step in a notify-only run, each with its
 * RPO (the snapshot's age when its restore started) and its RTO against the profile's target.
 */
function workloadsOf(run: RunView, runStart: string | undefined, profile: Profile): ReportWorkload[] {
  const out: ReportWorkload[] = [];
  for (const key of ['restore', 'notify'] as const) {
    const step = run.steps.find((s) => s.key === key);
    const data = readRestoreOutcomeData(step?.outcome?.data);
    if (!step || !data) continue;
    const stepStart = iso(step.startedAt);
    for (const w of data.workloads) {
      if (out.some((o) => o.workloadId === w.workloadId)) continue;
      const availableAt = w.status === 'available' ? iso(w.availableAt) : undefined;
      const snapshotCreatedAt = serviceTimeIso(w.snapshotCreatedAt);
      const restoreStartedAt = serviceTimeIso(w.restoreStartedAt);
      const rtoMs = between(runStart, availableAt);
      const target = rtoTargetFor(profile.reporting, w.targetProject);
      out.push({
        workloadId: w.workloadId,
        name: w.name,
        sourceProject: w.sourceProject,
        ...opt('sourceProjectName', w.sourceProjectName),
        targetProject: w.targetProject,
        ...opt('snapshotId', w.snapshotId),
        ...opt('snapshotCreatedAt', snapshotCreatedAt),
        ...opt('restoreId', w.restoreId),
        ...opt('restoreStartedAt', restoreStartedAt),
        status: w.status,
        deliveredBy: key,
        ...opt('availableAt', availableAt),
        ...opt('rpoMs', between(snapshotCreatedAt, restoreStartedAt)),
        ...opt('rtoMs', rtoMs),
        ...opt('rtoFromRunStartMs', rtoMs),
        ...opt('rtoFromStepStartMs', between(stepStart, availableAt)),
        rtoTargetMs: target.ms,
        rtoTargetSource: target.source,
        rtoVerdict: rtoVerdict(w.status, rtoMs, target),
        instances: (w.instances ?? []).map((i) => ({
          name: i.name,
          id: i.id,
          ...opt('sourceName', i.sourceName),
        })),
        ...opt('error', w.error),
      });
    }
  }
  return out;
}

/**
 * The snapshot network and subnet of a restore form key (`<network id>/<subnet id>`, or a network id
 * alone: that network's every subnet). Neutron ids hold no `/`, so the first one separates them.
 */
function splitPairKey(key: string): { snapshotNetworkId: string; snapshotSubnetId: string } {
  const at = key.indexOf('/');
  return at < 0
    ? { snapshotNetworkId: key, snapshotSubnetId: '' }
    : { snapshotNetworkId: key.slice(0, at), snapshotSubnetId: key.slice(at + 1) };
}
