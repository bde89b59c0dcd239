import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RemoteAction } from '../../../shared/run/plan-types.js';
import type { RunView } from '../../../shared/run/run-types.js';
import { copyStep } from '../../../electron/core/dr/steps/copy-step.js';
import { findStep } from '../../../electron/core/dr/steps/find-step.js';
import type { RunServices } from '../../../electron/core/dr/run-services.js';
import type { StepDefinition } from '../../../electron/core/runs/step-definition.js';
import { runOnHost } from '../../lab/hosts/index.js';
import type { LabJson, LabWorkload } from '../../lab/lab-json.js';
import { readLabJson } from '../../lab/lab.js';
import { must } from '../remote/clients/support/lab-clouds.js';
import { resetDrWorld } from './support/dr-cli.js';
import { apiRunWorld, type ApiRunWorld } from './support/api-run-world.js';

/**
 * A kill between the copy's rename into place and the step's record of it (found by the crash-point
 * suite, points 15 and 16 of 50): planned again on resume, the step saw the target "already there and
 * identical" and skipped both the record of the copy and the ownership. Here the process's death is
 * reproduced exactly: the copy is planned, its command runs on the appliance, and nothing is recorded;
 * then the step is planned and executed again, as `resume` does.
 */
let lab: LabJson;
let world: ApiRunWorld;
let workload: LabWorkload;

beforeAll(async () => {
  lab = await readLabJson();
  workload = lab.workloads.find((w) => w.name === 'fin-web') ?? lab.workloads[0]!;
  await resetDrWorld(lab);
  world = await apiRunWorld({
    find: findStep as StepDefinition<unknown, RunServices>,
    copy: copyStep as StepDefinition<unknown, RunServices>,
  });
}, 300_000);

afterAll(() => resetDrWorld(lab), 300_000);

/** A new single-workload run with pre-flight (a stand-in) and the real Find done. */
async function runToCopy(): Promise<string> {
  const run = must(
    world.engine.create(world.profile.id, {
      kind: 'single',
      workloadId: workload.id,
      targetProject: workload.targetProject,
      trusteeUser: '',
      snapshot: 'latest',
      restore: null,
      notifyOnly: false,
      removeMountsOnCleanup: false,
    }),
  );
  must(await world.engine.execute(run.id, 'preflight'));
  must(await world.engine.execute(run.id, 'find'));
  return run.id;
}

async function runUpToCopyPlan(): Promise<{ runId: string; copy: RemoteAction }> {
  const runId = await runToCopy();
  const planned = must(await world.engine.plan(runId, 'copy'));
  const copy = planned.plan!.actions.find((a) => a.id.startsWith('copy:')) as RemoteAction;
  expect(copy.argv[0]).not.toBe('test');
  return { runId, copy };
}

describe('copy step killed after the copy, before its record', () => {
  it('planned again, it records the copy as this run’s and sets the ownership', async () => {
    const { runId, copy } = await runUpToCopyPlan();
    // What the killed process had done: the copy in place, owned as cp -a left it, nothing recorded.
    const ran = await runOnHost('tvm-1', copy.argv);
    expect(ran.code, ran.stderr).toBe(0);
    const target = copy.argv.at(-1)!;
    expect((await runOnHost('tvm-1', ['chown', '-R', 'root:root', target])).code).toBe(0);

    const again = must(await world.engine.plan(runId, 'copy'));
    expect(again.plan!.summary).toMatch(/copied by this run before it was interrupted/);
    expect(again.plan!.actions.map((a) => a.id.split(':')[0])).toEqual(['copy', 'chown', 'chmod']);
    const done = must(await world.engine.execute(runId, 'copy'));
    expect(done.outcome!.verify.every((v) => v.ok)).toBe(true);
    const changes = (world.engine.get(runId) as { ok: true; value: RunView }).value.changes;
    expect(changes.filter((c) => c.kind === 'workload-copy')).toHaveLength(1);
    const owners = await runOnHost('tvm-1', ['find', target, '!', '-user', 'nova', '-print', '-quit']);
    expect(owners.stdout.trim()).toBe('');
  });

  it('a copy that was there before the run is still left alone and not claimed', async () => {
    // The target is there from the first case; a new run finds it identical at its first plan.
    const runId = await runToCopy();
    for (let plan = 0; plan < 2; plan++) {
      const planned = must(await world.engine.plan(runId, 'copy'));
      expect(planned.plan!.actions).toEqual([]);
      expect(planned.plan!.summary).toMatch(/already there and identical/);
    }
    must(await world.engine.execute(runId, 'copy'));
    const changes = (world.engine.get(runId) as { ok: true; value: RunView }).value.changes;
    expect(changes.filter((c) => c.kind === 'workload-copy')).toEqual([]);
  });
});
