import { ipInCidr } from '../network/cidr.js';
import {
  findTargetFor,
  networkPairs,
  ownValue,
  pairKey,
  type NetworkTarget,
  type TargetNetworkOffer,
} from './network-pairs.js';

export { closestByName } from './closest-by-name.js';
export { networkPairs, pairKey, type NetworkPair, type NetworkTarget } from './network-pairs.js';

/**
 * Builds the `restore.json` of a selective restore (runbook: "This restore.json file needs to be adjusted
 * according to the desired restore") from what the snapshot holds and what the user chose in the form,
 * in the shape of the reference's "restore.json for a selective restore": per instance `flavor`,
 * `restore_boot_disk`, `vdisks` (volume-backed disks only) and `nics` (fixed IPs and MACs kept), and one
 * `networks_mapping` entry per (snapshot network, snapshot subnet) pair, which is how Trilio matches them.
 * Pure: the same inputs always give the same JSON, which is shown to the user before it is sent.
 */
export interface SnapshotNic {
  networkId: string;
  networkName: string;
  /** '' when the snapshot does not name the NIC's subnet. */
  subnetId: string;
  subnetName?: string;
  subnetCidr?: string;
  ip?: string;
  mac?: string;
}

export interface SnapshotDisk {
  /** The Cinder volume id for a volume-backed disk (restore.json's `vdisks[].id`), else the disk's resource id. */
  id: string;
  name: string;
  /**
   * `volume`: a Cinder volume (has `volume_id`), listed in `vdisks`. `image`: an image-backed boot disk
   * (`image_id`/`image_name`, or no volume at all), restored with the instance (`restore_boot_disk`).
   */
  backing: 'volume' | 'image';
  volumeType?: string;
  availabilityZone?: string;
  sizeBytes?: number;
  imageName?: string;
}

export interface SnapshotFlavor {
  id?: string;
  name?: string;
  vcpus?: number;
  ram?: number;
  disk?: number;
  ephemeral?: number;
  swap?: number;
}

export interface SnapshotInstance {
  id: string;
  name: string;
  flavor?: SnapshotFlavor;
  availabilityZone?: string;
  nics: SnapshotNic[];
  disks: SnapshotDisk[];
}

/**
 * The flavor a VM is restored with: a flavor of the target cloud (`id`, `name`), or the snapshot's own
 * sizes (`id` ''). Trilio takes the sizes and finds or makes a matching Nova flavor.
 */
export interface FlavorChoice {
  id: string;
  name: string;
  vcpus: number;
  ram: number;
  disk: number;
  ephemeral: number;
  swap: number;
}

/**
 * One NIC's own choice (a NIC is named by its MAC, which is how Trilio matches restore.json's `nics`):
 * its own target network and subnet (absent: its (network, subnet) pair's mapping) and whether it
 * keeps its fixed IP (absent: kept where it fits the target subnet).
 */
export interface NicChoice {
  target?: NetworkTarget;
  keepIp?: boolean;
}

/** The form's choices for one VM of the snapshot. */
export interface InstanceChoice {
  id: string;
  include: boolean;
  newName: string;
  availabilityZone: string;
  /** Volume id → new volume type ('' keeps the default). */
  volumeTypes: Record<string, string>;
  /** Absent: the snapshot's flavor sizes. */
  flavor?: FlavorChoice;
  /** MAC → that NIC's own choice; NICs not listed follow `networkMapping`. */
  nics?: Record<string, NicChoice>;
}

/** What the restore form collects. */
export interface RestoreChoices {
  name: string;
  description: string;
  restoreTopology: boolean;
  instances: InstanceChoice[];
  /**
   * Snapshot network and subnet → target network and subnet, keyed by `pairKey(network id, subnet id)`
   * (`<network id>/<subnet id>`). A key of the network id alone (the form of earlier versions) covers
   * every subnet of that network that has no entry of its own.
   */
  networkMapping: Record<string, NetworkTarget>;
}

/** A flavor value Trilio reads; '' keeps the snapshot's value (workloadmgr restore: empty means unchanged). */
export type FlavorValue = number | '';

export interface RestoreJsonNic {
  mac_address: string;
  /** Left out when the fixed IP does not fit the target subnet: the NIC then gets a new address. */
  ip_address?: string;
  network: { id: string; subnet: { id: string } };
}

export interface RestoreJsonInstance {
  id: string;
  include: boolean;
  name: string;
  availability_zone: string;
  restore_boot_disk: boolean;
  flavor: {
    vcpus: FlavorValue;
    ram: FlavorValue;
    disk: FlavorValue;
    ephemeral: FlavorValue;
    swap: FlavorValue;
  };
  vdisks: { id: string; new_volume_type: string; availability_zone: string }[];
  nics: RestoreJsonNic[];
}

export interface RestoreJson {
  name: string;
  description: string;
  type: 'openstack';
  restore_type: 'selective';
  oneclickrestore: false;
  openstack: {
    instances: RestoreJsonInstance[];
    networks_mapping: {
      networks: {
        snapshot_network: { id: string; subnet: { id: string } };
        target_network: { id: string; name: string; subnet: { id: string } };
      }[];
    };
    restore_topology: boolean;
  };
}

export interface RestoreProblem {
  path: string;
  message: string;
}

/**
 * Default choices: every VM included under its own name, and each (network, subnet) pair of the
 * snapshot mapped to the target network and subnet of the same name, else to the target subnet of the
 * same CIDR. A pair that matches neither stays unmapped: the user chooses (never a silent first subnet).
 */
export function defaultRestoreChoices(
  snapshotName: string,
  instances: SnapshotInstance[],
  targetNetworks: readonly TargetNetworkOffer[],
): RestoreChoices {
  const mapping: Record<string, NetworkTarget> = {};
  const pairs = networkPairs(instances);
  for (const pair of pairs) {
    const target = findTargetFor(pair, pairs, targetNetworks);
    // Object.fromEntries-like definition: a key named __proto__ stays an own key.
    if (target)
      Object.defineProperty(mapping, pair.key, {
        value: target,
        enumerable: true,
        writable: true,
        configurable: true,
      });
  }
  return {
    name: `DR restore of ${snapshotName}`,
    description: 'Selective restore by the Trilio DR Wizard',
    restoreTopology: false,
    instances: instances.map((i) => ({
      id: i.id,
      include: true,
      newName: i.name,
      availabilityZone: i.availabilityZone ?? 'nova',
      volumeTypes: {},
    })),
    networkMapping: mapping,
  };
}

/** The target a NIC is restored onto: its pair's entry, else its network's (earlier versions' form). */
export function targetOfNic(
  mapping: Record<string, NetworkTarget>,
  nic: SnapshotNic,
): NetworkTarget | undefined {
  return ownValue(mapping, pairKey(nic.networkId, nic.subnetId)) ?? ownValue(mapping, nic.networkId);
}

/** The NIC's own choice in the VM's choices (only a NIC with a MAC can have one). */
export function nicChoiceOf(choice: InstanceChoice | undefined, nic: SnapshotNic): NicChoice | undefined {
  return nic.mac && choice?.nics ? ownValue(choice.nics, nic.mac) : undefined;
}

/** Where a NIC of a VM goes: its own target when it has one, else its pair's mapping. */
export function effectiveNicTarget(
  choices: RestoreChoices,
  choice: InstanceChoice | undefined,
  nic: SnapshotNic,
): NetworkTarget | undefined {
  return nicChoiceOf(choice, nic)?.target ?? targetOfNic(choices.networkMapping, nic);
}

/** Whether a NIC relies on its pair's `networks_mapping` entry (no own target, or no MAC to match it by). */
export function usesPairMapping(choice: InstanceChoice | undefined, nic: SnapshotNic): boolean {
  return nicChoiceOf(choice, nic)?.target === undefined;
}

/** The form path of one NIC's fields: `instances.<index>.nics.<mac>`. */
export function nicPath(index: number, nic: SnapshotNic): string {
  return `instances.${index}.nics.${nic.mac ?? ''}`;
}

/** A NIC as people name it: `fa:16:3e:… (10.0.0.5) of web-1 on finance-net, subnet finance-subnet (10.0.0.0/24)`. */
export function describeNic(vm: SnapshotInstance, nic: SnapshotNic): string {
  const id = nic.mac
    ? `NIC ${nic.mac}${nic.ip ? ` (${nic.ip})` : ''}`
    : `a NIC${nic.ip ? ` (${nic.ip})` : ''}`;
  const subnet = nic.subnetId
    ? `, subnet ${nic.subnetName ?? nic.subnetId}${nic.subnetCidr ? ` (${nic.subnetCidr})` : ''}`
    : '';
  return `${id} of ${vm.name} on snapshot network ${nic.networkName}${subnet}`;
}

/** Checks the choices against the snapshot; an empty list means the restore.json is complete. */
export function checkRestoreChoices(
  instances: SnapshotInstance[],
  choices: RestoreChoices,
): RestoreProblem[] {
  const problems: RestoreProblem[] = [];
  const byId = new Map(instances.map((i) => [i.id, i]));
  if (choices.name.trim() === '') problems.push({ path: 'name', message: 'Give the restore a name.' });
  const included = choices.instances.filter((c) => c.include);
  if (included.length === 0) problems.push({ path: 'instances', message: 'Include at least one VM.' });
  choices.instances.forEach((c, index) => {
    if (!byId.has(c.id))
      problems.push({ path: `instances.${index}`, message: `VM ${c.id} is not in the snapshot.` });
    if (c.include && c.newName.trim() === '')
      problems.push({ path: `instances.${index}.newName`, message: 'Name the restored VM.' });
    if (c.include && c.availabilityZone.trim() === '')
      problems.push({ path: `instances.${index}.availabilityZone`, message: 'Choose an availability zone.' });
  });
  if (choices.restoreTopology) return problems;
  const reported = new Set<string>();
  choices.instances.forEach((c, index) => {
    const vm = byId.get(c.id);
    // An excluded VM's NICs need no target.
    if (!c.include || !vm) return;
    for (const nic of vm.nics) {
      const own = nicChoiceOf(c, nic)?.target;
      if (own) {
        if (own.networkId === '' || own.subnetId === '')
          problems.push({
            path: `${nicPath(index, nic)}.target`,
            message: `Choose the target network and subnet for ${describeNic(vm, nic)}.`,
          });
        continue;
      }
      const key = pairKey(nic.networkId, nic.subnetId);
      const target = targetOfNic(choices.networkMapping, nic);
      if (reported.has(key) || (target && target.networkId !== '' && target.subnetId !== '')) continue;
      reported.add(key);
      problems.push({
        // One problem per pair: choosing its mapping (or each NIC's own target) fixes it.
        path: `networkMapping.${key}`,
        message: `Choose the target network and subnet for ${describeNic(vm, nic)}: the target project has no network and subnet of the same name and no subnet with the same CIDR (or restore the topology).`,
      });
    }
  });
  return problems;
}

/** The CIDR of a target subnet, when the target networks are known. */
function cidrOf(targets: readonly TargetNetworkOffer[], target: NetworkTarget): string | undefined {
  return targets.find((n) => n.id === target.networkId)?.subnets.find((s) => s.id === target.subnetId)?.cidr;
}

/**
 * Whether a NIC keeps its fixed IP on its target: yes unless the target subnet's CIDR is known and the
 * address is outside it (Neutron would refuse the port and Trilio fail the restore).
 */
export function keepsFixedIp(
  nic: SnapshotNic,
  target: NetworkTarget,
  targets: readonly TargetNetworkOffer[],
): boolean {
  if (!nic.ip) return false;
  const cidr = cidrOf(targets, target);
  return cidr === undefined || ipInCidr(nic.ip, cidr) !== false;
}

/**
 * Whether the NIC's fixed IP goes into restore.json: as the user chose (a kept IP outside its subnet is
 * a problem of the form, see restoreProblems), else kept where it fits the target subnet.
 */
export function nicKeepsIp(
  own: NicChoice | undefined,
  nic: SnapshotNic,
  target: NetworkTarget,
  targets: readonly TargetNetworkOffer[],
): boolean {
  if (!nic.ip) return false;
  if (own?.keepIp !== undefined) return own.keepIp;
  return keepsFixedIp(nic, target, targets);
}

function flavorOf(f: SnapshotFlavor | FlavorChoice | undefined): RestoreJsonInstance['flavor'] {
  const v = (n: number | undefined): FlavorValue => n ?? '';
  return {
    vcpus: v(f?.vcpus),
    ram: v(f?.ram),
    disk: v(f?.disk),
    ephemeral: v(f?.ephemeral),
    swap: v(f?.swap),
  };
}

/**
 * The restore.json Trilio's selective restore takes. Call `checkRestoreChoices` first. `targets` (the
 * target project's networks with their subnets' CIDRs) decides which fixed IPs fit their new subnet.
 */
export function buildRestoreJson(
  instances: SnapshotInstance[],
  choices: RestoreChoices,
  targets: readonly TargetNetworkOffer[] = [],
): RestoreJson {
  const byId = new Map(instances.map((i) => [i.id, i]));
  const included = choices.instances.filter((c) => c.include).flatMap((c) => byId.get(c.id) ?? []);
  const choiceOf = new Map(choices.instances.map((c) => [c.id, c]));
  // A pair is mapped when an included NIC goes by the mapping (a NIC with its own target does not).
  const mapped = included.map((vm) => ({
    ...vm,
    nics: vm.nics.filter((nic) => usesPairMapping(choiceOf.get(vm.id), nic)),
  }));
  const networks = choices.restoreTopology
    ? []
    : networkPairs(mapped).flatMap((pair) => {
        const target = targetOfNic(choices.networkMapping, pair.nic);
        if (!target) return [];
        return [
          {
            snapshot_network: { id: pair.networkId, subnet: { id: pair.subnetId } },
            target_network: {
              id: target.networkId,
              name: target.networkName,
              subnet: { id: target.subnetId },
            },
          },
        ];
      });
  return {
    name: choices.name,
    description: choices.description,
    type: 'openstack',
    restore_type: 'selective',
    oneclickrestore: false,
    openstack: {
      instances: choices.instances.map((c): RestoreJsonInstance => {
        const snap = byId.get(c.id);
        return {
          id: c.id,
          include: c.include,
          name: c.newName,
          availability_zone: c.availabilityZone,
          // An image-backed boot disk is not a volume: Trilio restores it with the instance.
          restore_boot_disk: true,
          flavor: flavorOf(c.flavor ?? snap?.flavor),
          vdisks: (snap?.disks ?? [])
            .filter((d) => d.backing === 'volume')
            .map((d) => ({
              id: d.id,
              new_volume_type: ownValue(c.volumeTypes, d.id) ?? d.volumeType ?? '',
              availability_zone: c.availabilityZone,
            })),
          nics: c.include && !choices.restoreTopology ? nicsOf(snap, c, choices, targets) : [],
        };
      }),
      networks_mapping: { networks },
      restore_topology: choices.restoreTopology,
    },
  };
}

/**
 * The VM's NICs on their targets. Trilio matches a `nics` entry to the snapshot's NIC by MAC, so a NIC
 * without one is left to `networks_mapping` (it gets a new address).
 */
function nicsOf(
  snap: SnapshotInstance | undefined,
  choice: InstanceChoice,
  choices: RestoreChoices,
  targets: readonly TargetNetworkOffer[],
): RestoreJsonNic[] {
  return (snap?.nics ?? []).flatMap((nic) => {
    const target = effectiveNicTarget(choices, choice, nic);
    if (!nic.mac || !target) return [];
    return [
      {
        mac_address: nic.mac,
        ...(nicKeepsIp(nicChoiceOf(choice, nic), nic, target, targets) ? { ip_address: nic.ip! } : {}),
        network: { id: target.networkId, subnet: { id: target.subnetId } },
      },
    ];
  });
}
