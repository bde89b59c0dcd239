import { describe, expect, it } from 'vitest';
import {
  parseCallArgs,
  type Api,
  type CallArgs,
  type CallName,
  type CallResult,
} from '../../../shared/contract.js';
import type { ScannedWorkload } from '../../../shared/discovery/workload-scan.js';
import { profileSchema, type Profile, type ProjectMapping } from '../../../shared/profile/profile.js';
import { planReconfigure, type ReconfigureFacts } from '../../../shared/plans/reconfigure-plan.js';
import { trilioCloudSchema } from '../../../shared/profile/profile.js';
import { trilioFactsFor } from '../../../shared/trilio/trilio-facts.js';
import { fail, ok, type Result } from '../../../shared/result.js';
import type { StepKey, StepPlan } from '../../../shared/run/plan-types.js';
import type { FullRunParams, RunView, StepState } from '../../../shared/run/run-types.js';
import { stepsFor } from '../../../shared/run/step-catalog.js';
import { bulkCounts, bulkRows } from '../../../renderer/src/lib/run/bulk-rows.js';
import { reconfigureChanges, revertChanges } from '../../../renderer/src/lib/run/config-changes.js';
import { finishOffer } from '../../../renderer/src/lib/run/finish-offer.js';
import { mergeMapping, sameMapping } from '../../../renderer/src/lib/run/mapping-rows.js';
import { RunSession } from '../../../renderer/src/lib/run/run-session.svelte.js';
import { WizardState } from '../../../renderer/src/lib/wizard/wizard-state.svelte.js';

/**
 * The full-cloud parts of the wizard: the per-workload table, the per-node configuration changes, when
 * revert and clean-up are offered, and the mapping editor and run setup against a stand-in core whose
 * arguments are parsed with the contract's schemas (answers cross a JSON round trip, as over IPC).
 */
const B2 = '10.0.0.2:/b2';
const mapping: ProjectMapping[] = [
  { sourceProjectId: 'pa-fin', sourceProjectName: 'finance', targetProject: 'finance-dr', trusteeUser: '' },
  {
    sourceProjectId: 'pa-res',
    sourceProjectName: 'research',
    targetProject: 'research-dr',
    trusteeUser: 'rita',
  },
];

const workload = (id: string, name: string, projectId: string): ScannedWorkload => ({
  id,
  name,
  description: null,
  projectId,
  userId: null,
  status: 'available',
  createdAt: null,
  metadata: {},
  vms: [{ id: `${name}-vm`, name: `${name}-vm` }],
  snapshots: [],
  sizeBytes: 1,
  fileCount: 1,
  path: `/b2/workload_${id}`,
  root: '/b2',
  errors: [],
});

const found = [
  workload('w1', 'fin-erp', 'pa-fin'),
  workload('w2', 'fin-web', 'pa-fin'),
  workload('w3', 'res-hpc', 'pa-res'),
];

function fullRun(
  steps: Partial<Record<StepKey, Partial<StepState>>> = {},
  params: Partial<FullRunParams> = {},
): RunView {
  return {
    id: 'run-1',
    profileId: 'p1',
    kind: 'full',
    status: 'waiting',
    params: {
      kind: 'full',
      mapping,
      notifyOnly: false,
      restoreConcurrency: 4,
      removeMountsOnCleanup: false,
      ...params,
    },
    steps: stepsFor('full', false).map((key) => ({ key, status: 'pending', attempts: 0, ...steps[key] })),
    changes: [],
    createdAt: '2026-01-01T00:00:00Z',
    operator: 'tester',
  };
}

const findDone: Partial<StepState> = {
  status: 'succeeded',
  attempts: 1,
  outcome: {
    summary: '3 workloads',
    verify: [],
    data: { sourceRoot: '/b2', workloads: found, selected: null },
  },
};

const reconfigureFacts: ReconfigureFacts = {
  syncedCopy: B2,
  target: '10.0.0.1:/b1',
  trilio: trilioFactsFor(trilioCloudSchema.parse({ mountRoot: '/var/trilio' }), 'target'),
  nodes: [
    {
      host: 'h-tvm',
      hostName: 'tvm-1',
      role: 'tvm',
      files: [{ file: '/etc/workloadmgr/workloadmgr.conf', exports: ['10.0.0.1:/b1'], model: 'export-list' }],
      mounted: false,
    },
    {
      host: 'h-c1',
      hostName: 'compute-1',
      role: 'compute',
      files: [
        {
          file: '/etc/tvault-contego/tvault-contego.conf',
          exports: ['10.0.0.1:/b1', B2],
          model: 'export-list',
        },
      ],
      mounted: true,
    },
  ],
  busyWorkloads: [],
};

describe('per-workload table of the bulk steps', () => {
  it('lists every found workload with its mapping before the step ran', () => {
    const rows = bulkRows(fullRun({ find: findDone }), 'access');
    expect(rows.map((r) => [r.name, r.source, r.target, r.status])).toEqual([
      ['fin-erp', 'finance', 'finance-dr', 'not run yet'],
      ['fin-web', 'finance', 'finance-dr', 'not run yet'],
      ['res-hpc', 'research', 'research-dr', 'not run yet'],
    ]);
    const unmapped = bulkRows(fullRun({ find: findDone }, { mapping: [mapping[0]!] }), 'access');
    expect(unmapped.find((r) => r.name === 'res-hpc')).toMatchObject({ target: '', status: 'not mapped' });
    expect(bulkRows(fullRun(), 'access')).toEqual([]);
  });

  it('access and reassign: what the outcome says per workload', () => {
    const run = fullRun({
      find: findDone,
      access: {
        status: 'succeeded',
        outcome: {
          summary: '',
          verify: [],
          data: {
            projects: [
              { id: 'b-fin', name: 'finance-dr', granted: true },
              { id: 'b-res', name: 'research-dr', granted: false },
            ],
          },
        },
      },
      reassign: {
        status: 'succeeded',
        outcome: {
          summary: '',
          verify: [],
          data: {
            workloads: [
              {
                workloadId: 'w1',
                targetProjectName: 'finance-dr',
                trusteeUserName: 'fred',
                reassigned: true,
              },
              {
                workloadId: 'w2',
                targetProjectName: 'finance-dr',
                trusteeUserName: 'fred',
                reassigned: false,
              },
            ],
          },
        },
      },
    });
    expect(bulkRows(run, 'access').map((r) => r.status)).toEqual([
      'role granted',
      'role granted',
      'role held already',
    ]);
    const reassign = bulkRows(run, 'reassign');
    expect(reassign.map((r) => [r.status, r.state, r.detail])).toEqual([
      ['reassigned', 'ok', 'trustee fred'],
      ['already in target', 'ok', 'trustee fred'],
      ['not reported', 'pending', ''],
    ]);
  });

  it('restore: status, error, instances and restore id; a failed step marks only its failed rows', () => {
    const run = fullRun({
      find: findDone,
      restore: {
        status: 'failed',
        error: {
          code: 'precondition',
          message: 'Verification failed: res-hpc (w3) restored into research-dr',
        },
        outcome: {
          summary: '',
          verify: [{ check: 'res-hpc (w3) restored into research-dr', ok: false, detail: 'HTTP 500' }],
          data: {
            workloads: [
              {
                workloadId: 'w1',
                name: 'fin-erp',
                sourceProject: 'pa-fin',
                targetProject: 'finance-dr',
                status: 'available',
                restoreId: 'r-1',
                instances: [
                  { name: 'erp-app', id: 'i1' },
                  { name: 'erp-db', id: 'i2' },
                ],
              },
              {
                workloadId: 'w3',
                name: 'res-hpc',
                sourceProject: 'pa-res',
                targetProject: 'research-dr',
                status: 'error',
                error: 'HTTP 500',
              },
            ],
          },
        },
      },
    });
    const rows = bulkRows(run, 'restore');
    expect(rows.map((r) => [r.name, r.status, r.state])).toEqual([
      ['fin-erp', 'available', 'ok'],
      // Not in the outcome of a step that failed: not verified.
      ['fin-web', 'not verified', 'pending'],
      ['res-hpc', 'error', 'failed'],
    ]);
    expect(rows[0]!.detail).toBe('instances erp-app, erp-db; restore r-1');
    expect(rows[2]!.error).toBe('HTTP 500');
    expect(bulkCounts(rows)).toEqual({ ok: 1, failed: 1, running: 0, pending: 1 });
  });

  it('a step that failed without a per-workload outcome marks the workloads its error names', () => {
    const run = fullRun({
      find: findDone,
      reassign: {
        status: 'failed',
        error: { code: 'http', message: 'Reassigning failed: fin-web (w2): HTTP 409' },
      },
    });
    expect(bulkRows(run, 'reassign').map((r) => [r.name, r.status, r.state])).toEqual([
      ['fin-erp', 'not verified', 'pending'],
      ['fin-web', 'failed', 'failed'],
      ['res-hpc', 'not verified', 'pending'],
    ]);
    const running = fullRun({ find: findDone, restore: { status: 'running' } });
    expect(bulkRows(running, 'restore').every((r) => r.state === 'running')).toBe(true);
  });
});

describe('configuration changes per node', () => {
  it('reconfigure: file, option before → after and restart; a node listing B2 already is left alone', () => {
    const plan = planReconfigure(reconfigureFacts);
    if (!plan.ok) throw new Error(plan.error.message);
    const changes = reconfigureChanges(reconfigureFacts, plan.value)!;
    expect(changes.busyWorkloads).toEqual([]);
    expect(changes.manual).toBeNull();
    expect(changes.nodes.map((n) => [n.hostName, n.file, n.before, n.after, n.restart, n.unchanged])).toEqual(
      [
        [
          'tvm-1',
          '/etc/workloadmgr/workloadmgr.conf',
          '10.0.0.1:/b1',
          `10.0.0.1:/b1,${B2}`,
          'systemctl restart wlm-workloads',
          false,
        ],
        [
          'compute-1',
          '/etc/tvault-contego/tvault-contego.conf',
          `10.0.0.1:/b1,${B2}`,
          `10.0.0.1:/b1,${B2}`,
          '',
          true,
        ],
      ],
    );
    // B2 in the file but not mounted: the plan restarts the service only, and the view says so.
    const restartOnly: StepPlan = {
      ...plan.value,
      actions: [
        {
          kind: 'remote',
          id: 'restart-add:h-c1',
          host: 'h-c1',
          argv: ['systemctl', 'restart', 'tvault-contego'],
          privileged: true,
          description: 'Restart tvault-contego',
        },
      ],
    };
    expect(reconfigureChanges(reconfigureFacts, restartOnly)!.nodes[1]).toMatchObject({
      unchanged: true,
      restart: 'systemctl restart tvault-contego',
    });
    expect(reconfigureChanges({ nodes: 'no' }, undefined)).toBeNull();
  });

  it('juju: the orchestrator command to apply and confirm', () => {
    const facts = {
      ...reconfigureFacts,
      trilio: trilioFactsFor(trilioCloudSchema.parse({ installer: 'juju' }), 'target'),
    };
    const plan = planReconfigure(facts);
    if (!plan.ok) throw new Error(plan.error.message);
    const changes = reconfigureChanges(facts, plan.value)!;
    expect(changes.manual?.id).toBe('juju-nfs-shares');
    expect(changes.manual?.instructions).toContain(`juju config trilio-wlm nfs-shares='10.0.0.1:/b1,${B2}'`);
  });

  it('revert: every edited node with B2 taken out again, from the recorded undo', () => {
    const plan = planReconfigure(reconfigureFacts);
    if (!plan.ok) throw new Error(plan.error.message);
    const edit = plan.value.actions.find((a) => a.kind === 'remote' && a.change)!;
    if (edit.kind !== 'remote' || !edit.change) throw new Error('no edit');
    const run: RunView = {
      ...fullRun({ reconfigure: { status: 'succeeded', facts: reconfigureFacts, plan: plan.value } }),
      changes: [
        {
          id: 1,
          step: 'reconfigure',
          actionId: edit.id,
          host: 'h-tvm',
          kind: 'config-edit',
          description: '',
          undo: edit.change.undo,
          appliedAt: '',
        },
      ],
    };
    const changes = revertChanges(run, undefined)!;
    expect(changes.nodes.map((n) => [n.hostName, n.before, n.after, n.restart, n.unchanged])).toEqual([
      ['tvm-1', `10.0.0.1:/b1,${B2}`, '10.0.0.1:/b1', 'systemctl restart wlm-workloads', false],
    ]);
    expect(
      revertChanges({ ...run, changes: [{ ...run.changes[0]!, undoneAt: 'now' }] }, undefined)!.nodes[0]!
        .unchanged,
    ).toBe(true);
  });
});

describe('revert and clean-up offers', () => {
  const edit = {
    id: 1,
    step: 'reconfigure' as const,
    actionId: 'edit:add:h',
    host: 'h',
    kind: 'config-edit',
    description: '',
    undo: [],
    appliedAt: '',
  };

  it('nothing while the run is under way without a failure', () => {
    expect(finishOffer(fullRun({ find: findDone }))).toBeNull();
  });

  it('revert offered when a step failed halfway with B2 still configured', () => {
    const run = { ...fullRun({ find: findDone, restore: { status: 'failed' } }), changes: [edit] };
    expect(finishOffer(run)).toMatchObject({
      revert: true,
      cleanup: false,
      reason: 'failed',
      failedStep: 'restore',
      pendingEdits: 1,
    });
  });

  it('at the end: revert first, then clean-up, then nothing', () => {
    const done = fullRun({ restore: { status: 'succeeded' } });
    expect(finishOffer({ ...done, changes: [edit] })).toMatchObject({ revert: true, reason: 'done' });
    expect(finishOffer({ ...done, changes: [{ ...edit, undoneAt: 'now' }] })).toMatchObject({
      revert: false,
      cleanup: true,
    });
    const cleaned = fullRun({ restore: { status: 'succeeded' }, cleanup: { status: 'succeeded' } });
    expect(finishOffer(cleaned)).toMatchObject({ revert: false, cleanup: false });
  });
});

describe('mapping rows', () => {
  it('a CSV replaces the rows of its source projects and keeps the others at the end', () => {
    const merged = mergeMapping(mapping, [
      { sourceProjectId: 'pa-res', sourceProjectName: '', targetProject: 'ops', trusteeUser: 'olga' },
      { sourceProjectId: 'pa-old', sourceProjectName: 'old', targetProject: 'old-dr', trusteeUser: '' },
    ]);
    expect(merged.matched).toBe(1);
    expect(
      merged.rows.map((r) => [r.sourceProjectId, r.sourceProjectName, r.targetProject, r.trusteeUser]),
    ).toEqual([
      ['pa-fin', 'finance', 'finance-dr', ''],
      ['pa-res', 'research', 'ops', 'olga'],
      ['pa-old', 'old', 'old-dr', ''],
    ]);
    expect(
      sameMapping(
        mapping,
        mapping.map((m) => ({ ...m })),
      ),
    ).toBe(true);
    expect(sameMapping(mapping, merged.rows)).toBe(false);
  });
});

/** A stand-in core: arguments parsed by the contract, answers from `answers`, every call recorded. */
function fakeCore(answers: Partial<{ [N in CallName]: (args: CallArgs<N>) => Result<CallResult<N>> }>) {
  const calls: { name: CallName; args: unknown }[] = [];
  const api: Pick<Api, 'call'> = {
    async call<N extends CallName>(name: N, args: CallArgs<N>): Promise<Result<CallResult<N>>> {
      const parsed = parseCallArgs(name, JSON.parse(JSON.stringify(args)));
      if (!parsed.ok) return parsed;
      calls.push({ name, args: parsed.value });
      const answer = answers[name] as ((a: unknown) => Result<CallResult<N>>) | undefined;
      const result = answer
        ? answer(parsed.value)
        : fail({ code: 'internal', message: `${name} not served` });
      return JSON.parse(JSON.stringify(result)) as Result<CallResult<N>>;
    },
  };
  return { api, calls, names: () => calls.map((c) => c.name) };
}

const profile: Profile = profileSchema.parse({
  id: 'p1',
  name: 'lab',
  clouds: {
    source: { authUrl: '', region: '' },
    target: { authUrl: 'http://k:5000/v3', region: 'B', username: 'admin' },
  },
  nfs: { target: '10.0.0.1:/b1', syncedCopy: B2 },
});

describe('run setup', () => {
  it('a full-cloud run: its own step list, concurrency checked, the mapping left to the Find step', async () => {
    let created: RunView | undefined;
    const core = fakeCore({
      'runs.create': ({ profileId, params }) => {
        created = { ...fullRun(), profileId, params: params as FullRunParams, status: 'created' };
        return ok(created);
      },
      'runs.list': () => ok([]),
      'runs.logs': () => ok([]),
    });
    const wizard = new WizardState(core.api);
    await wizard.useProfile('p1');
    wizard.setup.kind = 'full';
    expect(wizard.steps.map((s) => s.key)).toEqual(stepsFor('full', false));
    wizard.setup.restoreConcurrency = 0;
    expect(await wizard.start()).toBe(false);
    expect(wizard.error?.fields?.[0]?.path).toBe('restoreConcurrency');
    wizard.setup.restoreConcurrency = 6;
    wizard.setup.notifyOnly = true;
    expect(wizard.steps.map((s) => s.key)).toContain('notify');
    expect(await wizard.start()).toBe(true);
    expect(created?.params).toEqual({
      kind: 'full',
      mapping: [],
      notifyOnly: true,
      restoreConcurrency: 6,
      removeMountsOnCleanup: false,
      reenableSchedules: false,
    });
    expect(wizard.session?.fullParams?.restoreConcurrency).toBe(6);
    expect(wizard.session?.mapping).not.toBeNull();
  });
});

describe('mapping editor', () => {
  function session(run: RunView, extra: Parameters<typeof fakeCore>[0] = {}) {
    let current = run;
    const saved: Profile[] = [];
    const core = fakeCore({
      'runs.suggestMapping': () =>
        ok([
          {
            sourceProjectId: 'pa-fin',
            sourceProjectName: 'finance',
            targetProject: 'finance-dr',
            trusteeUser: '',
          },
          { sourceProjectId: 'pa-res', sourceProjectName: 'research', targetProject: '', trusteeUser: '' },
        ]),
      'runs.targetProjects': () =>
        ok([
          { id: 'b1', name: 'finance-dr' },
          { id: 'b2', name: 'research-dr' },
          { id: 'b3', name: 'ops' },
        ]),
      'runs.updateParams': ({ params }) => {
        current = { ...current, params: params as FullRunParams };
        return ok(current);
      },
      'runs.get': () => ok(current),
      'profiles.get': () => ok(profile),
      'profiles.save': ({ profile: p }) => ok(profileSchema.parse(p)),
      ...extra,
    });
    const s = new RunSession(core.api, run, undefined, { onProfileSaved: (p) => saved.push(p) });
    return { s, core, saved, current: () => current };
  }

  it('loads the suggestion and the target projects; a row without target blocks saving', async () => {
    const { s, core } = session(fullRun({ find: findDone }, { mapping: [] }));
    const m = s.mapping!;
    expect(await m.ensureLoaded('1:')).toBe(true);
    expect(m.rows.map((r) => r.targetProject)).toEqual(['finance-dr', '']);
    expect(m.choicesFor(m.rows[0]!)).toEqual(['finance-dr', 'research-dr', 'ops']);
    expect(m.dirty).toBe(true);
    expect(await m.save()).toBe(false);
    expect(m.error?.message).toContain('research');
    expect(core.names()).not.toContain('runs.updateParams');
    // Shown again for the same Find outcome: the rows (and unsaved edits) stay.
    m.setTarget(1, 'ops');
    await m.ensureLoaded('1:');
    expect(m.rows[1]!.targetProject).toBe('ops');
  });

  it('saves into the run params, and into the profile when asked', async () => {
    const { s, core, saved } = session(fullRun({ find: findDone }, { mapping: [] }));
    const m = s.mapping!;
    await m.load();
    m.setTarget(1, 'research-dr');
    m.setTrustee(1, '  rita ');
    expect(await m.save()).toBe(true);
    expect(m.dirty).toBe(false);
    const update = core.calls.find((c) => c.name === 'runs.updateParams')!.args as { params: FullRunParams };
    expect(update.params.mapping[1]).toEqual({
      sourceProjectId: 'pa-res',
      sourceProjectName: 'research',
      targetProject: 'research-dr',
      trusteeUser: 'rita',
    });
    expect(s.fullParams?.mapping).toHaveLength(2);
    expect(await m.saveToProfile()).toBe(true);
    const save = core.calls.find((c) => c.name === 'profiles.save')!.args as {
      profile: Profile;
      secrets: object;
    };
    expect(save.profile.projectMapping).toEqual(update.params.mapping);
    expect(save.secrets).toEqual({});
    expect(saved.map((p) => p.id)).toEqual(['p1']);
  });

  it('imports and exports CSV; a broken CSV is an error and changes nothing', async () => {
    const { s } = session(fullRun({ find: findDone }, { mapping: [] }));
    const m = s.mapping!;
    await m.load();
    expect(
      m.importCsv(
        'source_project_id,source_project_name,target_project,trustee_user\npa-res,research,ops,olga\n',
      ),
    ).toBe(true);
    expect(m.rows[1]).toMatchObject({ targetProject: 'ops', trusteeUser: 'olga' });
    expect(m.notice).toContain('1 for source projects of this run');
    expect(m.exportCsv()).toContain('pa-res,research,ops,olga');
    expect(m.choicesFor({ ...m.rows[1]!, targetProject: 'from-csv' })[0]).toBe('from-csv');
    expect(m.importCsv('pa-fin,finance,"unclosed')).toBe(false);
    expect(m.error?.message).toContain('not closed');
    expect(m.rows[1]!.targetProject).toBe('ops');
  });
});

describe('run session of a full-cloud run', () => {
  it('"Retry failed only" plans and runs the step again in one busy span', async () => {
    let run = fullRun({ find: findDone, restore: { status: 'failed', plan: {} as StepPlan } });
    const seen: (string | null)[] = [];
    // The session is made after the core it calls; the core reads it back through this box.
    const box: { s?: RunSession } = {};
    const core = fakeCore({
      'runs.plan': () => {
        seen.push(box.s!.busy?.work ?? null);
        return ok({ key: 'restore', status: 'planned', attempts: 1 });
      },
      'runs.execute': () => {
        seen.push(box.s!.busy?.work ?? null);
        run = fullRun({ find: findDone, restore: { status: 'succeeded' } });
        return ok({ key: 'restore', status: 'succeeded', attempts: 2 });
      },
      'runs.get': () => ok(run),
      'runs.updateParams': ({ params }) => {
        run = { ...run, params: params as FullRunParams };
        return ok(run);
      },
    });
    const s = new RunSession(core.api, run);
    box.s = s;
    expect(await s.retryFailed('restore')).toBe(true);
    expect(core.names()).toEqual(['runs.plan', 'runs.execute', 'runs.get']);
    expect(seen).toEqual(['retry', 'retry']);
    expect(s.busy).toBeNull();
    expect(s.stepState('restore')?.status).toBe('succeeded');

    expect(await s.setRemoveMounts(true)).toBe(true);
    expect(s.fullParams?.removeMountsOnCleanup).toBe(true);
    expect(s.params).toBeNull();
  });
});
