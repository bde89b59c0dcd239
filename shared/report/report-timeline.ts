import type { Profile } from '../profile/profile.js';
import { stepKeys, type StepKey } from '../run/plan-types.js';
import type { ReportChange, ReportHost, TimelineEntry } from './report-schema.js';
import type { LoggedApiCall, LoggedCommand } from './run-log.js';

/**
 * One bar per step × host: first command start to last command end of the step's EXECUTION; API
 * requests on host ''. Planning (discovery before a step runs, possibly long before in the wizard) is
 * left out so a bar shows the time the step acted. Logs without phase lines fall back to the step's
 * execution start (`executionStart`, its last attempt).
 */
export function timelineOf(
  commands: LoggedCommand[],
  apiCalls: LoggedApiCall[],
  executionStart: ReadonlyMap<string, number> = new Map(),
): TimelineEntry[] {
  const executing = (c: { step: string; phase?: 'plan' | 'execute'; startTs: number }) =>
    c.phase === 'execute' ||
    (c.phase === undefined && c.startTs >= (executionStart.get(c.step) ?? Number.POSITIVE_INFINITY));
  const bars = new Map<
    string,
    { step: StepKey; host: string; start: number; end: number; n: number; failed: number }
  >();
  const add = (step: string, host: string, start: number, end: number, failed: boolean) => {
    if (!isStepKey(step)) return;
    const key = `${step}\u0000${host}`;
    const bar = bars.get(key) ?? { step, host, start, end, n: 0, failed: 0 };
    bar.start = Math.min(bar.start, start);
    bar.end = Math.max(bar.end, end);
    bar.n += 1;
    if (failed) bar.failed += 1;
    bars.set(key, bar);
  };
  for (const c of commands.filter(executing)) add(c.step, c.host, c.startTs, c.endTs ?? c.startTs, !c.ok);
  for (const c of apiCalls.filter(executing)) add(c.step, '', c.startTs, c.endTs, !c.ok);
  return [...bars.values()]
    .sort((a, b) => a.start - b.start || a.host.localeCompare(b.host))
    .map((b) => ({
      step: b.step,
      host: b.host,
      start: new Date(b.start).toISOString(),
      end: new Date(b.end).toISOString(),
      commands: b.n,
      failed: b.failed,
    }));
}

const knownSteps = new Set<string>(stepKeys);
function isStepKey(value: string): value is StepKey {
  return knownSteps.has(value);
}

/** Hosts the run touched: where commands ran or changes were recorded, in profile order. */
export function hostsOf(profile: Profile, commands: LoggedCommand[], changes: ReportChange[]): ReportHost[] {
  // Host '' is the wizard itself (API requests), not a host of the environment.
  const touched = new Set(
    [...commands.map((c) => c.host), ...changes.map((c) => c.host)].filter((h) => h !== ''),
  );
  const order = [
    ...profile.hosts.map((h) => h.name).filter((n) => touched.has(n)),
    ...[...touched].filter((n) => !profile.hosts.some((h) => h.name === n)).sort(),
  ];
  return order.map((name) => {
    const config = profile.hosts.find((h) => h.name === name);
    const mine = commands.filter((c) => c.host === name);
    const stamps = mine.flatMap((c) => [c.startTs, c.endTs ?? c.startTs]);
    const steps = [
      ...new Set([...mine.map((c) => c.step), ...changes.filter((c) => c.host === name).map((c) => c.step)]),
    ];
    return {
      name,
      ...(config ? { role: config.role, address: config.address } : {}),
      steps: steps.filter(isStepKey),
      commands: mine.length,
      failedCommands: mine.filter((c) => !c.ok).length,
      changes: changes.filter((c) => c.host === name).length,
      ...(stamps.length > 0
        ? {
            firstAt: new Date(Math.min(...stamps)).toISOString(),
            lastAt: new Date(Math.max(...stamps)).toISOString(),
          }
        : {}),
    };
  });
}
