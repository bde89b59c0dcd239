import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bindMountLine } from '../../../shared/fstab/fstab.js';
import { mountPathFor } from '../../../shared/nfs/mount-path.js';
import { runOnHost } from '../../lab/hosts/index.js';
import { readLabJson } from '../../lab/lab.js';
import type { LabJson } from '../../lab/lab-json.js';
import { adminToken, call, scopedToken } from '../../lab/trilio/trilio-test-kit.js';
import { adminRoles } from '../dr/support/api-lab.js';
import { cli, resetDrWorld } from '../dr/support/dr-cli.js';

/**
 * `trilio-dr plan single … --format ansible` against the lab, run with Debian's `ansible-playbook`
 * (ansible.posix, community.general) as an operator would: the first playbook (through Reassign) and
 * the one exported with `--from restore` after it bring fin-erp to the wizard's end state (the bind
 * mount and its fstab line on every node, the workload in finance-dr, its restore available); a second
 * run of each reports changed=0; `--check` on the untouched lab changes nothing.
 */
let lab: LabJson;
let dataDir: string;
let work: string;
const nodes = () => lab.hosts.filter((h) => h.role !== 'jump');
const confOf = (role: string) =>
  role === 'tvm' ? '/etc/workloadmgr/workloadmgr.conf' : '/etc/tvault-contego/tvault-contego.conf';

interface PlaybookRun {
  code: number | null;
  output: string;
  /** Host → changed count from the PLAY RECAP. */
  changed: Record<string, number>;
  failed: number;
}

function ansible(dir: string, extra: string[] = []): Promise<PlaybookRun> {
  const secrets = {
    trilio_dr_secret_clouds_target_password: lab.clouds.B.admin.password,
    trilio_dr_secret_hosts_compute_2_password: lab.hosts.find((h) => h.name === 'compute-2')?.password ?? '',
  };
  const child = spawn(
    'ansible-playbook',
    ['-i', 'inventory.ini', 'playbook.yml', '-e', JSON.stringify(secrets), ...extra],
    {
      cwd: dir,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: work,
        // The lab's key and pinned host keys come from the controller's SSH config, never the files.
        ANSIBLE_SSH_ARGS: `-F ${join(work, 'ssh_config')} -o ControlMaster=auto -o ControlPersist=60s`,
        ANSIBLE_SSH_CONTROL_PATH_DIR: join(work, 'cp'),
        ANSIBLE_PIPELINING: 'True',
        ANSIBLE_HOST_KEY_CHECKING: 'True',
        ANSIBLE_NOCOLOR: '1',
        ANSIBLE_LOCAL_TEMP: join(work, 'ansible-tmp'),
      },
    },
  );
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d));
  return new Promise((resolve) =>
    child.on('close', (code) => {
      const changed: Record<string, number> = {};
      let failed = 0;
      for (const m of output.matchAll(
        /^(\S+)\s+: ok=\d+\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)/gm,
      )) {
        changed[m[1]!] = Number(m[2]);
        failed += Number(m[3]) + Number(m[4]);
      }
      resolve({ code, output, changed, failed });
    }),
  );
}

/** What the DR changes: fstab, mounts and config per node; Trilio B's workloads and restores; grants. */
async function world(): Promise<Record<string, string>> {
  const state: Record<string, string> = {};
  for (const n of nodes()) {
    const read = async (argv: string[]) => {
      const r = await runOnHost(n.name, argv);
      return `${r.code}\n${r.stdout}`;
    };
    state[`${n.name} fstab`] = await read(['cat', '/etc/fstab']);
    state[`${n.name} mounts`] = await read(['findmnt', '-rn', '-o', 'TARGET,SOURCE,OPTIONS']);
    state[`${n.name} config`] = await read(['cat', confOf(n.role)]);
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
    state.roles = JSON.stringify(await roles.has('finance-dr'));
  } finally {
    roles.close();
  }
  return state;
}

const changedTotal = (run: PlaybookRun) => Object.values(run.changed).reduce((a, b) => a + b, 0);

/** `TASK [name] → host` for every task a run reports changed, for a failure message that says which. */
function changedTasks(run: PlaybookRun): string {
  const found: string[] = [];
  let task = '';
  for (const line of run.output.split('\n')) {
    const t = /^TASK \[(.*)\]/.exec(line);
    if (t) task = t[1]!;
    const c = /^changed: \[([^\]]+)\]/.exec(line);
    if (c) found.push(`${task} → ${c[1]}`);
  }
  return found.join('\n');
}

beforeAll(async () => {
  lab = await readLabJson();
  await resetDrWorld(lab);
  const roles = await adminRoles(lab);
  for (const p of ['finance-dr', 'engineering-dr', 'research-dr'])
    await roles.revoke(p).catch(() => undefined);
  roles.close();
  dataDir = await mkdtemp(join(tmpdir(), 'trilio-dr-ansible-'));
  work = await mkdtemp(join(tmpdir(), 'trilio-dr-ansible-ctl-'));
  const profileFile = JSON.parse(await readFile(lab.profileFile, 'utf8')) as { knownHosts: string[] };
  await writeFile(join(work, 'known_hosts'), `${profileFile.knownHosts.join('\n')}\n`);
  const key = lab.hosts.find((h) => h.keyFile)!.keyFile!;
  await writeFile(
    join(work, 'ssh_config'),
    [
      'Host *',
      `  IdentityFile ${key}`,
      '  IdentitiesOnly yes',
      `  UserKnownHostsFile ${join(work, 'known_hosts')}`,
      '  StrictHostKeyChecking yes',
      '',
    ].join('\n'),
  );
  const imported = await cli(dataDir, ['profile', 'import', lab.profileFile]);
  expect(imported.stderr).toBe('');
}, 300_000);

afterAll(async () => {
  for (const d of [dataDir, work]) if (d) await rm(d, { recursive: true, force: true });
});

describe('trilio-dr plan --format ansible (lab, ansible-playbook)', () => {
  it('the exported playbooks bring a single-workload DR to the wizard’s end state, idempotently', async () => {
    const w = lab.workloads.find((x) => x.name === 'fin-erp')!;
    const plan = ['plan', 'single', '--profile', 'lab', '--workload', w.id, '--target-project', 'finance-dr'];
    const first = join(work, 'dr-1');
    const exported = await cli(dataDir, [...plan, '--format', 'ansible', '--out', first, '--json']);
    expect(exported.code, exported.stderr.slice(-3000)).toBe(0);
    expect(JSON.parse(exported.stdout).value.next).toEqual(['restore']);
    // No secret and no path of this machine in what AWX would receive.
    for (const name of ['playbook.yml', 'inventory.ini', 'group_vars/all.yml']) {
      const text = await readFile(join(first, name), 'utf8');
      expect(text).not.toContain(lab.clouds.B.admin.password);
      expect(text).not.toContain('lab-root-pw');
      expect(text).not.toContain(lab.sharesDir);
      expect(text).not.toMatch(/lab_ed25519|\.lab\/hosts/);
    }
    // The restore cannot be exported before the reassign: it is built from what Trilio B lists then.
    const early = await cli(dataDir, [
      ...plan,
      '--format',
      'ansible',
      '--from',
      'restore',
      '--out',
      join(work, 'x'),
    ]);
    expect(early.code).toBe(3);

    // --check on the untouched lab changes nothing.
    const before = await world();
    const dry = await ansible(first, ['--check']);
    expect(dry.code, dry.output.slice(-4000)).toBe(0);
    expect(await world()).toEqual(before);

    const run1 = await ansible(first);
    expect(run1.code, run1.output.slice(-4000)).toBe(0);
    expect(run1.failed).toBe(0);
    expect(run1.output).toContain('--from restore');
    const second = join(work, 'dr-2');
    const rest = await cli(dataDir, [...plan, '--format', 'ansible', '--from', 'restore', '--out', second]);
    expect(rest.code, rest.stderr.slice(-3000)).toBe(0);
    const run2 = await ansible(second);
    expect(run2.code, run2.output.slice(-4000)).toBe(0);
    expect(run2.changed.localhost).toBeGreaterThan(0);

    // The wizard's end state: the bind mount and its fstab line on every node, the workload reassigned
    // to finance-dr, its restore available with the VMs of the snapshot.
    const live = mountPathFor(lab.nfs.B1);
    const old = mountPathFor(lab.nfs.A1);
    for (const n of nodes()) {
      const fstab = (await runOnHost(n.name, ['cat', '/etc/fstab'])).stdout.split('\n');
      expect(
        fstab.filter((l) => l === bindMountLine(live, old)),
        n.name,
      ).toHaveLength(1);
      const mounted = await runOnHost(n.name, ['mountpoint', '-q', old]);
      expect(mounted.code, `${n.name} ${old}`).toBe(0);
      const same = await runOnHost(n.name, [
        'sh',
        '-c',
        `[ "$(stat -L -c %d:%i ${live})" = "$(stat -L -c %d:%i ${old})" ]`,
      ]);
      expect(same.code, `${n.name}: ${old} shows ${live}`).toBe(0);
    }
    const finance = await scopedToken(
      lab,
      {
        name: lab.clouds.B.admin.username,
        password: lab.clouds.B.admin.password,
        domain: lab.clouds.B.admin.userDomain,
      },
      { name: 'finance-dr', domain: lab.clouds.B.domain },
    );
    const wl = await call<{ workload: { project_id: string } }>(
      'GET',
      `/v1/${finance.projectId}/workloads/${w.id}`,
      {
        token: finance.token,
      },
    );
    expect(wl.body.workload.project_id).toBe(lab.clouds.B.projects['finance-dr']);
    const restores = await call<{ restores: { status: string; snapshot_id: string }[] }>(
      'GET',
      `/v1/${finance.projectId}/restores/detail`,
      { token: finance.token },
    );
    expect(restores.body.restores.map((r) => r.status)).toEqual(['available']);

    // Run again: nothing to do. --check afterwards: nothing changes either.
    const done = await world();
    const again1 = await ansible(first);
    const again2 = await ansible(second);
    expect(again1.code, again1.output.slice(-4000)).toBe(0);
    expect(again2.code, again2.output.slice(-4000)).toBe(0);
    expect(changedTotal(again1), changedTasks(again1)).toBe(0);
    expect(changedTotal(again2), changedTasks(again2)).toBe(0);
    expect(await world()).toEqual(done);
    const restoresAfter = await call<{ restores: unknown[] }>(
      'GET',
      `/v1/${finance.projectId}/restores/detail`,
      {
        token: finance.token,
      },
    );
    expect(restoresAfter.body.restores).toHaveLength(1);
  }, 400_000);
});
