import type { RestoredWorkload } from '../report/restore-outcome.js';

/**
 * A drilled workload's recovery times. RTO: from the moment its DR started (the first step of its run)
 * to the restore being available. RPO: the restored snapshot's age when the restore started. Trilio
 * writes times without a zone; they are UTC.
 */
export function drillTimes(
  startedAt: string | undefined,
  row: Pick<RestoredWorkload, 'availableAt' | 'snapshotCreatedAt' | 'restoreStartedAt'> | undefined,
): { rtoSeconds?: number; rpoSeconds?: number } {
  const at = (t: string | undefined) => {
    if (!t) return undefined;
    const ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(t) ? t : `${t}Z`);
    return Number.isFinite(ms) ? ms : undefined;
  };
  const start = at(startedAt);
  const available = at(row?.availableAt);
  const snapshot = at(row?.snapshotCreatedAt);
  const restoreStart = at(row?.restoreStartedAt) ?? start;
  return {
    ...(start !== undefined && available !== undefined
      ? { rtoSeconds: Math.max(0, (available - start) / 1000) }
      : {}),
    ...(snapshot !== undefined && restoreStart !== undefined
      ? { rpoSeconds: Math.max(0, (restoreStart - snapshot) / 1000) }
      : {}),
  };
}

/** Keystone's 64-character limit, and names that say what they are (drill-inventory.ts has the rule). */
export function drillIdOf(now: Date, random: string): string {
  return `${now.toISOString().slice(0, 10).replaceAll('-', '')}-${random.slice(0, 6)}`;
}
