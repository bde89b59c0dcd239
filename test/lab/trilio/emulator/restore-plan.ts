import type { SnapshotDiskRow, SnapshotInstance, SnapshotNicRow, SnapshotRow } from './appliance-db.js';
import { badRequest, isRecord } from './http-kit.js';

/**
 * Reading restore.json (`options`) the way workloadmgr does, without I/O (public sources:
 * `workloads/api.py` `_validate_restore_options`, `workflows/restoreworkflow.py` `get_vms`,
 * `workflows/vmtasks_openstack.py` `restore_vm_networks`/`restore_vm_flavor`,
 * `virt/libvirt/restore_vm_flow.py` `get_new_volume_type`/`get_availability_zone`):
 * - at POST only the shape is checked (type, openstack, restore_type, instances): 400;
 * - every snapshot VM is restored unless its entry says `include: false`; entries naming no VM of the
 *   snapshot are ignored;
 * - a NIC whose MAC is in the instance's `nics` goes to that entry's network/subnet with its
 *   `ip_address`; otherwise `networks_mapping` is searched for the NIC's network id AND subnet id and
 *   the NIC gets a new address; without a match it stays on the snapshot's own network (which the
 *   target cloud does not have: the restore fails there);
 * - with `restore_topology: true` the snapshot's networks and subnets are recreated in the project
 *   and every NIC keeps its address there;
 * - `vdisks` gives new volume types and zones by volume id; a disk not listed keeps its snapshot
 *   volume type. From trilio-api.md: `vdisks` names volume-backed disks only, and an image-backed boot
 *   disk is restored with `restore_boot_disk`; the emulator fails a restore that breaks either rule.
 */

type Obj = Record<string, unknown>;

const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const list = (value: unknown): Obj[] => (Array.isArray(value) ? value.filter(isRecord) : []);

/** 400s of `_validate_restore_options` (InvalidRestoreOptions is an Invalid, code 400). */
export function validateRestoreOptions(options: Obj): void {
  if (options.type !== 'openstack') throw badRequest("'type' field in options is not set to 'openstack'");
  if (!('openstack' in options)) throw badRequest("'openstack' field is not in options");
  const type = options.restore_type;
  if (type !== 'inplace' && type !== 'selective' && type !== 'oneclick')
    throw badRequest("'restore_type' field must be one of 'inplace', 'selective', 'oneclick'");
  if (
    (type === 'inplace' || type === 'selective') &&
    !(isRecord(options.openstack) && 'instances' in options.openstack)
  )
    throw badRequest("'instances' field is not in found in options['instances']");
}

export interface RestoreFlavor {
  vcpus: string;
  ram: string;
  disk: string;
  ephemeral: string;
  swap: string;
}

export interface InstancePlan {
  source: SnapshotInstance;
  /** The instance's restore.json entry ({} when the snapshot VM is not listed). */
  options: Obj;
  name: string;
  availabilityZone: string;
  restoreBootDisk: boolean;
  flavor: RestoreFlavor;
}

export const isOneClick = (options: Obj): boolean =>
  options.oneclickrestore === true || options.restore_type === 'oneclick';

/** `get_vms`: the snapshot's VMs to restore, each with its restore.json entry. */
export function instancesToRestore(snapshot: SnapshotRow, options: Obj): InstancePlan[] {
  const entries = list(isRecord(options.openstack) ? options.openstack.instances : undefined);
  const plans: InstancePlan[] = [];
  for (const source of snapshot.instances) {
    const entry = entries.find((e) => e.id === source.id) ?? {};
    if (entry.include === false) continue;
    const flavor: RestoreFlavor = {
      vcpus: source.flavor.vcpus || '1',
      ram: source.flavor.ram || '512',
      disk: source.flavor.disk || '1',
      ephemeral: source.flavor.ephemeral || '0',
      swap: source.flavor.swap || '0',
    };
    const asked = isRecord(entry.flavor) ? entry.flavor : {};
    for (const key of ['vcpus', 'ram', 'disk', 'ephemeral', 'swap'] as const)
      if (asked[key] !== undefined && asked[key] !== '' && asked[key] !== null)
        flavor[key] = String(asked[key]);
    plans.push({
      source,
      options: entry,
      name: text(entry.name) || source.name,
      availabilityZone: text(entry.availability_zone) || 'nova',
      restoreBootDisk: entry.restore_boot_disk === true,
      flavor,
    });
  }
  return plans;
}

/** Why the disks of an instance cannot be restored as asked, or null. */
export function diskProblem(plan: InstancePlan, snapshotId: string): string | null {
  const volumes = new Set(plan.source.vdisks.filter((d) => d.volume_id).map((d) => d.volume_id));
  for (const vdisk of list(plan.options.vdisks)) {
    const id = text(vdisk.id);
    if (!volumes.has(id))
      return (
        `'vdisks' of instance ${plan.source.name} (${plan.source.id}) names ${id || '(no id)'}, which is not a volume of ` +
        `the instance in snapshot ${snapshotId}: vdisks lists volume-backed disks by volume_id; an image-backed boot ` +
        'disk is restored with restore_boot_disk'
      );
  }
  const image = plan.source.vdisks.find((d) => d.image_id);
  if (image && !plan.restoreBootDisk)
    return (
      `instance ${plan.source.name} (${plan.source.id}) boots from image ${image.image_name} (${image.image_id}) and ` +
      'restore_boot_disk is not set: its boot disk would not be restored'
    );
  return null;
}

/** The disks a restore brings back: every volume, and the image-backed boot disk with restore_boot_disk. */
export function disksToRestore(plan: InstancePlan): SnapshotDiskRow[] {
  return plan.source.vdisks.filter((d) => d.volume_id || (d.image_id && plan.restoreBootDisk));
}

/** `get_new_volume_type`: the vdisks entry's new type, else the snapshot's; 'none' is no type. */
export function volumeTypeFor(plan: InstancePlan, disk: SnapshotDiskRow): string {
  const entry = list(plan.options.vdisks).find((v) => text(v.id).toLowerCase() === disk.volume_id);
  const type = entry ? text(entry.new_volume_type) : (disk.volume_type ?? '');
  return type.toLowerCase() === 'none' ? '' : type;
}

/** `get_availability_zone` for a volume: the vdisks entry's zone, else the snapshot's, else the instance's. */
export function volumeZoneFor(plan: InstancePlan, disk: SnapshotDiskRow): string {
  const entry = list(plan.options.vdisks).find((v) => text(v.id) === disk.volume_id);
  if (entry && text(entry.availability_zone)) return text(entry.availability_zone);
  return disk.availability_zone || plan.availabilityZone;
}

export interface NicRequest {
  snapshotNic: SnapshotNicRow;
  networkId: string;
  /** null: the request names no subnet (the restore fails finding it). */
  subnetId: string | null;
  /** A fixed IP to keep (from `nics`), else a new one is allocated. */
  ip: string | null;
  source: 'nics' | 'networks_mapping' | 'restore_topology';
}

/** `_get_nic_port_from_restore_options`, without the Neutron calls. */
export function nicRequests(plan: InstancePlan, options: Obj): NicRequest[] {
  const openstack = isRecord(options.openstack) ? options.openstack : {};
  const mapping = list(
    isRecord(openstack.networks_mapping) ? openstack.networks_mapping.networks : undefined,
  );
  const nicOptions = list(plan.options.nics);
  return plan.source.nics.map((nic) => {
    let networkId = nic.network.id;
    let subnetId: string | null = nic.network.subnet?.id ?? null;
    if (isOneClick(options))
      return {
        snapshotNic: nic,
        networkId,
        subnetId,
        ip: nic.ip_address,
        source: 'networks_mapping' as const,
      };
    const asked = nicOptions.find((o) => text(o.mac_address ?? o.mac_adress) === nic.mac_address);
    if (asked) {
      const network = isRecord(asked.network) ? asked.network : {};
      const subnet = isRecord(network.subnet) ? network.subnet : undefined;
      return {
        snapshotNic: nic,
        networkId: text(network.id),
        subnetId: subnet ? text(subnet.id) : null,
        ip: text(asked.ip_address) || null,
        source: 'nics' as const,
      };
    }
    for (const entry of mapping) {
      const from = isRecord(entry.snapshot_network) ? entry.snapshot_network : {};
      const to = isRecord(entry.target_network) ? entry.target_network : {};
      if (text(from.id) !== networkId) continue;
      const toSubnet = isRecord(to.subnet) ? text(to.subnet.id) : '';
      if (subnetId) {
        const fromSubnet = isRecord(from.subnet) ? text(from.subnet.id) : '';
        if (fromSubnet !== subnetId) continue;
      }
      networkId = text(to.id);
      subnetId = toSubnet || null;
      break;
    }
    return { snapshotNic: nic, networkId, subnetId, ip: null, source: 'networks_mapping' as const };
  });
}

/** Whether an IPv4 address lies in a CIDR. */
export function inCidr(ip: string, cidr: string): boolean {
  const toInt = (a: string): number | null => {
    const parts = a.split('.').map(Number);
    if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return null;
    return ((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!;
  };
  const [base, bitsText] = cidr.split('/');
  const addr = toInt(ip);
  const net = toInt(base ?? '');
  const bits = Number(bitsText);
  if (addr === null || net === null || !Number.isInteger(bits)) return false;
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return (addr & mask) >>> 0 === (net & mask) >>> 0;
}
