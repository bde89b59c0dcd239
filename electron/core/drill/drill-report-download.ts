import type { FileDownload } from '../../../shared/contract.js';
import type { DrillView } from '../../../shared/drill/drill-types.js';
import { ok, type Result } from '../../../shared/result.js';

/**
 * The drill report as a download. Until the report renderer lands, every format carries the drill
 * record as JSON (the renderer replaces this file's body).
 */
export async function drillReportDownload(
  drill: DrillView,
  previous: DrillView | undefined,
  format: 'html' | 'pdf' | 'json',
): Promise<Result<FileDownload>> {
  const text = JSON.stringify({ drill, previousDrillId: previous?.id ?? null, format }, null, 2);
  return ok({
    fileName: `${drill.id}.json`,
    mimeType: 'application/json',
    base64: Buffer.from(text, 'utf8').toString('base64'),
  });
}
