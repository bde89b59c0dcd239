import type { AppError } from '../result.js';

/**
 * When Trilio answers a restore request with "busy" (HTTP 429, or 503 from workloadmgr's haproxy when
 * no API worker can take it), nothing says the appliance will stay busy: the request is sent again
 * after a wait. This module only decides how long to wait and when to stop; the step makes sure the
 * refused request started nothing before it sends it again (a POST is not idempotent).
 */

export interface BusyPolicy {
  /** Longest single wait accepted from `Retry-After`; a longer one is cut to this. */
  retryAfterCapMs: number;
  /** Without `Retry-After`: the first wait, doubled per refusal (with jitter) up to `maxBackoffMs`. */
  baseMs: number;
  maxBackoffMs: number;
  /** How long one restore request may keep being refused before the step gives up on it. */
  giveUpAfterMs: number;
}

/**
 * Defaults for a real appliance: restores take minutes, so waiting up to 30 min in all for a free
 * slot is cheaper than failing a workload of a DR; a minute at most per wait keeps the run lively.
 */
export const defaultBusyPolicy: BusyPolicy = {
  retryAfterCapMs: 60_000,
  baseMs: 2_000,
  maxBackoffMs: 30_000,
  giveUpAfterMs: 30 * 60_000,
};

/** Trilio refused because it is busy (429, or 503): the request may be sent again after a wait. */
export function isBusyRefusal(error: AppError): boolean {
  return error.code === 'http' && (error.httpStatus === 429 || error.httpStatus === 503);
}

export type BusyDecision =
  { kind: 'wait'; ms: number; because: string } | { kind: 'give-up'; because: string };

/**
 * The wait before the `refusals`-th resend (1 for the first). `Retry-After` is honoured (never sooner),
 * plus up to 20 % so that the workers refused together do not all come back in the same instant;
 * without it, exponential backoff with jitter (half fixed, half random). Gives up when the next wait
 * would pass `giveUpAfterMs` since the first refusal.
 */
export function busyDecision(
  input: { refusals: number; retryAfterSeconds?: number | undefined; waitedMs: number; random: () => number },
  policy: BusyPolicy = defaultBusyPolicy,
): BusyDecision {
  const { refusals, retryAfterSeconds, waitedMs, random } = input;
  let ms: number;
  let because: string;
  if (retryAfterSeconds !== undefined) {
    const asked = retryAfterSeconds * 1000;
    ms = Math.min(policy.retryAfterCapMs, asked * (1 + 0.2 * random()));
    because =
      asked > policy.retryAfterCapMs
        ? `Trilio asked to retry after ${retryAfterSeconds} s; waiting at most ${formatMs(policy.retryAfterCapMs)}`
        : `Trilio asked to retry after ${retryAfterSeconds} s`;
  } else {
    const exponential = Math.min(policy.maxBackoffMs, policy.baseMs * 2 ** Math.max(0, refusals - 1));
    ms = exponential / 2 + random() * (exponential / 2);
    because = 'Trilio gave no Retry-After; backing off';
  }
  ms = Math.max(0, Math.round(ms));
  if (waitedMs + ms > policy.giveUpAfterMs)
    return {
      kind: 'give-up',
      because: `refused as busy ${refusals} time(s) over ${formatMs(waitedMs)}; the limit is ${formatMs(policy.giveUpAfterMs)}`,
    };
  return { kind: 'wait', ms, because };
}

/** `1.5 s`, `2 min 5 s`. */
export function formatMs(ms: number): string {
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(1))} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return seconds ? `${minutes} min ${seconds} s` : `${minutes} min`;
}
