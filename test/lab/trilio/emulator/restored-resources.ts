import { labUuid } from '../lab-ids.js';
import type { RestoreRow, SnapshotRow } from './appliance-db.js';
import { cinderTime, novaTime, type ServerRow, type VolumeRow } from './nova-cinder-db.js';

/**
 * What an `available` restore leaves in Nova and Cinder, from the restore's record of its instances:
 * one ACTIVE server per restored instance (same id and name as the restore detail's `instances[]`,
 * in the restore's project, on the compute host that read its disks) and one `in-use` volume per
 * restored volume-backed disk, attached to it.
 *
 * Server metadata: workloadmgr's `set_vm_metadata` (vmtasks_openstack.py) copies the snapshot VM's
 * `vm_metadata` (the original server's metadata) except `workload_id`, `workload_name`, `key_name`
 * and `key_data`. Volume names: `RestoreNFSVolume` creates each volume with the snapshot's
 * `volume_name`; the boot volume is marked bootable (`set_bootable`).
 */

const skippedMetadata = new Set(['workload_id', 'workload_name', 'key_name', 'key_data']);

/** The restored server's metadata from the snapshot VM's `vm_metadata` JSON. */
export function restoredServerMetadata(vmMetadata: string | undefined): Record<string, string> {
  if (!vmMetadata) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(vmMetadata);
  } catch {
    return {};
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return {};
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed as Record<string, unknown>))
    if (!skippedMetadata.has(key)) out[key] = typeof value === 'string' ? value : JSON.stringify(value);
  return out;
}

/**
 * Servers and volumes of a finished restore. `networkName` names a network id for `addresses` (the
 * restore's recreated networks first, else the real Neutron).
 */
export async function restoredResources(
  restore: RestoreRow,
  snapshot: SnapshotRow,
  networkName: (id: string) => Promise<string>,
): Promise<{ servers: ServerRow[]; volumes: VolumeRow[] }> {
  const servers: ServerRow[] = [];
  const volumes: VolumeRow[] = [];
  const novaNow = novaTime();
  const cinderNow = cinderTime();
  for (const instance of restore.instances) {
    const source = snapshot.instances.find((i) => i.id === instance.source_instance_id);
    const addresses: ServerRow['addresses'] = {};
    for (const nic of instance.nics) {
      const recreated = restore.networks?.find((n) => n.id === nic.network_id);
      const name = recreated?.name ?? (await networkName(nic.network_id));
      (addresses[name] ??= []).push({
        addr: nic.ip_address,
        mac: nic.mac_address,
        version: nic.ip_address.includes(':') ? 6 : 4,
      });
    }
    for (const volume of instance.volumes) {
      const disk = source?.vdisks.find((d) => d.label === volume.label);
      const boot = instance.boot?.from === 'volume' && instance.boot.volume_id === volume.id;
      volumes.push({
        id: volume.id,
        name: disk?.volume_name ?? '',
        description: null,
        project_id: restore.project_id,
        user_id: restore.user_id,
        status: 'in-use',
        size: volume.size,
        volume_type: volume.volume_type,
        availability_zone: volume.availability_zone,
        bootable: boot,
        attachments: [
          {
            id: volume.id,
            attachment_id: labUuid('restored-attachment', restore.id, volume.id),
            volume_id: volume.id,
            server_id: instance.id,
            host_name: instance.host,
            device: `/dev/${volume.label}`,
            attached_at: cinderNow,
          },
        ],
        metadata: {},
        created_at: cinderNow,
        updated_at: cinderNow,
        restore_id: restore.id,
      });
    }
    servers.push({
      id: instance.id,
      name: instance.name,
      project_id: restore.project_id,
      user_id: restore.user_id,
      status: 'ACTIVE',
      task_state: null,
      host: instance.host,
      availability_zone: instance.availability_zone,
      flavor_id: instance.flavor.id,
      image_id: instance.boot?.from === 'image' ? instance.boot.image_id : null,
      addresses,
      metadata: restoredServerMetadata(source?.metadata.vm_metadata),
      volume_ids: instance.volumes.map((v) => v.id),
      created: novaNow,
      updated: novaNow,
      restore_id: restore.id,
    });
  }
  return { servers, volumes };
}
