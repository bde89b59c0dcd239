import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stepAbortController, stepListenerLimit } from '../../../electron/core/runs/step-abort.js';

/** Node's leak warnings are emitted on the next tick as 'warning' events of the process. */
let warnings: string[] = [];
const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
beforeEach(() => {
  warnings = [];
  process.on('warning', onWarning);
});
afterEach(() => {
  process.off('warning', onWarning);
});

const tick = () => new Promise((resolve) => setImmediate(resolve));
const profile = (concurrency: number) => ({
  ssh: { concurrency, connectTimeoutSec: 15, commandTimeoutSec: 900, keepaliveSec: 15 },
});

/** One 'abort' listener per command in flight, as ssh/exec.ts and connection.ts add them. */
function holdListeners(signal: AbortSignal, n: number): () => void {
  const listeners = Array.from({ length: n }, () => () => undefined);
  for (const l of listeners) signal.addEventListener('abort', l, { once: true });
  return () => listeners.forEach((l) => signal.removeEventListener('abort', l));
}

describe('a step’s abort signal', () => {
  it('warned on a plain AbortController at the default concurrency (the warning seen on every wide step)', async () => {
    holdListeners(new AbortController().signal, 20);
    await tick();
    expect(warnings.some((w) => w.startsWith('MaxListenersExceededWarning'))).toBe(true);
  });

  it('holds every host of the default concurrency with all its channels busy without a warning', async () => {
    const controller = stepAbortController(profile(20));
    const release = holdListeners(controller.signal, 20 * 8);
    await tick();
    expect(warnings).toEqual([]);
    release();
  });

  it('still warns when listeners pile up past what the step can hold (a real leak)', async () => {
    const controller = stepAbortController(profile(20));
    holdListeners(controller.signal, stepListenerLimit(20) + 1);
    await tick();
    expect(warnings.some((w) => w.startsWith('MaxListenersExceededWarning'))).toBe(true);
  });

  it('scales the limit with the profile’s concurrency', () => {
    expect(stepListenerLimit(200)).toBeGreaterThan(200 * 8);
    expect(stepListenerLimit(0)).toBe(stepListenerLimit(1));
  });
});
