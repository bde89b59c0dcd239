import { describe, expect, it } from 'vitest';
import { rowsOf, type Measured } from '../../../bench/scale-bench.js';

/** The scale part's rows from its measurements: verdicts from the figures, every figure in the note. */

const restores = (ms: number[]) =>
  ms.map((actualMs, i) => ({ restoreId: `r${i}`, drawnMs: actualMs, actualMs, status: 'available' }));

function measured(restoreStepMs: number, serialMs: number): Measured {
  return {
    shape: { projects: 2, workloadsPerProject: 2, vmsPerWorkload: 4, snapshots: 10 },
    load: {
      seed: 1,
      maxConcurrentRestores: 2,
      busyStatus: 503,
      retryAfterSeconds: 1,
      restoreMs: { median: 1000, sigma: 0.4 },
      slowCallRate: 0.02,
      slowCallMs: 300,
    },
    concurrency: 3,
    workloads: 4,
    run: {
      code: 0,
      stdout: '',
      stderr: '',
      ms: 60_000,
      peakRssKiB: 204_800,
      marks: [
        { ms: 1000, step: 'Restore', status: 'planned' },
        { ms: 5000, step: 'Restore', status: 'succeeded' },
      ],
    },
    report: {
      steps: [{ key: 'restore', status: 'succeeded', durationMs: restoreStepMs }],
      workloads: [1, 2, 3, 4].map((s) => ({
        status: 'available',
        rtoFromRunStartMs: s * 10_000,
        rtoFromStepStartMs: s * 1000,
      })),
    },
    loadReport: { refusals: 7, slowCalls: 3, peakRunning: 2, restores: restores([1000, 2000, 3000, 4000]) },
    serial: { totalMs: serialMs, restoreMs: [1, 2, 3, 4], failed: [] },
    serialLoad: { refusals: 0, slowCalls: 1, peakRunning: 1, restores: restores([1000, 2000, 3000, 4000]) },
    storeBytes: 3 * 1024 * 1024,
    setupS: 12,
    world: { identity: 2, files: 3, sync: 4 },
    revertMs: 1000,
    cleanupMs: 2000,
  };
}

describe('scale rows', () => {
  it('judges the restore step against waves of K and the serial runbook', () => {
    // Waves of 2 over 4000, 3000 | 2000, 1000: 4000 + 2000 = 6000 ms.
    const [bound, serial] = rowsOf(measured(7000, 40_000));
    expect(bound).toMatchObject({ peer: '6.00 s (1 round)', ratio: '1.17×', met: true });
    expect(serial).toMatchObject({ peer: '40.0 s (1 round)', ratio: '5.71× faster', met: true });
    expect(bound!.note).toContain('refused 7 restore requests as busy');
    expect(bound!.note).toContain('peak RSS 200 MiB');
    expect(bound!.note).toContain('p50 2.00 s, p95 4.00 s, max 4.00 s');
    expect(bound!.note).toContain('Restore succeeded: planned in 1.00 s, ran 4.00 s');
    // 10 s of restores in 7 s; 3 workers over 4 workloads: 5.25 s each against a 2.5 s mean restore.
    expect(bound!.note).toContain('2 slots were busy 1.4 on average');
    expect(bound!.note).toContain('each of the 3 workers spent 5.25 s per workload against 2.50 s of restore, so 2.75 s');
    const [slow, notFaster] = rowsOf(measured(9000, 40_000));
    expect(slow!.met).toBe(false);
    expect(notFaster!.met).toBe(false);
  });
});
