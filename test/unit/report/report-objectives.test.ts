import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { profileSchema } from '../../../shared/profile/profile.js';
import { renderReportCsv, REPORT_CSV_HEADER } from '../../../shared/report/report-csv.js';
import { renderReportHtml } from '../../../shared/report/report-html.js';
import { buildRunReport } from '../../../shared/report/report-model.js';
import { clockDuration, serviceTimeIso } from '../../../shared/report/report-rto.js';
import { validateRunReport } from '../../../shared/report/report-schema.js';
import { phaseLines } from '../../../shared/report/run-log.js';
import type { LogRecord } from '../../../shared/contract.js';
import { objectivesProfile, objectivesRun } from './support/objectives-run.js';
import { at, sampleLogs, T0 } from './support/sample-run.js';

const meta = { generatedAt: '2025-03-14T10:00:00.000Z', appVersion: '0.1.0-test' };
const build = (profile = objectivesProfile()) => buildRunReport(objectivesRun(), profile, sampleLogs(), meta);
const byName = (name: string) => build().workloads.find((w) => w.name === name)!;

/** Python's csv module: an independent RFC 4180 reader. */
function parseCsv(text: string): string[][] {
  const py = spawnSync(
    'python3',
    ['-c', 'import csv, json, sys; print(json.dumps(list(csv.reader(sys.stdin, strict=True))))'],
    { input: text, encoding: 'utf8' },
  );
  if (py.status !== 0) throw new Error(py.stderr);
  return JSON.parse(py.stdout) as string[][];
}

describe('RPO and RTO against the target', () => {
  it('measures the RPO from the snapshot time to the restore start, read as UTC', () => {
    const erp = byName('fin-erp');
    expect(erp.snapshotCreatedAt).toBe('2025-03-13T23:00:00.000Z');
    expect(erp.restoreStartedAt).toBe('2025-03-14T09:10:00.000Z');
    expect(erp.rpoMs).toBe((10 * 60 + 10) * 60_000);
    expect(byName('fin-web').rpoMs).toBe((6 * 60 + 9) * 60_000);
    expect(build().summary.maxRpoMs).toBe((10 * 60 + 10) * 60_000);
    // Trilio writes UTC without a zone; the reader's time zone must not shift it.
    expect(serviceTimeIso('2025-03-14T09:00:00.000000')).toBe('2025-03-14T09:00:00.000Z');
    expect(serviceTimeIso('2025-03-14 09:00:00+02:00')).toBe('2025-03-14T07:00:00.000Z');
    expect(serviceTimeIso('not a time')).toBeUndefined();
  });

  it('compares each RTO with the profile target and marks the miss', () => {
    const report = build();
    expect(byName('fin-erp')).toMatchObject({
      rtoMs: 1_500_000,
      rtoTargetMs: 24 * 60_000,
      rtoTargetSource: 'profile',
      rtoVerdict: 'missed',
    });
    expect(byName('fin-web')).toMatchObject({ rtoMs: 1_320_000, rtoVerdict: 'met' });
    expect(byName('eng-<ci>&"build"')).toMatchObject({ rtoVerdict: 'not-restored' });
    expect(report.summary).toMatchObject({ rtoTargetMinutes: 24, rtoMet: 1, rtoMissed: 1 });
    const checked = validateRunReport(JSON.parse(JSON.stringify(report)));
    expect(checked.ok ? [] : checked.problems).toEqual([]);
  });

  it('uses a target project’s own target when the profile sets one', () => {
    const report = build(objectivesProfile([{ project: 'finance-dr', rtoTargetMinutes: 30 }]));
    const erp = report.workloads.find((w) => w.name === 'fin-erp')!;
    expect(erp).toMatchObject({ rtoTargetMs: 30 * 60_000, rtoTargetSource: 'project', rtoVerdict: 'met' });
    expect(report.summary.rtoMissed).toBe(0);
  });

  it('gives older profiles the default target (4 h): the field is optional in a profile file', () => {
    const old = profileSchema.parse({
      name: 'old',
      clouds: { source: { authUrl: '', region: '' }, target: { authUrl: '', region: '' } },
      nfs: { target: '', syncedCopy: '' },
    });
    expect(old.reporting).toEqual({ rtoTargetMinutes: 240, perProject: [] });
  });
});

describe('the CSV for auditors', () => {
  it('has the header and one row per workload, as a real CSV reader reads it', () => {
    const rows = parseCsv(renderReportCsv(build()));
    expect(rows[0]).toEqual([...REPORT_CSV_HEADER]);
    expect(rows[0]!.join(',')).toBe(
      'workload,project,snapshot,snapshot_time,rpo,rto,rto_target,status,error',
    );
    expect(rows).toHaveLength(4);
    expect(rows[1]).toEqual([
      'fin-erp',
      'finance-dr',
      'f2b255e4-eae4-4bf2-838e-c838aaaa402a',
      '2025-03-13T23:00:00.000Z',
      '10:10:00',
      '0:25:00',
      '0:24:00',
      'available (over RTO target)',
      'RTO 0:25:00 is over the target 0:24:00 by 0:01:00',
    ]);
    expect(rows[2]!.slice(4, 9)).toEqual(['6:09:00', '0:22:00', '0:24:00', 'available', '']);
    // Quotes, commas and markup survive the round trip.
    expect(rows[3]![0]).toBe('eng-<ci>&"build"');
    expect(rows[3]![7]).toBe('error');
    expect(rows[3]![8]).toBe('Failed restoring instance ci-runner: No valid host was found.');
  });

  it('never hands a spreadsheet a formula', () => {
    const run = objectivesRun();
    const restore = run.steps.find((s) => s.key === 'restore')!;
    const data = restore.outcome!.data as { workloads: { name: string; error?: string }[] };
    data.workloads[2]!.name = '=HYPERLINK("http://evil","x")';
    data.workloads[2]!.error = '+1, "quoted"\nsecond line';
    const rows = parseCsv(renderReportCsv(buildRunReport(run, objectivesProfile(), [], meta)));
    expect(rows[3]![0]).toBe('\'=HYPERLINK("http://evil","x")');
    expect(rows[3]![8]).toBe('\'+1, "quoted"\nsecond line');
  });

  it('writes durations as h:mm:ss without wrapping at 24 h', () => {
    expect(clockDuration(27 * 3_600_000 + 5 * 60_000 + 9_000)).toBe('27:05:09');
    expect(clockDuration(undefined)).toBe('');
  });
});

describe('the HTML (and so the PDF) report', () => {
  it('shows RPO, RTO and target per workload and marks the row over its target', () => {
    const html = renderReportHtml(build());
    const erpRow = /<tr class="miss">[\s\S]*?<\/tr>/.exec(html)?.[0] ?? '';
    expect(erpRow).toContain('fin-erp');
    expect(erpRow).toContain('OVER&nbsp;TARGET');
    expect(erpRow).toContain('+1&nbsp;min');
    expect(erpRow).toContain('10 h 10 min'); // RPO
    expect(erpRow).toContain('24 min'); // target
    expect(html.match(/<tr class="miss">/g)).toHaveLength(1);
    expect(html).toMatch(/<div class="figure miss"><b>1 · 1<\/b>RTO target 24 min: met · over<\/div>/);
    expect(html).toMatch(/Totals: 3 workload\(s\)/);
  });
});

describe('changes not undone: kept on purpose or left over', () => {
  it('keeps mount paths when clean-up keeps them, and names leftovers with what undoes them', () => {
    const report = build();
    const conf = report.changes.find((c) => c.kind === 'config-edit' && !c.undone)!;
    expect(conf).toMatchObject({ disposition: 'leftover', note: expect.stringContaining('run revert') });
    // This run asked clean-up to remove the mounts: the binds not undone are leftovers.
    expect(
      report.changes.filter((c) => c.kind === 'bind-mount').every((c) => c.disposition === 'leftover'),
    ).toBe(true);
    const run = objectivesRun();
    run.params = { ...run.params, removeMountsOnCleanup: false };
    const kept = buildRunReport(run, objectivesProfile(), [], meta);
    expect(kept.changes.filter((c) => c.kind === 'bind-mount').map((c) => c.disposition)).toEqual([
      'kept',
      'kept',
      'kept',
    ]);
    expect(kept.summary).toMatchObject({ changesKept: 3, changesLeftover: 1 });
    expect(renderReportHtml(kept)).toContain('Kept on purpose (3)');
  });

  it('counts the restored workload itself as kept', () => {
    const run = objectivesRun();
    run.changes.push({
      id: 99,
      step: 'restore',
      actionId: 'restore:snap:r-0001',
      host: '',
      kind: 'restore',
      description: 'Restore fin-erp: restore r-0001',
      undo: [],
      appliedAt: at(530),
    });
    const change = buildRunReport(run, objectivesProfile(), [], meta).changes.find((c) => c.id === 99)!;
    expect(change).toMatchObject({ disposition: 'kept', note: expect.stringContaining('restored workload') });
  });
});

describe('the timeline shows execution only', () => {
  it('leaves out what a step ran while planning, keeps it listed with the step', () => {
    const line = (step: string, host: string, stream: LogRecord['stream'], s: number, text: string) => ({
      runId: 'r',
      step,
      host,
      stream,
      ts: T0 + s * 1000,
      text,
    });
    const logs: LogRecord[] = [
      line('mount-paths', '', 'info', 200, phaseLines.plan),
      line('mount-paths', 'compute-1', 'command', 201, 'findmnt -n /x'),
      line('mount-paths', 'compute-1', 'info', 202, 'exit 0 after 1000 ms'),
      line('mount-paths', '', 'info', 301, phaseLines.execute(1)),
      line('mount-paths', 'compute-1', 'command', 302, 'mount --bind /a /b'),
      line('mount-paths', 'compute-1', 'info', 303, 'exit 0 after 1000 ms'),
    ];
    const report = buildRunReport(objectivesRun(), objectivesProfile(), logs, meta);
    const bar = report.timeline.entries.find((e) => e.step === 'mount-paths' && e.host === 'compute-1')!;
    expect(bar).toMatchObject({ start: at(302), end: at(303), commands: 1 });
    const step = report.steps.find((s) => s.key === 'mount-paths')!;
    expect(step.commands.map((c) => [c.command, c.phase])).toEqual([
      ['findmnt -n /x', 'plan'],
      ['mount --bind /a /b', 'execute'],
    ]);
  });

  it('falls back to the step’s execution start for logs without phase lines', () => {
    const logs: LogRecord[] = [
      {
        runId: 'r',
        step: 'mount-paths',
        host: 'compute-1',
        stream: 'command',
        ts: T0 + 290_000,
        text: 'probe',
      },
      {
        runId: 'r',
        step: 'mount-paths',
        host: 'compute-1',
        stream: 'info',
        ts: T0 + 291_000,
        text: 'exit 0 after 9 ms',
      },
    ];
    const report = buildRunReport(objectivesRun(), objectivesProfile(), logs, meta);
    // Mount paths started executing at 300 s: a command at 290 s was planning.
    expect(report.timeline.entries.filter((e) => e.step === 'mount-paths')).toEqual([]);
  });
});
