import { describe, expect, it } from 'vitest';
import type { TrilioRestore } from '../../../electron/core/clients/trilio-types.js';
import { postUnlessBusy, type BusyRestoreDeps } from '../../../electron/core/dr/steps/restore-busy.js';
import { fail, ok, type AppError, type Result } from '../../../shared/result.js';

/**
 * The restore step's answer to a busy Trilio: wait, check that the refused POST started nothing of the
 * run's, send again; follow a restore the refused call started; stop on cancel; give up with an error
 * naming the appliance. Fakes stand for Trilio (pure control flow; the lab test drives the emulator).
 */

const url = 'POST http://trilio-b.lab:8780/v1/p1/snapshots/s1';
const busy = (status: number, retryAfterSeconds?: number): AppError => ({
  code: 'http',
  message: `Trilio answered ${url} with HTTP ${status}: No server is available to handle this request.`,
  request: url,
  httpStatus: status,
  ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
});
const restore = (id: string, status = 'restoring', created_at = '2026-12-07T10:00:00'): TrilioRestore =>
  ({ id, status, created_at }) as TrilioRestore;

function world(answers: Result<TrilioRestore>[], listings: Result<TrilioRestore[]>[] = []) {
  const log: string[] = [];
  const sleeps: number[] = [];
  let clock = 0;
  let posts = 0;
  let lists = 0;
  const controller = new AbortController();
  const deps: BusyRestoreDeps = {
    post: async () => {
      posts += 1;
      return answers.shift() ?? ok(restore('late'));
    },
    ours: async () => {
      lists += 1;
      return listings.shift() ?? ok([]);
    },
    listRequest: 'GET /restores/detail?snapshot_id=s1',
    snapshotId: 's1',
    log: (t) => log.push(t),
    signal: controller.signal,
    policy: { retryAfterCapMs: 60_000, baseMs: 1000, maxBackoffMs: 8000, giveUpAfterMs: 30_000 },
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
      return !controller.signal.aborted;
    },
    now: () => clock,
    random: () => 0,
  };
  return { deps, log, sleeps, controller, counts: () => ({ posts, lists }) };
}

describe('postUnlessBusy', () => {
  it('sends once when Trilio accepts, reading nothing more', async () => {
    const w = world([ok(restore('r1'))]);
    const got = await postUnlessBusy(w.deps, new Set());
    expect(got).toEqual(ok({ kind: 'started', restore: restore('r1'), refusals: 0 }));
    expect(w.counts()).toEqual({ posts: 1, lists: 0 });
  });

  it('waits Retry-After after a 429, checks nothing was started, then sends again', async () => {
    const w = world(
      [fail(busy(429, 3)), fail(busy(503)), ok(restore('r2'))],
      [ok([]), ok([restore('old', 'error')])],
    );
    const got = await postUnlessBusy(w.deps, new Set(['old']));
    expect(got.ok && got.value).toEqual({ kind: 'started', restore: restore('r2'), refusals: 2 });
    expect(w.counts()).toEqual({ posts: 3, lists: 2 });
    expect(w.sleeps).toEqual([3000, 1000]);
    expect(w.log[0]).toBe(
      'Trilio is busy: it answered the restore request with HTTP 429 (“No server is available to handle this request.”) and started nothing (checked: GET /restores/detail?snapshot_id=s1). ' +
        'Sending it again in 3 s (Trilio asked to retry after 3 s; refusal 1, 0 s waited so far).',
    );
    expect(w.log[1]).toMatch(
      /HTTP 503 .*in 1 s \(Trilio gave no Retry-After; backing off; refusal 2, 3 s waited so far\)/,
    );
  });

  it('follows a restore the refused request started instead of sending it again', async () => {
    const w = world([fail(busy(503, 1))], [ok([restore('old', 'error'), restore('r3', 'restoring')])]);
    const got = await postUnlessBusy(w.deps, new Set(['old']));
    expect(got.ok && got.value).toEqual({ kind: 'adopted', restore: restore('r3'), refusals: 1 });
    expect(w.counts()).toEqual({ posts: 1, lists: 1 });
    expect(w.sleeps).toEqual([]);
    expect(w.log).toEqual([
      'Trilio answered HTTP 503 but started restore r3 (restoring) all the same: following it, not sending the request again.',
    ]);
  });

  it('does not send again when it cannot tell whether the refused request started one', async () => {
    const down: AppError = { code: 'http', message: 'Trilio answered GET … with HTTP 500.', httpStatus: 500 };
    const w = world([fail(busy(429, 1))], [fail(down)]);
    const got = await postUnlessBusy(w.deps, new Set());
    expect(got.ok).toBe(false);
    expect(!got.ok && got.error.message).toMatch(
      /refused .* as busy \(HTTP 429\).*could not be checked: Trilio answered GET/,
    );
    expect(!got.ok && got.error.hint).toMatch(/Not sent again/);
    expect(w.counts()).toEqual({ posts: 1, lists: 1 });
  });

  it('passes any other failure through unchanged, without waiting', async () => {
    const bad: AppError = { code: 'http', message: 'HTTP 400: bad restore.json', httpStatus: 400 };
    const w = world([fail(bad)]);
    expect(await postUnlessBusy(w.deps, new Set())).toEqual(fail(bad));
    expect(w.sleeps).toEqual([]);
  });

  it('gives up after the bound with the appliance, its answer and what to do', async () => {
    const w = world(Array.from({ length: 20 }, () => fail(busy(503, 10))));
    const got = await postUnlessBusy(w.deps, new Set());
    expect(w.sleeps).toEqual([10_000, 10_000, 10_000]);
    expect(got.ok).toBe(false);
    if (got.ok) return;
    expect(got.error).toMatchObject({
      code: 'http',
      host: 'trilio-b.lab:8780',
      request: url,
      httpStatus: 503,
    });
    expect(got.error.message).toBe(
      'Trilio at trilio-b.lab:8780 kept refusing the restore request of snapshot s1 as busy (refused as busy 4 time(s) over 30 s; the limit is 30 s). ' +
        'Its last answer: HTTP 503 (“No server is available to handle this request.”).',
    );
    expect(got.error.hint).toMatch(/Nothing was started.*--concurrency.*run the step again/);
  });

  it('stops waiting when the run is cancelled', async () => {
    const w = world([fail(busy(429, 5)), ok(restore('never'))]);
    w.deps.sleep = async () => {
      w.controller.abort();
      return false;
    };
    const got = await postUnlessBusy(w.deps, new Set());
    expect(!got.ok && got.error.code).toBe('cancelled');
    expect(!got.ok && got.error.message).toMatch(/refused it as busy 1 time/);
    expect(w.counts().posts).toBe(1);
  });
});
