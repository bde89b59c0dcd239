import type { HostConfig, Profile } from '../profile/profile.js';
import { inventoryName, secretVarName } from './ansible-names.js';

/**
 * The inventory of the exported playbook: every host of the profile in a group per role (`tvm`,
 * `compute`, `jump`), its address, port and user, the jump chain as `ansible_ssh_common_args`
 * (ProxyJump, as the wizard's own SSH reaches it), sudo for non-root users. No key file and no
 * password: those are the controller's (AWX machine credential, ssh-agent, `--private-key`), and a
 * password-auth host reads its password from the secret variable the playbook asks for.
 */

/** `user@address:port` of each jump host, outermost first, for `-o ProxyJump=`. */
export function jumpChain(profile: Profile, host: HostConfig): string[] {
  const chain: string[] = [];
  const seen = new Set<string>([host.id]);
  let via = host.via;
  while (via) {
    if (seen.has(via)) break; // a loop is refused by profile validation; never spin here
    seen.add(via);
    const jump = profile.hosts.find((h) => h.id === via);
    if (!jump) break;
    const address = jump.address.includes(':') ? `[${jump.address}]` : jump.address;
    chain.unshift(`${jump.user}@${address}:${jump.port}`);
    via = jump.via;
  }
  return chain;
}

/** An INI value Ansible reads back as the same string (quoted when it holds spaces or quotes). */
function iniValue(value: string): string {
  return /^[A-Za-z0-9@._:/,=+-]+$/.test(value) ? value : `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

function hostLine(profile: Profile, host: HostConfig): string {
  const vars: [string, string][] = [
    ['ansible_host', host.address],
    ['ansible_port', String(host.port)],
    ['ansible_user', host.user],
    // Privileged tasks escalate only where the wizard uses sudo (a non-root user).
    ['trilio_dr_sudo', host.sudo ? 'true' : 'false'],
  ];
  const chain = jumpChain(profile, host);
  if (chain.length > 0) vars.push(['ansible_ssh_common_args', `-o ProxyJump=${chain.join(',')}`]);
  if (host.auth === 'password')
    vars.push([
      'ansible_password',
      `{{ hostvars['localhost'].${secretVarName(`hosts.${host.id}.password`)} }}`,
    ]);
  return [inventoryName(host), ...vars.map(([k, v]) => `${k}=${iniValue(v)}`)].join(' ');
}

export function renderInventory(profile: Profile): string {
  const lines = [`# Inventory of profile "${profile.name}", written by trilio-dr plan --format ansible.`];
  for (const role of ['tvm', 'compute', 'jump'] as const) {
    const hosts = profile.hosts.filter((h) => h.role === role);
    if (hosts.length === 0) continue;
    lines.push('', `[${role}]`, ...hosts.map((h) => hostLine(profile, h)));
  }
  return `${lines.join('\n')}\n`;
}
