import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckMatrix } from '../../../shared/onboarding/check-matrix.js';
import type { Discovery } from '../../../shared/onboarding/discovery-types.js';
import type { Profile } from '../../../shared/profile/profile.js';
import { openstackCliEnv } from '../../lab/clouds/index.js';
import { resetHost, runOnHost } from '../../lab/hosts/index.js';
import { readLabJson } from '../../lab/lab.js';
import type { LabJson } from '../../lab/lab-json.js';
import { resetDrWorld, startCli } from '../dr/support/dr-cli.js';
import { makeAdminHome, type AdminHome } from './support/admin-home.js';
import { withCore } from './support/in-process-core.js';

/**
 * Issue 18's acceptance against the lab, through the built CLI with a fresh HOME that holds only what
 * an admin keeps: clouds.yaml + secure.yaml, ~/.ssh/config with ProxyJump, known_hosts, a Kolla-style
 * inventory (and an openrc pair). `profile discover` → `profile check` all green → each fault turns
 * exactly its cell red (exit code 1) → Nova's differences flagged → `run single` succeeds without any
 * prompt (stdin closed, no terminal).
 */
const run = promisify(execFile);
let lab: LabJson;
let admin: AdminHome;
let dataDir: string;

const cli = (args: string[]) =>
  startCli(dataDir, args, { env: { HOME: admin.home, TRILIO_DR_NO_PROMPT: '1' } }).done;

beforeAll(async () => {
  lab = await readLabJson();
  admin = await makeAdminHome(lab, { twoHops: true });
  dataDir = await mkdtemp(join(tmpdir(), 'trilio-onboard-'));
  await resetDrWorld(lab);
}, 300_000);

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
  await rm(admin.home, { recursive: true, force: true });
});

function discoverArgs(
  name: string,
  clouds: [string, string],
  extra: string[] = [],
  inventory = admin.inventory,
): string[] {
  return [
    'profile',
    'discover',
    '--name',
    name,
    '--cloud',
    `source=${clouds[0]}`,
    '--cloud',
    `target=${clouds[1]}`,
    '--inventory',
    inventory,
    '--nfs',
    `source=${lab.nfs.A1}`,
    '--nfs',
    `syncedCopy=${lab.nfs.B2}`,
    '--json',
    ...extra,
  ];
}

async function check(name = 'env-lab'): Promise<{ code: number | null; matrix: CheckMatrix }> {
  const r = await cli(['profile', 'check', '--profile', name, '--json']);
  const body = JSON.parse(r.stdout) as { value: CheckMatrix };
  return { code: r.code, matrix: body.value };
}

/** `row/cell` of every failed cell. */
const failedCells = (m: CheckMatrix) =>
  m.rows.flatMap((r) => r.cells.filter((c) => c.state === 'failed').map((c) => `${r.id}/${c.key}`));

function labProfileShape(p: Profile) {
  return { ...p, id: '', name: '', description: '' };
}

describe('profile discover from an admin’s files (lab)', () => {
  let discovered: Discovery;

  it('builds the lab profile from clouds.yaml + secure.yaml, ssh config, known_hosts and a Kolla inventory', async () => {
    const r = await cli(discoverArgs('env-lab', ['lab-a', 'lab-b']));
    expect(r.code, r.stderr.slice(-3000)).toBe(0);
    const body = JSON.parse(r.stdout) as {
      value: { saved: boolean; profile: Profile; discovery: Discovery };
    };
    discovered = body.value.discovery;
    const p = body.value.profile;
    expect(body.value.saved).toBe(true);
    expect(p.clouds.target).toMatchObject({
      authUrl: lab.clouds.B.authUrl,
      region: 'RegionB',
      domain: lab.clouds.B.domain,
      password: 'set',
    });
    expect(p.nfs).toEqual({ source: lab.nfs.A1, target: lab.nfs.B1, syncedCopy: lab.nfs.B2 });
    expect(p.trilio.target.installer).toBe('packages');
    const byId = new Map(p.hosts.map((h) => [h.id, h]));
    expect(byId.get('tvm-1')?.role).toBe('tvm');
    expect(byId.get('compute-2')).toMatchObject({ auth: 'password', password: 'set' });
    expect(byId.get('compute-3')).toMatchObject({ user: 'drops', sudo: true });
    // Two hops: compute-4 through jump-2, which is reached through jump-1.
    expect(byId.get('compute-4')?.via).toBe('jump-2');
    expect(byId.get('jump-2')?.via).toBe('jump-1');
    expect(discovered.hostKeys.every((k) => k.status === 'pinned')).toBe(true);
    expect(discovered.nova?.missingFromProfile).toEqual([]);
    expect(discovered.nova?.notInNova).toEqual([]);
    // No secret in what the CLI printed.
    for (const secret of [lab.clouds.B.admin.password, 'lab-root-pw'])
      expect(r.stdout + r.stderr).not.toContain(secret);
  });

  it('profile check: everything green in under 10 s, exit 0', async () => {
    const { code, matrix } = await check();
    expect(failedCells(matrix)).toEqual([]);
    expect(code).toBe(0);
    expect(matrix.ok).toBe(true);
    expect(matrix.durationMs).toBeLessThan(10_000);
    const hostRows = matrix.rows.filter((r) => r.kind === 'host');
    expect(hostRows.map((r) => r.id).sort()).toEqual([
      'compute-1',
      'compute-2',
      'compute-3',
      'compute-4',
      'jump-1',
      'jump-2',
      'tvm-1',
    ]);
    expect(
      matrix.rows.find((r) => r.id === 'compute-4')?.cells.find((c) => c.key === 'ssh')?.detail,
    ).toContain('jump-1 → jump-2');
  });

  it('a wrong Keystone password turns only the target login red', async () => {
    await withCore(dataDir, (core) =>
      core.saveSecrets('env-lab', { 'clouds.target.password': 'not-the-password' }),
    );
    try {
      const { code, matrix } = await check();
      expect(failedCells(matrix)).toEqual(['target/login']);
      expect(code).toBe(1);
      const login = matrix.rows.find((r) => r.id === 'target')!.cells[0]!;
      expect(login.detail).toMatch(/refused the login/);
      expect(JSON.stringify(matrix)).not.toContain('not-the-password');
    } finally {
      await withCore(dataDir, (core) =>
        core.saveSecrets('env-lab', { 'clouds.target.password': lab.clouds.B.admin.password }),
      );
    }
  });

  it('a Trilio endpoint missing from the catalog turns only the catalog cell red', async () => {
    const env = openstackCliEnv(lab.clouds.B);
    const listed = await run(
      'openstack',
      ['endpoint', 'list', '--service', 'workloads', '--region', 'RegionB', '-f', 'value', '-c', 'ID'],
      { env },
    );
    const ids = listed.stdout.trim().split('\n').filter(Boolean);
    expect(ids.length).toBeGreaterThan(0);
    for (const id of ids) await run('openstack', ['endpoint', 'set', '--disable', id], { env });
    try {
      const { code, matrix } = await check();
      expect(failedCells(matrix)).toEqual(['target/catalog']);
      expect(code).toBe(1);
    } finally {
      for (const id of ids) await run('openstack', ['endpoint', 'set', '--enable', id], { env });
    }
  });

  it('a missing sudo right turns only that host’s sudo cell red', async () => {
    await runOnHost('compute-3', ['mv', '/etc/sudoers.d/tdrlab-drops', '/root/tdrlab-drops.off']);
    try {
      const { code, matrix } = await check();
      expect(failedCells(matrix)).toEqual(['compute-3/sudo']);
      expect(code).toBe(1);
      const sudo = matrix.rows.find((r) => r.id === 'compute-3')!.cells.find((c) => c.key === 'sudo')!;
      expect(sudo.hint).toMatch(/NOPASSWD/);
    } finally {
      await runOnHost('compute-3', ['mv', '/root/tdrlab-drops.off', '/etc/sudoers.d/tdrlab-drops']);
    }
  });

  it('a missing mount root turns only that host’s mount-root cell red', async () => {
    const root = '/var/triliovault-mounts';
    await runOnHost('compute-1', ['sh', '-c', `umount ${root}/* 2>/dev/null; mv ${root} ${root}.off`]);
    try {
      const { code, matrix } = await check();
      expect(failedCells(matrix)).toEqual(['compute-1/mountRoot']);
      expect(code).toBe(1);
    } finally {
      await resetHost('compute-1');
    }
  });

  it('a wrong SSH key turns only that host’s SSH cell red', async () => {
    const wrongKey = join(dataDir, 'wrong_ed25519');
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', wrongKey]);
    const original = await withCore(dataDir, (core) =>
      core.editHost('env-lab', 'compute-1', { keyFile: wrongKey }),
    );
    try {
      const { code, matrix } = await check();
      expect(failedCells(matrix)).toEqual(['compute-1/ssh']);
      expect(code).toBe(1);
      expect(
        matrix.rows.find((r) => r.id === 'compute-1')!.cells.find((c) => c.key === 'ssh')!.detail,
      ).toMatch(/refused the login/);
    } finally {
      await withCore(dataDir, (core) => core.editHost('env-lab', 'compute-1', { keyFile: original.keyFile }));
    }
  });

  it('a stopped sshd turns only that host’s SSH cell red', async () => {
    // The host is its sshd (the anchor of its namespaces): stopping it stops the host's SSH service.
    const pids = await run('pgrep', ['-f', 'hosts/compute-2/sshd_config']);
    for (const pid of pids.stdout.trim().split('\n').filter(Boolean)) process.kill(Number(pid), 'SIGTERM');
    try {
      const { code, matrix } = await check();
      expect(failedCells(matrix)).toEqual(['compute-2/ssh']);
      expect(code).toBe(1);
      expect(
        matrix.rows.find((r) => r.id === 'compute-2')!.cells.find((c) => c.key === 'ssh')!.detail,
      ).toMatch(/refused/);
    } finally {
      await resetHost('compute-2');
    }
  });

  it('Nova: flags a compute removed from Nova and one missing from the profile', async () => {
    // The emulator forgets compute-2 for a moment (its /_lab fault control answers os-hypervisors with
    // this body), and the inventory below lacks compute-3.
    const hypervisors = lab.hosts
      .filter((h) => h.role === 'compute' && h.name !== 'compute-2')
      .map((h, i) => ({
        id: i + 1,
        hypervisor_hostname: h.name,
        host_ip: h.address,
        state: 'up',
        status: 'enabled',
        service: { host: h.name },
      }));
    const control = lab.trilio.labControlUrl!;
    const fault = await fetch(`${control}/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        method: 'GET',
        pathRegex: '^/compute/v2\\.1/os-hypervisors/detail',
        status: 200,
        body: { hypervisors },
        count: 4,
      }),
    });
    expect(fault.status).toBe(201);
    const inventory = join(dataDir, 'multinode-without-compute-3');
    await writeFile(inventory, (await readFile(admin.inventory, 'utf8')).replace(/^compute-3 .*$/m, ''));
    try {
      const r = await cli(discoverArgs('env-lab-nova', ['lab-a', 'lab-b'], ['--dry-run'], inventory));
      expect(r.code, r.stderr.slice(-2000)).toBe(0);
      const nova = (JSON.parse(r.stdout) as { value: { discovery: Discovery } }).value.discovery.nova!;
      expect(nova.matched.map((m) => m.hypervisor).sort()).toEqual(['compute-1', 'compute-4']);
      expect(nova.missingFromProfile.map((m) => [m.hypervisor, m.suggestedAddress])).toEqual([
        ['compute-3', '127.0.1.3'],
      ]);
      expect(nova.notInNova.map((h) => h.hostId)).toEqual(['compute-2']);
    } finally {
      await fetch(`${control}/faults`, { method: 'DELETE' });
    }
  });

  it('host keys: an unknown one is asked once (trust-key with its fingerprint), a changed one is refused', async () => {
    const other = await makeAdminHome(lab, { unknownKeys: ['compute-1'], wrongKeys: ['compute-2'] });
    const run = (args: string[]) =>
      startCli(dataDir, args, { env: { HOME: other.home, TRILIO_DR_NO_PROMPT: '1' } }).done;
    try {
      const found = await run([
        'profile',
        'discover',
        '--name',
        'env-lab-keys',
        '--cloud',
        'source=lab-a',
        '--cloud',
        'target=lab-b',
        '--inventory',
        other.inventory,
        '--nfs',
        `source=${lab.nfs.A1}`,
        '--nfs',
        `syncedCopy=${lab.nfs.B2}`,
        '--json',
      ]);
      expect(found.code, found.stderr.slice(-2000)).toBe(0);
      const keys = (JSON.parse(found.stdout) as { value: { discovery: Discovery } }).value.discovery.hostKeys;
      expect(keys.find((k) => k.hostId === 'compute-1')?.status).toBe('unknown');
      const first = await run(['profile', 'check', '--profile', 'env-lab-keys', '--json']);
      const matrix = (JSON.parse(first.stdout) as { value: CheckMatrix }).value;
      expect(failedCells(matrix).sort()).toEqual(['compute-1/hostKey', 'compute-2/hostKey']);
      const c1 = matrix.rows.find((r) => r.id === 'compute-1')!.cells.find((c) => c.key === 'hostKey')!;
      const c2 = matrix.rows.find((r) => r.id === 'compute-2')!.cells.find((c) => c.key === 'hostKey')!;
      expect(c1.error?.code).toBe('ssh-host-key-unknown');
      expect(c2.error?.code).toBe('ssh-host-key-mismatch');
      // Trusting needs the fingerprint the admin compared; a wrong one trusts nothing.
      const wrong = await run([
        'profile',
        'trust-key',
        '--profile',
        'env-lab-keys',
        '--host',
        'compute-1',
        '--fingerprint',
        'SHA256:nope',
      ]);
      expect(wrong.code).toBe(1);
      const fp = c1.error!.hostKey!.fingerprint;
      const trusted = await run([
        'profile',
        'trust-key',
        '--profile',
        'env-lab-keys',
        '--host',
        'compute-1',
        '--fingerprint',
        fp,
      ]);
      expect(trusted.code, trusted.stderr).toBe(0);
      // The changed key stays refused unless replaced explicitly.
      const refused = await run([
        'profile',
        'trust-key',
        '--profile',
        'env-lab-keys',
        '--host',
        'compute-2',
        '--fingerprint',
        c2.error!.hostKey!.fingerprint,
      ]);
      // Nothing was done: a precondition (exit 3, docs/cli.md), not a failed operation.
      expect(refused.code).toBe(3);
      const again = (
        JSON.parse((await run(['profile', 'check', '--profile', 'env-lab-keys', '--json'])).stdout) as {
          value: CheckMatrix;
        }
      ).value;
      expect(failedCells(again)).toEqual(['compute-2/hostKey']);
    } finally {
      await rm(other.home, { recursive: true, force: true });
    }
  });

  it('the same profile from an openrc pair (parsed, never run)', async () => {
    const r = await cli(discoverArgs('env-lab-openrc', [admin.openrc.A, admin.openrc.B]));
    expect(r.code, r.stderr.slice(-3000)).toBe(0);
    const fromOpenrc = (JSON.parse(r.stdout) as { value: { profile: Profile } }).value.profile;
    const fromClouds = await withCore(dataDir, (core) => core.profile('env-lab'));
    expect(labProfileShape(fromOpenrc)).toEqual(labProfileShape(fromClouds));
    // The file's echo never ran: it is listed as a line that was not run, and never printed on its own.
    expect(r.stdout).toContain('not run: line 11: echo');
    expect(r.stdout + r.stderr).not.toMatch(/^openrc sourced$/m);
  });

  it('trilio-dr run single succeeds end to end with the discovered profile, without any prompt', async () => {
    await resetDrWorld(lab);
    const w = lab.workloads.find((x) => x.name === 'fin-web')!;
    for (const profile of ['env-lab', 'env-lab-openrc']) {
      const result = await cli([
        'run',
        'single',
        '--profile',
        profile,
        '--workload',
        w.id,
        '--target-project',
        'finance-dr',
        '--yes',
        '--json',
      ]);
      expect(result.code, result.stderr.slice(-4000)).toBe(0);
      const summary = JSON.parse(result.stdout) as {
        value: { runId: string; steps: { key: string; status: string }[] };
      };
      expect(
        summary.value.steps.filter((s) => s.key !== 'cleanup').every((s) => s.status === 'succeeded'),
      ).toBe(true);
      const cleaned = await cli(['cleanup', '--run', summary.value.runId, '--yes', '--json']);
      expect(cleaned.code, cleaned.stderr.slice(-2000)).toBe(0);
      // The second run (openrc profile) repeats the same DR on the now-prepared nodes: a re-run is safe.
      await resetDrWorld(lab);
    }
  });
});
