import type { AppError, Result } from '../../../shared/result.js';

/** The outcome of a task on one host. */
export type HostOutcome<T> =
  | { host: string; ok: true; value: T; durationMs: number }
  | { host: string; ok: false; error: AppError; durationMs: number };

export interface FanOutOptions {
  /** Hosts worked on at once (profile setting `ssh.concurrency`). */
  concurrency: number;
  /** Hosts not started yet when this aborts end as `cancelled`; running tasks get the signal. */
  signal?: AbortSignal;
}

/** A per-host task; it gets the fan-out's signal and must return errors as values. */
export type HostTask<T> = (host: string, signal: AbortSignal | undefined) => Promise<Result<T>>;

/**
 * Runs `task` on every host with at most `concurrency` at once. One host failing never stops the
 * others; every host gets an outcome, in the order of `hosts`. A task that throws is reported as an
 * `internal` error of that host.
 */
export async function fanOut<T>(
  hosts: readonly string[],
  task: HostTask<T>,
  options: FanOutOptions,
): Promise<HostOutcome<T>[]> {
  const outcomes: HostOutcome<T>[] = new Array(hosts.length);
  let next = 0;
  const worker = async () => {
    while (next < hosts.length) {
      const index = next++;
      const host = hosts[index] as string;
      outcomes[index] = await runOne(host, task, options.signal);
    }
  };
  const width = Math.max(1, Math.min(options.concurrency, hosts.length));
  await Promise.all(Array.from({ length: width }, worker));
  return outcomes;
}

/**
 * "Retry failed hosts only": runs `task` again on the hosts that failed in `previous` and returns the
 * merged outcomes (successful hosts keep their earlier outcome and are not touched).
 */
export async function retryFailed<T>(
  previous: readonly HostOutcome<T>[],
  task: HostTask<T>,
  options: FanOutOptions,
): Promise<HostOutcome<T>[]> {
  const failed = previous.filter((o) => !o.ok).map((o) => o.host);
  const retried = await fanOut(failed, task, options);
  const byHost = new Map(retried.map((o) => [o.host, o]));
  return previous.map((o) => byHost.get(o.host) ?? o);
}

async function runOne<T>(
  host: string,
  task: HostTask<T>,
  signal: AbortSignal | undefined,
): Promise<HostOutcome<T>> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  if (signal?.aborted)
    return {
      host,
      ok: false,
      error: { code: 'cancelled', message: `${host}: cancelled before it started.`, host },
      durationMs: 0,
    };
  try {
    const r = await task(host, signal);
    return r.ok
      ? { host, ok: true, value: r.value, durationMs: elapsed() }
      : { host, ok: false, error: r.error, durationMs: elapsed() };
  } catch (err) {
    return {
      host,
      ok: false,
      error: { code: 'internal', message: `${host}: ${(err as Error).message ?? String(err)}`, host },
      durationMs: elapsed(),
    };
  }
}
