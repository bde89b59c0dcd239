import { readdir, rmdir } from 'node:fs/promises';
import { runCommand } from '../clouds/local-command.js';
import type { JumpNetPlan } from './hosts-world.js';

/**
 * The network behind the jump host: two network namespaces joined by veth pairs,
 *   machine (j0, machineAddress/30) ⇄ (j1, jumpAddress/30) jump netns (h0, innerAddress/30) ⇄ (h1, hiddenAddress/30) hidden netns.
 * The machine routes the hidden address to the jump namespace, like a network whose router is the
 * jump host; that namespace does not forward, so packets sent straight to the hidden host are dropped
 * (a connect times out) and only an SSH connection relayed by the jump host's sshd gets there. The
 * route also keeps such packets from leaving through the machine's default route.
 */

const ip = (args: string[]): Promise<{ stdout: string }> =>
  runCommand('ip', args, { timeoutMs: 30_000, hint: 'Creating network namespaces needs root and iproute2.' });

const veth = (plan: JumpNetPlan, end: 'j0' | 'j1' | 'h0' | 'h1'): string => `${plan.vethPrefix}-${end}`;

async function netnsNames(): Promise<string[]> {
  const { stdout } = await ip(['netns', 'list']);
  return stdout
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter((name) => name !== '');
}

/** The IPv4 addresses (`a.b.c.d/len`) of one interface, in a namespace or on the machine. */
async function addressesOf(netns: string | undefined, device: string): Promise<string[]> {
  const args = [...(netns ? ['-n', netns] : []), '-4', '-o', 'addr', 'show', 'dev', device];
  const out = await ip(args).catch(() => ({ stdout: '' }));
  return [...out.stdout.matchAll(/inet (\S+)/g)].map((m) => m[1] ?? '');
}

/** Whether every namespace, link and address of the plan is in place. */
export async function jumpNetHealthy(plan: JumpNetPlan): Promise<boolean> {
  const names = await netnsNames();
  if (!names.includes(plan.jumpNetns) || !names.includes(plan.hiddenNetns)) return false;
  const checks: [string | undefined, string, string][] = [
    [undefined, veth(plan, 'j0'), plan.machineAddress],
    [plan.jumpNetns, veth(plan, 'j1'), plan.jumpAddress],
    [plan.jumpNetns, veth(plan, 'h0'), plan.innerAddress],
    [plan.hiddenNetns, veth(plan, 'h1'), plan.hiddenAddress],
  ];
  for (const [netns, device, address] of checks)
    if (!(await addressesOf(netns, device)).includes(`${address}/30`)) return false;
  const route = await ip(['route', 'show', `${plan.hiddenAddress}/32`]).catch(() => ({ stdout: '' }));
  const gateway = await ip(['-n', plan.hiddenNetns, 'route', 'show', 'default']).catch(() => ({
    stdout: '',
  }));
  return (
    route.stdout.includes(`via ${plan.jumpAddress}`) && gateway.stdout.includes(`via ${plan.innerAddress}`)
  );
}

/** Creates the namespaces and links, after removing any partial leftovers of an earlier run. */
export async function createJumpNet(plan: JumpNetPlan): Promise<void> {
  await removeJumpNet(plan);
  await ip(['netns', 'add', plan.jumpNetns]);
  await ip(['netns', 'add', plan.hiddenNetns]);
  for (const netns of [plan.jumpNetns, plan.hiddenNetns]) await ip(['-n', netns, 'link', 'set', 'lo', 'up']);
  await ip([
    'link',
    'add',
    veth(plan, 'j0'),
    'type',
    'veth',
    'peer',
    'name',
    veth(plan, 'j1'),
    'netns',
    plan.jumpNetns,
  ]);
  await ip(['addr', 'add', `${plan.machineAddress}/30`, 'dev', veth(plan, 'j0')]);
  await ip(['link', 'set', veth(plan, 'j0'), 'up']);
  await ip(['-n', plan.jumpNetns, 'addr', 'add', `${plan.jumpAddress}/30`, 'dev', veth(plan, 'j1')]);
  await ip(['-n', plan.jumpNetns, 'link', 'set', veth(plan, 'j1'), 'up']);
  await ip([
    '-n',
    plan.jumpNetns,
    'link',
    'add',
    veth(plan, 'h0'),
    'type',
    'veth',
    'peer',
    'name',
    veth(plan, 'h1'),
    'netns',
    plan.hiddenNetns,
  ]);
  await ip(['-n', plan.jumpNetns, 'addr', 'add', `${plan.innerAddress}/30`, 'dev', veth(plan, 'h0')]);
  await ip(['-n', plan.jumpNetns, 'link', 'set', veth(plan, 'h0'), 'up']);
  await ip(['-n', plan.hiddenNetns, 'addr', 'add', `${plan.hiddenAddress}/30`, 'dev', veth(plan, 'h1')]);
  await ip(['-n', plan.hiddenNetns, 'link', 'set', veth(plan, 'h1'), 'up']);
  // The hidden host's gateway is the jump namespace, so only the jump's refusal to forward hides it.
  await ip(['-n', plan.hiddenNetns, 'route', 'add', 'default', 'via', plan.innerAddress]);
  // New namespaces start with forwarding off; say so explicitly, since it is what hides the host.
  await runCommand('ip', ['netns', 'exec', plan.jumpNetns, 'sysctl', '-qw', 'net.ipv4.ip_forward=0']);
  // Goes away with the machine's veth end.
  await ip(['route', 'add', `${plan.hiddenAddress}/32`, 'via', plan.jumpAddress, 'dev', veth(plan, 'j0')]);
}

/**
 * Deletes the namespaces (their veth ends, and so the machine's end, go with them) and, when no
 * namespace is left, the `/run/netns` mount `ip netns add` made. Processes inside must be gone first,
 * or the namespaces outlive their names.
 */
export async function removeJumpNet(plan: JumpNetPlan): Promise<void> {
  const names = await netnsNames();
  for (const netns of [plan.hiddenNetns, plan.jumpNetns])
    if (names.includes(netns)) await ip(['netns', 'delete', netns]);
  await ip(['link', 'delete', veth(plan, 'j0')]).catch(() => undefined);
  await releaseRunNetns();
}

/** `ip netns add` bind-mounts /run/netns onto itself; when it is empty, undo that and remove it. */
async function releaseRunNetns(): Promise<void> {
  const entries = await readdir('/run/netns').catch(() => undefined);
  if (entries === undefined || entries.length > 0) return;
  const { stdout } = await runCommand('findmnt', ['-rno', 'TARGET']);
  for (const target of stdout.split('\n').filter((t) => t === '/run/netns'))
    await runCommand('umount', [target]).catch(() => undefined);
  await rmdir('/run/netns').catch(() => undefined);
}

export const netnsPath = (netns: string): string => `/run/netns/${netns}`;
