import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FileDownload } from '../../../shared/contract.js';
import type { DrillView } from '../../../shared/drill/drill-types.js';
import type { NameMap } from '../../../shared/names/name-book.js';
import { renderDrillReportHtml } from '../../../shared/report/drill-report-html.js';
import { renderDrillReportJson } from '../../../shared/report/drill-report-json.js';
import { drillReportModel } from '../../../shared/report/drill-report-model.js';
import { fail, ok, type Result } from '../../../shared/result.js';
import { htmlToPdf, type PdfOptions } from './report-pdf.js';

/**
 * The drill report as a file for `drills.report` and `trilio-dr drill … --report`: HTML, PDF printed
 * from that same HTML (headless Chromium, or Electron's `printToPDF` passed as `printPdf`, as for run
 * reports), or JSON checked against its schema. Returned as bytes: nothing is left on the server.
 */
export type DrillReportFormat = 'html' | 'pdf' | 'json';

export interface DrillReportFileOptions extends PdfOptions {
  appVersion?: string;
  /** When the report is generated (default: now). */
  now?: Date;
  /** Names of the clouds' objects by id (the tear-down findings name them). */
  names?: NameMap;
  /** The profile's secret scrubber (every text of the report passes through it). */
  scrub?: (text: string) => string;
  /** Prints HTML to PDF bytes (Electron's webContents.printToPDF); default: headless Chromium. */
  printPdf?: (html: string) => Promise<Uint8Array>;
}

const mimeTypes: Record<DrillReportFormat, string> = {
  html: 'text/html',
  pdf: 'application/pdf',
  json: 'application/json',
};

/** `drill-<id>.<format>`, the id's characters kept to those safe in a file name. */
export function drillReportFileName(drillId: string, format: DrillReportFormat): string {
  const safe = drillId.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^drill-/, '');
  return `drill-${safe}.${format}`;
}

/**
 * The report of `drill`, compared with `previous` (the profile's drill before it, `previousDrillOf`),
 * in one format as a download.
 */
export async function drillReportFile(
  drill: DrillView,
  previous: DrillView | undefined,
  format: DrillReportFormat,
  options: DrillReportFileOptions = {},
): Promise<Result<FileDownload>> {
  const report = drillReportModel(drill, previous, options.names ?? {}, {
    generatedAt: (options.now ?? new Date()).toISOString(),
    ...(options.appVersion !== undefined ? { appVersion: options.appVersion } : {}),
    ...(options.scrub ? { scrub: options.scrub } : {}),
  });
  const fileName = drillReportFileName(drill.id, format);
  const download = (bytes: Uint8Array | string): Result<FileDownload> =>
    ok({ fileName, mimeType: mimeTypes[format], base64: Buffer.from(bytes).toString('base64') });

  if (format === 'json') {
    const json = renderDrillReportJson(report);
    return json.ok ? download(json.value) : json;
  }
  const html = renderDrillReportHtml(report);
  if (format === 'html') return download(html);
  if (options.printPdf) {
    try {
      return download(await options.printPdf(html));
    } catch (error) {
      return fail({
        code: 'internal',
        message: `The drill report could not be printed to PDF: ${(error as Error).message}`,
        hint: 'Save the report as HTML and print it from a browser.',
      });
    }
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'trilio-dr-drill-report-'));
  try {
    const file = path.join(dir, fileName);
    const printed = await htmlToPdf(html, file, options);
    if (!printed.ok) return printed;
    return download(await readFile(file));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
