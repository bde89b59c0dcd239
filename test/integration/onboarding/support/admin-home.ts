import { chmod, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { LabHost, LabJson } from '../../../lab/lab-json.js';

/**
 * A fresh HOME holding only what an OpenStack admin keeps for the lab: ~/.config/openstack/clouds.yaml
 * (no passwords) + secure.yaml (the passwords), ~/.ssh/config (Host, HostName, User, IdentityFile, a
 * ProxyJump for the host behind the jump host), ~/.ssh/known_hosts (the lab's host keys, some hashed),
 * a Kolla-style INI inventory (`[compute]`, `[triliovault-wlm-workloads]`, ansible_password for the
 * password host, ansible_become for the sudo host) and an openrc file per cloud.
 */
export interface AdminHome {
  home: string;
  inventory: string;
  openrc: { A: string; B: string };
  sshConfig: string;
  knownHosts: string;
}

export interface AdminHomeOptions {
  /** ProxyJump chain for compute-4: one hop (jump-1) or two (jump-1,jump-2). */
  twoHops?: boolean;
  /** Hosts whose key is left out of known_hosts (the first connection asks once). */
  unknownKeys?: string[];
  /** Hosts whose known_hosts line carries another host's key (a changed key: refused). */
  wrongKeys?: string[];
}

const cloudName = { A: 'lab-a', B: 'lab-b' } as const;

export async function makeAdminHome(lab: LabJson, options: AdminHomeOptions = {}): Promise<AdminHome> {
  const home = await mkdtemp(join(tmpdir(), 'trilio-admin-home-'));
  const ssh = join(home, '.ssh');
  const os = join(home, '.config', 'openstack');
  await mkdir(ssh, { recursive: true, mode: 0o700 });
  await mkdir(os, { recursive: true });

  const clouds = { clouds: {} as Record<string, unknown> };
  const secure = { clouds: {} as Record<string, unknown> };
  for (const side of ['A', 'B'] as const) {
    const c = lab.clouds[side];
    clouds.clouds[cloudName[side]] = {
      auth: {
        // keystoneauth style: no version in the URL (the wizard adds /v3).
        auth_url: c.authUrl.replace(/\/v3\/?$/, ''),
        username: c.admin.username,
        project_name: c.admin.project,
        user_domain_name: c.admin.userDomain,
        project_domain_name: c.admin.projectDomain,
      },
      region_name: c.region,
      interface: 'public',
      identity_api_version: 3,
    };
    secure.clouds[cloudName[side]] = { auth: { password: c.admin.password } };
  }
  await writeFile(join(os, 'clouds.yaml'), stringify(clouds));
  await writeFile(join(os, 'secure.yaml'), stringify(secure), { mode: 0o600 });

  const host = (name: string): LabHost => {
    const h = lab.hosts.find((x) => x.name === name);
    if (!h) throw new Error(`the lab has no ${name}`);
    return h;
  };
  const keyFile = host('tvm-1').keyFile!;
  // Specific hosts first, `Host *` last: OpenSSH takes the first value it obtains for each option.
  const lines = ['# the admin’s ssh config', ''];
  for (const h of lab.hosts) {
    lines.push(`Host ${h.name}`, `    HostName ${h.address}`, `    User ${h.user}`);
    if (h.keyFile) lines.push(`    IdentityFile ${h.keyFile}`);
    if (h.name === 'compute-4') lines.push(`    ProxyJump ${options.twoHops ? 'jump-1,jump-2' : 'jump-1'}`);
    if (h.name === 'jump-2') lines.push('    ProxyJump jump-1');
    lines.push('');
  }
  lines.push('Host *', `    IdentityFile ${keyFile}`, '    ServerAliveInterval 30', '');
  const sshConfig = join(ssh, 'config');
  await writeFile(sshConfig, lines.join('\n'), { mode: 0o600 });

  // known_hosts: plain lines and one hashed (`ssh-keygen -H` style) for each kind of entry.
  const { createHmac, randomBytes } = await import('node:crypto');
  const known = lab.hosts
    .filter((h) => !(options.unknownKeys ?? []).includes(h.name))
    .map((h, i) => {
      const name = h.port === 22 ? h.address : `[${h.address}]:${h.port}`;
      const key = (options.wrongKeys ?? []).includes(h.name)
        ? lab.hosts.find((o) => o.hostKey !== h.hostKey)!.hostKey
        : h.hostKey;
      if (i % 2 === 0) return `${name} ${key}`;
      const salt = randomBytes(20);
      const hash = createHmac('sha1', salt).update(name).digest('base64');
      return `|1|${salt.toString('base64')}|${hash} ${key}`;
    });
  const knownHosts = join(ssh, 'known_hosts');
  await writeFile(knownHosts, `${known.join('\n')}\n`);

  const computes = lab.hosts.filter((h) => h.role === 'compute');
  const inventoryLines = [
    '# Kolla-Ansible multinode (excerpt) with Trilio groups',
    '[control]',
    'tvm-1',
    '',
    '[compute]',
  ];
  for (const c of computes) {
    const vars: string[] = [];
    if (c.password) vars.push('ansible_user=root', `ansible_password='${c.password}'`);
    if (c.sudo) vars.push(`ansible_user=${c.user}`, 'ansible_become=true');
    inventoryLines.push([c.name, ...vars].join(' '));
  }
  inventoryLines.push(
    '',
    '[triliovault-wlm-workloads:children]',
    'control',
    '',
    '[triliovault-datamover:children]',
    'compute',
    '',
  );
  const inventory = join(home, 'multinode');
  await writeFile(inventory, inventoryLines.join('\n'));

  const openrc = { A: join(home, 'lab-a-openrc.sh'), B: join(home, 'lab-b-openrc.sh') };
  for (const side of ['A', 'B'] as const) {
    const c = lab.clouds[side];
    await writeFile(
      openrc[side],
      [
        '#!/usr/bin/env bash',
        `export OS_AUTH_URL=${c.authUrl}`,
        `export OS_PROJECT_NAME="${c.admin.project}"`,
        `export OS_USER_DOMAIN_NAME="${c.admin.userDomain}"`,
        `export OS_PROJECT_DOMAIN_NAME="${c.admin.projectDomain}"`,
        `export OS_USERNAME="${c.admin.username}"`,
        `export OS_PASSWORD='${c.admin.password}'`,
        `export OS_REGION_NAME="${c.region}"`,
        'export OS_INTERFACE=public',
        'export OS_IDENTITY_API_VERSION=3',
        'echo "openrc sourced"  # never run by the wizard',
        '',
      ].join('\n'),
    );
    await chmod(openrc[side], 0o600);
  }
  return { home, inventory, openrc, sshConfig, knownHosts };
}

export const labClouds = cloudName;
