import type { LogRecord } from '../../../shared/contract.js';
import { profileSchema, type Profile } from '../../../shared/profile/profile.js';
import { buildRunReport, type RunReport } from '../../../shared/report/report-model.js';
import { fail, ok, type Result } from '../../../shared/result.js';
import type { NameMap } from '../../../shared/names/name-book.js';
import type { SecretCipher } from '../core-types.js';
import { createScrubber } from '../secrets/secret-scrubber.js';
import type { StoreDb } from '../store/database.js';
import { readLogs } from '../store/log-repo.js';
import { ProfileRepo } from '../store/profile-repo.js';
import { RunRepo } from '../store/run-repo.js';
import { SecretRepo } from '../store/secret-repo.js';

/**
 * Builds a stored run's report from the store, for the CLI (`trilio-dr report`) and the UI export:
 * the run, all of its log lines, its profile (a placeholder when the profile was deleted since: runs
 * stay as history), and a scrubber loaded with the profile's secrets when the store is unlocked.
 */
export interface LoadReportOptions {
  appVersion: string;
  /** Opens the profile's secrets so every text of the report is scrubbed of them (store unlocked). */
  cipher?: SecretCipher;
  /** Applied after the profile's secrets (e.g. the app's own scrubber). */
  scrub?: (text: string) => string;
  now?: Date;
  /** Log lines read per query; default 10,000. */
  pageSize?: number;
  /** Names of the clouds' objects by id (the run's own are added by the report builder). */
  names?: NameMap;
}

/** Every log line of a run, in order, read a page at a time. */
export function readAllLogs(store: StoreDb, runId: string, pageSize = 10_000): LogRecord[] {
  const all: LogRecord[] = [];
  let afterId = 0;
  for (;;) {
    const page = readLogs(store, runId, { afterId, limit: pageSize });
    for (const { id: _id, ...line } of page) all.push(line);
    if (page.length < pageSize) return all;
    afterId = page[page.length - 1]!.id;
  }
}

function deletedProfile(profileId: string): Profile {
  return profileSchema.parse({
    id: profileId,
    name: `(deleted profile ${profileId})`,
    clouds: { source: { authUrl: '', region: '' }, target: { authUrl: '', region: '' } },
    nfs: { target: '', syncedCopy: '' },
  });
}

export function loadRunReport(store: StoreDb, runId: string, options: LoadReportOptions): Result<RunReport> {
  const run = new RunRepo(store).getRun(runId);
  if (!run) return fail({ code: 'not-found', message: `No run ${runId} in this data folder.` });
  const found = new ProfileRepo(store).get(run.profileId);
  if (!found.ok && found.error.code !== 'not-found') return found;
  const profile = found.ok ? found.value : deletedProfile(run.profileId);

  const scrubber = createScrubber();
  if (options.cipher && found.ok) {
    const secrets = new SecretRepo(store);
    try {
      for (const key of secrets.keys(run.profileId)) {
        const value = secrets.get(run.profileId, key, options.cipher);
        if (value) scrubber.add(value);
      }
    } catch {
      return fail({
        code: 'secret-unavailable',
        message: 'The profile’s secrets cannot be opened to keep them out of the report.',
        hint: 'Unlock the store with the right passphrase, or export without unlocking (log lines are scrubbed when stored).',
      });
    }
  }
  const scrub = options.scrub
    ? (text: string) => options.scrub!(scrubber.scrub(text))
    : (text: string) => scrubber.scrub(text);
  return ok(
    buildRunReport(run, profile, readAllLogs(store, runId, options.pageSize), {
      generatedAt: (options.now ?? new Date()).toISOString(),
      appVersion: options.appVersion,
      scrub,
      ...(options.names ? { names: options.names } : {}),
    }),
  );
}
