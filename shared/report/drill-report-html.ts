import { badge, code, htmlDocument, htmlTable, kvTable, pre, wrap } from './html-document.js';
import { esc } from './html-escape.js';
import { formatDuration, formatTime } from './report-format.js';
import type { DrillFailure, DrillReport, DrillReportWorkload } from './drill-report-schema.js';

/**
 * The drill report as one self-contained HTML file (inline CSS, no script, no external resource),
 * readable on screen and printable: the PDF export prints exactly this document. The verdict and the
 * workloads come first (what an auditor reads on page one). Every value from the drill is escaped.
 */
export function renderDrillReportHtml(report: DrillReport): string {
  const title = `DR drill report: ${report.drill.profileName} (${report.drill.id})`;
  const body = [
    header(report),
    workloadsSection(report),
    failuresSection(report),
    teardownSection(report),
    comparisonSection(report),
    phasesSection(report),
    resourcesSection(report),
  ].join('\n');
  return htmlDocument(title, body, drillCss);
}

const drillCss = `
.verdict { border: 3px solid #6b7280; border-radius: 8px; padding: 8px 14px; margin: 10px 0; break-inside: avoid; }
.verdict .word { font-size: 22pt; font-weight: bold; letter-spacing: 0.06em; }
.verdict.PASSED { border-color: #2e7d32; background: #eef7ee; }
.verdict.PASSED .word { color: #1b5e20; }
.verdict.FAILED { border-color: #c62828; background: #fdecea; }
.verdict.FAILED .word { color: #a30000; }
.verdict.RUNNING { border-color: #8a5300; background: #fff8ec; }
/* Six workloads fit on page one with the verdict: the drill project's long name gets the room. */
.figure { min-width: 100px; padding: 4px 10px; }
table.workloads { table-layout: fixed; }
table.workloads th:nth-child(1) { width: 19%; }
table.workloads th:nth-child(2) { width: 26%; }
table.workloads th:nth-child(3) { width: 10%; }
table.workloads th:nth-child(4) { width: 13%; }
table.workloads th:nth-child(5) { width: 16%; }
table.workloads th:nth-child(6) { width: 16%; }
table.differences { table-layout: fixed; }
table.differences th:nth-child(1) { width: 20%; }
table.differences th:nth-child(2) { width: 44%; }
table.differences th:nth-child(3) { width: 36%; }
.verdict ul { margin: 4px 0 2px 18px; padding: 0; }
.figure.miss { border-color: #c62828; background: #fdecea; }
.badge.PASSED, .badge.passed, .badge.no-trace, .badge.fixed, .badge.yes { background: #2e7d32; }
.badge.FAILED, .badge.newly-failing, .badge.still-failing, .badge.differences, .badge.no { background: #c62828; }
.badge.not-proved, .badge.pending { background: #8a5300; }
.badge.added, .badge.removed { background: #1565c0; }
tr.failed td { background: #fdecea; }
.slower, .miss-text { color: #a30000; font-weight: bold; }
.faster { color: #1b5e20; font-weight: bold; }
`;

/** Escaped text that never breaks across lines (a duration, a delta): read back whole from a PDF. */
const nbsp = (text: string) => esc(text).replaceAll(' ', '&nbsp;');

const scopeText = (r: DrillReport) =>
  r.drill.scope.all
    ? `every workload on the synced share (${r.drill.scope.workloadIds.length})`
    : `${r.drill.scope.workloadIds.length} workload(s) chosen`;

function header(r: DrillReport): string {
  const s = r.summary;
  const figure = (label: string, value: string, bad = false) =>
    `<div class="figure${bad ? ' miss' : ''}"><b>${esc(value)}</b>${esc(label)}</div>`;
  const teardown = {
    'no-trace': 'no trace',
    differences: `${s.differences} difference(s)`,
    'not-proved': 'not proved',
  }[r.teardown.state];
  return `<header>
<h1>Disaster recovery drill report</h1>
<p class="muted">DR rehearsal with environment profile <b>${esc(r.drill.profileName)}</b> into isolated drill projects, torn down afterwards.</p>
<div class="verdict ${esc(r.verdict.result)}">
<span class="word">${esc(r.verdict.result)}</span>
<ul>${r.verdict.reasons.map((x) => `<li>${esc(x)}</li>`).join('')}</ul>
</div>
${kvTable([
  [
    'Drill',
    `${code(r.drill.id)} ${badge(r.drill.status)} of profile <b>${esc(r.drill.profileName)}</b>${r.drill.profileId !== r.drill.profileName ? ` <span class="small muted">${esc(r.drill.profileId)}</span>` : ''}, run by ${esc(r.drill.operator)}`,
  ],
  [
    'When',
    `${esc(formatTime(r.drill.createdAt))} → ${esc(formatTime(r.drill.finishedAt) || 'not finished')}${r.drill.durationMs !== undefined ? ` (${esc(formatDuration(r.drill.durationMs))})` : ''}`,
  ],
  ['Scope', esc(scopeText(r))],
])}
<div class="figures">
${figure('workloads passed', `${s.passed} / ${s.workloads}`, s.passed < s.workloads)}
${figure('longest measured RTO', s.maxRtoSeconds === undefined ? '–' : formatDuration(s.maxRtoSeconds * 1000))}
${figure('RPO (oldest snapshot)', s.maxRpoSeconds === undefined ? '–' : formatDuration(s.maxRpoSeconds * 1000))}
${figure('tear-down', teardown, r.teardown.state !== 'no-trace')}
</div>
<p class="small muted">Report generated ${esc(formatTime(r.generatedAt))} by Trilio DR Wizard ${esc(r.appVersion)} (schema ${esc(r.schema)}).</p>
</header>`;
}

/** `2 instances, 4 volumes` and whether Nova/Cinder listed them and the tear-down removed them. */
function restoredCell(w: DrillReportWorkload): string {
  const count = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;
  const what = [
    w.instances.total > 0 ? count(w.instances.total, 'instance') : '',
    w.volumes.total > 0 ? count(w.volumes.total, 'volume') : '',
  ].filter(Boolean);
  if (what.length === 0) return '–';
  const total = w.instances.total + w.volumes.total;
  const listed = w.instances.listed + w.volumes.listed;
  const removed = w.instances.removed + w.volumes.removed;
  const state =
    listed === total && removed === total
      ? 'all listed, all removed'
      : `${listed} of ${total} listed, ${removed} of ${total} removed`;
  return `${esc(what.join(', '))}<br><span class="small${removed < listed ? ' miss-text' : ''}">${esc(state)}</span>`;
}

function workloadsSection(r: DrillReport): string {
  if (r.workloads.length === 0)
    return '<section id="workloads"><h2>Workloads</h2><p>No workload was drilled.</p></section>';
  const rows = r.workloads.map((w) => {
    const cells = [
      `${esc(w.name)}<br><span class="small muted wrap">${esc(w.workloadId)}</span>`,
      `${esc(w.sourceProjectName)} →<br><span class="small wrap">${esc(w.drillProject)}</span>`,
      `${badge(w.result)}${w.failure?.stepTitle ? `<br><span class="small">at ${esc(w.failure.stepTitle)}</span>` : ''}`,
      w.rtoText ? nbsp(w.rtoText) : '–',
      `${w.rpoText ? nbsp(w.rpoText) : '–'}${w.snapshotCreatedAt ? `<br><span class="small muted">snapshot ${esc(formatTime(w.snapshotCreatedAt))}</span>` : ''}`,
      restoredCell(w),
    ];
    return `<tr${w.result === 'failed' ? ' class="failed"' : ''}>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`;
  });
  const headers = ['Workload', 'Source project → drill project', 'Result', 'Measured RTO', 'RPO', 'Restored'];
  return `<section id="workloads">
<h2>Workloads</h2>
<table class="workloads"><thead><tr>${headers.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('\n')}</tbody></table>
<p class="small muted">RTO: the workload’s DR start → Trilio reported its restore <code>available</code>. RPO: the restored snapshot’s age when the restore started. Restored: instances and volumes listed by Nova and Cinder in the drill project, and deleted by the tear-down. UTC.</p>
</section>`;
}

function failureBlock(title: string, f: DrillFailure, runId?: string): string {
  const facts: string[] = [];
  if (f.host) facts.push(`host ${code(f.host)}`);
  if (f.exitCode !== undefined) facts.push(`exit code ${esc(f.exitCode)}`);
  if (f.request) facts.push(`request ${code(f.request)}`);
  if (f.httpStatus !== undefined) facts.push(`HTTP ${esc(f.httpStatus)}`);
  return `<div class="error">
<b>${esc(title)}${f.stepTitle ? ` at ${esc(f.stepTitle)}` : ''}: ${wrap(f.message)}</b> <span class="muted small">(${esc(f.code)})</span>
${facts.length > 0 ? `<p class="small">${facts.join(' · ')}</p>` : ''}
${f.command ? `<p class="small">Command: ${code(f.command)}</p>` : ''}
<p>Fix: ${esc(f.fix ?? 'no fix was recorded with the error; read the run’s log.')}</p>
${runId ? `<p class="small muted">Its run ${code(runId)} has the full log (<code>trilio-dr logs --run ${esc(runId)}</code>).</p>` : ''}
${f.output ? pre(f.output) : ''}
</div>`;
}

function failuresSection(r: DrillReport): string {
  const failed = r.workloads.filter((w) => w.failure);
  // The drill's own error often only sums up the workloads' ("1 of 6 workloads failed"): shown when it
  // says more (a fix) or when it is the only failure (refused, tear-down failed).
  const drillError = r.error && (r.error.fix || failed.length === 0) ? r.error : undefined;
  if (failed.length === 0 && !drillError) return '';
  return `<section id="failures">
<h2>What failed and the fix</h2>
${drillError ? failureBlock('The drill', drillError) : ''}
${failed.map((w) => failureBlock(w.name, w.failure!, w.runId)).join('\n')}
</section>`;
}

function teardownSection(r: DrillReport): string {
  const t = r.teardown;
  const projects =
    r.projects.length === 0
      ? '<p class="small muted">The drill made no drill project.</p>'
      : htmlTable(
          ['Drill project', 'Stands in for', 'Keystone id', 'Removed'],
          r.projects.map((p) => [
            wrap(p.name),
            `${esc(p.sourceProjectName)}<br><span class="small muted">${esc(p.sourceProjectId)}</span>`,
            esc(p.id ?? '–'),
            badge(p.removed ? 'yes' : 'no'),
          ]),
        );
  const differences =
    t.differences.length === 0
      ? ''
      : htmlTable(
          ['Where', 'What is different', 'What undoes it'],
          t.differences.flatMap((d) =>
            d.findings.map((f, i) => [i === 0 ? wrap(d.place) : '', wrap(f.text), wrap(f.fix)]),
          ),
          'differences',
        );
  return `<section id="teardown">
<h2>Tear-down proof ${badge(t.state)}</h2>
<p>${esc(t.summary)}</p>
<p class="small muted">Inventory before: ${esc(formatTime(t.beforeAt) || 'not taken')} · after: ${esc(formatTime(t.afterAt) || 'not taken')}</p>
${differences}
<h3>Drill projects</h3>
${projects}
</section>`;
}

function comparisonSection(r: DrillReport): string {
  const c = r.comparison;
  if (!c.previous)
    return `<section id="comparison"><h2>Compared with the previous drill</h2><p>${esc(c.note)}</p></section>`;
  const p = c.previous;
  const delta = (seconds: number | undefined, text: string | undefined) =>
    seconds === undefined || !text
      ? '–'
      : `<span class="${seconds > 0 ? 'slower' : seconds < 0 ? 'faster' : ''}">${nbsp(text)}</span>`;
  const secs = (s: number | undefined) => (s === undefined ? '–' : nbsp(formatDuration(s * 1000)));
  return `<section id="comparison">
<h2>Compared with the previous drill</h2>
<p>${esc(c.note)}</p>
${kvTable([
  [
    'Previous drill',
    `${code(p.id)} ${badge(p.verdict)} <span class="small muted">by ${esc(p.operator)}, ${esc(formatTime(p.createdAt))}</span>`,
  ],
  [
    'Workloads passed then · now',
    `${p.passed} of ${p.passed + p.failed} · ${r.summary.passed} of ${r.summary.workloads}`,
  ],
  ['Tear-down differences then · now', `${p.differences} · ${r.summary.differences}`],
  [
    'Drill duration then · now',
    `${esc(formatDuration(p.durationMs) || '–')} · ${esc(formatDuration(r.drill.durationMs) || '–')}${c.durationDeltaText ? ` (${delta(c.durationDeltaMs, c.durationDeltaText)})` : ''}`,
  ],
])}
${htmlTable(
  ['Workload', 'Then', 'Now', 'Change', 'RTO then', 'RTO now', 'RTO change'],
  c.workloads.map((w) => [
    `${esc(w.name)}<br><span class="small muted">${esc(w.workloadId)}</span>`,
    w.then ? badge(w.then) : '–',
    w.now ? badge(w.now) : '–',
    badge(w.change),
    secs(w.rtoThenSeconds),
    secs(w.rtoNowSeconds),
    delta(w.rtoDeltaSeconds, w.rtoDeltaText),
  ]),
)}
</section>`;
}

function phasesSection(r: DrillReport): string {
  return `<section id="phases">
<h2>Phases</h2>
${
  r.phases.length === 0
    ? '<p>No phase was recorded.</p>'
    : htmlTable(
        ['Phase', 'Status', 'Started', 'Finished', 'Duration', 'Detail'],
        r.phases.map((p) => [
          esc(p.title),
          badge(p.status),
          esc(formatTime(p.startedAt)),
          esc(formatTime(p.finishedAt)),
          esc(formatDuration(p.durationMs)),
          esc(p.detail ?? ''),
        ]),
      )
}
</section>`;
}

function resourcesSection(r: DrillReport): string {
  const rows = r.workloads.flatMap((w) =>
    w.resources.map((x, i) => [
      i > 0
        ? ''
        : `${esc(w.name)}${w.runId ? `<br><span class="small muted">run ${esc(w.runId)}</span>` : ''}`,
      esc(x.kind),
      `${esc(x.name)}<br><span class="small muted">${esc(x.id)}</span>`,
      badge(x.listed ? 'yes' : 'no'),
      badge(x.removed ? 'yes' : 'no'),
    ]),
  );
  if (rows.length === 0) return '';
  return `<section id="resources">
<h2>Restored instances and volumes</h2>
<p class="small muted">Listed: Nova or Cinder listed it in the drill project after the restore. Removed: the tear-down deleted it.</p>
${htmlTable(['Workload', 'Kind', 'Name', 'Listed', 'Removed'], rows)}
</section>`;
}
