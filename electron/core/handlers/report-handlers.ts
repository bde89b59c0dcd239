import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FileDownload } from '../../../shared/contract.js';
import { ok, type Result } from '../../../shared/result.js';
import type { CoreState } from '../core-state.js';
import { writeReport } from '../report/report-pdf.js';
import { loadRunReport } from '../report/run-report-source.js';
import type { LogWriter } from '../store/log-repo.js';
import { RunRepo } from '../store/run-repo.js';
import type { NameMap } from '../../../shared/names/name-book.js';
import type { PartialHandlers } from './handler-types.js';

/** The file's bytes travel base64: the renderer offers them as a download, the CLI writes them. */
export type ReportFile = FileDownload;

const mimeTypes = {
  html: 'text/html',
  pdf: 'application/pdf',
  json: 'application/json',
  csv: 'text/csv',
} as const;

/**
 * The run report in one format, built in the main process from the store (every log line, secrets of
 * the profile scrubbed when the store is unlocked) and returned as bytes: nothing is written to a path
 * the caller chose on the server, which matters in browser mode.
 */
export function reportHandlers(
  state: CoreState,
  logs: LogWriter,
  names?: (profileId: string) => Promise<NameMap>,
): PartialHandlers<'runs.report'> {
  return {
    'runs.report': async ({ runId, format }): Promise<Result<ReportFile>> => {
      logs.flush();
      const cipher = state.requireCipher();
      const profileId = new RunRepo(state.store).getRun(runId)?.profileId;
      const report = loadRunReport(state.store, runId, {
        appVersion: state.version,
        ...(cipher.ok ? { cipher: cipher.value } : {}),
        scrub: (text) => state.scrubber.scrub(text),
        ...(names && profileId && cipher.ok ? { names: await names(profileId) } : {}),
      });
      if (!report.ok) return report;
      const dir = await mkdtemp(path.join(tmpdir(), 'trilio-dr-report-'));
      try {
        const fileName = `${runId}.${format}`;
        const written = await writeReport(format, report.value, path.join(dir, fileName));
        if (!written.ok) return written;
        const bytes = await readFile(written.value.file);
        return ok({ fileName, mimeType: mimeTypes[format], base64: bytes.toString('base64') });
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}
