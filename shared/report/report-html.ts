import { stepInfo } from '../run/step-catalog.js';
import { esc } from './html-escape.js';
import { badge, code, htmlDocument, htmlTable, kvTable, pre, wrap } from './html-document.js';
import { formatDuration, formatTime } from './report-format.js';
import type { ReportAction, ReportError, ReportStep, RunReport } from './report-schema.js';
import { timelineSvgs } from './timeline-svg.js';
import { htmlWithNames } from './report-names.js';

/**
 * The run report as one self-contained HTML file (inline CSS, inline SVG, no script, no external
 * resource), readable on screen and printable: the PDF export prints exactly this document.
 * Every value from the run is escaped.
 */
export function renderReportHtml(report: RunReport): string {
  const title = `DR run report: ${report.profile.name} (${report.run.id})`;
  const body = [
    header(report),
    // The workloads (RPO, RTO, misses) first: what an auditor reads on page one.
    workloadsSection(report),
    toc(),
    timelineSection(report),
    stepsSection(report),
    changesSection(report),
    errorsSection(report),
    hostsSection(report),
    profileSection(report),
  ].join('\n');
  return htmlDocument(title, htmlWithNames(body, report.names), reportCss);
}

/** Escaped text that never breaks across lines (a duration, a marker): read back whole from a PDF. */
const nbsp = (text: string) => esc(text).replaceAll(' ', '&nbsp;');

/** Misses stand out on screen and on paper (print keeps the colours: print-color-adjust). */
const reportCss = `
tr.miss td { background: #fdecea; }
.miss-text { color: #a30000; }
.figure.miss { border-color: #c62828; background: #fdecea; }
.badge.missed, .badge.leftover { background: #c62828; }
.badge.met, .badge.kept { background: #2e7d32; }
tfoot td { font-weight: bold; background: #eef2f7; }
`;

/** The run's phase (run-phase.ts) in the words the wizard uses. */
const phaseWords: Record<string, string> = {
  new: 'not started',
  'in-progress': 'in progress',
  delivered: 'delivered, clean-up pending',
  done: 'done',
  abandoned: 'abandoned',
};

const kindTitle = (kind: string) => (kind === 'single' ? 'Single workload DR' : 'Full cloud DR');

function header(r: RunReport): string {
  const s = r.summary;
  const figure = (label: string, value: string, miss = false) =>
    `<div class="figure${miss ? ' miss' : ''}"><b>${esc(value)}</b>${esc(label)}</div>`;
  return `<header>
<h1>Disaster recovery run report</h1>
<p class="muted">${esc(kindTitle(r.run.kind))} with environment profile <b>${esc(r.profile.name)}</b>: cloud ${esc(r.profile.clouds.source.region)} → cloud ${esc(r.profile.clouds.target.region)}</p>
${kvTable([
  ['Run', code(r.run.id)],
  ['Status', `${badge(r.run.status)}${r.run.phase ? ` ${esc(phaseWords[r.run.phase] ?? r.run.phase)}` : ''}`],
  ['Run by', esc(r.run.operator)],
  ['Created', esc(formatTime(r.run.createdAt))],
  ['Started', esc(formatTime(r.run.startedAt) || 'not started')],
  ['Finished', esc(formatTime(r.run.finishedAt) || 'not finished')],
  ['Duration', esc(formatDuration(r.run.durationMs))],
  [
    'Report generated',
    `${esc(formatTime(r.generatedAt))} by Trilio DR Wizard ${esc(r.appVersion)} (schema ${esc(r.schema)})`,
  ],
])}
<div class="figures">
${figure('workloads available', `${s.available} / ${s.workloads}`, s.available < s.workloads - s.notified)}
${figure(`RTO target ${formatDuration(s.rtoTargetMinutes * 60_000)}: met · over`, `${s.rtoMet} · ${s.rtoMissed}`, s.rtoMissed > 0)}
${figure('RTO from run start (longest)', formatDuration(s.maxRtoFromRunStartMs) || '–')}
${figure('RPO (oldest snapshot)', formatDuration(s.maxRpoMs) || '–')}
${figure('errors', String(s.errors), s.errors > 0)}
${figure('changes left over · kept', `${s.changesLeftover} · ${s.changesKept}`, s.changesLeftover > 0)}
${figure('hosts · commands (non-zero exit)', `${s.hosts} · ${s.commands} (${s.failedCommands})`)}
</div>
</header>`;
}

function toc(): string {
  const items: [string, string][] = [
    ['workloads', 'Workloads: RPO and RTO against the target'],
    ['timeline', 'Timeline'],
    ['steps', 'Steps'],
    ['changes', 'Changes and how they were undone'],
    ['errors', 'Errors'],
    ['hosts', 'Hosts touched'],
    ['profile', 'Environment profile'],
  ];
  return `<nav><ol>${items.map(([id, t]) => `<li><a href="#${id}">${esc(t)}</a></li>`).join('')}</ol></nav>`;
}

function workloadsSection(r: RunReport): string {
  const rows = r.workloads.map((w) => {
    const missed = w.rtoVerdict === 'missed';
    const cells = [
      `${esc(w.name)}<br><span class="small muted">${esc(w.workloadId)}</span><br><span class="small muted">from ${esc(w.sourceProjectName || w.sourceProject)}</span>`,
      esc(w.targetProject),
      w.snapshotId
        ? `${wrap(w.snapshotId)}<br><span class="small muted">taken ${esc(formatTime(w.snapshotCreatedAt) || '?')}</span>`
        : '',
      esc(formatDuration(w.rpoMs) || '–'),
      `${esc(formatDuration(w.rtoMs) || '–')}${w.rtoFromStepStartMs !== undefined ? `<br><span class="small muted">${esc(formatDuration(w.rtoFromStepStartMs))} from the ${esc(w.deliveredBy)} step’s start</span>` : ''}${missed ? `<br><b class="miss-text">OVER&nbsp;TARGET</b><br><b class="miss-text">+${nbsp(formatDuration((w.rtoMs ?? 0) - w.rtoTargetMs))}</b>` : w.rtoVerdict === 'met' ? `<br>${badge('met')}` : ''}`,
      `${esc(formatDuration(w.rtoTargetMs))}${w.rtoTargetSource === 'project' ? '<br><span class="small muted">project’s own</span>' : ''}`,
      `${badge(w.status)}${w.restoreId ? `<br><span class="small muted">restore ${esc(w.restoreId)}</span>` : ''}${w.availableAt ? `<br><span class="small muted">available ${esc(formatTime(w.availableAt))}</span>` : ''}`,
      w.instances
        .map(
          (i) =>
            `${esc(i.name)}${i.sourceName ? ` <span class="muted">(was ${esc(i.sourceName)})</span>` : ''}<br><span class="small muted">${esc(i.id)}</span>`,
        )
        .join('<br>'),
      esc(w.error ?? ''),
    ];
    return `<tr${missed ? ' class="miss"' : ''}>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`;
  });
  const s = r.summary;
  const headers = [
    'Workload',
    'Target project',
    'Snapshot restored',
    'RPO',
    'RTO',
    'RTO target',
    'Status',
    'Instances in the target cloud',
    'Error',
  ];
  const totals = `<tfoot><tr><td>Totals: ${s.workloads} workload(s)</td><td colspan="2">${s.available} available, ${s.failed} failed, ${s.notified} notified</td><td>${esc(formatDuration(s.maxRpoMs) || '–')} oldest</td><td>${esc(formatDuration(s.maxRtoFromRunStartMs) || '–')} longest</td><td colspan="4">${s.rtoMet} within the target, ${s.rtoMissed} over it${s.rtoMissed > 0 ? ' (marked red)' : ''}</td></tr></tfoot>`;
  return `<section id="workloads">
<h2>Workloads: RPO and RTO against the target</h2>
<p class="small muted">RPO: age of the restored snapshot when its restore started. RTO: run start → restore <code>available</code>, against the target (profile: ${esc(formatDuration(s.rtoTargetMinutes * 60_000))}). UTC.</p>
${
  r.workloads.length === 0
    ? '<p>No workload was delivered by this run (the restore step has not produced results).</p>'
    : `<table><thead><tr>${headers.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('\n')}</tbody>${totals}</table>`
}
</section>`;
}

function timelineSection(r: RunReport): string {
  const svgs = timelineSvgs(r);
  // The heading stays on the page of the first chart.
  const [first, ...rest] = svgs;
  return `<section id="timeline">
<div class="keep">
<h2>Timeline</h2>
<p class="small muted">Steps and the hosts they ran commands on, over time (${esc(formatTime(r.timeline.start))} – ${esc(formatTime(r.timeline.end))}). Bars show execution only: planning (the reads before a step ran) is left out. Light bars are a step's execution; dark bars a host's first command start to last command end; a red outline marks a non-zero exit or a failed request.</p>
${first ?? '<p>No timing was recorded for this run.</p>'}
</div>
${rest.join('\n')}
</section>`;
}

function actionRow(a: ReportAction): string[] {
  if (a.kind === 'remote')
    return [
      'command',
      esc(a.host),
      `${wrap(a.description)}${a.privileged ? ' <span class="muted small">(privileged)</span>' : ''}${a.change ? ` <span class="muted small">[records ${esc(a.change)}]</span>` : ''}<br>${code(a.command)}${a.stdinBytes !== undefined ? `<br><span class="muted small">${a.stdinBytes} bytes on stdin</span>` : ''}`,
    ];
  if (a.kind === 'api')
    return [
      'API',
      esc(a.service),
      `${wrap(a.description)}${a.change ? ` <span class="muted small">[records ${esc(a.change)}]</span>` : ''}<br>${code(`${a.method} ${a.path}`)}${a.body ? pre(a.body) : ''}`,
    ];
  return ['manual', esc(a.target), `${wrap(a.description)}${pre(a.instructions)}`];
}

function errorBlock(e: ReportError): string {
  const facts: string[] = [];
  if (e.host) facts.push(`host ${code(e.host)}`);
  if (e.exitCode !== undefined) facts.push(`exit code ${esc(e.exitCode)}`);
  if (e.request) facts.push(`request ${code(e.request)}`);
  if (e.httpStatus !== undefined) facts.push(`HTTP ${esc(e.httpStatus)}`);
  return `<div class="error">
<b>${esc(stepInfo(e.step).title)}: ${wrap(e.message)}</b> <span class="muted small">(${esc(e.code)})</span>
${facts.length > 0 ? `<p class="small">${facts.join(' · ')}</p>` : ''}
${e.command ? `<p class="small">Command: ${code(e.command)}</p>` : ''}
${e.hint ? `<p class="small">What to do: ${esc(e.hint)}</p>` : ''}
${e.fields && e.fields.length > 0 ? `<ul class="small">${e.fields.map((f) => `<li>${code(f.path)}: ${esc(f.message)}</li>`).join('')}</ul>` : ''}
${e.output ? `<h4>Output</h4>${pre(e.output)}` : ''}
</div>`;
}

function stepBlock(s: ReportStep): string {
  const parts: string[] = [
    `<h3 id="step-${esc(s.key)}">${esc(s.title)} ${badge(s.status)}</h3>`,
    `<p class="small muted">${esc(stepInfo(s.key).summary)}</p>`,
    kvTable([
      ['Started', esc(formatTime(s.startedAt) || '–')],
      ['Finished', esc(formatTime(s.finishedAt) || '–')],
      ['Duration', esc(formatDuration(s.durationMs) || '–')],
      ['Attempts', esc(s.attempts)],
      ...(s.summary ? ([['Outcome', esc(s.summary)]] as [string, string][]) : []),
    ]),
  ];
  if (s.plan) {
    parts.push(`<h4>Plan</h4><p>${esc(s.plan.summary)}</p>`);
    for (const w of s.plan.warnings) parts.push(`<div class="warning small">${esc(w)}</div>`);
    if (s.plan.actions.length > 0)
      parts.push(htmlTable(['Kind', 'Host / service', 'Action'], s.plan.actions.map(actionRow)));
    if (s.plan.verify.length > 0)
      parts.push(
        '<h4>Planned checks</h4>',
        htmlTable(['Kind', 'Host / service', 'Check'], s.plan.verify.map(actionRow)),
      );
  }
  if (s.verify.length > 0)
    parts.push(
      '<h4>Verification</h4>',
      htmlTable(
        ['Host', 'Check', 'Result', 'Detail'],
        s.verify.map((v) => [
          esc(v.host ?? ''),
          esc(v.check),
          badge(v.ok ? 'ok' : 'bad'),
          esc(v.detail ?? ''),
        ]),
      ),
    );
  if (s.commands.length > 0) {
    parts.push(
      '<h4>Commands run</h4>',
      htmlTable(
        ['Host', 'Started', 'Command', 'Result', 'Duration'],
        s.commands.map((c) => [
          esc(c.host),
          esc(formatTime(c.startedAt)),
          `${code(c.command)}${c.outputTail ? pre(c.outputTail.join('\n')) : ''}`,
          c.ok ? esc(c.result) : `<b>${esc(c.result)}</b>`,
          esc(formatDuration(c.durationMs)),
        ]),
      ),
    );
  }
  if (s.apiCalls.length > 0)
    parts.push(
      '<h4>API requests</h4>',
      htmlTable(
        ['Started', 'Request', 'Status', 'Duration'],
        s.apiCalls.map((c) => [
          esc(formatTime(c.startedAt)),
          code(`${c.method} ${c.url}`),
          c.ok ? esc(c.status ?? '') : `<b>${esc(c.status ?? c.error ?? '')}</b>`,
          esc(formatDuration(c.durationMs)),
        ]),
      ),
    );
  if (s.error) parts.push(errorBlock(s.error));
  return `<div class="card">${parts.join('\n')}</div>`;
}

function stepsSection(r: RunReport): string {
  return `<section id="steps" class="page-break">
<h2>Steps</h2>
${htmlTable(
  ['Step', 'Status', 'Started', 'Finished', 'Duration', 'Attempts'],
  r.steps.map((s) => [
    `<a href="#step-${esc(s.key)}">${esc(s.title)}</a>`,
    badge(s.status),
    esc(formatTime(s.startedAt)),
    esc(formatTime(s.finishedAt)),
    esc(formatDuration(s.durationMs)),
    esc(s.attempts),
  ]),
)}
${r.steps.map(stepBlock).join('\n')}
</section>`;
}

function changesSection(r: RunReport): string {
  const table = (changes: RunReport['changes'], withNote: boolean) =>
    htmlTable(
      [
        '#',
        'Step',
        'Host',
        'Kind',
        'What changed',
        'Applied',
        withNote ? 'Why / what to do' : 'Undone',
        'Undo',
      ],
      changes.map((c) => [
        esc(c.id),
        esc(stepInfo(c.step).title),
        esc(c.host || 'API'),
        esc(c.kind),
        wrap(c.description),
        esc(formatTime(c.appliedAt)),
        withNote
          ? `${badge(c.disposition)} ${esc(c.note ?? '')}`
          : `${badge('undone')}<br>${esc(formatTime(c.undoneAt))}`,
        c.undo.map((a) => actionRow(a)[2]).join('<br>'),
      ]),
    );
  const group = (title: string, changes: RunReport['changes'], withNote: boolean, none: string) =>
    `<h3>${esc(title)} (${changes.length})</h3>${changes.length === 0 ? `<p class="small muted">${esc(none)}</p>` : table(changes, withNote)}`;
  const of = (d: RunReport['changes'][number]['disposition']) => r.changes.filter((c) => c.disposition === d);
  return `<section id="changes">
<h2>Changes and how they were undone</h2>
${
  r.changes.length === 0
    ? '<p>This run changed nothing.</p>'
    : [
        group('Left over: still to be undone', of('leftover'), true, 'Nothing is left over.'),
        group('Kept on purpose', of('kept'), true, 'Nothing was kept.'),
        group('Undone', of('undone'), false, 'Nothing was undone.'),
      ].join('\n')
}
</section>`;
}

function errorsSection(r: RunReport): string {
  return `<section id="errors">
<h2>Errors</h2>
${r.errors.length === 0 ? '<p>No step ended with an error.</p>' : r.errors.map(errorBlock).join('\n')}
</section>`;
}

function hostsSection(r: RunReport): string {
  return `<section id="hosts">
<h2>Hosts touched</h2>
${
  r.hosts.length === 0
    ? '<p>No command ran on any host.</p>'
    : htmlTable(
        ['Host', 'Role', 'Address', 'Steps', 'Commands', 'Non-zero exits', 'Changes', 'First', 'Last'],
        r.hosts.map((h) => [
          esc(h.name),
          esc(h.role ?? ''),
          esc(h.address ?? ''),
          esc(h.steps.map((k) => stepInfo(k).title).join(', ')),
          esc(h.commands),
          esc(h.failedCommands),
          esc(h.changes),
          esc(formatTime(h.firstAt)),
          esc(formatTime(h.lastAt)),
        ]),
      )
}
</section>`;
}

function profileSection(r: RunReport): string {
  const p = r.profile;
  const secrets = (names: string[]) =>
    esc(names.length > 0 ? `${names.join(', ')} stored (not shown)` : 'none stored');
  const cloud = (side: 'source' | 'target') => {
    const c = p.clouds[side];
    return kvTable([
      ['Keystone', code(c.authUrl)],
      ['Region', esc(c.region)],
      ['Interface', esc(c.interface)],
      [
        'Login',
        `${esc(c.authKind)}: ${esc(c.username || c.applicationCredentialId)} (${esc(c.userDomain)}), project ${esc(c.project)} (${esc(c.projectDomain)})`,
      ],
      ['Target domain', esc(c.domain)],
      ['Secrets', secrets(c.storedSecrets)],
      [
        'TLS',
        esc(c.insecure ? 'verification off' : c.caBundlePath ? `CA bundle ${c.caBundlePath}` : 'system CAs'),
      ],
      ...(c.trilioUrl ? ([['Trilio URL', code(c.trilioUrl)]] as [string, string][]) : []),
    ]);
  };
  const params = r.run.params;
  return `<section id="profile" class="page-break">
<h2>Environment profile</h2>
<p>${esc(p.name)}${p.description ? ` — ${esc(p.description)}` : ''}</p>
<h3>Cloud A (source)</h3>${cloud('source')}
<h3>Cloud B (target)</h3>${cloud('target')}
<h3>Hosts</h3>
${htmlTable(
  ['Host', 'Role', 'Address', 'User', 'Authentication', 'Via', 'Secrets'],
  p.hosts.map((h) => [
    esc(h.name),
    esc(h.role),
    esc(`${h.address}:${h.port}`),
    esc(`${h.user}${h.sudo ? ' (sudo -n)' : ''}`),
    esc(h.auth === 'key' && h.keyFile ? `key ${h.keyFile}` : h.auth),
    esc(h.via),
    secrets(h.storedSecrets),
  ]),
)}
<h3>NFS shares and Trilio</h3>
${kvTable([
  ['NFS A1 (source)', code(p.nfs.source || '–')],
  ['NFS B1 (target)', code(p.nfs.target)],
  ['NFS B2 (synced copy of A1)', code(p.nfs.syncedCopy)],
  ['Mount root', code(p.nfs.mountRoot)],
  ['Deployment', esc(p.trilio.flavor)],
  ['Trustee role', esc(p.trilio.trusteeRole)],
  ['Admin role', esc(p.trilio.adminRole)],
  [
    'Database clean-up',
    p.trilio.dbCleanup?.scriptDir
      ? `${code(`${p.trilio.dbCleanup.scriptDir}/workloads_delete.py`)}${p.trilio.dbCleanup.user ? ` as ${esc(p.trilio.dbCleanup.user)}` : ''}`
      : p.trilio.purgeCommand
        ? code(p.trilio.purgeCommand)
        : '–',
  ],
])}
${
  p.projectMapping.length > 0
    ? `<h3>Project mapping</h3>${htmlTable(
        ['Source project', 'Target project', 'Trustee user'],
        p.projectMapping.map((m) => [
          `${esc(m.sourceProjectName)} <span class="muted small">${esc(m.sourceProjectId)}</span>`,
          esc(m.targetProject),
          esc(m.trusteeUser),
        ]),
      )}`
    : ''
}
<h3>Mail</h3>
${kvTable([
  [
    'SMTP server',
    esc(
      p.smtp.host
        ? `${p.smtp.host}:${p.smtp.port}${p.smtp.starttls ? ' (STARTTLS required)' : ''}`
        : 'not configured',
    ),
  ],
  ['User', esc(p.smtp.username)],
  ['From', esc(p.smtp.from)],
  ['Secrets', secrets(p.smtp.storedSecrets)],
])}
<h3>Run parameters</h3>
${pre(JSON.stringify(params, null, 2))}
</section>`;
}
