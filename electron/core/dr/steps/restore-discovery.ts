import {
  pickSnapshot,
  type RestoreFacts,
  type SnapshotSummary,
  type TargetFlavor,
  type TargetNetwork,
} from '../../../../shared/plans/restore-plan.js';
import { readSnapshotInstances } from '../../../../shared/restore/snapshot-instances.js';
import { fail, ok, type Result } from '../../../../shared/result.js';
import type { CloudClients } from '../../clients/index.js';
import type { DrContext } from '../remote-action.js';
import type { TargetProject } from '../target-projects.js';

/** What the target project offers a restore (read once per project). */
export interface ProjectOffer {
  restoreAs: string;
  networks: TargetNetwork[];
  availabilityZones: string[];
  volumeTypes: string[];
  flavors: TargetFlavor[];
}

/** The user the restore runs as, the project's networks, zones and volume types. */
export async function projectOffer(
  ctx: DrContext,
  clients: CloudClients,
  project: TargetProject,
): Promise<Result<ProjectOffer>> {
  const info = await clients.session.tokenInfo(ctx.signal);
  if (!info.ok) return info;
  const networks = await targetNetworks(ctx, clients, project.id);
  if (!networks.ok) return networks;
  // A drill restores onto its project's own isolated networks only: a shared network of the same name
  // (a provider or external network) is never offered, so nothing restored can reach it.
  const drill = ctx.params.kind === 'single' && ctx.params.drill !== undefined;
  return ok({
    restoreAs: info.value.userName,
    networks: drill ? networks.value.filter((n) => !n.shared) : networks.value,
    availabilityZones: await zonesOf(ctx, clients),
    volumeTypes: await volumeTypesOf(ctx, clients),
    flavors: await flavorsOf(ctx, clients),
  });
}

/**
 * Runbook: "List all Snapshots of the workload … Get Snapshot Details". The workload as Trilio B lists
 * it in the target project, the snapshot to restore (`wanted`: id, name or latest) and its VMs.
 */
export async function discoverWorkloadRestore(
  ctx: DrContext,
  clients: CloudClients,
  target: { workloadId: string; project: TargetProject },
  wanted: string,
  offer: ProjectOffer,
): Promise<Result<RestoreFacts>> {
  const { workloadId, project } = target;
  const workload = await clients.trilio.getWorkload(workloadId, { signal: ctx.signal });
  if (!workload.ok)
    return workload.error.httpStatus === 404
      ? fail({
          code: 'precondition',
          message: `Trilio B does not list workload ${workloadId} in project ${project.name}.`,
          hint: 'Run the Reassign step first: it assigns the orphaned workload to the project.',
        })
      : workload;
  const listed = await clients.trilio.listSnapshots(workloadId, { signal: ctx.signal });
  if (!listed.ok) return listed;
  const snapshots: SnapshotSummary[] = listed.value.map((s) => ({
    id: s.id,
    name: s.name,
    status: s.status,
    type: s.snapshot_type ?? '',
    createdAt: s.created_at ?? '',
  }));
  const picked = pickSnapshot(snapshots, wanted, workload.value.name);
  if (!picked.ok) return picked;
  const detail = await clients.trilio.getSnapshot(picked.value.id, { workloadId, signal: ctx.signal });
  if (!detail.ok) return detail;
  const read = readSnapshotInstances(detail.value.instances);
  if (!read.ok)
    return fail({
      code: 'precondition',
      message: `Trilio B's details of snapshot ${picked.value.id} of ${workload.value.name} cannot be used: ${read.error.message}`,
      hint: 'Choose another snapshot; check its snapshot_db on the share (it may be damaged).',
    });
  const instances = read.value;
  if (instances.length === 0)
    return fail({
      code: 'precondition',
      message: `Snapshot ${picked.value.id} of ${workload.value.name} lists no VM to restore.`,
      hint: 'Choose another snapshot; check its snapshot_db on the share.',
    });
  ctx.log(
    `${workload.value.name}: snapshot ${picked.value.name} (${picked.value.id}, ${picked.value.createdAt}), ${instances.length} VM(s); ` +
      `${offer.networks.length} network(s) usable in ${project.name}.`,
  );
  return ok({
    workloadId,
    workloadName: workload.value.name,
    targetProject: { ...project },
    restoreAs: offer.restoreAs,
    snapshots,
    snapshot: picked.value,
    instances,
    networks: offer.networks,
    availabilityZones: offer.availabilityZones,
    volumeTypes: offer.volumeTypes,
    flavors: offer.flavors,
  });
}

/** Networks of the project plus shared ones, each with its subnets. */
async function targetNetworks(
  ctx: DrContext,
  clients: CloudClients,
  projectId: string,
): Promise<Result<TargetNetwork[]>> {
  const opts = { signal: ctx.signal };
  const networks = await clients.neutron.listNetworks(projectId, { ...opts, includeShared: true });
  if (!networks.ok) return networks;
  const subnets = await clients.neutron.listSubnets({ projectId }, opts);
  if (!subnets.ok) return subnets;
  const all = [...subnets.value];
  // Subnets of shared networks belong to their owner's project.
  for (const n of networks.value.filter((x) => x.project_id !== projectId)) {
    const theirs = await clients.neutron.listSubnets({ networkId: n.id }, opts);
    if (!theirs.ok) return theirs;
    all.push(...theirs.value);
  }
  return ok(
    networks.value.map((n) => ({
      id: n.id,
      name: n.name,
      shared: n.shared,
      subnets: all
        .filter((s) => s.network_id === n.id)
        .map((s) => ({ id: s.id, name: s.name, cidr: s.cidr })),
    })),
  );
}

/** Available Nova zones; an error only leaves them unchecked (the restore reports a bad zone itself). */
async function zonesOf(ctx: DrContext, clients: CloudClients): Promise<string[]> {
  const zones = await clients.nova.listAvailabilityZones({ signal: ctx.signal });
  if (zones.ok) return zones.value.filter((z) => z.zoneState.available).map((z) => z.zoneName);
  ctx.log(`Availability zones could not be read (${zones.error.message}); they are not checked.`, {
    stream: 'stderr',
  });
  return [];
}

async function volumeTypesOf(ctx: DrContext, clients: CloudClients): Promise<string[]> {
  const types = await clients.cinder.listVolumeTypes({ signal: ctx.signal });
  if (types.ok) return types.value.map((t) => t.name);
  ctx.log(`Volume types could not be read (${types.error.message}); they are not checked.`, {
    stream: 'stderr',
  });
  return [];
}

/** Nova's flavors for the restore form (swap '' is none); an error leaves the snapshot's sizes as the only choice. */
async function flavorsOf(ctx: DrContext, clients: CloudClients): Promise<TargetFlavor[]> {
  const flavors = await clients.nova.listFlavors({ signal: ctx.signal });
  if (!flavors.ok) {
    ctx.log(`Flavors could not be read (${flavors.error.message}); the snapshot's sizes are used.`, {
      stream: 'stderr',
    });
    return [];
  }
  const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : Number(v) || 0);
  return flavors.value.map((f) => ({
    id: String(f.id),
    name: f.name,
    vcpus: n(f.vcpus),
    ram: n(f.ram),
    disk: n(f.disk),
    ephemeral: n(f['OS-FLV-EXT-DATA:ephemeral']),
    swap: n(f.swap),
  }));
}
