import { describe, expect, it } from 'vitest';
import type { LogRecord } from '../../../shared/contract.js';
import { drillPhaseKeys } from '../../../shared/drill/drill-types.js';
import {
  drillPhases,
  drillRunIds,
  drillVerdict,
  failedStepTitle,
  formatSeconds,
  parseWorkloadIds,
  resourceSummary,
} from '../../../renderer/src/lib/drill/drill-display.js';
import { mergeByTime, mergeRuns } from '../../../renderer/src/lib/drill/drill-log.js';

const facts = { status: 'passed' as const, workloads: 1, passed: 1, failed: 0, differences: 0 };

describe('drill verdict', () => {
  it('passed: restored and verified, and "no trace" only once the after inventory proved it', () => {
    expect(drillVerdict({ ...facts, proved: true })).toEqual({
      key: 'passed',
      label: 'passed',
      sentence:
        'Passed: the workload was restored and verified. Everything it made was removed: no trace left.',
    });
    expect(drillVerdict({ ...facts, workloads: 3, passed: 3 }).sentence).toBe(
      'Passed: all 3 workloads were restored and verified.',
    );
  });

  it('failed: names how many workloads failed; a drill-level failure says so', () => {
    const v = drillVerdict({
      status: 'failed',
      workloads: 2,
      passed: 1,
      failed: 1,
      differences: 0,
      proved: true,
    });
    expect(v.key).toBe('failed');
    expect(v.sentence).toBe(
      'Failed: 1 of 2 workloads failed. Everything it made was removed: no trace left.',
    );
    expect(
      drillVerdict({ status: 'failed', workloads: 0, passed: 0, failed: 0, differences: 0 }).sentence,
    ).toBe('Failed: the drill stopped with an error.');
    // A failed workload makes the drill fail even if the record's status lags behind.
    expect(drillVerdict({ ...facts, passed: 0, failed: 1 }).key).toBe('failed');
  });

  it('left traces outranks a failed workload and counts the differences', () => {
    const v = drillVerdict({
      status: 'failed',
      workloads: 2,
      passed: 1,
      failed: 1,
      differences: 3,
      proved: true,
    });
    expect(v).toEqual({
      key: 'left-traces',
      label: 'left traces',
      sentence:
        'Left traces: 3 differences between the inventories before and after the drill; 1 of 2 workloads failed.',
    });
    expect(drillVerdict({ ...facts, differences: 1 }).sentence).toBe(
      'Left traces: 1 difference between the inventories before and after the drill.',
    );
  });

  it('running, refused and interrupted read as such', () => {
    expect(drillVerdict({ ...facts, status: 'running', workloads: 4, passed: 1, failed: 1 }).sentence).toBe(
      'Running: 2 of 4 workloads done.',
    );
    expect(drillVerdict({ ...facts, status: 'refused' }).key).toBe('refused');
    expect(drillVerdict({ ...facts, status: 'interrupted' }).sentence).toMatch(
      /Resume it to finish the tear-down/,
    );
  });
});

describe('drill display helpers', () => {
  it('lists every phase in order, pending where the record has none yet', () => {
    const phases = drillPhases({
      phases: [
        { key: 'inventory-before', status: 'succeeded', detail: '6 hosts, 2 clouds' },
        { key: 'checks', status: 'succeeded' },
        { key: 'isolate', status: 'running' },
      ],
    });
    expect(phases.map((p) => p.key)).toEqual([...drillPhaseKeys]);
    expect(phases.map((p) => p.status)).toEqual([
      'succeeded',
      'succeeded',
      'running',
      'pending',
      'pending',
      'pending',
    ]);
    expect(phases[1]).toMatchObject({ title: 'Inventory before', detail: '6 hosts, 2 clouds' });
  });

  it('words RTO/RPO seconds, resources and the failed step', () => {
    expect(formatSeconds(125)).toBe('2 min 05 s');
    expect(formatSeconds(2 * 86_400 - 60)).toBe('47 h 59 min');
    expect(formatSeconds(2 * 86_400)).toBe('2 d 00 h');
    expect(formatSeconds(15_371 * 3600 + 46 * 60)).toBe('640 d 11 h');
    expect(formatSeconds(undefined)).toBe('—');
    expect(formatSeconds(-1)).toBe('—');
    expect(
      resourceSummary({
        resources: [
          { kind: 'instance', id: 'i1', name: 'web-1', listed: true, removed: true },
          { kind: 'volume', id: 'v1', name: 'data', listed: true, removed: false },
        ],
      }),
    ).toBe('2 listed, 1 removed of 2');
    expect(resourceSummary({ resources: [] })).toBe('—');
    expect(failedStepTitle('restore')).toBe('Restore');
    expect(failedStepTitle(undefined)).toBe('');
  });

  it("takes the drill's own id and each workload run's, once", () => {
    const workload = (runId?: string) => ({ runId }) as never;
    expect(
      drillRunIds({ id: 'd1', workloads: [workload('r1'), workload(), workload('r2'), workload('r1')] }),
    ).toEqual(['d1', 'r1', 'r2']);
  });

  it('reads typed workload ids separated by lines, commas or spaces, each once', () => {
    expect(parseWorkloadIds(' a1,b2\n\nc3 ; a1  d4 ')).toEqual(['a1', 'b2', 'c3', 'd4']);
    expect(parseWorkloadIds('  \n ')).toEqual([]);
  });
});

describe('drill log merge', () => {
  const line = (runId: string, ts: number, text = `${runId}@${ts}`): LogRecord => ({
    runId,
    step: 'restore',
    host: '',
    stream: 'info',
    ts,
    text,
  });

  it("merges runs' lines in time order; equal times keep the earlier list first", () => {
    const drill = [line('d1', 1), line('d1', 5), line('d1', 9)];
    const run = [line('r1', 2), line('r1', 5), line('r1', 10)];
    expect(mergeByTime(drill, run).map((r) => r.text)).toEqual([
      'd1@1',
      'r1@2',
      'd1@5',
      'r1@5',
      'd1@9',
      'r1@10',
    ]);
    expect(mergeRuns([drill, [], run]).map((r) => r.text)).toEqual(
      mergeByTime(drill, run).map((r) => r.text),
    );
    expect(mergeByTime([], run)).toEqual(run);
  });
});
