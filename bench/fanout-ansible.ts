import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bindMountLine } from '../shared/fstab/fstab.js';
import { shQuote } from '../shared/shell/quote.js';
import type { LabHost } from '../test/lab/lab-json.js';

/**
 * The peer of the fan-out benchmark: `ansible-playbook` (Debian's ansible) doing the mount-path
 * step's work on the same hosts: `mkdir -p`, `mount --bind` (unless already a mount point), the fstab
 * line with `lineinfile` (with a backup, as the step keeps one), and `findmnt` as the check.
 */

/** Today's configuration (issue 9): forks 50, linear strategy, Python modules. */
export const ANSIBLE_FORKS = 50;

/**
 * How a play is run. `today`: issue 9's configuration (linear strategy, `command`/`shell`/`lineinfile`,
 * i.e. a Python module per task per host). `expert`: as someone tuning Ansible for speed runs it
 * (issue 20): `strategy: free`, `raw` tasks (no Python on the host), pipelining on, facts off, the
 * SSH ControlPersist master reused by every task of a host within the round.
 */
export interface AnsibleConfig {
  kind: 'today' | 'expert';
  forks: number;
}

export const describeConfig = (c: AnsibleConfig): string =>
  c.kind === 'today'
    ? `today's configuration (forks ${c.forks}, linear, command/shell/lineinfile modules)`
    : `expert configuration (forks ${c.forks}, strategy free, raw tasks, pipelining, ControlPersist within the round, facts off)`;

export interface MountJob {
  /** The live share's mount path (bound from). */
  live: string;
  /** The mount path the backing chains need (bound onto). */
  target: string;
}

/**
 * The expert's play: the same four tasks as raw commands (one SSH session each on the host's
 * ControlPersist master, no module upload, no Python), hosts never waiting for each other.
 */
const expertPlay = [
  '- hosts: nodes',
  '  gather_facts: false',
  '  strategy: free',
  '  tasks:',
  '    - name: mkdir',
  '      raw: mkdir -p {{ target | quote }}',
  '    - name: mount --bind',
  '      raw: mountpoint -q {{ target | quote }} || mount --bind {{ live | quote }} {{ target | quote }}',
  '    - name: fstab line (backup first)',
  '      raw: grep -qxF {{ line | quote }} /etc/fstab || { cp -p /etc/fstab /etc/fstab.bak && printf "%s\\n" {{ line | quote }} >> /etc/fstab; }',
  '    - name: verify',
  '      raw: findmnt {{ target | quote }}',
];

/** Writes known_hosts, inventory.ini, vars.json, play.yml (today) and expert.yml into `dir`. */
export function writeAnsibleFiles(dir: string, hosts: readonly LabHost[], job: MountJob): void {
  writeFileSync(join(dir, 'known_hosts'), hosts.map((h) => `${h.address} ${h.hostKey}`).join('\n') + '\n');
  const sshArgs = `-o StrictHostKeyChecking=yes -o UserKnownHostsFile=${join(dir, 'known_hosts')}`;
  const lines = ['[nodes]'];
  for (const h of hosts) {
    const vars = [
      `ansible_host=${h.address}`,
      `ansible_port=${h.port}`,
      `ansible_user=${h.user}`,
      'ansible_python_interpreter=/usr/bin/python3',
      h.password ? `ansible_password=${h.password}` : `ansible_ssh_private_key_file=${h.keyFile}`,
      ...(h.sudo ? ['ansible_become=true'] : []),
      `ansible_ssh_common_args=${shQuote(sshArgs)}`,
    ];
    lines.push(`${h.name} ${vars.join(' ')}`);
  }
  writeFileSync(join(dir, 'inventory.ini'), lines.join('\n') + '\n');
  writeFileSync(
    join(dir, 'vars.json'),
    JSON.stringify({ live: job.live, target: job.target, line: bindMountLine(job.live, job.target) }) + '\n',
  );
  const play = [
    '- hosts: nodes',
    '  gather_facts: false',
    '  tasks:',
    '    - name: mkdir',
    '      command:',
    '        argv: [mkdir, -p, "{{ target }}"]',
    '    - name: mount --bind',
    '      shell: mountpoint -q {{ target | quote }} || mount --bind {{ live | quote }} {{ target | quote }}',
    '    - name: fstab line',
    '      lineinfile:',
    '        path: /etc/fstab',
    '        line: "{{ line }}"',
    '        backup: true',
    '    - name: verify',
    '      command:',
    '        argv: [findmnt, "{{ target }}"]',
  ];
  writeFileSync(join(dir, 'play.yml'), play.join('\n') + '\n');
  writeFileSync(join(dir, 'expert.yml'), expertPlay.join('\n') + '\n');
}

export interface AnsibleRun {
  ms: number;
  code: number;
  output: string;
}

/**
 * One `ansible-playbook` run in the given configuration: pipelining on, a fresh ControlPersist
 * directory (every round pays its handshakes, like ours; within the round each host's master is
 * reused by every task), host key checking on.
 */
export function runAnsible(dir: string, round: string, config: AnsibleConfig): Promise<AnsibleRun> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(
      'ansible-playbook',
      [
        '-i',
        'inventory.ini',
        '-f',
        String(config.forks),
        '-e',
        '@vars.json',
        config.kind === 'today' ? 'play.yml' : 'expert.yml',
      ],
      {
        cwd: dir,
        env: {
          ...process.env,
          ANSIBLE_PIPELINING: 'True',
          ANSIBLE_FORKS: String(config.forks),
          ANSIBLE_HOST_KEY_CHECKING: 'True',
          ANSIBLE_RETRY_FILES_ENABLED: 'False',
          ANSIBLE_LOCAL_TEMP: join(dir, 'tmp'),
          ANSIBLE_HOME: join(dir, 'home'),
          ANSIBLE_SSH_CONTROL_PATH_DIR: join(dir, `cp-${round}`),
          ANSIBLE_NOCOLOR: '1',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.on('close', (code) => resolve({ ms: performance.now() - started, code: code ?? 1, output }));
  });
}

/** `ok=4 changed=…` for every host and no failure: the recap says the play did its work everywhere. */
export function ansibleRecap(output: string, hosts: number): { okHosts: number; failed: number } {
  let okHosts = 0;
  let failed = 0;
  for (const m of output.matchAll(/^\S+\s+:\s+ok=(\d+)\s+changed=\d+\s+unreachable=(\d+)\s+failed=(\d+)/gm)) {
    if (Number(m[1]) === 4 && m[2] === '0' && m[3] === '0') okHosts += 1;
    else failed += 1;
  }
  return { okHosts, failed: failed + Math.max(0, hosts - okHosts - failed) };
}
