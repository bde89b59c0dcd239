import { badRequest, isRecord } from './http-kit.js';

/**
 * Restores made to fail (`POST /_lab/restore-failures {"workloadId", "reason", "count"?}`): the next
 * `count` (default 1) restores of that workload are accepted as usual (202, `restoring`), run their
 * network step (`executing`) and then end in `error` with `error_msg` "Failed restoring snapshot:
 * <reason>", nothing left in Nova or Cinder, the workload and snapshot released — what a restore
 * failing on the datamover looks like. A restore takes its failure when it starts; `DELETE
 * /_lab/restore-failures` clears them (so does `_lab/reset`). Kept in memory only, like faults.
 */

export interface RestoreFailureSpec {
  workloadId: string;
  reason: string;
  /** Restores of the workload still to fail. */
  remaining: number;
}

export class RestoreFailures {
  private active: RestoreFailureSpec[] = [];

  add(value: unknown): RestoreFailureSpec {
    if (!isRecord(value)) throw badRequest('A restore failure is an object {workloadId, reason, count?}.');
    const { workloadId, reason, count } = value;
    if (typeof workloadId !== 'string' || workloadId === '')
      throw badRequest('workloadId (a string) is required.');
    if (typeof reason !== 'string' || reason.trim() === '')
      throw badRequest('reason (a string) is required.');
    if (count !== undefined && (typeof count !== 'number' || !Number.isInteger(count) || count < 1))
      throw badRequest('count must be a positive integer.');
    const spec: RestoreFailureSpec = { workloadId, reason, remaining: count ?? 1 };
    this.active.push(spec);
    return { ...spec };
  }

  clear(): number {
    const n = this.active.length;
    this.active = [];
    return n;
  }

  list(): RestoreFailureSpec[] {
    return this.active.map((f) => ({ ...f }));
  }

  /** The reason a starting restore of this workload must fail with, counted down; undefined when none. */
  take(workloadId: string): string | undefined {
    const spec = this.active.find((f) => f.workloadId === workloadId);
    if (!spec) return undefined;
    spec.remaining -= 1;
    if (spec.remaining <= 0) this.active = this.active.filter((f) => f !== spec);
    return spec.reason;
  }
}
