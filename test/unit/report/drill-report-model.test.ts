import { describe, expect, it } from 'vitest';
import { drillSummaryOf, type DrillView } from '../../../shared/drill/drill-types.js';
import { previousDrillOf } from '../../../shared/report/drill-comparison.js';
import { drillReportModel, verdictOf } from '../../../shared/report/drill-report-model.js';
import { validateDrillReport } from '../../../shared/report/drill-report-schema.js';
import {
  at,
  passedDrill,
  previousDrill,
  PROJECTS,
  sampleDrill,
  WORKLOAD_IDS,
} from './support/sample-drill.js';

const meta = { generatedAt: '2025-03-14T03:00:00.000Z', appVersion: '0.1.0' };

describe('drillReportModel: the drill', () => {
  const report = drillReportModel(sampleDrill(), previousDrill(), {}, meta);

  it('follows its schema', () => {
    const checked = validateDrillReport(report);
    expect(checked.ok ? [] : checked.problems).toEqual([]);
  });

  it('says who ran which drill of which profile, when and how long', () => {
    expect(report.drill).toMatchObject({
      id: 'd20250314',
      profileId: 'lab',
      profileName: 'lab',
      status: 'failed',
      operator: 'dr-operator',
      createdAt: '2025-03-14T02:00:00.000Z',
      finishedAt: '2025-03-14T02:48:00.000Z',
      durationMs: 2880_000,
      scope: { all: true },
    });
    expect(report.drill.scope.workloadIds).toHaveLength(6);
    expect(report).toMatchObject({
      schema: 'trilio-dr-drill-report/v1',
      generatedAt: meta.generatedAt,
      appVersion: '0.1.0',
    });
  });

  it('fails the drill and says why: the workload, the step and the message', () => {
    expect(report.verdict.result).toBe('FAILED');
    expect(report.verdict.reasons[0]).toBe(
      'eng-git failed at Restore: Restore ' +
        report.workloads.find((w) => w.name === 'eng-git')!.restoreId +
        ' of eng-git ended in error: No valid host was found. There are not enough hosts available.',
    );
    expect(report.verdict.reasons).toContain('1 of 6 workloads failed (eng-git); the tear-down completed.');
    expect(report.summary).toEqual({
      workloads: 6,
      passed: 5,
      failed: 1,
      unfinished: 0,
      maxRtoSeconds: 1480,
      maxRpoSeconds: 6 * 3600,
      differences: 0,
      resourcesLeft: 0,
    });
  });

  it('gives each workload its projects, result, measured RTO, RPO and restored resources', () => {
    const erp = report.workloads.find((w) => w.name === 'fin-erp')!;
    expect(erp).toMatchObject({
      workloadId: WORKLOAD_IDS['fin-erp'],
      sourceProjectId: PROJECTS.finance,
      sourceProjectName: 'finance',
      drillProject: 'trilio-drill-d20250314-finance',
      runId: 'run-d20250314-fin-erp',
      result: 'passed',
      startedAt: at(170),
      availableAt: at(170 + 742),
      rtoSeconds: 742,
      rtoText: '12 min 22 s',
      rpoSeconds: 21_600,
      rpoText: '6 h',
      instances: { total: 2, listed: 2, removed: 2 },
      volumes: { total: 4, listed: 4, removed: 4 },
    });
    // Trilio's zone-less time read as UTC.
    expect(erp.snapshotCreatedAt).toBe(at(170 - 6 * 3600));
    expect(erp.resources.map((r) => `${r.kind} ${r.name}`)).toEqual([
      'instance erp-app-drill',
      'instance erp-db-drill',
      'volume erp-app-vda',
      'volume erp-app-vdb',
      'volume erp-db-vda',
      'volume erp-db-vdb',
    ]);
    expect(erp.failure).toBeUndefined();
    expect(report.workloads.map((w) => [w.name, w.result, w.rtoText ?? '–'])).toEqual([
      ['fin-erp', 'passed', '12 min 22 s'],
      ['fin-web', 'passed', '5 min 1 s'],
      ['eng-ci', 'passed', '10 min 55 s'],
      ['eng-git', 'failed', '–'],
      ['res-hpc', 'passed', '24 min 40 s'],
      ['res-notebook', 'passed', '15 min 5 s'],
    ]);
  });

  it('gives a failed workload its failed step, message and fix', () => {
    const git = report.workloads.find((w) => w.name === 'eng-git')!;
    expect(git.failure).toMatchObject({
      step: 'restore',
      stepTitle: 'Restore',
      code: 'http',
      message: expect.stringContaining('No valid host was found'),
      fix: expect.stringContaining('raise the drill project quota'),
      httpStatus: 200,
      request: expect.stringMatching(/^GET https:\/\/10\.20\.0\.11:8781\/v1\/.*\/restores\//),
    });
    expect(git.instances).toEqual({ total: 0, listed: 0, removed: 0 });
    expect(git.rtoSeconds).toBeUndefined();
  });

  it('lists the phases with their status and durations', () => {
    expect(report.phases.map((p) => [p.key, p.status, p.durationMs])).toEqual([
      ['checks', 'succeeded', 20_000],
      ['inventory-before', 'succeeded', 75_000],
      ['isolate', 'succeeded', 65_000],
      ['workloads', 'failed', 2120_000],
      ['teardown', 'succeeded', 510_000],
      ['inventory-after', 'succeeded', 90_000],
    ]);
    expect(report.phases[5]!.title).toBe('Inventory after: proof of no trace');
  });

  it('proves the tear-down: drill projects removed, inventories identical', () => {
    expect(report.teardown).toMatchObject({
      state: 'no-trace',
      beforeAt: at(20),
      afterAt: at(2880),
      differences: [],
      summary: expect.stringMatching(
        /^No trace: the inventories taken before and after the drill .* are identical\.$/,
      ),
    });
    expect(report.projects.map((p) => [p.name, p.sourceProjectName, p.removed])).toEqual([
      ['trilio-drill-d20250314-finance', 'finance', true],
      ['trilio-drill-d20250314-engineering', 'engineering', true],
      ['trilio-drill-d20250314-research', 'research', true],
    ]);
    // The drill's own projects are named for the findings and for auditors' tools.
    expect(report.names).toContainEqual({
      id: PROJECTS.research,
      name: 'research',
      kind: 'project',
      cloud: 'source',
    });
  });
});

describe('drillReportModel: the verdict', () => {
  it('passes a drill whose every workload passed and whose tear-down left no trace', () => {
    const report = drillReportModel(passedDrill(), previousDrill(), {}, meta);
    expect(report.verdict).toEqual({
      result: 'PASSED',
      reasons: [
        'All 6 workloads were restored into the drill projects and verified, and the tear-down left no trace: the inventories of both clouds and every node before and after the drill are identical.',
      ],
    });
  });

  it('does not claim “no trace” when the after inventory was never taken (differences are empty then too)', () => {
    const drill = passedDrill();
    const { after: _after, ...inventory } = drill.inventory;
    const report = drillReportModel({ ...drill, inventory }, undefined, {}, meta);
    expect(report.teardown.state).toBe('not-proved');
    expect(report.verdict.result).toBe('FAILED');
    expect(report.verdict.reasons).toEqual([
      'The inventory after the tear-down was not taken: nothing proves the drill left no trace.',
    ]);
  });

  it('fails a drill that says it passed while a restored volume was not deleted', () => {
    const drill = passedDrill();
    drill.workloads[0]!.resources[3]!.removed = false;
    const report = drillReportModel(drill, undefined, {}, meta);
    expect(report.verdict.result).toBe('FAILED');
    expect(report.summary.resourcesLeft).toBe(1);
    expect(report.verdict.reasons).toEqual([
      '1 restored instance or volume was not deleted by the tear-down.',
    ]);
  });

  it('tells how to finish an interrupted drill, and which workloads never ran', () => {
    const drill: DrillView = { ...sampleDrill(), status: 'interrupted' };
    drill.workloads[5]!.status = 'pending';
    const { after: _after, ...inventory } = drill.inventory;
    const report = drillReportModel({ ...drill, inventory }, undefined, {}, meta);
    expect(report.verdict.result).toBe('FAILED');
    expect(report.verdict.reasons[0]).toBe(
      'The drill was interrupted before it finished; `trilio-dr drill --resume d20250314` finishes its tear-down and takes the after inventory.',
    );
    expect(report.verdict.reasons).toContain('1 workload was not drilled to the end (res-notebook).');
    expect(report.summary.unfinished).toBe(1);
  });

  it('says a refused drill changed nothing, and a running one is not a result', () => {
    const refused: DrillView = {
      ...sampleDrill(),
      status: 'refused',
      workloads: [],
      phases: [],
      projects: [],
      inventory: { differences: [] },
      error: {
        code: 'precondition',
        message: 'A DR run of profile lab is open (run-20250314-0100).',
        hint: 'Finish or close that run first.',
      },
    };
    const r = drillReportModel(refused, undefined, {}, meta);
    expect(r.verdict).toEqual({
      result: 'FAILED',
      reasons: [
        'The drill was refused before anything changed: A DR run of profile lab is open (run-20250314-0100).',
      ],
    });
    expect(r.teardown.summary).toBe(
      'The drill was refused before it changed anything: there was nothing to tear down.',
    );
    expect(r.error).toMatchObject({ code: 'precondition', fix: 'Finish or close that run first.' });

    const running = sampleDrill();
    running.status = 'running';
    running.phases[3]!.status = 'running';
    expect(verdictOf(running)).toBe('RUNNING');
    expect(drillReportModel(running, undefined, {}, meta).verdict.reasons).toEqual([
      'The drill is still running (restore and verify the workloads): this report is not its result.',
    ]);
  });
});

describe('drillReportModel: compared with the previous drill', () => {
  const { comparison } = drillReportModel(sampleDrill(), previousDrill(), {}, meta);

  it('names what was fixed, what newly fails, and the workloads added to or gone from the drill', () => {
    expect(comparison.fixed).toEqual(['eng-ci']);
    expect(comparison.newlyFailing).toEqual(['eng-git']);
    expect(comparison.added).toEqual(['res-notebook']);
    expect(comparison.removed).toEqual(['res-archive']);
    expect(comparison.workloads.map((w) => [w.name, w.then ?? '', w.now ?? '', w.change])).toEqual([
      ['fin-erp', 'passed', 'passed', 'still-passing'],
      ['fin-web', 'passed', 'passed', 'still-passing'],
      ['eng-ci', 'failed', 'passed', 'fixed'],
      ['eng-git', 'passed', 'failed', 'newly-failing'],
      ['res-hpc', 'passed', 'passed', 'still-passing'],
      ['res-notebook', '', 'passed', 'added'],
      ['res-archive', 'passed', '', 'removed'],
    ]);
    expect(comparison.note).toBe(
      'Since drill d20250307 (FAILED): 1 workload newly failing (eng-git); 1 workload fixed (eng-ci); 1 workload added to the drill (res-notebook); 1 workload no longer drilled (res-archive); RTO slower for 1, faster for 1.',
    );
  });

  it('gives the RTO then and now with the change, and the drill’s duration change', () => {
    const rto = (name: string) => comparison.workloads.find((w) => w.name === name)!;
    expect(rto('fin-erp')).toMatchObject({
      rtoThenSeconds: 802,
      rtoNowSeconds: 742,
      rtoDeltaSeconds: -60,
      rtoDeltaText: '−1 min',
    });
    expect(rto('res-hpc')).toMatchObject({
      rtoThenSeconds: 1320,
      rtoNowSeconds: 1480,
      rtoDeltaSeconds: 160,
      rtoDeltaText: '+2 min 40 s',
    });
    expect(rto('fin-web')).toMatchObject({ rtoDeltaSeconds: 0, rtoDeltaText: '±0 s' });
    // No RTO on the failed side: no delta rather than a made-up one.
    expect(rto('eng-ci')).toMatchObject({ rtoNowSeconds: 655 });
    expect(rto('eng-ci').rtoDeltaSeconds).toBeUndefined();
    expect(rto('res-archive')).toMatchObject({ rtoThenSeconds: 288 });
    expect(comparison).toMatchObject({ durationDeltaMs: -240_000, durationDeltaText: '−4 min' });
    expect(comparison.previous).toMatchObject({
      id: 'd20250307',
      verdict: 'FAILED',
      passed: 5,
      failed: 1,
      durationMs: 3120_000,
      createdAt: '2025-03-07T02:00:00.000Z',
    });
  });

  it('says so when there is no previous drill', () => {
    const r = drillReportModel(sampleDrill(), undefined, {}, meta);
    expect(r.comparison).toEqual({
      note: 'This is the first drill of profile lab to compare with: no earlier drill of it ran to an end.',
      workloads: [],
      fixed: [],
      newlyFailing: [],
      added: [],
      removed: [],
    });
    expect(validateDrillReport(r).ok).toBe(true);
  });

  it('refuses to compare with a drill of another profile, a later one, or itself', () => {
    const other = { ...previousDrill(), profileId: 'prod', profileName: 'Production A → B' };
    expect(drillReportModel(sampleDrill(), other, {}, meta).comparison).toMatchObject({
      note: 'The drill given as the previous one (d20250307) is of another profile (Production A → B): nothing to compare with.',
      workloads: [],
    });
    expect(drillReportModel(previousDrill(), sampleDrill(), {}, meta).comparison.previous).toBeUndefined();
    expect(drillReportModel(sampleDrill(), sampleDrill(), {}, meta).comparison.previous).toBeUndefined();
  });

  it('finds the previous drill of the profile among the stored ones', () => {
    const drill = sampleDrill();
    const prev = previousDrill();
    const older = { ...previousDrill(), id: 'd20250228', createdAt: '2025-02-28T02:00:00.000Z' };
    const refused = {
      ...previousDrill(),
      id: 'd20250310',
      status: 'refused' as const,
      createdAt: '2025-03-10T02:00:00.000Z',
    };
    const otherProfile = {
      ...previousDrill(),
      id: 'd20250312',
      profileId: 'prod',
      createdAt: '2025-03-12T02:00:00.000Z',
    };
    const later = { ...previousDrill(), id: 'd20250321', createdAt: '2025-03-21T02:00:00.000Z' };
    const stored = [older, later, drill, refused, prev, otherProfile].map(drillSummaryOf);
    expect(previousDrillOf(drill, stored)?.id).toBe('d20250307');
    expect(previousDrillOf(older, stored)).toBeUndefined();
  });
});

describe('drillReportModel: secrets', () => {
  it('passes every text through the profile’s scrubber', () => {
    const drill = sampleDrill();
    drill.workloads[3]!.error!.output = 'curl -H "X-Auth-Token: gAAAAAsecret-token"';
    const report = drillReportModel(
      drill,
      undefined,
      {},
      {
        ...meta,
        scrub: (t) => t.replaceAll('gAAAAAsecret-token', '***'),
      },
    );
    expect(JSON.stringify(report)).not.toContain('gAAAAAsecret-token');
    expect(report.workloads[3]!.failure!.output).toBe('curl -H "X-Auth-Token: ***"');
  });
});
