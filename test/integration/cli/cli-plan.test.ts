import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mountPathFor } from '../../../shared/nfs/mount-path.js';
import type { RunPreview } from '../../../shared/run/run-preview.js';
import { runOnHost } from '../../lab/hosts/index.js';
import { readLabJson } from '../../lab/lab.js';
import type { LabJson } from '../../lab/lab-json.js';
import { adminToken, call } from '../../lab/trilio/trilio-test-kit.js';
import { adminRoles } from '../dr/support/api-lab.js';
import { cli, resetDrWorld } from '../dr/support/dr-cli.js';

/**
 * `trilio-dr plan single|full` against the lab: the complete plan (every command per host, every API
 * call per workload) is printed, and afterwards every lab host's fstab, mount table and Trilio config
 * files, Trilio B's workloads, the admin user's roles and the run list are exactly what they were.
 */
let lab: LabJson;
let dataDir: string;
const targetProjects = ['finance-dr', 'engineering-dr', 'research-dr'];
const nodes = () => lab.hosts.filter((h) => h.role !== 'jump');
const confOf = (role: string) =>
  role === 'tvm' ? '/etc/workloadmgr/workloadmgr.conf' : '/etc/tvault-contego/tvault-contego.conf';

/** What a plan must not change: per host files and mounts, and the clouds' state. */
async function worldState(): Promise<Record<string, string>> {
  const state: Record<string, string> = {};
  for (const n of nodes()) {
    const read = async (argv: string[]) => {
      const r = await runOnHost(n.name, argv);
      return `${r.code}\n${r.stdout}`;
    };
    state[`${n.name} fstab`] = await read(['cat', '/etc/fstab']);
    state[`${n.name} mounts`] = await read(['findmnt', '-rn', '-o', 'TARGET,SOURCE,OPTIONS']);
    state[`${n.name} config`] = await read(['cat', confOf(n.role)]);
    state[`${n.name} staging`] = await read(['ls', '-la', '/mnt']);
  }
  const admin = await adminToken(lab);
  const workloads = await call<{ workloads: { id: string; project_id: string; status: string }[] }>(
    'GET',
    `/v1/${admin.projectId}/workloads?all_workloads=True`,
    { token: admin.token },
  );
  state.trilio = JSON.stringify(workloads.body.workloads.map((w) => [w.id, w.project_id, w.status]).sort());
  const roles = await adminRoles(lab);
  try {
    state.roles = JSON.stringify(await Promise.all(targetProjects.map((p) => roles.has(p))));
  } finally {
    roles.close();
  }
  state.runs = (await cli(dataDir, ['runs', '--json'])).stdout;
  return state;
}

function preview(stdout: string): RunPreview {
  const parsed = JSON.parse(stdout) as { ok: boolean; exitCode: number; value: RunPreview };
  expect(parsed.exitCode).toBe(0);
  return parsed.value;
}

beforeAll(async () => {
  lab = await readLabJson();
  await resetDrWorld(lab);
  const roles = await adminRoles(lab);
  for (const p of targetProjects) await roles.revoke(p).catch(() => undefined);
  roles.close();
  dataDir = await mkdtemp(join(tmpdir(), 'trilio-dr-plan-'));
  const imported = await cli(dataDir, ['profile', 'import', lab.profileFile]);
  expect(imported.stderr).toBe('');
}, 300_000);

afterAll(async () => {
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('trilio-dr plan (lab)', () => {
  it('plan single prints every step of the run and changes nothing', async () => {
    const w = lab.workloads.find((x) => x.name === 'fin-erp')!;
    const before = await worldState();
    expect(JSON.parse(before.runs ?? '').value).toEqual([]);
    const planned = await cli(dataDir, [
      'plan',
      'single',
      '--profile',
      'lab',
      '--workload',
      w.id,
      '--target-project',
      'finance-dr',
      '--json',
    ]);
    expect(planned.code, planned.stderr.slice(-3000)).toBe(0);
    const p = preview(planned.stdout);
    expect(p.steps.map((s) => s.key)).toEqual([
      'preflight',
      'find',
      'copy',
      'mount-paths',
      'access',
      'reassign',
      'restore',
      'cleanup',
    ]);
    const step = (k: string) => p.steps.find((s) => s.key === k)!;
    // The copy through the appliance, the bind mount on every node, the grant, the reassign call.
    expect(step('copy').plan!.actions.map((a) => a.id)).toEqual(['copy:tvm-1', 'chown:tvm-1', 'chmod:tvm-1']);
    const a1 = mountPathFor(lab.nfs.A1);
    const binds = step('mount-paths').plan!.actions.filter((a) => a.id.startsWith('bind:'));
    expect(binds.map((a) => (a.kind === 'remote' ? a.host : '')).sort()).toEqual(
      nodes()
        .map((n) => n.name)
        .sort(),
    );
    expect(binds.every((a) => a.kind === 'remote' && a.argv.includes(a1))).toBe(true);
    expect(step('access').plan!.actions).toHaveLength(1);
    const reassign = step('reassign').plan!.actions[0]!;
    expect(reassign).toMatchObject({ method: 'POST', path: '/workloads/reasign_workloads' });
    expect(JSON.stringify(reassign.kind === 'api' ? reassign.body : null)).toContain(w.id);
    expect(step('cleanup').plan!.actions.map((a) => a.id)).toContain(`delete-workload:${w.id}`);
    // Discovery narration on stderr, as for a run.
    expect(planned.stderr).toMatch(/preflight/);

    expect(await worldState()).toEqual(before);
  });

  it('plan full plans every workload of cloud A with the mapping suggested by name, and changes nothing', async () => {
    const before = await worldState();
    const planned = await cli(dataDir, ['plan', 'full', '--profile', 'lab', '--json']);
    expect(planned.code, planned.stderr.slice(-3000)).toBe(0);
    const p = preview(planned.stdout);
    const step = (k: string) => p.steps.find((s) => s.key === k)!;
    expect(p.params.kind === 'full' && p.params.mapping.map((m) => m.targetProject).sort()).toEqual(
      [...targetProjects].sort(),
    );
    const edits = step('reconfigure').plan!.actions.filter((a) => a.description.startsWith('Add '));
    expect(edits.map((a) => (a.kind === 'remote' ? a.host : '')).sort()).toEqual(
      nodes()
        .map((n) => n.name)
        .sort(),
    );
    const sources = lab.workloads.filter((w) => !w.managed);
    const moved = JSON.stringify(
      step('reassign').plan!.actions.map((a) => (a.kind === 'api' ? a.body : null)),
    );
    for (const w of sources) expect(moved).toContain(w.id);
    expect(step('revert').plan!.actions.length).toBe(edits.length * 2);

    expect(await worldState()).toEqual(before);
  });

  it('prints the plan for people: every step, what it rests on, and that nothing changed', async () => {
    const before = await worldState();
    const planned = await cli(dataDir, ['plan', 'full', '--profile', 'lab']);
    expect(planned.code, planned.stderr.slice(-3000)).toBe(0);
    expect(planned.stdout).toContain('Nothing was changed and no run was saved');
    for (const title of ['## Reconfigure Trilio', '## Mount paths', '## Reassign', '## Clean up'])
      expect(planned.stdout).toContain(title);
    expect(planned.stdout).toContain('POST /workloads/reasign_workloads');
    expect(await worldState()).toEqual(before);
  });
});
