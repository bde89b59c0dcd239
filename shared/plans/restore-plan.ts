import { fail, ok, type FieldError, type Result } from '../result.js';
import {
  buildRestoreJson,
  checkRestoreChoices,
  defaultRestoreChoices,
  describeNic,
  keepsFixedIp,
  networkPairs,
  targetOfNic,
  type RestoreChoices,
  type RestoreJson,
  type RestoreProblem,
  type SnapshotDisk,
  type SnapshotInstance,
} from '../restore/restore-json.js';
import { ownValue } from '../restore/network-pairs.js';
import type { ApiAction, StepPlan } from '../run/plan-types.js';

/**
 * Runbook: "List all Snapshots of the workload … Get Snapshot Details with network details … with disk
 * details … The selective restore is using a restore.json file … To verify the success of the restore
 * from a Trilio perspective the restore status is checked." The planner picks the snapshot, completes
 * the user's restore form (or the defaults) against what the target project offers, and shows the
 * exact restore request before anything starts.
 */

/** A snapshot as Trilio lists it (only what the choice needs). */
export interface SnapshotSummary {
  id: string;
  name: string;
  status: string;
  type: string;
  createdAt: string;
}

/** A network of the target project (own or shared) with its subnets, for the network mapping. */
export interface TargetNetwork {
  id: string;
  name: string;
  shared: boolean;
  subnets: { id: string; name: string; cidr: string }[];
}

export interface RestoreFacts {
  workloadId: string;
  workloadName: string;
  /** `domainId` is what the project-scoped login names (ids are unambiguous). */
  targetProject: { id: string; name: string; domain: string; domainId: string };
  /** The user the restore runs as (the admin user, scoped to the target project). */
  restoreAs: string;
  snapshots: SnapshotSummary[];
  snapshot: SnapshotSummary;
  instances: SnapshotInstance[];
  networks: TargetNetwork[];
  /** Nova zones that are available; empty when Nova could not say (then not checked). */
  availabilityZones: string[];
  /** Cinder volume type names; empty when Cinder could not say (then not checked). */
  volumeTypes: string[];
}

/**
 * The snapshot to restore: the one asked for (`latest` = the newest `available` one by creation time).
 * An explicit snapshot must exist and be available.
 */
export function pickSnapshot(
  snapshots: readonly SnapshotSummary[],
  wanted: string,
  workload: string,
): Result<SnapshotSummary> {
  const want = wanted.trim() || 'latest';
  if (want === 'latest') {
    const newest = snapshots
      .filter((s) => s.status === 'available')
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
    return newest
      ? ok(newest)
      : fail({
          code: 'precondition',
          message: `Workload ${workload} has no available snapshot (${snapshots.length} snapshot(s), none available).`,
          hint: 'Check the snapshots on the share (snapshot_db status) and that the reassign step succeeded.',
        });
  }
  const found = snapshots.find((s) => s.id === want || s.name === want);
  if (!found)
    return fail({
      code: 'not-found',
      message: `Workload ${workload} has no snapshot ${want}.`,
      hint: `Snapshots: ${snapshots.map((s) => `${s.id} (${s.createdAt}, ${s.status})`).join(', ') || 'none'}. Choose one of them or "latest".`,
      fields: [{ path: 'snapshot', message: 'not a snapshot of the workload' }],
    });
  if (found.status !== 'available')
    return fail({
      code: 'precondition',
      message: `Snapshot ${found.id} of workload ${workload} is ${found.status}; only an available snapshot can be restored.`,
      hint: 'Choose another snapshot or "latest".',
      fields: [{ path: 'snapshot', message: `snapshot is ${found.status}` }],
    });
  return ok(found);
}

/** The volume type a disk is restored with: the form's choice, else the snapshot's ('' = Cinder's default). */
function effectiveVolumeType(choice: RestoreChoices['instances'][number], disk: SnapshotDisk): string {
  return ownValue(choice.volumeTypes, disk.id) ?? disk.volumeType ?? '';
}

/** Disks whose source volume type (cloud A's) does not exist in the target cloud. */
export function foreignVolumeTypes(facts: RestoreFacts): { instance: string; disk: SnapshotDisk }[] {
  if (facts.volumeTypes.length === 0) return [];
  const types = new Set(facts.volumeTypes);
  return facts.instances.flatMap((i) =>
    i.disks
      .filter((d) => d.backing === 'volume' && d.volumeType && !types.has(d.volumeType))
      .map((disk) => ({ instance: i.name, disk })),
  );
}

/**
 * The form's choices: the user's, or defaults (every VM, networks mapped by name, and Cinder's default
 * type for disks whose cloud A volume type does not exist in cloud B, which Trilio would refuse).
 */
export function restoreChoicesFor(facts: RestoreFacts, chosen: RestoreChoices | null): RestoreChoices {
  if (chosen) return chosen;
  const defaults = defaultRestoreChoices(facts.snapshot.name, facts.instances, facts.networks);
  const foreign = new Set(foreignVolumeTypes(facts).map((f) => f.disk.id));
  const byId = new Map(facts.instances.map((i) => [i.id, i]));
  return {
    ...defaults,
    instances: defaults.instances.map((c) => {
      const volumeTypes = { ...c.volumeTypes };
      for (const d of byId.get(c.id)?.disks ?? []) if (foreign.has(d.id)) volumeTypes[d.id] = '';
      return { ...c, volumeTypes };
    }),
  };
}

/** What `checkRestoreChoices` checks, plus what only the target cloud knows: zones, types, networks. */
export function restoreProblems(facts: RestoreFacts, choices: RestoreChoices): RestoreProblem[] {
  const problems = checkRestoreChoices(facts.instances, choices);
  const zones = new Set(facts.availabilityZones);
  const types = new Set(facts.volumeTypes);
  const byInstance = new Map(facts.instances.map((i) => [i.id, i]));
  choices.instances.forEach((c, index) => {
    if (!c.include) return;
    if (zones.size > 0 && c.availabilityZone.trim() !== '' && !zones.has(c.availabilityZone))
      problems.push({
        path: `instances.${index}.availabilityZone`,
        message: `Availability zone ${c.availabilityZone} does not exist in the target cloud (zones: ${[...zones].join(', ')}).`,
      });
    for (const disk of byInstance.get(c.id)?.disks ?? []) {
      if (disk.backing !== 'volume') continue;
      const type = effectiveVolumeType(c, disk);
      if (type !== '' && types.size > 0 && !types.has(type))
        problems.push({
          path: `instances.${index}.volumeTypes.${disk.id}`,
          message: `Disk ${disk.name}: volume type ${type} does not exist in the target cloud (types: ${[...types].join(', ')}); choose one or the default.`,
        });
    }
  });
  if (!choices.restoreTopology) {
    const byId = new Map(facts.networks.map((n) => [n.id, n]));
    for (const [key, target] of Object.entries(choices.networkMapping)) {
      if (target.networkId === '') continue; // reported by checkRestoreChoices when it is needed
      const network = byId.get(target.networkId);
      if (!network)
        problems.push({
          path: `networkMapping.${key}`,
          message: `Target network ${target.networkName || target.networkId} is not a network of project ${facts.targetProject.name} (nor shared).`,
        });
      else if (target.subnetId !== '' && !network.subnets.some((s) => s.id === target.subnetId))
        problems.push({
          path: `networkMapping.${key}`,
          message: `Subnet ${target.subnetId} is not a subnet of target network ${network.name}.`,
        });
    }
  }
  return problems;
}

/** Id of the planned restore call; a started restore is recorded as `restore:<snapshot>:<restore>`. */
export function restoreActionId(snapshotId: string): string {
  return `restore:${snapshotId}`;
}

export function restoreChangeId(snapshotId: string, restoreId: string): string {
  return `${restoreActionId(snapshotId)}:${restoreId}`;
}

/** The snapshot and restore ids of a recorded restore change; undefined for another action id. */
export function parseRestoreChangeId(
  actionId: string,
): { snapshotId: string; restoreId: string } | undefined {
  const match = /^restore:([^:]+):([^:]+)$/.exec(actionId);
  return match ? { snapshotId: match[1]!, restoreId: match[2]! } : undefined;
}

/** The body of `POST /snapshots/{id}`: Trilio's `{"restore": {name, description, options}}`. */
export interface RestoreRequestBody {
  restore: { name: string; description: string; options: RestoreJson };
}

export function planRestore(facts: RestoreFacts, chosen: RestoreChoices | null): Result<StepPlan> {
  const choices = restoreChoicesFor(facts, chosen);
  const problems = restoreProblems(facts, choices);
  if (problems.length > 0) {
    const fields: FieldError[] = problems.map((p) => ({ path: `restore.${p.path}`, message: p.message }));
    return fail({
      code: 'validation',
      message: `The restore form is not complete: ${problems.map((p) => p.message).join(' ')}`,
      hint: 'Adjust the restore form (VMs, zones, volume types, network mapping), then plan again.',
      fields,
    });
  }
  const restoreJson = buildRestoreJson(facts.instances, choices, facts.networks);
  const snapshot = facts.snapshot;
  const body: RestoreRequestBody = {
    restore: { name: choices.name, description: choices.description, options: restoreJson },
  };
  const byId = new Map(facts.instances.map((i) => [i.id, i]));
  const included = choices.instances.filter((c) => c.include);
  const excluded = choices.instances.filter((c) => !c.include);
  const vms = included
    .map((c) => {
      const source = byId.get(c.id);
      const renamed = source && source.name !== c.newName ? `${source.name} → ${c.newName}` : c.newName;
      return `${renamed} (${disksOf(source)}, zone ${c.availabilityZone})`;
    })
    .join(', ');
  const networks = choices.restoreTopology
    ? 'the snapshot’s network topology is recreated'
    : describeMappings(facts, choices, included) || 'no network to map';
  const action: ApiAction = {
    kind: 'api',
    id: restoreActionId(snapshot.id),
    service: 'workloads',
    method: 'POST',
    path: `/snapshots/${encodeURIComponent(snapshot.id)}`,
    body,
    description: `Start the selective restore "${choices.name}" of snapshot ${snapshot.id} (${snapshot.type}, ${snapshot.createdAt}) into project ${facts.targetProject.name}`,
    // A restore creates VMs; removing them is the project owner's decision, not clean-up's.
    change: { kind: 'restore', undo: [] },
  };
  const warnings = [
    `The restore runs as ${facts.restoreAs} in project ${facts.targetProject.name}; the VMs are created there.`,
    'Running this step again follows a restore it started that is still running or available, instead of starting another.',
  ];
  if (!chosen)
    for (const { instance, disk } of foreignVolumeTypes(facts))
      warnings.push(
        `${instance} disk ${disk.name}: volume type ${disk.volumeType} does not exist in the target cloud; the default type is used.`,
      );
  if (excluded.length > 0)
    warnings.push(
      `Not restored: ${excluded.map((c) => byId.get(c.id)?.name ?? c.id).join(', ')} (excluded in the form).`,
    );
  if (choices.restoreTopology)
    warnings.push('restore_topology is on: Trilio recreates the snapshot’s networks in the target project.');
  else warnings.push(...addressWarnings(facts, choices, included));
  for (const c of included)
    for (const d of byId.get(c.id)?.disks ?? [])
      if (d.backing === 'image')
        warnings.push(
          `${byId.get(c.id)!.name} boots from image ${d.imageName ?? d.name}: its boot disk is restored with the instance (restore_boot_disk), not as a volume.`,
        );
  return ok({
    step: 'restore',
    title: 'Restore',
    summary:
      `Selective restore of workload ${facts.workloadName} from snapshot ${snapshot.name} (${snapshot.id}, ${snapshot.createdAt}) ` +
      `into project ${facts.targetProject.name}: ${vms}; networks: ${networks}. Its status is followed until it is available.`,
    actions: [action],
    verify: [
      {
        kind: 'api',
        id: `check-restore:${snapshot.id}`,
        service: 'workloads',
        method: 'GET',
        path: '/restores/{restore id}',
        description: 'Check that the restore is available and restored every included VM',
        readOnly: true,
      },
    ],
    warnings,
  });
}

/** `1 volume, image boot disk` — what a VM's disks are restored as. */
function disksOf(vm: SnapshotInstance | undefined): string {
  const volumes = vm?.disks.filter((d) => d.backing === 'volume').length ?? 0;
  const image = vm?.disks.some((d) => d.backing === 'image') ? ', image boot disk' : '';
  return `${volumes} volume(s)${image}`;
}

/** `finance-net/finance-subnet → finance-dr-net/finance-dr-subnet, …` for the included VMs' NICs. */
function describeMappings(
  facts: RestoreFacts,
  choices: RestoreChoices,
  included: RestoreChoices['instances'],
): string {
  const ids = new Set(included.map((c) => c.id));
  const subnetName = (networkId: string, subnetId: string) =>
    facts.networks.find((n) => n.id === networkId)?.subnets.find((s) => s.id === subnetId)?.name ?? subnetId;
  return networkPairs(facts.instances.filter((i) => ids.has(i.id)))
    .map((p) => {
      const t = targetOfNic(choices.networkMapping, p.nic);
      const from = p.subnetId ? `${p.networkName}/${p.subnetName ?? p.subnetId}` : p.networkName;
      return t ? `${from} → ${t.networkName}/${subnetName(t.networkId, t.subnetId)}` : `${from} → (unmapped)`;
    })
    .join(', ');
}

/** NICs that cannot keep their fixed IP (outside the target subnet) or cannot be matched (no MAC). */
function addressWarnings(
  facts: RestoreFacts,
  choices: RestoreChoices,
  included: RestoreChoices['instances'],
): string[] {
  const warnings: string[] = [];
  const ids = new Set(included.map((c) => c.id));
  for (const vm of facts.instances.filter((i) => ids.has(i.id)))
    for (const nic of vm.nics) {
      const target = targetOfNic(choices.networkMapping, nic);
      if (!target || !nic.ip) continue;
      if (!nic.mac)
        warnings.push(`${describeNic(vm, nic)} has no MAC address in the snapshot: it gets a new address.`);
      else if (!keepsFixedIp(nic, target, facts.networks)) {
        const cidr = facts.networks
          .find((n) => n.id === target.networkId)
          ?.subnets.find((s) => s.id === target.subnetId)?.cidr;
        warnings.push(
          `${describeNic(vm, nic)}: the fixed IP ${nic.ip} is outside target subnet ${cidr ?? target.subnetId} of ${target.networkName}, so it cannot be kept; the NIC gets a new address there (map it to a subnet with the same CIDR to keep it).`,
        );
      }
    }
  return warnings;
}
