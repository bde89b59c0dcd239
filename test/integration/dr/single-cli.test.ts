import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mountPathFor } from '../../../shared/nfs/mount-path.js';
import { openstackCliEnv } from '../../lab/clouds/index.js';
import { runOnHost } from '../../lab/hosts/index.js';
import { readLabJson } from '../../lab/lab.js';
import type { LabJson, LabWorkload } from '../../lab/lab-json.js';
import { cli, resetDrWorld, startCli } from './support/dr-cli.js';

/**
 * The runbook's single-workload DR, headless, against the lab — then checked independently of the
 * wizard: findmnt and /etc/fstab on every node, qemu-img on every compute node, the real openstack CLI.
 */
const run = promisify(execFile);
let lab: LabJson;
let dataDir: string;
let nodes: string[];
let computes: string[];

const workload = (name: string): LabWorkload => {
  const w = lab.workloads.find((x) => x.name === name);
  if (!w) throw new Error(`lab workload ${name} missing`);
  return w;
};

async function adminRoleOn(project: string): Promise<string> {
  const { stdout } = await run(
    'openstack',
    [
      'role',
      'assignment',
      'list',
      '--project',
      project,
      '--project-domain',
      lab.clouds.B.domain,
      '--user',
      'admin',
      '--user-domain',
      'Default',
      '--names',
      '-f',
      'value',
      '-c',
      'Role',
    ],
    { env: openstackCliEnv(lab.clouds.B) },
  );
  return stdout;
}

beforeAll(async () => {
  lab = await readLabJson();
  nodes = lab.hosts.filter((h) => h.role !== 'jump').map((h) => h.name);
  computes = lab.hosts.filter((h) => h.role === 'compute').map((h) => h.name);
  await resetDrWorld(lab);
  // A grant left by an earlier, interrupted test run would count as "already there" and stay.
  await run(
    'openstack',
    [
      'role',
      'remove',
      '--project',
      'finance-dr',
      '--project-domain',
      lab.clouds.B.domain,
      '--user',
      'admin',
      '--user-domain',
      'Default',
      'admin',
    ],
    { env: openstackCliEnv(lab.clouds.B) },
  ).catch(() => undefined);
  dataDir = await mkdtemp(join(tmpdir(), 'trilio-dr-single-'));
  const imported = await cli(dataDir, ['profile', 'import', lab.profileFile]);
  expect(imported.stderr).toBe('');
}, 300_000);

afterAll(async () => {
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('trilio-dr run single (lab)', () => {
  it('recovers a multi-VM workload with incrementals, verified on every node, then cleans up', async () => {
    const w = workload('fin-erp');
    const oldPath = mountPathFor(lab.nfs.A1);
    const livePath = mountPathFor(lab.nfs.B1);
    const result = await cli(dataDir, [
      'run',
      'single',
      '--profile',
      'lab',
      '--workload',
      w.id,
      '--target-project',
      'finance-dr',
      '--yes',
      '--json',
    ]);
    expect(result.code, result.stderr.slice(-3000)).toBe(0);
    const summary = JSON.parse(result.stdout) as {
      value: { runId: string; steps: { key: string; status: string }[] };
    };
    const runId = summary.value.runId;
    expect(
      summary.value.steps.filter((s) => s.key !== 'cleanup').every((s) => s.status === 'succeeded'),
    ).toBe(true);
    // The plan and every command were shown before they ran.
    expect(result.stderr).toContain('## Mount paths');
    expect(result.stderr).toContain('mount --bind');

    for (const node of nodes) {
      const mnt = await runOnHost(node, ['findmnt', '-n', '-o', 'TARGET', oldPath]);
      expect(mnt.stdout.trim(), node).toBe(oldPath);
      const fstab = await runOnHost(node, ['cat', '/etc/fstab']);
      const lines = fstab.stdout.split('\n').filter((l) => l.startsWith(`${livePath} ${oldPath} `));
      expect(lines, `${node} /etc/fstab`).toHaveLength(1);
    }
    const newest = await runOnHost('tvm-1', [
      'sh',
      '-c',
      // The newest disk (a disk_db file sits beside each disk in Trilio's layout).
      `ls -d ${livePath}/workload_${w.id}/snapshot_*/vm_id_*/vm_res_id_*/* | grep -v '_db$' | tail -n 1`,
    ]);
    for (const node of computes) {
      const chain = await runOnHost(node, ['qemu-img', 'info', '--backing-chain', newest.stdout.trim()]);
      expect(chain.code, `${node}: ${chain.stderr}`).toBe(0);
      expect(chain.stdout).toContain(oldPath);
    }
    expect(await adminRoleOn('finance-dr')).toMatch(/admin/);

    // The run report, as an auditor gets it: versioned JSON and a PDF printed by Chromium.
    const jsonFile = join(dataDir, 'report.json');
    expect((await cli(dataDir, ['report', '--run', runId, '--format', 'json', '--out', jsonFile])).code).toBe(
      0,
    );
    const report = JSON.parse(await readFile(jsonFile, 'utf8')) as { schema: string; steps: unknown[] };
    expect(report.schema).toBe('trilio-dr-report/v1');
    expect(report.steps.length).toBeGreaterThanOrEqual(7);
    const pdfFile = join(dataDir, 'report.pdf');
    const pdf = await cli(dataDir, ['report', '--run', runId, '--format', 'pdf', '--out', pdfFile]);
    expect(pdf.code, pdf.stderr).toBe(0);
    expect((await readFile(pdfFile)).subarray(0, 5).toString()).toBe('%PDF-');

    const copy = join(lab.sharesDir.B1, `workload_${w.id}`);
    expect(existsSync(copy)).toBe(true);
    const cleaned = await cli(dataDir, ['cleanup', '--run', runId, '--yes', '--json']);
    expect(cleaned.code, cleaned.stderr.slice(-3000)).toBe(0);
    expect(await adminRoleOn('finance-dr')).not.toMatch(/admin/);
    // Clean-up without --remove-mounts keeps the bind mounts (other workloads may rely on them).
    expect((await runOnHost('compute-1', ['findmnt', '-n', oldPath])).code).toBe(0);
    // The workload copy on B1 is shown in the plan as deleting data, and removed; B2 keeps the original.
    expect(cleaned.stderr).toMatch(/! deletes the workload folder .*workload_/);
    expect(existsSync(copy)).toBe(false);
    expect(existsSync(join(lab.sharesDir.B2, `workload_${w.id}`))).toBe(true);
    const changes = (
      JSON.parse(cleaned.stdout) as { value: { changes: { kind: string; undone: boolean }[] } }
    ).value.changes;
    expect(changes.filter((c) => c.kind === 'workload-copy').map((c) => c.undone)).toEqual([true]);
    // Safe to run twice: nothing left to do, nothing fails.
    const again = await cli(dataDir, ['cleanup', '--run', runId, '--yes', '--json']);
    expect(again.code, again.stderr.slice(-3000)).toBe(0);
  });

  it('resumes after being killed in the mount-path step, with no duplicate change', async () => {
    // A pristine world, so the mount-path step has commands to interrupt.
    await resetDrWorld(lab);
    const w = workload('eng-ci');
    let killed = false;
    const first = startCli(
      dataDir,
      [
        'run',
        'single',
        '--profile',
        'lab',
        '--workload',
        w.id,
        '--target-project',
        'engineering-dr',
        '--yes',
      ],
      {
        onStderr: (all, child) => {
          if (!killed && /mount-paths\s+\S+\s+.*mount --bind/.test(all)) {
            killed = true;
            child.kill('SIGKILL');
          }
        },
      },
    );
    const crashed = await first.done;
    expect(crashed.signal).toBe('SIGKILL');
    const runId = /Run (run-\S+) created/.exec(crashed.stderr)?.[1];
    expect(runId).toBeDefined();

    const resumed = await cli(dataDir, ['resume', '--run', runId!, '--yes', '--json']);
    expect(resumed.code, resumed.stderr.slice(-3000)).toBe(0);
    const out = JSON.parse(resumed.stdout) as {
      value: { changes: { step: string; host: string; kind: string; description: string }[] };
    };
    const keys = out.value.changes.map((c) => `${c.step}|${c.host}|${c.kind}|${c.description}`);
    expect(new Set(keys).size).toBe(keys.length);
    const livePath = mountPathFor(lab.nfs.B1);
    const oldPath = mountPathFor(lab.nfs.A1);
    for (const node of nodes) {
      const fstab = await runOnHost(node, ['cat', '/etc/fstab']);
      expect(
        fstab.stdout.split('\n').filter((l) => l.startsWith(`${livePath} ${oldPath} `)),
        node,
      ).toHaveLength(1);
    }
    // Leave no admin grant behind for the tests that follow.
    expect((await cli(dataDir, ['cleanup', '--run', runId!, '--yes'])).code).toBe(0);
  });

  it('stops at pre-flight with a clear error naming a down host or a share path with quotes, changing nothing', async () => {
    const profile = JSON.parse(
      await (await import('node:fs/promises')).readFile(lab.profileFile, 'utf8'),
    ) as {
      profile: { name: string; hosts: Record<string, unknown>[]; nfs: Record<string, string> };
    };
    profile.profile.name = 'lab-broken';
    profile.profile.hosts.push({
      id: 'compute-9',
      name: 'compute-9',
      role: 'compute',
      address: '127.0.9.9',
      port: 22,
      user: 'root',
      auth: 'key',
      keyFile: lab.hosts[0]!.keyFile,
    });
    profile.profile.nfs.target = "10.20.3.22:/it's a share";
    const file = join(dataDir, 'broken.json');
    await (await import('node:fs/promises')).writeFile(file, JSON.stringify(profile));
    expect((await cli(dataDir, ['profile', 'import', file])).code).toBe(0);
    const w = workload('res-hpc');
    const failed = await cli(dataDir, [
      'run',
      'single',
      '--profile',
      'lab-broken',
      '--workload',
      w.id,
      '--target-project',
      'research-dr',
      '--yes',
      '--json',
    ]);
    expect(failed.code).toBe(1);
    const body = JSON.parse(failed.stdout) as {
      error: { message: string };
      run: { steps: { key: string; status: string }[]; changes: unknown[] };
    };
    expect(body.error.message).toContain('compute-9');
    expect(body.error.message).toContain(mountPathFor("10.20.3.22:/it's a share"));
    expect(body.run.steps.find((s) => s.key === 'preflight')?.status).toBe('failed');
    expect(body.run.changes).toEqual([]);
  });

  it('names the file of a malformed workload_db and changes nothing but the read-only staging mount', async () => {
    const id = '0badc0de-0000-4000-8000-00000000beef';
    const dir = join(lab.sharesDir.B2, `workload_${id}`);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'workload_db'), '{"id": "0badc0de", "display_name": broken');
    await writeFile(join(dir, 'workload_vms_db'), '[]');
    try {
      const failed = await cli(dataDir, [
        'run',
        'single',
        '--profile',
        'lab',
        '--workload',
        id,
        '--target-project',
        'finance-dr',
        '--yes',
        '--json',
      ]);
      expect(failed.code).toBe(1);
      const body = JSON.parse(failed.stdout) as {
        error: { message: string };
        run: { steps: { key: string; status: string }[]; changes: { kind: string }[] };
      };
      expect(body.error.message).toContain('metadata readable');
      expect(failed.stderr + JSON.stringify(body)).toContain(`workload_${id}/workload_db`);
      expect(body.run.steps.find((s) => s.key === 'find')?.status).toBe('failed');
      expect(body.run.changes.every((c) => c.kind === 'staging-mount')).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('trilio-dr run single over a stale copy on B1 (lab)', () => {
  it('sees that workload_db differs although names and sizes match, and replaces the copy', async () => {
    await resetDrWorld(lab);
    const w = workload('res-notebook');
    const stale = join(lab.sharesDir.B1, `workload_${w.id}`);
    await run('cp', ['-a', join(lab.sharesDir.B2, `workload_${w.id}`), stale]);
    // What a reassign on the target leaves: another project id of the same length in workload_db.
    const db = join(stale, 'workload_db');
    const text = await readFile(db, 'utf8');
    const project = (JSON.parse(text) as { project_id: string }).project_id;
    const other = project.replace(/^./, (c) => (c === 'f' ? 'e' : 'f'));
    await writeFile(db, text.replace(project, other));
    const ran = await cli(dataDir, [
      'run',
      'single',
      '--profile',
      'lab',
      '--workload',
      w.id,
      '--target-project',
      'research-dr',
      '--yes',
      '--json',
    ]);
    expect(ran.code, ran.stderr.slice(-3000)).toBe(0);
    expect(ran.stderr).toMatch(
      /already exists and differs from the synced copy: 1 metadata file\(s\) differ \(workload_db\)/,
    );
    expect(ran.stderr).toMatch(/! deletes the folder .* already on the target share/);
    const copied = JSON.parse(await readFile(db, 'utf8')) as { project_id: string };
    expect(copied.project_id).not.toBe(other);
    const runId = /Run (run-\S+) created/.exec(ran.stderr)![1]!;
    expect((await cli(dataDir, ['cleanup', '--run', runId, '--yes'])).code).toBe(0);
    expect(existsSync(stale)).toBe(false);
  });
});
