import { stepInfo } from '../run/step-catalog.js';
import { esc } from './html-escape.js';
import { formatDuration, formatElapsed, formatTime } from './report-format.js';
import type { RunReport } from './report-schema.js';

/**
 * The timeline plot: one row per step (the step's own span), under it one row per host it ran
 * commands on (and one for the wizard's API requests), on a shared time axis from the run's start.
 * Plain inline SVG with <title> tooltips: no script, no font or image to load. Long runs are cut into
 * several SVGs of at most ROWS_PER_CHART rows so that each fits on a printed page.
 */
const ROWS_PER_CHART = 44;
/** More hosts than this in one step are drawn as one summary row. */
const MAX_HOST_ROWS = 24;

const LABEL_W = 180;
const PLOT_W = 740;
const WIDTH = LABEL_W + PLOT_W + 20;
const AXIS_H = 26;
const ROW_H = 18;

const palette = [
  '#4e79a7',
  '#f28e2b',
  '#59a14f',
  '#76b7b2',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
  '#86bcb6',
  '#8cd17d',
];

interface Row {
  label: string;
  kind: 'step' | 'host';
  color: string;
  start?: number;
  end?: number;
  failed: boolean;
  tooltip: string;
}

const tickSteps = [
  1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400,
].map((s) => s * 1000);

/** The SVG charts of the report's timeline; empty when the run has no timing to plot. */
export function timelineSvgs(report: RunReport): string[] {
  const t0 = time(report.timeline.start);
  const t1 = time(report.timeline.end);
  if (t0 === undefined || t1 === undefined || t1 <= t0) return [];
  const rows = rowsOf(report);
  if (rows.length === 0) return [];
  const charts: string[] = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_CHART)
    charts.push(chart(rows.slice(i, i + ROWS_PER_CHART), t0, t1, charts.length));
  return charts;
}

function time(iso: string | undefined): number | undefined {
  if (!iso) return undefined;
  const t = Date.parse(iso);
  return Number.isFinite(t) ? t : undefined;
}

function rowsOf(report: RunReport): Row[] {
  const hostOrder = new Map(report.profile.hosts.map((h, i) => [h.name, i]));
  const rows: Row[] = [];
  report.steps.forEach((step, index) => {
    const color = palette[index % palette.length]!;
    const entries = report.timeline.entries
      .filter((e) => e.step === step.key)
      .sort(
        (a, b) =>
          (a.host === '' ? -1 : (hostOrder.get(a.host) ?? 1e9)) -
            (b.host === '' ? -1 : (hostOrder.get(b.host) ?? 1e9)) || a.host.localeCompare(b.host),
      );
    const start = time(step.startedAt);
    if (start === undefined && entries.length === 0) return;
    const title = stepInfo(step.key).title;
    rows.push({
      label: title,
      kind: 'step',
      color,
      ...(start !== undefined ? { start, end: time(step.finishedAt) ?? start } : {}),
      failed: step.status === 'failed',
      tooltip: `${title}: ${step.status}, ${formatTime(step.startedAt)} – ${formatTime(step.finishedAt)} (${formatDuration(step.durationMs)})`,
    });
    const shown = entries.length > MAX_HOST_ROWS ? entries.slice(0, MAX_HOST_ROWS - 1) : entries;
    for (const e of shown) {
      const host = e.host === '' ? 'API requests' : e.host;
      rows.push({
        label: host,
        kind: 'host',
        color,
        start: Date.parse(e.start),
        end: Date.parse(e.end),
        failed: e.failed > 0,
        tooltip: `${title} on ${host}: ${e.commands} ${e.host === '' ? 'request' : 'command'}(s)${e.failed ? `, ${e.failed} failed` : ''}, ${formatTime(e.start)} – ${formatTime(e.end)}`,
      });
    }
    const rest = entries.slice(shown.length);
    if (rest.length > 0) {
      const failed = rest.reduce((n, e) => n + e.failed, 0);
      rows.push({
        label: `… ${rest.length} more hosts`,
        kind: 'host',
        color,
        start: Math.min(...rest.map((e) => Date.parse(e.start))),
        end: Math.max(...rest.map((e) => Date.parse(e.end))),
        failed: failed > 0,
        tooltip: `${title} on ${rest.length} more hosts${failed ? `, ${failed} failed commands` : ''}`,
      });
    }
  });
  return rows;
}

function chart(rows: Row[], t0: number, t1: number, index: number): string {
  const height = AXIS_H + rows.length * ROW_H + 8;
  const x = (t: number) => LABEL_W + ((t - t0) / (t1 - t0)) * PLOT_W;
  const span = t1 - t0;
  const tick = tickSteps.find((s) => span / s <= 10) ?? tickSteps[tickSteps.length - 1]!;
  const parts: string[] = [];
  for (let t = 0; t <= span; t += tick) {
    const px = x(t0 + t).toFixed(1);
    parts.push(
      `<line x1="${px}" y1="${AXIS_H - 4}" x2="${px}" y2="${height - 4}" class="grid"/>`,
      `<text x="${px}" y="${AXIS_H - 8}" class="tick">${esc(formatElapsed(t))}</text>`,
    );
  }
  rows.forEach((row, i) => {
    const y = AXIS_H + i * ROW_H;
    const labelX = row.kind === 'step' ? 4 : 16;
    parts.push(
      `<text x="${labelX}" y="${y + ROW_H - 4}" class="${row.kind === 'step' ? 'step-label' : 'host-label'}">${esc(clip(row.label, 26))}</text>`,
    );
    if (row.start === undefined || row.end === undefined) return;
    const x1 = x(row.start);
    const w = Math.max(2, x(row.end) - x1);
    const barH = row.kind === 'step' ? ROW_H - 4 : ROW_H - 6;
    const barY = y + (ROW_H - barH) / 2;
    parts.push(
      `<rect x="${x1.toFixed(1)}" y="${barY}" width="${w.toFixed(1)}" height="${barH}" fill="${row.color}"` +
        ` fill-opacity="${row.kind === 'step' ? '0.35' : '0.9'}"${row.failed ? ' class="failed"' : ''}>` +
        `<title>${esc(row.tooltip)}</title></rect>`,
    );
  });
  return (
    `<svg class="timeline" viewBox="0 0 ${WIDTH} ${height}" width="100%"` +
    ` role="img" aria-label="${esc(`Timeline of the run, part ${index + 1}: steps and hosts over time`)}">` +
    '<style>.grid{stroke:#ddd;stroke-width:1}.tick{font:11px sans-serif;fill:#555;text-anchor:middle}' +
    '.step-label{font:bold 12px sans-serif;fill:#222}.host-label{font:11px sans-serif;fill:#444}' +
    '.failed{stroke:#c00;stroke-width:2}</style>' +
    `<text x="4" y="${AXIS_H - 8}" class="tick" style="text-anchor:start">elapsed (h:)min:s</text>` +
    parts.join('') +
    '</svg>'
  );
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
