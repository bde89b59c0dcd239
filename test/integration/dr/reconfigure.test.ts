import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mountPathFor } from '../../../shared/nfs/mount-path.js';
import type { Result } from '../../../shared/result.js';
import type { RunView, StepState } from '../../../shared/run/run-types.js';
import { createCore } from '../../../electron/core/app-core.js';
import type { Core } from '../../../electron/core/core-types.js';
import { runOnHost } from '../../lab/hosts/index.js';
import { readLabJson } from '../../lab/lab.js';
import type { LabJson } from '../../lab/lab-json.js';
import { resetDrWorld } from './support/dr-cli.js';

/**
 * Full-cloud DR's reconfiguration through the app core, as the wizard calls it: B2 added to
 * workloadmgr.conf and every tvault-contego.conf (every other byte kept), services restarted, B2 mounted
 * everywhere; then Revert edits it back and B2 is gone. Checked on the hosts themselves.
 */
let lab: LabJson;
let dir: string;
let core: Core;
let runId: string;
const nodes = () => lab.hosts.filter((h) => h.role !== 'jump');
const confOf = (role: string) =>
  role === 'tvm' ? '/etc/workloadmgr/workloadmgr.conf' : '/etc/tvault-contego/tvault-contego.conf';

async function call<T>(name: string, args: unknown): Promise<T> {
  const result = (await core.handle(name, args)) as Result<T>;
  if (!result.ok) throw new Error(`${name}: ${result.error.message} ${result.error.hint ?? ''}`);
  return result.value;
}

beforeAll(async () => {
  lab = await readLabJson();
  await resetDrWorld(lab);
  dir = await mkdtemp(join(tmpdir(), 'trilio-dr-reconf-'));
  core = await createCore({
    dataDir: dir,
    cipher: null,
    passphrase: 'reconf',
    mode: 'headless',
    version: 'test',
  });
  const profile = await call<{ id: string }>('profiles.import', {
    text: await readFile(lab.profileFile, 'utf8'),
  });
  const run = await call<RunView>('runs.create', { profileId: profile.id, params: { kind: 'full' } });
  runId = run.id;
  for (const step of ['preflight', 'find']) await call<StepState>('runs.execute', { runId, step });
}, 300_000);

afterAll(async () => {
  await core?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  await resetDrWorld(lab);
}, 300_000);

describe('reconfigure and revert (systemd flavor, lab)', () => {
  it('plans one edit and one restart per node, warning that backups are on hold', async () => {
    const planned = await call<StepState>('runs.plan', { runId, step: 'reconfigure' });
    const actions = planned.plan!.actions;
    expect(actions.filter((a) => a.id.startsWith('edit:add:'))).toHaveLength(nodes().length);
    expect(
      actions.filter((a) => a.kind === 'remote' && a.argv.join(' ') === 'systemctl restart wlm-workloads'),
    ).toHaveLength(1);
    expect(planned.plan!.warnings.join(' ')).toMatch(/on hold/);
  });

  it('adds B2 everywhere keeping every other byte, and B2 gets mounted at its base64 path', async () => {
    const before = new Map<string, string>();
    for (const n of nodes()) before.set(n.name, (await runOnHost(n.name, ['cat', confOf(n.role)])).stdout);
    const done = await call<StepState>('runs.execute', { runId, step: 'reconfigure' });
    expect(done.status).toBe('succeeded');
    const b2 = mountPathFor(lab.nfs.B2);
    for (const n of nodes()) {
      const after = (await runOnHost(n.name, ['cat', confOf(n.role)])).stdout;
      const old = before.get(n.name)!;
      const line = old.split('\n').find((l) => l.startsWith('vault_storage_nfs_export'))!;
      expect(after, n.name).toBe(old.replace(line, `${line},${lab.nfs.B2}`.replace(/,\s*,/, ',')));
      expect((await runOnHost(n.name, ['findmnt', '-n', b2])).code, n.name).toBe(0);
    }
    // Running it again changes nothing and records nothing twice.
    const again = await call<StepState>('runs.execute', { runId, step: 'reconfigure' });
    expect(again.status).toBe('succeeded');
    const run = await call<RunView>('runs.get', { runId });
    expect(run.changes.filter((c) => c.kind === 'config-edit')).toHaveLength(nodes().length);
  });

  it('reverts: B2 out of every file, services restarted, B2 no longer mounted', async () => {
    const done = await call<StepState>('runs.execute', { runId, step: 'revert' });
    expect(done.status, JSON.stringify(done.error)).toBe('succeeded');
    const b2 = mountPathFor(lab.nfs.B2);
    for (const n of nodes()) {
      const conf = (await runOnHost(n.name, ['cat', confOf(n.role)])).stdout;
      expect(conf, n.name).not.toContain(lab.nfs.B2);
      expect((await runOnHost(n.name, ['findmnt', '-n', b2])).code, n.name).not.toBe(0);
    }
    const run = await call<RunView>('runs.get', { runId });
    expect(run.changes.filter((c) => c.kind === 'config-edit' && !c.undoneAt)).toEqual([]);
  });
});
