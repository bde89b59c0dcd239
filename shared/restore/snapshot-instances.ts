import { fail, ok, type Result } from '../result.js';
import type { SnapshotDisk, SnapshotFlavor, SnapshotInstance, SnapshotNic } from './restore-json.js';

/**
 * Runbook: "Get Snapshot Details with network details … with disk details". Trilio's snapshot show
 * returns `instances[]` with `flavor`, `nics[]` (`--output networks`: network and subnet with their
 * CIDRs, fixed IP, MAC) and `vdisks[]` (`--output disks`: volume-backed or image-backed); field
 * names differ between releases and a damaged snapshot_db can hold anything. The answer is read as
 * data, not trusted as a type: a VM without an id is refused with a message, a NIC or disk without one
 * is skipped (it cannot be mapped), and a field of the wrong type counts as absent.
 */

type Obj = Record<string, unknown>;

const GiB = 1024 ** 3;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const obj = (v: unknown): Obj => (isObj(v) ? v : {});
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

function count(v: unknown): number | undefined {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  // Finite and not negative: a size or count of another kind (or overflowing in bytes) is no answer.
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : undefined;
}

function nicOf(raw: unknown): SnapshotNic[] {
  const nic = obj(raw);
  const network = obj(nic['network']);
  const networkId = text(network['id']);
  if (!networkId) return [];
  const subnet = obj(network['subnet']);
  const ip = text(nic['ip_address']);
  const mac = text(nic['mac_address']);
  const subnetName = text(subnet['name']);
  const subnetCidr = text(subnet['cidr']);
  return [
    {
      networkId,
      networkName: text(network['name']) ?? networkId,
      subnetId: text(subnet['id']) ?? '',
      ...(subnetName ? { subnetName } : {}),
      ...(subnetCidr ? { subnetCidr } : {}),
      ...(ip ? { ip } : {}),
      ...(mac ? { mac } : {}),
    },
  ];
}

/**
 * A volume-backed disk has a `volume_id` (restore.json's `vdisks[].id`); anything else — an image-backed
 * boot disk with `image_id`/`image_name` — is restored with the instance and keyed by its resource id.
 */
function diskOf(raw: unknown): SnapshotDisk[] {
  const d = obj(raw);
  const volumeId = text(d['volume_id']);
  const id = volumeId ?? text(d['resource_id']) ?? text(d['id']) ?? text(d['image_id']);
  if (!id) return [];
  const gib = count(d['volume_size']);
  const size = count(d['restore_size']) ?? count(gib ? gib * GiB : undefined);
  const volumeType = text(d['volume_type']);
  const zone = text(d['availability_zone']);
  const imageName = text(d['image_name']) ?? text(d['image_id']);
  return [
    {
      id,
      name: text(d['volume_name']) ?? text(d['label']) ?? id,
      backing: volumeId ? 'volume' : 'image',
      ...(volumeType ? { volumeType } : {}),
      ...(zone ? { availabilityZone: zone } : {}),
      ...(size !== undefined ? { sizeBytes: size } : {}),
      ...(imageName ? { imageName } : {}),
    },
  ];
}

function flavorOf(raw: unknown): SnapshotFlavor | undefined {
  if (!isObj(raw)) return undefined;
  const f: SnapshotFlavor = {};
  const id = text(raw['id']);
  const name = text(raw['name']);
  if (id) f.id = id;
  if (name) f.name = name;
  for (const key of ['vcpus', 'ram', 'disk', 'ephemeral', 'swap'] as const) {
    const n = count(raw[key]);
    if (n !== undefined) f[key] = n;
  }
  return f;
}

/** The snapshot's VMs with their NICs and disks, in the form the restore form and restore.json use. */
export function readSnapshotInstances(raw: unknown): Result<SnapshotInstance[]> {
  if (raw === undefined || raw === null) return ok([]);
  if (!Array.isArray(raw))
    return fail({
      code: 'precondition',
      message: `the snapshot's instances are not a list (got ${typeof raw}).`,
    });
  const instances: SnapshotInstance[] = [];
  for (const [index, entry] of raw.entries()) {
    const i = obj(entry);
    const id = text(i['id']);
    if (!id)
      return fail({
        code: 'precondition',
        message: `VM ${index + 1} of the snapshot has no id (got ${JSON.stringify(entry)?.slice(0, 120)}).`,
      });
    const converted: SnapshotInstance = {
      id,
      name: text(i['name']) ?? id,
      nics: list(i['nics']).flatMap(nicOf),
      disks: list(i['vdisks']).flatMap(diskOf),
    };
    const zone = text(i['availability_zone']);
    if (zone) converted.availabilityZone = zone;
    const flavor = flavorOf(i['flavor']);
    if (flavor) converted.flavor = flavor;
    instances.push(converted);
  }
  return ok(instances);
}
