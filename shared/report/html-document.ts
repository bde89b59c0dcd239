import { esc } from './html-escape.js';

/**
 * The frame of every exported HTML document: one self-contained file with inline CSS, no script and
 * no external resource (a Content-Security-Policy says so to the browser too), laid out for the screen
 * and for printing on A4 (Chromium's print-to-PDF uses the same CSS).
 */
const baseCss = `
@page { size: A4; margin: 14mm 12mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font: 10.5pt/1.45 "DejaVu Sans", "Liberation Sans", Arial, sans-serif; color: #1d1d1f; margin: 0 auto; max-width: 1080px; padding: 16px 22px; }
h1 { font-size: 18pt; margin: 0 0 4px; }
h2 { font-size: 13.5pt; margin: 22px 0 8px; padding-bottom: 3px; border-bottom: 2px solid #2b5d8a; break-after: avoid; page-break-after: avoid; }
h3 { font-size: 11.5pt; margin: 14px 0 6px; break-after: avoid; page-break-after: avoid; }
h4 { font-size: 10.5pt; margin: 10px 0 4px; break-after: avoid; page-break-after: avoid; }
p { margin: 4px 0 8px; }
.muted { color: #5f6368; }
.id-name { color: #1a5fb4; white-space: nowrap; }
.small { font-size: 9pt; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 10px; font-size: 9.5pt; }
th, td { border: 1px solid #c9ced6; padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: #eef2f7; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
table.kv th { width: 28%; }
pre, code { font-family: "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: 8.8pt; }
pre { background: #f6f8fa; border: 1px solid #dde1e6; padding: 6px 8px; white-space: pre-wrap; overflow-wrap: anywhere; word-break: break-all; margin: 4px 0 8px; }
td code { overflow-wrap: anywhere; word-break: break-all; }
.badge { display: inline-block; padding: 0 7px; border-radius: 8px; font-size: 8.5pt; font-weight: bold; color: #fff; background: #6b7280; }
.badge.succeeded, .badge.available, .badge.ok, .badge.undone { background: #2e7d32; }
.badge.failed, .badge.error, .badge.cancelled, .badge.bad { background: #c62828; }
.badge.running, .badge.restoring, .badge.interrupted, .badge.waiting, .badge.open { background: #8a5300; }
.badge.notified { background: #1565c0; }
.card { border: 1px solid #dde1e6; border-radius: 6px; padding: 8px 12px; margin: 10px 0; break-inside: avoid-page; }
.error { border-left: 4px solid #c62828; background: #fdf3f3; padding: 6px 10px; margin: 6px 0 10px; break-inside: avoid; }
.warning { border-left: 4px solid #b26a00; background: #fff8ec; padding: 6px 10px; margin: 6px 0; }
.figures { display: flex; flex-wrap: wrap; gap: 10px; margin: 8px 0; }
.figure { border: 1px solid #dde1e6; border-radius: 6px; padding: 6px 12px; min-width: 130px; }
.figure b { display: block; font-size: 14pt; }
/* Long paths and base64 hashes break anywhere rather than widen a table past the page. */
.wrap { overflow-wrap: anywhere; }
.keep { break-inside: avoid; page-break-inside: avoid; }
.page-break { break-before: page; page-break-before: always; }
nav ol { columns: 2; margin: 4px 0; }
svg.timeline { display: block; margin: 6px 0 12px; break-inside: avoid; page-break-inside: avoid; }
@media print {
  body { padding: 0; max-width: none; }
  a { color: inherit; text-decoration: none; }
}
`;

const csp = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

/** A complete HTML document; `body` must already be escaped markup. */
export function htmlDocument(title: string, body: string, extraCss = ''): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${csp}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(title)}</title>`,
    `<style>${baseCss}${extraCss}</style>`,
    '</head>',
    '<body>',
    body,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** A table from escaped header labels and rows of already-escaped cells. */
export function htmlTable(headers: string[], rows: string[][], className = ''): string {
  const head = `<thead><tr>${headers.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead>`;
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('\n');
  return `<table${className ? ` class="${esc(className)}"` : ''}>${head}<tbody>${body}</tbody></table>`;
}

/** A two-column key/value table; values are already-escaped markup. */
export function kvTable(rows: [string, string][]): string {
  return `<table class="kv"><tbody>${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${v}</td></tr>`).join('')}</tbody></table>`;
}

export function badge(status: string): string {
  return `<span class="badge ${esc(status)}">${esc(status)}</span>`;
}

export function code(text: string): string {
  return `<code>${esc(text)}</code>`;
}

/** Escaped text that may break anywhere (paths, hashes, ids). */
export function wrap(text: string): string {
  return `<span class="wrap">${esc(text)}</span>`;
}

export function pre(text: string): string {
  return `<pre>${esc(text)}</pre>`;
}
