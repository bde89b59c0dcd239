import { describe, expect, it } from 'vitest';
import type { Api } from '../../../shared/contract.js';
import { ok } from '../../../shared/result.js';
import type { StepPlan } from '../../../shared/run/plan-types.js';
import type { RunView } from '../../../shared/run/run-types.js';
import { RunSession } from '../../../renderer/src/lib/run/run-session.svelte.js';

/** Clean-up of a single-workload run deletes the run's workload copy: the wizard asks once, first. */
const plan: StepPlan = {
  step: 'cleanup',
  title: 'Clean up',
  summary: 'Delete 1 workload record(s), …',
  actions: [
    {
      kind: 'remote',
      id: 'remove-copy:tvm-1',
      host: 'tvm-1',
      argv: ['sh', '-c', 'rm', 'trilio-dr-remove-copy', '/b1/workload_w1', '/b1/.x'],
      privileged: true,
      description: 'Remove the workload copy /b1/workload_w1',
      destructive: 'the workload folder /b1/workload_w1 that this run copied to the target share',
    },
  ],
  verify: [],
  warnings: [],
};

const run: RunView = {
  id: 'run-1',
  profileId: 'p1',
  kind: 'single',
  status: 'waiting',
  params: {
    kind: 'single',
    workloadId: 'w1',
    targetProject: 'finance-dr',
    trusteeUser: '',
    snapshot: 'latest',
    restore: null,
    notifyOnly: false,
    removeMountsOnCleanup: false,
  },
  steps: [{ key: 'cleanup', status: 'planned', plan, attempts: 0 }],
  changes: [],
  createdAt: '2026-12-07T00:00:00Z',
  operator: 'test',
};

function session(answer: boolean) {
  const executed: unknown[] = [];
  const asked: string[] = [];
  const api = {
    call: (name: string, args: unknown) => {
      if (name === 'runs.execute') executed.push(args);
      return Promise.resolve(name === 'runs.get' ? ok(run) : ok(run.steps[0]));
    },
  } as unknown as Pick<Api, 'call'>;
  const s = new RunSession(api, run, (request) => {
    asked.push(request.message);
    return Promise.resolve(answer);
  });
  return { s, executed, asked };
}

describe('RunSession.execute of a plan that deletes data', () => {
  it('asks once, then sends the confirmed action ids', async () => {
    const { s, executed, asked } = session(true);
    expect(await s.execute('cleanup')).toBe(true);
    expect(asked).toHaveLength(1);
    expect(asked[0]).toContain('/b1/workload_w1');
    expect(executed).toEqual([{ runId: 'run-1', step: 'cleanup', confirmed: ['remove-copy:tvm-1'] }]);
  });

  it('runs nothing when the answer is no', async () => {
    const { s, executed } = session(false);
    expect(await s.execute('cleanup')).toBe(false);
    expect(executed).toEqual([]);
    expect(s.notices.cleanup).toContain('not confirmed');
  });
});
