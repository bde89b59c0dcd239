import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppError, Result } from '../../../shared/result.js';
import type { RunView, StepState } from '../../../shared/run/run-types.js';
import { createCore } from '../../../electron/core/app-core.js';
import type { Core } from '../../../electron/core/core-types.js';
import { readLabJson } from '../../lab/lab.js';
import type { LabJson } from '../../lab/lab-json.js';

/**
 * First contact, as the wizard meets it: a profile imported without known host keys. Pre-flight stops
 * on the first unknown key with its fingerprint; the user trusts it (hosts.trustKey) and runs the step
 * again, host after host, until every check passes. Nothing is trusted without that call.
 */
let lab: LabJson;
let dir: string;
let core: Core;
let profileId: string;

beforeAll(async () => {
  lab = await readLabJson();
  dir = await mkdtemp(join(tmpdir(), 'trilio-dr-hostkeys-'));
  core = await createCore({
    dataDir: dir,
    cipher: null,
    passphrase: 'keys',
    mode: 'headless',
    version: 'test',
  });
  const file = JSON.parse(await readFile(lab.profileFile, 'utf8')) as { knownHosts: string[] };
  file.knownHosts = [];
  const imported = (await core.handle('profiles.import', { text: JSON.stringify(file) })) as Result<{
    id: string;
  }>;
  if (!imported.ok) throw new Error(imported.error.message);
  profileId = imported.value.id;
});

afterAll(async () => {
  await core?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('pre-flight with unknown host keys', () => {
  it('shows each unknown key with its fingerprint, and passes once the user trusted them', async () => {
    const run = (await core.handle('runs.create', {
      profileId,
      params: { kind: 'single', workloadId: lab.workloads[0]!.id, targetProject: 'finance-dr' },
    })) as Result<RunView>;
    if (!run.ok) throw new Error(run.error.message);
    const trusted: string[] = [];
    for (let attempt = 0; attempt < 10; attempt++) {
      const done = (await core.handle('runs.execute', {
        runId: run.value.id,
        step: 'preflight',
      })) as Result<StepState>;
      if (done.ok) break;
      const error: AppError = done.error;
      expect(error.code, error.message).toBe('ssh-host-key-unknown');
      expect(error.hostKey?.fingerprint).toMatch(/^SHA256:/);
      const labHost = lab.hosts.find(
        (h) => error.hostKey!.host === (h.port === 22 ? h.address : `[${h.address}]:${h.port}`),
      );
      expect(labHost, error.hostKey!.host).toBeDefined();
      // The key presented is the host's real key (what an admin compares with ssh-keygen -lf).
      expect(labHost!.hostKey).toContain(error.hostKey!.keyBase64);
      const ok = await core.handle('hosts.trustKey', { profileId, ...error.hostKey! });
      expect(ok).toMatchObject({ ok: true });
      trusted.push(labHost!.name);
    }
    // Every host pre-flight reaches: the DR nodes and the jump hosts on their chains (jump-2, for
    // two-hop tests only, is on none).
    const reached = lab.hosts.filter((h) => h.role !== 'jump' || lab.hosts.some((o) => o.via === h.name));
    expect(new Set(trusted)).toEqual(new Set(reached.map((h) => h.name)));
    const final = (await core.handle('runs.get', { runId: run.value.id })) as Result<RunView>;
    expect(final.ok && final.value.steps.find((s) => s.key === 'preflight')?.status).toBe('succeeded');
  });
});
