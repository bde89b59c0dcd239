import { describe, expect, it } from 'vitest';
import { fanOut, retryFailed } from '../../../electron/core/ssh/fan-out.js';
import { fail, ok } from '../../../shared/result.js';

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('fanOut', () => {
  it('never runs more than `concurrency` tasks at once and keeps host order', async () => {
    let running = 0;
    let peak = 0;
    const hosts = Array.from({ length: 20 }, (_, i) => `h${i}`);
    const out = await fanOut(
      hosts,
      async (h) => {
        running++;
        peak = Math.max(peak, running);
        await tick();
        running--;
        return ok(h.toUpperCase());
      },
      { concurrency: 4 },
    );
    expect(peak).toBe(4);
    expect(out.map((o) => o.ok && o.value)).toEqual(hosts.map((h) => h.toUpperCase()));
  });

  it('reports a failing or throwing host without stopping the others', async () => {
    const out = await fanOut(
      ['a', 'b', 'c'],
      async (h) => {
        if (h === 'a') throw new Error('boom');
        if (h === 'b') return fail({ code: 'ssh-command', message: 'nope', host: h });
        return ok(1);
      },
      { concurrency: 1 },
    );
    expect(out.map((o) => (o.ok ? 'ok' : o.error.code))).toEqual(['internal', 'ssh-command', 'ok']);
  });

  it('marks hosts not yet started as cancelled when the signal aborts', async () => {
    const controller = new AbortController();
    const out = await fanOut(
      ['a', 'b', 'c'],
      async (h) => {
        if (h === 'a') controller.abort();
        return ok(h);
      },
      { concurrency: 1, signal: controller.signal },
    );
    expect(out.map((o) => (o.ok ? 'ok' : o.error.code))).toEqual(['ok', 'cancelled', 'cancelled']);
  });
});

describe('retryFailed', () => {
  it('re-runs only the failed hosts and keeps the successful outcomes as they were', async () => {
    const calls: string[] = [];
    const first = await fanOut(
      ['a', 'b', 'c'],
      async (h) => (h === 'b' ? fail({ code: 'ssh-connect', message: 'down' }) : ok(h)),
      {
        concurrency: 2,
      },
    );
    const second = await retryFailed(
      first,
      async (h) => {
        calls.push(h);
        return ok(`${h}!`);
      },
      { concurrency: 2 },
    );
    expect(calls).toEqual(['b']);
    expect(second[0]).toBe(first[0]);
    expect(second.map((o) => o.ok && o.value)).toEqual(['a', 'b!', 'c']);
  });
});
