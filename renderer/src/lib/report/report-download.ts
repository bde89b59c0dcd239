import type { Api, FileDownload } from '../../../../shared/contract.js';
import type { AppError } from '../../../../shared/result.js';
import { downloadBlob } from '../app/download.js';

export type ReportFormat = 'html' | 'pdf' | 'json' | 'csv';
export type RunbookFormat = 'html' | 'md';

/**
 * Asks the main process for the run report and hands it to the browser as a download. The bytes come
 * from the core (which scrubs the profile's secrets); the page only wraps them in a Blob.
 */
export async function downloadReport(
  api: Pick<Api, 'call'>,
  runId: string,
  format: ReportFormat,
): Promise<AppError | null> {
  const report = await api.call('runs.report', { runId, format });
  if (!report.ok) return report.error;
  downloadFile(report.value);
  return null;
}

/** The environment runbook of a saved profile (optionally with a run's plans), as a download. */
export async function downloadRunbook(
  api: Pick<Api, 'call'>,
  request: { profileId: string; kind: 'single' | 'full'; runId?: string; format: RunbookFormat },
): Promise<AppError | null> {
  const { profileId, ...rest } = request;
  const doc = await api.call('profiles.runbook', { id: profileId, ...rest });
  if (!doc.ok) return doc.error;
  downloadFile(doc.value);
  return null;
}

/** Bytes the core made (a report, a runbook) handed to the browser as a download. */
export function downloadFile(file: FileDownload): void {
  const bytes = Uint8Array.from(atob(file.base64), (c) => c.charCodeAt(0));
  downloadBlob(new Blob([bytes], { type: file.mimeType }), file.fileName);
}
