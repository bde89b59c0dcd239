import { describe, expect, it, vi, type Mock } from 'vitest';
import { profileSchema } from '../../../shared/profile/profile.js';
import { fail, ok } from '../../../shared/result.js';
import type { StepKey, StepPlan } from '../../../shared/run/plan-types.js';
import type { SingleRunParams } from '../../../shared/run/run-types.js';
import {
  PlanOnlyViolation,
  previewRun,
  type PreviewDeps,
  type StepPredictor,
} from '../../../electron/core/runs/plan-preview.js';
import type { StepDefinition } from '../../../electron/core/runs/step-definition.js';

const profile = profileSchema.parse({
  id: 'p1',
  name: 'lab',
  clouds: { source: { authUrl: '', region: 'A' }, target: { authUrl: 'http://k/v3', region: 'B' } },
  hosts: [{ id: 'c1', name: 'compute-1', role: 'compute', address: '10.0.0.1' }],
  nfs: { target: '10.0.0.1:/b1', syncedCopy: '10.0.0.2:/b2' },
});
const params: SingleRunParams = {
  kind: 'single',
  workloadId: 'w1',
  targetProject: 'finance-dr',
  trusteeUser: '',
  snapshot: 'latest',
  restore: null,
  notifyOnly: false,
  removeMountsOnCleanup: false,
};

const plan = (step: StepKey, actions: StepPlan['actions'] = []): StepPlan => ({
  step,
  title: step,
  summary: `${step} plan`,
  actions,
  verify: [],
  warnings: [],
});
const bind = (host: string) => ({
  kind: 'remote' as const,
  id: `bind:${host}`,
  host,
  argv: ['mount', '--bind', '/a', '/b'],
  privileged: true,
  description: `bind on ${host}`,
  change: {
    kind: 'bind-mount',
    undo: [
      {
        kind: 'remote' as const,
        id: `umount:${host}`,
        host,
        argv: ['umount', '/b'],
        privileged: true,
        description: 'umount',
      },
    ],
  },
});

type Def = StepDefinition<unknown, null>;

/**
 * A world where Copy needs what Find found, Mount paths is only plannable after the copy (its own
 * discovery fails before), and Clean-up plans the undo of the changes recorded before it.
 */
function steps(execute: Def['execute']): Partial<Record<StepKey, Def>> {
  const simple = (key: StepKey, actions: StepPlan['actions'] = []): Def => ({
    key,
    discover: async () => ok({}),
    plan: () => ok(plan(key, actions)),
    execute,
  });
  return {
    preflight: simple('preflight'),
    find: simple('find'),
    copy: {
      key: 'copy',
      discover: async (ctx) => {
        const found = ctx.outcomeOf('find')?.data as { name?: string } | undefined;
        return found ? ok({ name: found.name }) : fail({ code: 'precondition', message: 'Run Find first.' });
      },
      plan: (facts) =>
        ok(plan('copy', [{ ...bind('c1'), description: `copy ${(facts as { name: string }).name}` }])),
      execute,
    },
    'mount-paths': {
      key: 'mount-paths',
      discover: async () => fail({ code: 'precondition', message: 'No qcow2 image found below B1.' }),
      plan: (facts) => ok(plan('mount-paths', [bind((facts as { host: string }).host)])),
      execute,
    },
    access: simple('access'),
    reassign: simple('reassign'),
    restore: {
      key: 'restore',
      discover: async () => fail({ code: 'precondition', message: 'Trilio B does not list w1.' }),
      plan: () => ok(plan('restore')),
      execute,
    },
    cleanup: {
      key: 'cleanup',
      discover: async (ctx) => ok({ changes: ctx.changes() }),
      plan: (facts) =>
        ok(
          plan(
            'cleanup',
            (facts as { changes: { undo: StepPlan['actions'] }[] }).changes.flatMap((c) => c.undo),
          ),
        ),
      execute,
    },
  };
}

function deps(
  overrides: Partial<PreviewDeps<null>> = {},
): PreviewDeps<null> & { execute: Mock<Def['execute']> } {
  const execute = vi.fn<Def['execute']>(async () => {
    throw new Error('planning called an executor');
  });
  const predictors: Partial<Record<StepKey, StepPredictor<null>>> = {
    find: { outcome: async () => ({ data: { name: 'fin-erp' }, notes: ['read now'] }) },
    'mount-paths': {
      facts: async (_ctx, world) =>
        world.plans.copy
          ? ok({ facts: { host: 'c1' }, notes: ['after the copy'] })
          : fail({ code: 'precondition', message: 'no copy planned' }),
    },
  };
  return {
    steps: steps(execute),
    predictors,
    services: null,
    signal: new AbortController().signal,
    log: () => undefined,
    execute,
    ...overrides,
  };
}

describe('plan preview (trilio-dr plan)', () => {
  it('plans every step in order without ever executing one', async () => {
    const d = deps();
    const preview = await previewRun(profile, params, d);
    expect(d.execute).not.toHaveBeenCalled();
    expect(preview.steps.map((s) => [s.key, s.basis])).toEqual([
      ['preflight', 'discovered'],
      ['find', 'discovered'],
      ['copy', 'discovered'],
      ['mount-paths', 'predicted'],
      ['access', 'discovered'],
      ['reassign', 'discovered'],
      ['restore', 'deferred'],
      ['cleanup', 'discovered'],
    ]);
  });

  it('hands later steps the predicted outcome and changes of the earlier ones', async () => {
    const preview = await previewRun(profile, params, deps());
    const step = (k: StepKey) => preview.steps.find((s) => s.key === k)!;
    expect(step('copy').plan!.actions[0]!.description).toBe('copy fin-erp');
    expect(step('mount-paths').notes).toContain('after the copy');
    expect(step('restore').error?.message).toBe('Trilio B does not list w1.');
    // Clean-up undoes what copy and mount paths will have recorded, newest last as planned.
    expect(step('cleanup').plan!.actions.map((a) => a.id)).toEqual(['umount:c1', 'umount:c1']);
  });

  it('refuses a step that records a change while planning', async () => {
    const d = deps();
    d.steps.access = {
      key: 'access',
      discover: async (ctx) => {
        ctx.recordChange({ actionId: 'x', host: '', kind: 'role-grant', description: 'x', undo: [] });
        return ok({});
      },
      plan: () => ok(plan('access')),
      execute: d.execute,
    };
    await expect(previewRun(profile, params, d)).rejects.toBeInstanceOf(PlanOnlyViolation);
  });

  it('turns a thrown discovery error into a deferred step, and goes on', async () => {
    const d = deps();
    d.steps.access = {
      key: 'access',
      discover: async () => {
        throw new Error('socket hang up');
      },
      plan: () => ok(plan('access')),
      execute: d.execute,
    };
    const preview = await previewRun(profile, params, d);
    const access = preview.steps.find((s) => s.key === 'access')!;
    expect(access).toMatchObject({ basis: 'deferred', error: { code: 'internal' } });
    expect(access.error!.message).toContain('socket hang up');
    expect(preview.steps.find((s) => s.key === 'cleanup')!.basis).toBe('discovered');
  });
});
