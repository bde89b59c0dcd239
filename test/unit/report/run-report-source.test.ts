import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadRunReport, readAllLogs } from '../../../electron/core/report/run-report-source.js';
import { createPassphraseCipher } from '../../../electron/core/secrets/passphrase-cipher.js';
import { openStore, type StoreDb } from '../../../electron/core/store/database.js';
import { LogWriter } from '../../../electron/core/store/log-repo.js';
import { ProfileRepo } from '../../../electron/core/store/profile-repo.js';
import { RunRepo } from '../../../electron/core/store/run-repo.js';
import { validateRunReport } from '../../../shared/report/report-schema.js';
import { sampleLogs, sampleProfileInput, sampleRun } from './support/sample-run.js';

const SECRET = 'Target-Cloud-Pw-9x!';
const opened: { store: StoreDb; dir: string }[] = [];
afterEach(() => {
  for (const { store, dir } of opened.splice(0)) {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

/** The sample run stored as the app stores it, its profile saved with a secret a plan names. */
function storedRun() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'trilio-report-src-'));
  const result = openStore(path.join(dir, 'store.db'));
  if (!result.ok) throw new Error(result.error.message);
  const store = result.value;
  opened.push({ store, dir });
  const cipher = createPassphraseCipher(store.meta, 'pp');
  if (!cipher.ok) throw new Error(cipher.error.message);
  const profiles = new ProfileRepo(store);
  const profile = profiles.save(sampleProfileInput(), { 'clouds.target.password': SECRET }, cipher.value);
  if (!profile.ok) throw new Error(profile.error.message);
  const run = sampleRun();
  run.profileId = profile.value.id;
  const reconfigure = run.steps.find((s) => s.key === 'reconfigure')!;
  const first = reconfigure.plan!.actions[0]!;
  if (first.kind === 'remote') first.argv = ['sh', '-c', 'login "$1"', 'sh', SECRET];
  const runs = new RunRepo(store);
  runs.insertRun(run, run.steps);
  for (const c of run.changes) {
    const added = runs.addChange(run.id, c, c.appliedAt);
    if (added && c.undoneAt) runs.markChangeUndone(run.id, added.id, c.undoneAt);
  }
  const logs = new LogWriter(store);
  for (const l of sampleLogs()) logs.write({ ...l, runId: run.id });
  logs.close();
  return { store, run, cipher: cipher.value, profiles, profileId: profile.value.id };
}

describe('loadRunReport', () => {
  it('reads every log line, a page at a time', () => {
    const { store, run } = storedRun();
    const all = readAllLogs(store, run.id, 3);
    expect(all).toHaveLength(sampleLogs().length);
    expect(all.map((l) => l.text)).toEqual(sampleLogs().map((l) => l.text));
    expect(all[0]).not.toHaveProperty('id');
  });

  it('builds the stored run’s report, scrubbed of the profile’s secrets', () => {
    const { store, run, cipher } = storedRun();
    const report = loadRunReport(store, run.id, { appVersion: '1.2.3', cipher, pageSize: 5 });
    if (!report.ok) throw new Error(report.error.message);
    expect(validateRunReport(report.value).ok).toBe(true);
    expect(report.value.appVersion).toBe('1.2.3');
    expect(report.value.summary).toMatchObject({ changes: 8, changesNotUndone: 4, commands: 15 });
    expect(JSON.stringify(report.value)).not.toContain(SECRET);
    expect(report.value.profile.clouds.target.storedSecrets).toEqual(['password']);
    // Without the cipher the secret in the plan is not known, so it stays: the exporter must unlock.
    const locked = loadRunReport(store, run.id, { appVersion: '1.2.3' });
    expect(locked.ok && JSON.stringify(locked.value).includes(SECRET)).toBe(true);
  });

  it('keeps the report of a run whose profile was deleted', () => {
    const { store, run, profiles, profileId } = storedRun();
    profiles.delete(profileId);
    const report = loadRunReport(store, run.id, { appVersion: '1' });
    if (!report.ok) throw new Error(report.error.message);
    expect(report.value.profile.name).toBe(`(deleted profile ${profileId})`);
    expect(report.value.hosts.map((h) => h.name)).toEqual(
      expect.arrayContaining(['tvm-1', 'compute-1', 'compute-3']),
    );
    expect(report.value.steps).toHaveLength(run.steps.length);
  });

  it('says so for an unknown run', () => {
    const { store } = storedRun();
    expect(loadRunReport(store, 'nope', { appVersion: '1' })).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });
  });
});
