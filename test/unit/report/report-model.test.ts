import { describe, expect, it } from 'vitest';
import { buildRunReport } from '../../../shared/report/report-model.js';
import {
  REPORT_SCHEMA_ID,
  runReportSchema,
  validateRunReport,
} from '../../../shared/report/report-schema.js';
import { formatApiCallLog, readRunLog } from '../../../shared/report/run-log.js';
import { at, sampleLogs, sampleProfile, sampleRun } from './support/sample-run.js';

const meta = { generatedAt: '2025-03-14T10:00:00.000Z', appVersion: '0.1.0' };
const build = () => buildRunReport(sampleRun(), sampleProfile(), sampleLogs(), meta);

describe('buildRunReport', () => {
  it('produces JSON that validates against the v1 schema, also after a JSON round trip', () => {
    const report = build();
    expect(report.schema).toBe(REPORT_SCHEMA_ID);
    const checked = validateRunReport(JSON.parse(JSON.stringify(report)));
    expect(checked.ok ? [] : checked.problems).toEqual([]);
    expect(runReportSchema.parse(report)).toEqual(report);
  });

  it('rejects JSON that does not follow the schema, naming the field', () => {
    const report = JSON.parse(JSON.stringify(build()));
    report.steps[0].startedAt = 'yesterday';
    delete report.run.operator;
    const checked = validateRunReport(report);
    expect(checked.ok).toBe(false);
    if (!checked.ok) {
      expect(checked.problems.some((p) => p.startsWith('steps.0.startedAt'))).toBe(true);
      expect(checked.problems.some((p) => p.startsWith('run.operator'))).toBe(true);
    }
  });

  it('names who ran it and when, with the run duration', () => {
    const { run } = build();
    expect(run).toMatchObject({
      id: 'run-20250314-0900',
      kind: 'full',
      status: 'failed',
      operator: 'dr-operator',
      startedAt: at(0),
      finishedAt: at(1800),
      durationMs: 1_800_000,
    });
    expect(run.params).toMatchObject({ kind: 'full', restoreConcurrency: 2 });
  });

  it('keeps the profile without secrets: only the names of stored secrets', () => {
    const { profile } = build();
    expect(profile.clouds.target.storedSecrets).toEqual(['password']);
    expect(profile.clouds.source.storedSecrets).toEqual([]);
    expect(profile.hosts.find((h) => h.id === 'cmp-2')?.storedSecrets).toEqual(['password']);
    expect(profile.smtp.storedSecrets).toEqual(['password']);
    expect(JSON.stringify(profile)).not.toMatch(/"password":/);
  });

  it('lists every step with start, end, duration, status and attempts', () => {
    const report = build();
    expect(report.steps.map((s) => [s.key, s.status, s.attempts])).toEqual([
      ['preflight', 'succeeded', 1],
      ['find', 'succeeded', 1],
      ['reconfigure', 'succeeded', 1],
      ['mount-paths', 'succeeded', 2],
      ['access', 'succeeded', 1],
      ['reassign', 'succeeded', 1],
      ['restore', 'succeeded', 1],
      ['revert', 'failed', 1],
      ['cleanup', 'pending', 0],
    ]);
    const reconfigure = report.steps[2]!;
    expect(reconfigure).toMatchObject({ startedAt: at(90), finishedAt: at(300), durationMs: 210_000 });
    expect(report.steps[8]!.startedAt).toBeUndefined();
  });

  it('shows plan actions with their host names and quoted commands, and change kinds', () => {
    const mount = build().steps.find((s) => s.key === 'mount-paths')!;
    const first = mount.plan!.actions[0]!;
    expect(first).toMatchObject({
      kind: 'remote',
      host: 'compute-1',
      change: 'bind-mount',
      privileged: true,
    });
    if (first.kind !== 'remote') throw new Error('remote expected');
    expect(first.command).toMatch(
      /^sh -c 'mountpoint -q "\$2" && exit 0; mount --bind "\$1" "\$2"' trilio-dr-bind /,
    );
    expect(mount.verify.filter((v) => !v.ok)).toEqual([
      { host: 'compute-3', check: 'fstab line present', ok: false, detail: 'line was added by hand' },
    ]);
  });

  it('reads the commands that ran with exit codes and keeps the output of failed ones', () => {
    const mount = build().steps.find((s) => s.key === 'mount-paths')!;
    expect(mount.commands).toHaveLength(4);
    const failed = mount.commands.filter((c) => !c.ok);
    expect(failed).toEqual([
      expect.objectContaining({
        host: 'compute-3',
        exitCode: 32,
        result: 'exit 32',
        durationMs: 1000,
        outputTail: ['mount: /var/triliovault-mounts: permission denied.'],
      }),
    ]);
    expect(mount.commands.filter((c) => c.ok).every((c) => c.outputTail === undefined)).toBe(true);
  });

  it('lists API calls with status, including failed attempts', () => {
    const restore = build().steps.find((s) => s.key === 'restore')!;
    expect(restore.apiCalls.map((c) => [c.method, c.status, c.ok])).toEqual([
      ['POST', 202, true],
      ['GET', 503, false],
    ]);
    expect(restore.apiCalls[0]!.startedAt).toBe(new Date(Date.parse(at(530)) - 300).toISOString());
  });

  it('reports errors with their output', () => {
    const report = build();
    expect(report.errors).toEqual([
      expect.objectContaining({
        step: 'revert',
        code: 'ssh-command',
        host: 'compute-3',
        exitCode: 1,
        output: expect.stringContaining('Job for tvault-contego.service failed'),
      }),
    ]);
    expect(report.summary.errors).toBe(1);
  });

  it('lists changes with whether and when they were undone, and how', () => {
    const report = build();
    const conf = report.changes.filter((c) => c.kind === 'config-edit');
    expect(conf.map((c) => [c.host, c.undone])).toEqual([
      ['tvm-1', true],
      ['compute-1', true],
      ['compute-2', true],
      ['compute-3', false],
    ]);
    expect(conf[0]!.undoneAt).toBe(at(1750));
    expect(conf[3]!.undoneAt).toBeUndefined();
    expect(report.changes.find((c) => c.kind === 'role-grant')!.undo[0]).toMatchObject({
      kind: 'api',
      method: 'DELETE',
    });
    expect(report.summary).toMatchObject({ changes: 8, changesNotUndone: 4 });
  });

  it('measures RTO per workload from run start and from the restore step start', () => {
    const report = build();
    expect(
      report.workloads.map((w) => [w.name, w.status, w.rtoFromRunStartMs, w.rtoFromStepStartMs]),
    ).toEqual([
      ['fin-erp', 'available', 1_500_000, 980_000],
      ['fin-web', 'available', 1_320_000, 800_000],
      ['eng-<ci>&"build"', 'error', undefined, undefined],
    ]);
    expect(report.workloads[0]!.instances).toEqual([
      { name: 'erp-app-dr', id: 'b1f6a3c0-0000-4000-8000-000000000001', sourceName: 'erp-app' },
      { name: 'erp-db', id: 'b1f6a3c0-0000-4000-8000-000000000002' },
    ]);
    expect(report.workloads[2]!.error).toContain('No valid host');
    expect(report.summary).toMatchObject({
      workloads: 3,
      available: 2,
      failed: 1,
      maxRtoFromRunStartMs: 1_500_000,
      maxRtoFromStepStartMs: 980_000,
    });
  });

  it('takes workloads from the notify step in a notify-only run', () => {
    const run = sampleRun();
    const restore = run.steps.find((s) => s.key === 'restore')!;
    restore.key = 'notify';
    restore.outcome = {
      summary: 'Owners notified.',
      verify: [],
      data: {
        workloads: [
          { workloadId: 'w', name: 'n', sourceProject: 's', targetProject: 't', status: 'notified' },
        ],
      },
    };
    const report = buildRunReport(run, sampleProfile(), [], meta);
    expect(report.workloads).toEqual([
      expect.objectContaining({ name: 'n', status: 'notified', deliveredBy: 'notify', instances: [] }),
    ]);
    expect(report.workloads[0]!.rtoFromRunStartMs).toBeUndefined();
  });

  it('ignores outcome data of another shape instead of failing', () => {
    const run = sampleRun();
    run.steps.find((s) => s.key === 'restore')!.outcome!.data = { restoreId: 'x' };
    const report = buildRunReport(run, sampleProfile(), sampleLogs(), meta);
    expect(report.workloads).toEqual([]);
    expect(validateRunReport(report).ok).toBe(true);
  });

  it('passes every text through the scrubber it is given, plans included', () => {
    const run = sampleRun();
    const plan = run.steps.find((s) => s.key === 'reconfigure')!.plan!;
    const action = plan.actions[0]!;
    if (action.kind !== 'remote') throw new Error('remote expected');
    action.argv = ['sh', '-c', 'login "$1"', 'sh', 'Hunter2-Secret'];
    const scrub = (t: string) => t.replaceAll('Hunter2-Secret', '••••••');
    const logs = sampleLogs();
    logs.push({
      runId: 'r',
      step: 'revert',
      host: 'compute-3',
      stream: 'command',
      ts: logs[0]!.ts,
      text: 'x Hunter2-Secret',
    });
    const plain = JSON.stringify(buildRunReport(run, sampleProfile(), logs, meta));
    expect(plain).toContain('Hunter2-Secret');
    const report = buildRunReport(run, sampleProfile(), logs, { ...meta, scrub });
    expect(JSON.stringify(report)).not.toContain('Hunter2-Secret');
    expect(report.steps[2]!.plan!.actions[0]).toMatchObject({ command: 'sh -c \'login "$1"\' sh ••••••' });
    expect(validateRunReport(report).ok).toBe(true);
  });

  it('lists the hosts touched with their steps, commands and changes', () => {
    const report = build();
    expect(report.hosts.map((h) => [h.name, h.role, h.commands, h.failedCommands, h.changes])).toEqual([
      ['tvm-1', 'tvm', 4, 0, 1],
      ['compute-1', 'compute', 3, 0, 2],
      ['compute-2', 'compute', 3, 0, 2],
      ['compute-3', 'compute', 5, 2, 2],
    ]);
    expect(report.hosts[3]!.steps).toEqual(['preflight', 'reconfigure', 'mount-paths', 'revert']);
  });

  it('builds timeline bars per step and host from the command times', () => {
    const { timeline } = build();
    const bar = timeline.entries.find((e) => e.step === 'mount-paths' && e.host === 'compute-3')!;
    expect(bar).toEqual({
      step: 'mount-paths',
      host: 'compute-3',
      start: at(305),
      end: at(355),
      commands: 2,
      failed: 1,
    });
    expect(timeline.entries.filter((e) => e.host === '').map((e) => e.step)).toEqual([
      'preflight',
      'find',
      'access',
      'reassign',
      'restore',
    ]);
    expect(timeline.start).toBe(at(0));
    expect(timeline.end).toBe(at(1800));
  });
});

describe('readRunLog', () => {
  it('pairs commands with their end lines per host, and marks a command without an end', () => {
    const base = { runId: 'r', step: 'copy' };
    const { commands } = readRunLog([
      { ...base, host: 'a', stream: 'command', ts: 1, text: 'one' },
      { ...base, host: 'b', stream: 'command', ts: 2, text: 'two' },
      { ...base, host: 'b', stream: 'stderr', ts: 3, text: 'boom' },
      { ...base, host: 'b', stream: 'info', ts: 4, text: 'killed by SIGTERM after 2 ms' },
      { ...base, host: 'a', stream: 'info', ts: 5, text: 'exit 0 after 4 ms' },
      { ...base, host: 'a', stream: 'command', ts: 6, text: 'three' },
    ]);
    expect(commands.map((c) => [c.host, c.command, c.result, c.exitCode, c.ok, c.outputTail])).toEqual([
      ['a', 'one', 'exit 0', 0, true, []],
      ['b', 'two', 'killed by SIGTERM', undefined, false, ['boom']],
      ['a', 'three', 'no end in the log', undefined, false, []],
    ]);
  });

  it('closes a command that could not be started at its error line', () => {
    const base = { runId: 'r', step: 'copy', host: 'a' };
    const { commands } = readRunLog([
      { ...base, stream: 'command', ts: 1, text: 'one' },
      { ...base, stream: 'error', ts: 2, text: 'connection lost' },
      { ...base, stream: 'command', ts: 3, text: 'two' },
      { ...base, stream: 'info', ts: 4, text: 'exit 0 after 1 ms' },
    ]);
    expect(commands.map((c) => [c.command, c.result, c.ok])).toEqual([
      ['one', 'connection lost', false],
      ['two', 'exit 0', true],
    ]);
  });

  it('reads back what formatApiCallLog writes', () => {
    const text = formatApiCallLog({
      method: 'GET',
      url: 'https://x/v3/projects?name=a%20b',
      status: 200,
      durationMs: 12.4,
    });
    expect(text).toBe('HTTP GET https://x/v3/projects?name=a%20b -> 200 in 12 ms');
    const failed = formatApiCallLog({
      method: 'POST',
      url: 'https://x/y',
      error: 'ECONNRESET',
      durationMs: 3,
      attempt: 2,
    });
    const { apiCalls } = readRunLog([
      { runId: 'r', step: 'find', host: '', stream: 'info', ts: 100, text },
      { runId: 'r', step: 'find', host: '', stream: 'info', ts: 200, text: failed },
    ]);
    expect(apiCalls).toEqual([
      {
        step: 'find',
        method: 'GET',
        url: 'https://x/v3/projects?name=a%20b',
        status: 200,
        durationMs: 12,
        startTs: 88,
        endTs: 100,
        ok: true,
      },
      {
        step: 'find',
        method: 'POST',
        url: 'https://x/y',
        error: 'ECONNRESET',
        durationMs: 3,
        startTs: 197,
        endTs: 200,
        ok: false,
      },
    ]);
  });
});
