import { labMac, labUuid } from '../lab-ids.js';
import { availabilityZones, targetVolumeTypes } from '../workload-specs.js';
import { nowText, type RestoreRow, type RestoredInstance, type SnapshotRow } from './appliance-db.js';
import type { EmulatorApp } from './emulator-app.js';
import { allFlavors } from './nova-cinder-routes.js';
import { restoredResources } from './restored-resources.js';
import {
  diskProblem,
  disksToRestore,
  inCidr,
  instancesToRestore,
  nicRequests,
  volumeTypeFor,
  volumeZoneFor,
  type InstancePlan,
  type NicRequest,
} from './restore-plan.js';

/**
 * Runs restores in the background like the appliance and its datamovers would: `executing`, then the
 * network step (every NIC's target network and subnet looked up in the real Neutron for the
 * restore's project, fixed IPs checked against the subnet), then per instance its flavor and its
 * disks, each disk's qcow2 chain read on the compute host the instance lands on (round robin from
 * compute-1) at `<datamover mount root>/<folder of the workload's backup_media_target>/<vault_url>`.
 * A chain that does not open there (a moved workload's absolute backing paths before the bind
 * mounts) ends the restore in `error` with qemu-img's words. The restored instances are recorded
 * with their flavor, NICs and volumes, and an `available` restore leaves its servers and volumes in
 * Nova and Cinder (`restored-resources.ts`). A failure injected for the workload
 * (`restore-failures.ts`) ends the restore in `error` after its network step.
 */

class RestoreFailure extends Error {}

const networkNotFound = 'Could not find the network that matches the restore options';
const subnetNotFound = 'Could not find the subnet that matches the restore options';

export class RestoreRunner {
  private readonly running = new Set<string>();
  /** Per restore, its step pace under the load model (its drawn time spread over its steps). */
  private readonly paceMs = new Map<string, number>();

  constructor(private readonly app: EmulatorApp) {}

  start(row: RestoreRow, snapshot: SnapshotRow, options: Record<string, unknown>): void {
    this.running.add(row.id);
    const drawn = this.app.load.restoreStarted(row.id, row.workload_id, this.app.runningRestores());
    if (drawn !== undefined) {
      // start, network and finalize, one step per instance and per disk (see run()).
      const steps =
        3 + snapshot.instances.length + snapshot.instances.reduce((n, i) => n + i.vdisks.length, 0);
      this.paceMs.set(row.id, drawn / steps);
    }
    const injected = this.app.restoreFailures.take(row.workload_id);
    void this.run(row, snapshot, options, injected)
      .catch(async (error: unknown) => {
        const reason = error instanceof Error ? error.message : String(error);
        if (!(error instanceof RestoreFailure)) console.error(`restore ${row.id}: ${String(error)}`);
        await this.finish(row, 'error', `Failed restoring snapshot: ${reason}`);
      })
      .finally(() => {
        this.running.delete(row.id);
        this.paceMs.delete(row.id);
      });
  }

  /** Forgets running restores (reset): their loops stop at the next step. */
  stopAll(): void {
    this.running.clear();
    this.paceMs.clear();
  }

  /** Waits one step; false when the restore was cancelled or forgotten meanwhile. */
  private async step(row: RestoreRow, percent: number, message: string): Promise<boolean> {
    await new Promise((resolve) =>
      setTimeout(resolve, this.paceMs.get(row.id) ?? this.app.config.restoreStepMs),
    );
    if (!this.running.has(row.id)) return false;
    if (row.status === 'cancelling') {
      await this.finish(row, 'cancelled', null, 'Restore cancelled');
      return false;
    }
    row.status = 'executing';
    row.progress_percent = Math.max(row.progress_percent, Math.min(99, Math.round(percent)));
    row.progress_msg = message;
    row.updated_at = nowText();
    await this.app.db.save();
    return true;
  }

  private async run(
    row: RestoreRow,
    snapshot: SnapshotRow,
    options: Record<string, unknown>,
    injectedFailure: string | undefined,
  ): Promise<void> {
    const started = Date.now();
    if (!(await this.step(row, 0, 'Restore from snapshot is starting'))) return;
    const plans = instancesToRestore(snapshot, options);
    const computes = this.app.hosts.computes();
    if (plans.length > 0 && computes.length === 0)
      throw new RestoreFailure('No valid host was found. There are no compute hosts.');
    const workload = this.app.db.state.workloads[snapshot.workload_id]!;
    const target = workload.metadata.backup_media_target || workload.share_export;
    const config = await this.app.hosts.applianceConfig();
    if (!config.exports.includes(target))
      throw new RestoreFailure(
        `'NoneType' object has no attribute 'mount_path' (backup target ${target} is not configured)`,
      );

    if (!(await this.step(row, 2, 'Restoring network resources'))) return;
    const nics = new Map<InstancePlan, RestoredInstance['nics']>();
    for (const plan of plans) nics.set(plan, await this.restoreNics(row, plan, options));
    if (injectedFailure !== undefined) throw new RestoreFailure(injectedFailure);

    const totalDisks = plans.reduce((sum, p) => sum + disksToRestore(p).length, 0) || 1;
    let done = 0;
    for (const [index, plan] of plans.entries()) {
      const host = computes[index % computes.length]!.name;
      if (!(availabilityZones as readonly string[]).includes(plan.availabilityZone))
        throw new RestoreFailure(
          `No valid host was found. There are not enough hosts available (availability zone ${plan.availabilityZone}).`,
        );
      if (
        !(await this.step(
          row,
          5 + (90 * done) / totalDisks,
          `Restoring VM Flavor for Instance ${plan.source.id}`,
        ))
      )
        return;
      const flavor = restoredFlavor(row, plan);
      const problem = diskProblem(plan, snapshot.id);
      if (problem) throw new RestoreFailure(problem);
      const volumes: RestoredInstance['volumes'] = [];
      let boot: RestoredInstance['boot'] = null;
      for (const disk of disksToRestore(plan)) {
        if (disk.volume_id) {
          const type = volumeTypeFor(plan, disk);
          if (type && !(targetVolumeTypes as readonly string[]).includes(type))
            throw new RestoreFailure(`Volume type with name ${type} could not be found.`);
          const zone = volumeZoneFor(plan, disk);
          if (!(availabilityZones as readonly string[]).includes(zone))
            throw new RestoreFailure(`Availability zone '${zone}' is invalid.`);
          volumes.push({
            id: labUuid('restored-volume', row.id, disk.resource_id),
            source_volume_id: disk.volume_id,
            label: disk.label,
            volume_type: type || '__DEFAULT__',
            availability_zone: zone,
            size: Number(disk.volume_size) || 1,
          });
        }
        if (
          !(await this.step(
            row,
            5 + (90 * done) / totalDisks,
            `Restoring ${disk.label} of ${plan.source.name} on ${host}`,
          ))
        )
          return;
        const file = `${this.app.hosts.computeMountPath(target)}${disk.vault_url}`;
        const read = await this.app.hosts.readChain(host, file);
        if (!read.ok)
          throw new RestoreFailure(
            `Failed restoring instance ${plan.name} (${plan.source.id}) on ${host}: reading disk ${disk.label} from ${file} failed: ${read.error}`,
          );
        if (disk.image_id)
          boot = { from: 'image', image_id: disk.image_id, image_name: disk.image_name ?? '' };
        else if (!boot && (disk.label === 'vda' || disk.volume_mountpoint === '/dev/vda'))
          boot = { from: 'volume', volume_id: volumes.at(-1)!.id };
        done += 1;
      }
      row.instances.push({
        id: labUuid('restored-instance', row.id, plan.source.id),
        name: plan.name,
        status: 'available',
        source_instance_id: plan.source.id,
        host,
        availability_zone: plan.availabilityZone,
        flavor,
        nics: nics.get(plan) ?? [],
        volumes,
        boot,
      });
    }
    if (!(await this.step(row, 98, 'Finalizing restore'))) return;
    row.time_taken = Math.round((Date.now() - started) / 1000);
    row.uploaded_size = row.size;
    const made = await restoredResources(row, snapshot, async (id) => {
      const network = await this.app.neutron.network(id);
      return network?.name || id;
    });
    await this.finish(row, 'available', null, 'Restore from snapshot is complete', made);
  }

  /** `restore_vm_networks` for one instance: each NIC's port on the target network and subnet. */
  private async restoreNics(
    row: RestoreRow,
    plan: InstancePlan,
    options: Record<string, unknown>,
  ): Promise<RestoredInstance['nics']> {
    const ports: RestoredInstance['nics'] = [];
    for (const [n, request] of nicRequests(plan, options).entries()) {
      const subnet =
        request.source === 'restore_topology'
          ? this.recreateTopology(row, request)
          : await this.checkTarget(row, plan, request);
      const allocated = (this.app.db.state.ipAllocations[subnet.id] ??= []);
      const ip = request.ip ?? nextFreeIp(subnet.cidr, allocated);
      allocated.push(ip);
      ports.push({
        port_id: labUuid('restored-port', row.id, plan.source.id, String(n)),
        // nics keeps the address and MAC; a mapped NIC gets new ones.
        mac_address:
          request.source === 'nics'
            ? request.snapshotNic.mac_address
            : labMac('restored', row.id, plan.source.id, String(n)),
        ip_address: ip,
        network_id: subnet.networkId ?? request.networkId,
        subnet_id: subnet.id,
        source: request.source,
        snapshot_mac_address: request.snapshotNic.mac_address,
      });
    }
    return ports;
  }

  /** `restore_topology`: the snapshot's network and subnet made again in the project (new ids). */
  private recreateTopology(
    row: RestoreRow,
    request: NicRequest,
  ): { id: string; cidr: string; networkId: string } {
    const source = request.snapshotNic.network;
    const networkId = labUuid('restored-network', row.id, source.id);
    const subnetId = labUuid('restored-subnet', row.id, source.subnet?.id ?? source.id);
    row.networks ??= [];
    row.subnets ??= [];
    if (!row.networks.some((n) => n.id === networkId))
      row.networks.push({ id: networkId, name: source.name });
    if (!row.subnets.some((n) => n.id === subnetId))
      row.subnets.push({ id: subnetId, name: source.subnet?.name ?? source.name });
    return { id: subnetId, cidr: source.subnet?.cidr ?? source.cidr ?? '0.0.0.0/0', networkId };
  }

  /** The target network must exist for the project (or be shared), the subnet must be on it and hold the IP. */
  private async checkTarget(
    row: RestoreRow,
    plan: InstancePlan,
    request: NicRequest,
  ): Promise<{ id: string; cidr: string; networkId?: string }> {
    const why = (message: string, detail: string) => {
      console.error(
        `restore ${row.id}: instance ${plan.source.name} NIC ${request.snapshotNic.mac_address}: ${detail}`,
      );
      return new RestoreFailure(message);
    };
    const network = request.networkId ? await this.app.neutron.network(request.networkId) : null;
    if (!network || (network.project_id !== row.project_id && !network.shared))
      throw why(
        networkNotFound,
        `network ${request.networkId || '(none)'} is not a network of project ${row.project_id}`,
      );
    const subnet = request.subnetId ? await this.app.neutron.subnet(request.subnetId) : null;
    if (!subnet) throw why(subnetNotFound, `subnet ${request.subnetId ?? '(none)'} does not exist`);
    // Neutron refuses the port (Trilio then reports the network as not found).
    if (subnet.network_id !== network.id)
      throw why(networkNotFound, `subnet ${subnet.id} is not on network ${network.id}`);
    if (request.ip && !inCidr(request.ip, subnet.cidr))
      throw why(networkNotFound, `IP address ${request.ip} is not a valid IP for subnet ${subnet.cidr}`);
    return { id: subnet.id, cidr: subnet.cidr };
  }

  private async finish(
    row: RestoreRow,
    status: RestoreRow['status'],
    errorMsg: string | null,
    message?: string,
    made?: Awaited<ReturnType<typeof restoredResources>>,
  ): Promise<void> {
    if (this.app.db.state.restores[row.id] !== row) return; // reset or purged meanwhile
    // Nova and Cinder first: a client that sees `available` finds the servers and volumes listed.
    if (made) await this.app.novaCinder.add(made.servers, made.volumes);
    row.status = status;
    row.error_msg = errorMsg;
    // Trilio's manager sets 100 % and an empty message on error too.
    row.progress_msg = message ?? (errorMsg ? '' : row.progress_msg);
    if (status !== 'cancelled') row.progress_percent = 100;
    row.updated_at = nowText();
    row.finished_at = row.updated_at;
    this.app.load.restoreFinished(row.id, status);
    // Workload and snapshot are released in the same change as the restore's final state.
    const workload = this.app.db.state.workloads[row.workload_id];
    if (workload?.status === 'locked') workload.status = 'available';
    const snapshot = this.app.db.state.snapshots[row.snapshot_id];
    if (snapshot?.status === 'restoring') snapshot.status = 'available';
    await this.app.db.save();
  }
}

/** `restore_vm_flavor`: a Nova flavor with the same vcpus, ram, disk, ephemeral and swap, else a new one. */
function restoredFlavor(row: RestoreRow, plan: InstancePlan): RestoredInstance['flavor'] {
  const values: Record<string, number> = {};
  for (const [key, raw] of Object.entries(plan.flavor)) {
    const value = raw === '' ? 0 : Number(raw);
    if (!Number.isInteger(value) || value < 0)
      throw new RestoreFailure(`Invalid input for field/attribute ${key}.`);
    values[key] = value;
  }
  const wanted = values as { vcpus: number; ram: number; disk: number; ephemeral: number; swap: number };
  const match = allFlavors.find(
    (f) =>
      f.vcpus === wanted.vcpus &&
      f.ram === wanted.ram &&
      f.disk === wanted.disk &&
      wanted.ephemeral === 0 &&
      wanted.swap === 0,
  );
  if (match) return { id: match.id, name: match.name, ...wanted, created: false };
  const id = labUuid('restored-flavor', row.id, plan.source.id);
  return { id, name: id, ...wanted, created: true };
}

/** The first address from .100 of a /24-or-larger subnet not handed out yet. */
function nextFreeIp(cidr: string, taken: string[]): string {
  const [base] = cidr.split('/');
  const parts = (base ?? '0.0.0.0').split('.').map(Number);
  for (let host = 100; host < 250; host++) {
    const ip = `${parts[0]}.${parts[1]}.${parts[2]}.${host}`;
    if (!taken.includes(ip)) return ip;
  }
  throw new RestoreFailure(`No more IP addresses available on subnet ${cidr}.`);
}
