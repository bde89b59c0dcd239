import type { DrillStatus, DrillView, DrillWorkloadResult } from '../drill/drill-types.js';
import { formatDuration } from './report-format.js';
import type { DrillComparison, DrillComparisonWorkload, DrillVerdict } from './drill-report-schema.js';

/**
 * A drill compared with the profile's previous one: what an owner asks after each rehearsal — did
 * anything that worked stop working, did the fix work, is the recovery getting slower. Pure.
 */

/** Drills whose result can be compared with: they ran to an end. */
const comparable: readonly DrillStatus[] = ['passed', 'failed'];

/**
 * The drill to compare `drill` with among `candidates` (views or summaries): the latest of the same
 * profile created before it that ran to an end (passed or failed; refused, running and interrupted
 * drills have no result to compare). Undefined when there is none.
 */
export function previousDrillOf<
  T extends { id: string; profileId: string; status: DrillStatus; createdAt: string },
>(drill: Pick<DrillView, 'id' | 'profileId' | 'createdAt'>, candidates: readonly T[]): T | undefined {
  const before = Date.parse(drill.createdAt);
  return candidates
    .filter(
      (c) =>
        c.id !== drill.id &&
        c.profileId === drill.profileId &&
        comparable.includes(c.status) &&
        Date.parse(c.createdAt) < before,
    )
    .reduce<T | undefined>(
      (latest, c) => (!latest || Date.parse(c.createdAt) > Date.parse(latest.createdAt) ? c : latest),
      undefined,
    );
}

/** The measured RTO of a workload result (the recorded one, else available − start). */
export function rtoSecondsOf(w: DrillWorkloadResult): number | undefined {
  if (w.rtoSeconds !== undefined && Number.isFinite(w.rtoSeconds)) return Math.round(w.rtoSeconds);
  if (!w.startedAt || !w.availableAt) return undefined;
  const ms = Date.parse(w.availableAt) - Date.parse(w.startedAt);
  return Number.isFinite(ms) ? Math.round(ms / 1000) : undefined;
}

/** From the drill's creation to its end, in ms. */
export function drillDurationMs(drill: Pick<DrillView, 'createdAt' | 'finishedAt'>): number | undefined {
  if (!drill.finishedAt) return undefined;
  const ms = Date.parse(drill.finishedAt) - Date.parse(drill.createdAt);
  return Number.isFinite(ms) ? Math.round(ms) : undefined;
}

/** `+2 min 5 s`, `−40 s`, `±0 s`: a change in time, its sign always written. */
export function formatDelta(ms: number): string {
  if (Math.round(ms / 1000) === 0 && Math.abs(ms) < 500) return '±0 s';
  return ms > 0 ? `+${formatDuration(ms)}` : formatDuration(ms);
}

function changeOf(
  now: DrillWorkloadResult | undefined,
  then: DrillWorkloadResult | undefined,
): DrillComparisonWorkload['change'] {
  if (!then) return 'added';
  if (!now) return 'removed';
  const done = (s: string) => s === 'passed' || s === 'failed';
  if (!done(now.status) || !done(then.status)) return 'not-finished';
  if (now.status === 'passed') return then.status === 'passed' ? 'still-passing' : 'fixed';
  return then.status === 'failed' ? 'still-failing' : 'newly-failing';
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * The comparison part of the drill report. `previous` is ignored (and the note says why) when it is not
 * an earlier drill of the same profile, so a wrong argument cannot produce a misleading comparison.
 */
export function compareDrills(
  drill: DrillView,
  previous: DrillView | undefined,
  verdictOf: (d: DrillView) => DrillVerdict,
): DrillComparison {
  const none = (note: string): DrillComparison => ({
    note,
    workloads: [],
    fixed: [],
    newlyFailing: [],
    added: [],
    removed: [],
  });
  if (!previous)
    return none(
      `This is the first drill of profile ${drill.profileName} to compare with: no earlier drill of it ran to an end.`,
    );
  if (previous.id === drill.id)
    return none('The drill given as the previous one is this drill itself: nothing to compare with.');
  if (previous.profileId !== drill.profileId)
    return none(
      `The drill given as the previous one (${previous.id}) is of another profile (${previous.profileName}): nothing to compare with.`,
    );
  if (!(Date.parse(previous.createdAt) < Date.parse(drill.createdAt)))
    return none(
      `The drill given as the previous one (${previous.id}) did not start before this one: nothing to compare with.`,
    );

  const thenById = new Map(previous.workloads.map((w) => [w.workloadId, w]));
  const nowIds = new Set(drill.workloads.map((w) => w.workloadId));
  const rows: DrillComparisonWorkload[] = [
    ...drill.workloads.map((w) => row(w, thenById.get(w.workloadId))),
    ...previous.workloads.filter((w) => !nowIds.has(w.workloadId)).map((w) => row(undefined, w)),
  ];
  const names = (change: DrillComparisonWorkload['change']) =>
    rows.filter((r) => r.change === change).map((r) => r.name);
  const nowMs = drillDurationMs(drill);
  const thenMs = drillDurationMs(previous);
  const durationDeltaMs = nowMs !== undefined && thenMs !== undefined ? nowMs - thenMs : undefined;
  const fixed = names('fixed');
  const newlyFailing = names('newly-failing');
  const added = names('added');
  const removed = names('removed');

  const parts: string[] = [];
  if (newlyFailing.length > 0)
    parts.push(`${plural(newlyFailing.length, 'workload')} newly failing (${newlyFailing.join(', ')})`);
  if (fixed.length > 0) parts.push(`${plural(fixed.length, 'workload')} fixed (${fixed.join(', ')})`);
  if (added.length > 0)
    parts.push(`${plural(added.length, 'workload')} added to the drill (${added.join(', ')})`);
  if (removed.length > 0)
    parts.push(`${plural(removed.length, 'workload')} no longer drilled (${removed.join(', ')})`);
  const slower = rows.filter((r) => (r.rtoDeltaSeconds ?? 0) > 0).length;
  const faster = rows.filter((r) => (r.rtoDeltaSeconds ?? 0) < 0).length;
  if (slower + faster > 0) parts.push(`RTO slower for ${slower}, faster for ${faster}`);
  const since = `Since drill ${previous.id} (${verdictOf(previous)})`;
  const note =
    parts.length > 0
      ? `${since}: ${parts.join('; ')}.`
      : `${since}: the same workloads with the same results.`;

  return {
    previous: {
      id: previous.id,
      status: previous.status,
      verdict: verdictOf(previous),
      operator: previous.operator,
      createdAt: new Date(Date.parse(previous.createdAt)).toISOString(),
      ...(previous.finishedAt && Number.isFinite(Date.parse(previous.finishedAt))
        ? { finishedAt: new Date(Date.parse(previous.finishedAt)).toISOString() }
        : {}),
      ...(thenMs !== undefined ? { durationMs: thenMs } : {}),
      passed: previous.workloads.filter((w) => w.status === 'passed').length,
      failed: previous.workloads.filter((w) => w.status === 'failed').length,
      differences: previous.inventory.differences.length,
    },
    note,
    workloads: rows,
    fixed,
    newlyFailing,
    added,
    removed,
    ...(durationDeltaMs !== undefined
      ? { durationDeltaMs, durationDeltaText: formatDelta(durationDeltaMs) }
      : {}),
  };
}

function row(
  now: DrillWorkloadResult | undefined,
  then: DrillWorkloadResult | undefined,
): DrillComparisonWorkload {
  const w = (now ?? then)!;
  const rtoNow = now && rtoSecondsOf(now);
  const rtoThen = then && rtoSecondsOf(then);
  const delta = rtoNow !== undefined && rtoThen !== undefined ? rtoNow - rtoThen : undefined;
  return {
    workloadId: w.workloadId,
    name: w.name,
    ...(now ? { now: now.status } : {}),
    ...(then ? { then: then.status } : {}),
    change: changeOf(now, then),
    ...(rtoNow !== undefined ? { rtoNowSeconds: rtoNow } : {}),
    ...(rtoThen !== undefined ? { rtoThenSeconds: rtoThen } : {}),
    ...(delta !== undefined ? { rtoDeltaSeconds: delta, rtoDeltaText: formatDelta(delta * 1000) } : {}),
  };
}
