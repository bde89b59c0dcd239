import { closestByName } from './closest-by-name.js';
import type { SnapshotInstance, SnapshotNic } from './restore-json.js';

/**
 * The snapshot's (network, subnet) pairs and their default targets. Trilio matches a restore's network
 * mapping on the snapshot network id AND subnet id (workloadmgr `restore_vm_networks`), so a network
 * whose VMs sit on two subnets is two pairs, each mapped to its own target network and subnet.
 */

/** Where a snapshot network and subnet are restored to in the target project. */
export interface NetworkTarget {
  networkId: string;
  networkName: string;
  subnetId: string;
}

/** A network of the target project (own or shared) with its subnets, as the default mapping reads it. */
export interface TargetNetworkOffer {
  id: string;
  name: string;
  subnets: readonly { id: string; name: string; cidr?: string }[];
}

export interface NetworkPair {
  /** `pairKey(networkId, subnetId)`: the restore form's key. */
  key: string;
  networkId: string;
  networkName: string;
  subnetId: string;
  subnetName?: string;
  subnetCidr?: string;
  /** The first NIC on the pair (for messages). */
  nic: SnapshotNic;
  /** The VM of that NIC. */
  vm: SnapshotInstance;
}

/** The restore form's key of a pair: `<network id>/<subnet id>`, the network id alone without a subnet. */
export function pairKey(networkId: string, subnetId: string): string {
  return subnetId ? `${networkId}/${subnetId}` : networkId;
}

/** `record[key]` only when it is the record's own (a key named `__proto__` or `constructor` is data). */
export function ownValue<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** The distinct (network, subnet) pairs of the VMs' NICs, ordered by key. */
export function networkPairs(instances: readonly SnapshotInstance[]): NetworkPair[] {
  const pairs = new Map<string, NetworkPair>();
  for (const vm of instances)
    for (const nic of vm.nics) {
      const key = pairKey(nic.networkId, nic.subnetId);
      if (pairs.has(key)) continue;
      pairs.set(key, {
        key,
        networkId: nic.networkId,
        networkName: nic.networkName,
        subnetId: nic.subnetId,
        ...(nic.subnetName ? { subnetName: nic.subnetName } : {}),
        ...(nic.subnetCidr ? { subnetCidr: nic.subnetCidr } : {}),
        nic,
        vm,
      });
    }
  return [...pairs.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

const targetOf = (network: TargetNetworkOffer, subnet: { id: string }): NetworkTarget => ({
  networkId: network.id,
  networkName: network.name,
  subnetId: subnet.id,
});

/**
 * The default target of a pair: the target network of the same name (or that name with words added,
 * `finance-net` → `finance-dr-net`) and in it the subnet of the same name, else the one of the same
 * CIDR, else its only subnet when the snapshot network uses only this one subnet; failing that, the
 * target subnet of the same CIDR in any network. Undefined when nothing matches: the user chooses.
 */
export function findTargetFor(
  pair: NetworkPair,
  allPairs: readonly NetworkPair[],
  targets: readonly TargetNetworkOffer[],
): NetworkTarget | undefined {
  const sameCidr = (s: { cidr?: string }) => Boolean(pair.subnetCidr) && s.cidr === pair.subnetCidr;
  const network = closestByName(pair.networkName, targets, { soleFallback: false });
  if (network) {
    const byName = pair.subnetName
      ? closestByName(pair.subnetName, network.subnets, { soleFallback: false })
      : undefined;
    const subnetsUsed = allPairs.filter((p) => p.networkId === pair.networkId).length;
    const subnet =
      byName ??
      network.subnets.find(sameCidr) ??
      (subnetsUsed === 1 && network.subnets.length === 1 ? network.subnets[0] : undefined);
    if (subnet) return targetOf(network, subnet);
  }
  if (!pair.subnetCidr) return undefined;
  for (const n of targets) {
    const subnet = n.subnets.find(sameCidr);
    if (subnet) return targetOf(n, subnet);
  }
  return undefined;
}
