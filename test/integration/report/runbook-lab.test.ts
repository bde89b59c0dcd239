import { beforeAll, describe, expect, it } from 'vitest';
import { drSteps } from '../../../electron/core/dr/dr-steps.js';
import type { RunServices } from '../../../electron/core/dr/run-services.js';
import type { StepDefinition } from '../../../electron/core/runs/step-definition.js';
import {
  envRunbookMarkdown,
  runbookSteps,
  type EnvRunbookInput,
} from '../../../shared/report/env-runbook.js';
import type { RunParams } from '../../../shared/run/run-types.js';
import type { StepKey, StepPlan } from '../../../shared/run/plan-types.js';
import { readLabJson } from '../../lab/lab.js';
import { fencedBlocks, shCommands } from '../../unit/report/support/runbook-blocks.js';
import { resetDrWorld } from '../dr/support/dr-cli.js';
import { apiRunWorld, type ApiRunWorld } from '../dr/support/api-run-world.js';

/**
 * The environment runbook against what the wizard plans on the live lab. The lab is the environment
 * its profile describes (B1 configured and mounted everywhere, B2 nowhere, nothing bound), so the
 * steps that plan from read-only discovery — Find and Reconfigure — must plan exactly what the runbook,
 * planned from the profile alone, shows: the same actions on the same hosts, byte for byte.
 */
let world: ApiRunWorld;
const meta = { generatedAt: '2025-03-14T08:00:00.000Z', appVersion: '0.1.0-test' };
const readOnly: StepKey[] = ['find', 'reconfigure'];

const fullParams: RunParams = {
  kind: 'full',
  mapping: [],
  notifyOnly: false,
  restoreConcurrency: 4,
  removeMountsOnCleanup: false,
};

/** The wizard's plan of a step on the live lab (discovery only: nothing is changed). */
async function livePlan(params: RunParams, key: StepKey): Promise<StepPlan> {
  const run = world.engine.create(world.profile.id, params);
  if (!run.ok) throw new Error(run.error.message);
  const planned = await world.engine.plan(run.value.id, key);
  if (!planned.ok) throw new Error(`${key}: ${planned.error.message}`);
  return planned.value.plan!;
}

beforeAll(async () => {
  await resetDrWorld(await readLabJson());
  const steps = Object.fromEntries(readOnly.map((k) => [k, drSteps[k]])) as Partial<
    Record<StepKey, StepDefinition<unknown, RunServices>>
  >;
  world = await apiRunWorld(steps);
});

describe('environment runbook against the live lab', () => {
  it.each(readOnly)('%s: the runbook shows exactly the plan the wizard makes on the lab', async (key) => {
    const live = await livePlan(fullParams, key);
    expect(live.actions.length).toBeGreaterThan(0);
    const input: EnvRunbookInput = { profile: world.profile, kind: 'full', meta };
    const step = runbookSteps(input).find((s) => s.key === key)!;
    expect(step.plan.ok && step.plan.value.actions).toEqual(live.actions);
    expect(step.plan.ok && step.plan.value.warnings).toEqual(live.warnings);
    // And the document holds each of its commands as the wizard runs it.
    const commands = fencedBlocks(envRunbookMarkdown(input))
      .filter((b) => b.lang === 'sh')
      .flatMap((b) => shCommands(b.text));
    for (const a of live.actions)
      if (a.kind === 'remote' && !('edit' in a)) expect(commands).toContainEqual(a.argv);
  });

  it('find of a single-workload DR: the same staging mount', async () => {
    const lab = await readLabJson();
    const workload = lab.workloads.find((w) => !w.managed)!;
    const live = await livePlan(
      {
        kind: 'single',
        workloadId: workload.id,
        targetProject: 'finance-dr',
        trusteeUser: '',
        snapshot: 'latest',
        restore: null,
        notifyOnly: false,
        removeMountsOnCleanup: false,
      },
      'find',
    );
    const steps = runbookSteps({ profile: world.profile, kind: 'single', meta });
    const find = steps.find((s) => s.key === 'find')!;
    expect(find.plan.ok && find.plan.value.actions).toEqual(live.actions);
  });
});
