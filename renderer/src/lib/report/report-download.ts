import type { Api } from '../../../../shared/contract.js';
import type { AppError } from '../../../../shared/result.js';

export type ReportFormat = 'html' | 'pdf' | 'json';

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
  const bytes = Uint8Array.from(atob(report.value.base64), (c) => c.charCodeAt(0));
  const url = URL.createObjectURL(new Blob([bytes], { type: report.value.mimeType }));
  try {
    const link = document.createElement('a');
    link.href = url;
    link.download = report.value.fileName;
    document.body.append(link);
    link.click();
    link.remove();
  } finally {
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
  return null;
}
