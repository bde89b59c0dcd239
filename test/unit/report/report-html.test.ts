import { describe, expect, it } from 'vitest';
import { esc } from '../../../shared/report/html-escape.js';
import { renderReportHtml } from '../../../shared/report/report-html.js';
import { buildRunReport } from '../../../shared/report/report-model.js';
import { timelineSvgs } from '../../../shared/report/timeline-svg.js';
import type { LogRecord } from '../../../shared/contract.js';
import { sampleLogs, sampleProfile, sampleRun, T0 } from './support/sample-run.js';

const meta = { generatedAt: '2025-03-14T10:00:00.000Z', appVersion: '0.1.0' };
const HOSTILE = '</pre><script>alert(1)</script><img src="https://evil.example/x.png">';

function hostileLogs(): LogRecord[] {
  const logs = sampleLogs();
  const line = (stream: LogRecord['stream'], s: number, text: string) =>
    logs.push({ runId: 'r', step: 'cleanup', host: 'compute-1', stream, ts: T0 + s * 1000, text });
  line('command', 1900, `echo '${HOSTILE}'`);
  line('stderr', 1901, `${HOSTILE}\u001b[31mred\u0007`);
  line('info', 1902, 'exit 1 after 2000 ms');
  return logs;
}

function render(): string {
  const run = sampleRun();
  const cleanup = run.steps.find((s) => s.key === 'cleanup')!;
  Object.assign(cleanup, {
    status: 'failed',
    attempts: 1,
    startedAt: new Date(T0 + 1850_000).toISOString(),
    finishedAt: new Date(T0 + 1910_000).toISOString(),
    error: { code: 'ssh-command', message: HOSTILE, output: HOSTILE, host: 'compute-1' },
  });
  return renderReportHtml(buildRunReport(run, sampleProfile(), hostileLogs(), meta));
}

/** Attributes inside real tags (escaped text has no `<`) that name a resource or a link target. */
function linkAttributes(html: string): string[] {
  return [...html.matchAll(/<[a-zA-Z][^>]*>/g)].flatMap((tag) =>
    [
      ...tag[0].matchAll(
        /\s(href|src|srcset|action|xlink:href|data|poster)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/gi,
      ),
    ].map((m) => `${m[1]}=${m[2]}`),
  );
}

describe('renderReportHtml', () => {
  it('is one document without script, external resources or event handlers', () => {
    const html = render();
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<(link|iframe|object|embed|img|video|audio|base|form)\b/i);
    expect(html).not.toMatch(/\son[a-z]+\s*=/i);
    expect(html).not.toMatch(/url\(|@import/i);
    // Links are in-page anchors only; nothing is loaded from anywhere.
    expect(linkAttributes(html).every((a) => /^href="#[a-z0-9-]+"$/.test(a))).toBe(true);
    expect(linkAttributes(html).length).toBeGreaterThan(5);
    expect(html).toContain("default-src 'none'");
  });

  it('escapes everything that comes from the run', () => {
    const html = render();
    expect(html).not.toContain(HOSTILE);
    expect(html).toContain(esc(HOSTILE));
    expect(html).toContain('eng-&lt;ci&gt;&amp;&quot;build&quot;');
    expect(html).not.toContain('eng-<ci>');
    // Terminal escapes in output are shown, not passed through.
    expect(html).toContain('\\x1b[31mred\\x07');
    // eslint-disable-next-line no-control-regex
    expect(html).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
  });

  it('shows the run, the workloads with their RTO, the steps, changes, errors and profile', () => {
    const html = render();
    for (const text of [
      'run-20250314-0900',
      'dr-operator',
      'fin-erp',
      'erp-app-dr',
      '25 min',
      '16 min 20 s',
      'Revert configuration',
      'Job for tvault-contego.service failed',
      'Unmount /var/triliovault-mounts/',
      'compute-3',
      '10.20.3.23:/upstream_synced_a1',
      'password stored (not shown)',
      'exit 32',
    ])
      expect(html).toContain(esc(text));
  });

  it('prints on A4 with page breaks and tables that keep their header', () => {
    const html = render();
    expect(html).toContain('@page { size: A4');
    expect(html).toMatch(/class="page-break"/);
    expect(html).toContain('thead { display: table-header-group; }');
  });

  it('plots the timeline as inline SVG: a row per step and per host, failures outlined', () => {
    const report = buildRunReport(sampleRun(), sampleProfile(), sampleLogs(), meta);
    const svgs = timelineSvgs(report);
    expect(svgs).toHaveLength(1);
    const svg = svgs[0]!;
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).not.toMatch(/https?:/);
    for (const label of ['Pre-flight', 'Mount paths', 'Revert configuration', 'compute-3', 'API requests'])
      expect(svg).toContain(`>${label}</text>`);
    expect(svg).not.toContain('>Clean up</text>');
    expect(svg.match(/<rect /g)!.length).toBe(report.timeline.entries.length + 8);
    expect(svg.match(/class="failed"/g)!.length).toBe(4);
    expect(renderReportHtml(report)).toContain(svg);
  });

  it('cuts a long timeline into charts that fit a page and summarises many hosts', () => {
    const report = buildRunReport(sampleRun(), sampleProfile(), sampleLogs(), meta);
    const many = Array.from({ length: 60 }, (_, i) => ({
      step: 'mount-paths' as const,
      host: `node-${String(i).padStart(3, '0')}`,
      start: new Date(T0 + 300_000 + i * 1000).toISOString(),
      end: new Date(T0 + 310_000 + i * 1000).toISOString(),
      commands: 3,
      failed: i === 59 ? 1 : 0,
    }));
    report.timeline.entries.push(...many);
    const svgs = timelineSvgs(report);
    expect(svgs.length).toBeGreaterThan(1);
    const all = svgs.join('');
    expect(all).toContain('>… 40 more hosts</text>');
    expect(all).not.toContain('>node-059</text>');
  });

  it('says so when nothing was recorded yet', () => {
    const run = sampleRun();
    for (const s of run.steps) {
      delete s.startedAt;
      delete s.finishedAt;
      delete s.outcome;
    }
    delete run.startedAt;
    delete run.finishedAt;
    const html = renderReportHtml(buildRunReport({ ...run, changes: [] }, sampleProfile(), [], meta));
    expect(html).toContain('No timing was recorded for this run.');
    expect(html).toContain('This run changed nothing.');
    expect(html).toContain('No workload was delivered by this run');
  });
});
