import type { HostConfig } from '../profile/profile.js';

/**
 * Nova's hypervisors (`GET /os-hypervisors/detail`, admin) against the profile's compute nodes: which
 * profile node each hypervisor is, the hypervisors the profile lacks (every compute node needs the
 * DR's mounts), and profile nodes Nova no longer knows (removed from the cloud: the DR would wait on
 * them). A hypervisor is matched by host name (also its short form), Nova's service host, its host IP,
 * or the address an SSH config alias of that name resolves to.
 */
export interface HypervisorLite {
  hostname: string;
  serviceHost?: string | undefined;
  hostIp?: string | undefined;
  state?: string | undefined;
  status?: string | undefined;
}

export interface NovaRow {
  hypervisor: string;
  hostIp?: string | undefined;
  state?: string | undefined;
  /** Profile host id it matched, if any. */
  hostId?: string | undefined;
  /** For a hypervisor missing from the profile: the address to reach it (SSH config or host IP). */
  suggestedAddress?: string | undefined;
}

export interface NovaComparison {
  cloud: 'target';
  matched: NovaRow[];
  missingFromProfile: NovaRow[];
  /** Profile compute host ids Nova does not list. */
  notInNova: { hostId: string; name: string; address: string }[];
}

const short = (name: string) => name.toLowerCase().split('.')[0] ?? '';

/**
 * `sshAddressOf(name)`: the HostName an SSH config alias `name` resolves to (undefined without one).
 */
export function compareWithNova(
  hosts: readonly Pick<HostConfig, 'id' | 'name' | 'address' | 'role'>[],
  hypervisors: readonly HypervisorLite[],
  sshAddressOf: (name: string) => string | undefined = () => undefined,
): NovaComparison {
  const computes = hosts.filter((h) => h.role === 'compute');
  const used = new Set<string>();
  const matched: NovaRow[] = [];
  const missingFromProfile: NovaRow[] = [];
  for (const hv of hypervisors) {
    const names = [hv.hostname, hv.serviceHost].filter((n): n is string => Boolean(n));
    const addresses = [hv.hostIp, ...names.map(sshAddressOf)].filter((a): a is string => Boolean(a));
    const host =
      computes.find((h) => !used.has(h.id) && names.some((n) => n.toLowerCase() === h.name.toLowerCase())) ??
      computes.find((h) => !used.has(h.id) && names.some((n) => short(n) === short(h.name))) ??
      computes.find((h) => !used.has(h.id) && addresses.includes(h.address));
    const row: NovaRow = {
      hypervisor: hv.hostname,
      ...(hv.hostIp ? { hostIp: hv.hostIp } : {}),
      ...(hv.state ? { state: hv.state } : {}),
    };
    if (host) {
      used.add(host.id);
      matched.push({ ...row, hostId: host.id });
    } else {
      const suggested = names.map(sshAddressOf).find(Boolean) ?? hv.hostIp;
      missingFromProfile.push({ ...row, ...(suggested ? { suggestedAddress: suggested } : {}) });
    }
  }
  const notInNova = computes
    .filter((h) => !used.has(h.id))
    .map((h) => ({ hostId: h.id, name: h.name, address: h.address }));
  return { cloud: 'target', matched, missingFromProfile, notInNova };
}
