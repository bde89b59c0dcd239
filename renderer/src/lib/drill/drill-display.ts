import {
  drillPhaseKeys,
  type DrillPhase,
  type DrillPhaseKey,
  type DrillStatus,
  type DrillView,
  type DrillWorkloadResult,
} from '../../../../shared/drill/drill-types.js';
import { stepKeys, type StepKey } from '../../../../shared/run/plan-types.js';
import { stepInfo } from '../../../../shared/run/step-catalog.js';
import { formatDuration } from '../format/display-format.js';

/**
 * How a drill reads on the Rehearse screen and in its history: the verdict, the phases in order,
 * RTO/RPO in words, what failed with its fix. Pure, so the words are unit-tested.
 */

export type DrillVerdictKey = 'running' | 'passed' | 'failed' | 'left-traces' | 'interrupted' | 'refused';

export interface DrillVerdict {
  key: DrillVerdictKey;
  /** One or two words for a badge. */
  label: string;
  /** One sentence an auditor can read. */
  sentence: string;
}

/** What a verdict is made of: a drill's summary, or a drill view through `drillSummaryOf`. */
export interface VerdictFacts {
  status: DrillStatus;
  workloads: number;
  passed: number;
  failed: number;
  differences: number;
  /** The after inventory was taken and compared (known for an open drill, not from a summary). */
  proved?: boolean;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * The drill's verdict. Left traces outranks a failed workload: something the drill made is still in
 * a cloud or on a node, which is what a drill must never do.
 */
export function drillVerdict(f: VerdictFacts): DrillVerdict {
  if (f.status === 'running')
    return {
      key: 'running',
      label: 'running',
      sentence: `Running: ${f.passed + f.failed} of ${plural(f.workloads, 'workload')} done.`,
    };
  if (f.status === 'refused')
    return { key: 'refused', label: 'refused', sentence: 'Refused before anything changed.' };
  if (f.status === 'interrupted')
    return {
      key: 'interrupted',
      label: 'interrupted',
      sentence:
        'Interrupted: the app stopped while the drill ran. Resume it to finish the tear-down and compare the inventories.',
    };
  const failedPart = f.failed > 0 ? `${f.failed} of ${plural(f.workloads, 'workload')} failed` : '';
  if (f.differences > 0)
    return {
      key: 'left-traces',
      label: 'left traces',
      sentence: `Left traces: ${plural(f.differences, 'difference')} between the inventories before and after the drill${failedPart ? `; ${failedPart}` : ''}.`,
    };
  const noTrace = f.proved ? ' Everything it made was removed: no trace left.' : '';
  if (f.status === 'failed' || f.failed > 0)
    return {
      key: 'failed',
      label: 'failed',
      sentence: `${failedPart ? `Failed: ${failedPart}.` : 'Failed: the drill stopped with an error.'}${noTrace}`,
    };
  return {
    key: 'passed',
    label: 'passed',
    sentence: `Passed: ${f.workloads === 1 ? 'the workload was' : `all ${f.workloads} workloads were`} restored and verified.${noTrace}`,
  };
}

export const drillPhaseTitles: Record<DrillPhaseKey, string> = {
  checks: 'Checks (no real DR run open, clouds and hosts answer)',
  'inventory-before': 'Inventory before',
  isolate: 'Isolated drill projects and networks',
  workloads: 'Restore and verify each workload',
  teardown: 'Tear-down',
  'inventory-after': 'Inventory after, compared',
};

/** Every phase in order, pending where the drill has not reached it (an older record may lack some). */
export function drillPhases(drill: Pick<DrillView, 'phases'>): (DrillPhase & { title: string })[] {
  return drillPhaseKeys.map((key) => ({
    ...(drill.phases.find((p) => p.key === key) ?? { key, status: 'pending' as const }),
    title: drillPhaseTitles[key],
  }));
}

/**
 * Seconds as the UI words durations ("3 min 05 s"); from two days on in days and hours ("640 d 11 h"),
 * as a snapshot's age (RPO) often is. '—' when not measured.
 */
export function formatSeconds(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '—';
  if (seconds >= 2 * 86_400)
    return `${Math.floor(seconds / 86_400)} d ${String(Math.floor((seconds % 86_400) / 3600)).padStart(2, '0')} h`;
  return formatDuration(seconds * 1000);
}

/** "2 listed, 2 removed of 2" for a workload's restored instances and volumes. */
export function resourceSummary(w: Pick<DrillWorkloadResult, 'resources'>): string {
  const n = w.resources.length;
  if (n === 0) return '—';
  const listed = w.resources.filter((r) => r.listed).length;
  const removed = w.resources.filter((r) => r.removed).length;
  return `${listed} listed, ${removed} removed of ${n}`;
}

/** The failed step's title ("Restore"), or the key itself when this build does not know it. */
export function failedStepTitle(step: StepKey | undefined): string {
  if (!step) return '';
  return (stepKeys as readonly string[]).includes(step) ? stepInfo(step).title : step;
}

/** The run ids whose log lines belong to the drill: its own (drill-level lines) and its workloads' runs. */
export function drillRunIds(drill: Pick<DrillView, 'id' | 'workloads'>): string[] {
  const ids = [drill.id];
  for (const w of drill.workloads) if (w.runId && !ids.includes(w.runId)) ids.push(w.runId);
  return ids;
}

/**
 * Workload ids typed by the user: one per line or separated by commas or spaces, in order, each once.
 */
export function parseWorkloadIds(text: string): string[] {
  const out: string[] = [];
  for (const token of text.split(/[\s,;]+/)) if (token !== '' && !out.includes(token)) out.push(token);
  return out;
}
