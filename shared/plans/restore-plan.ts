import { fail, ok, type FieldError, type Result } from '../result.js';
import {
  buildRestoreJson,
  checkRestoreChoices,
  defaultRestoreChoices,
  describeNic,
  effectiveNicTarget,
  nicChoiceOf,
  nicKeepsIp,
  nicPath,
  networkPairs,
  targetOfNic,
  usesPairMapping,
  type FlavorChoice,
  type RestoreChoices,
  type RestoreJson,
  type RestoreProblem,
  type SnapshotDisk,
  type SnapshotInstance,
} from '../restore/restore-json.js';
import { ownValue, pairKey } from '../restore/network-pairs.js';
import { ipInCidr } from '../network/cidr.js';
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

/** A Nova flavor of the target cloud (sizes as Nova gives them; swap 0 when Nova says ''). */
export interface TargetFlavor {
  id: string;
  name: string;
  vcpus: number;
  ram: number;
  disk: number;
  ephemeral: number;
  swap: number;
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
  /** Nova flavors the project can use; absent or empty when Nova could not say. */
  flavors?: TargetFlavor[];
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
      const flavor = matchingFlavor(facts, byId.get(c.id));
      return {
        ...c,
        volumeTypes,
        ...(flavor ? { flavor } : {}),
      };
    }),
  };
}

/** The target flavor of the snapshot flavor's sizes (the one Trilio would pick), if there is one. */
export function matchingFlavor(
  facts: RestoreFacts,
  vm: SnapshotInstance | undefined,
): FlavorChoice | undefined {
  const f = vm?.flavor;
  if (!f) return undefined;
  return (facts.flavors ?? []).find(
    (t) =>
      t.vcpus === f.vcpus &&
      t.ram === f.ram &&
      t.disk === f.disk &&
      t.ephemeral === (f.ephemeral ?? 0) &&
      t.swap === (f.swap ?? 0),
  );
}

/** The CIDR of a target subnet, when the target project offers it. */
function subnetCidr(facts: RestoreFacts, networkId: string, subnetId: string): string | undefined {
  return facts.networks.find((n) => n.id === networkId)?.subnets.find((s) => s.id === subnetId)?.cidr;
}

const positive = (n: number) => Number.isInteger(n) && n > 0;
const nonNegative = (n: number) => Number.isInteger(n) && n >= 0;

/** Problems of one VM's flavor and NICs that only the target cloud's facts show. */
function instanceProblems(
  facts: RestoreFacts,
  choices: RestoreChoices,
  index: number,
  vm: SnapshotInstance | undefined,
): RestoreProblem[] {
  const c = choices.instances[index]!;
  const problems: RestoreProblem[] = [];
  const f = c.flavor;
  if (
    f &&
    !(
      positive(f.vcpus) &&
      positive(f.ram) &&
      nonNegative(f.disk) &&
      nonNegative(f.ephemeral) &&
      nonNegative(f.swap)
    )
  )
    problems.push({
      path: `instances.${index}.flavor`,
      message: `${c.newName || c.id}: flavor ${f.name || '(own sizes)'} needs whole vCPUs and RAM above 0 and disk, ephemeral and swap of 0 or more.`,
    });
  if (f && f.id !== '' && (facts.flavors ?? []).length > 0 && !facts.flavors!.some((t) => t.id === f.id))
    problems.push({
      path: `instances.${index}.flavor`,
      message: `${c.newName || c.id}: flavor ${f.name || f.id} is not a flavor of the target cloud.`,
    });
  if (!vm) return problems;
  const byId = new Map(facts.networks.map((n) => [n.id, n]));
  for (const nic of vm.nics) {
    const own = nicChoiceOf(c, nic);
    const target = effectiveNicTarget(choices, c, nic);
    // A fixed IP the user keeps must lie in the chosen subnet, or Neutron refuses the port.
    const cidr = target ? subnetCidr(facts, target.networkId, target.subnetId) : undefined;
    if (own?.keepIp === true && nic.ip && cidr !== undefined && ipInCidr(nic.ip, cidr) === false)
      problems.push({
        path: `${nicPath(index, nic)}.keepIp`,
        message: `${describeNic(vm, nic)}: the fixed IP ${nic.ip} is outside subnet ${cidr} of ${target!.networkName}; release it or choose a subnet that holds it.`,
      });
    if (own?.target && own.target.networkId !== '') {
      const network = byId.get(own.target.networkId);
      if (!network)
        problems.push({
          path: `${nicPath(index, nic)}.target`,
          message: `${describeNic(vm, nic)}: target network ${own.target.networkName || own.target.networkId} is not a network of project ${facts.targetProject.name} (nor shared).`,
        });
      else if (own.target.subnetId !== '' && !network.subnets.some((s) => s.id === own.target!.subnetId))
        problems.push({
          path: `${nicPath(index, nic)}.target`,
          message: `${describeNic(vm, nic)}: subnet ${own.target.subnetId} is not a subnet of target network ${network.name}.`,
        });
    }
  }
  return problems;
}

/** What `checkRestoreChoices` checks, plus what only the target cloud knows: zones, types, networks. */
export function restoreProblems(facts: RestoreFacts, choices: RestoreChoices): RestoreProblem[] {
  const problems = checkRestoreChoices(facts.instances, choices);
  const zones = new Set(facts.availabilityZones);
  const types = new Set(facts.volumeTypes);
  const byInstance = new Map(facts.instances.map((i) => [i.id, i]));
  choices.instances.forEach((c, index) => {
    if (!c.include) return;
    problems.push(...instanceProblems(facts, choices, index, byInstance.get(c.id)));
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

/**
 * Trilio's restores of a snapshot (`restore-list --snapshot_id`), as shown in the plan and the log:
 * read before a restore request is sent, and after Trilio refused one as busy, to tell whether a
 * restore of this run exists already (a POST is not idempotent).
 */
export function restoreListRequest(snapshotId: string): string {
  return `GET /restores/detail?snapshot_id=${encodeURIComponent(snapshotId)}`;
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
  const scope = {
    projectId: facts.targetProject.id,
    projectName: facts.targetProject.name,
    domainId: facts.targetProject.domainId,
  };
  const action: ApiAction = {
    kind: 'api',
    id: restoreActionId(snapshot.id),
    scope,
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
    `When Trilio answers a restore request as busy (HTTP 429 or 503), the step waits (Retry-After, else a growing back-off; at most 30 min in all) and sends it again only after the snapshot's restores (${restoreListRequest('')}<snapshot id>) show the refused request started none.`,
    ...restoreWarnings(facts, choices).map((w) => w.message),
  ];
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
        scope,
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

/**
 * `finance-net/finance-subnet → finance-dr-net/finance-dr-subnet, …` for the included VMs' NICs that go
 * by the mapping, then `NIC fa:16:… of vm → net/subnet (fixed IP kept)` for NICs with their own target.
 */
function describeMappings(
  facts: RestoreFacts,
  choices: RestoreChoices,
  included: RestoreChoices['instances'],
): string {
  const byId = new Map(included.map((c) => [c.id, c]));
  const subnetName = (networkId: string, subnetId: string) =>
    facts.networks.find((n) => n.id === networkId)?.subnets.find((s) => s.id === subnetId)?.name ?? subnetId;
  const vms = facts.instances.filter((i) => byId.has(i.id));
  const mapped = vms.map((vm) => ({
    ...vm,
    nics: vm.nics.filter((n) => usesPairMapping(byId.get(vm.id), n)),
  }));
  const pairs = networkPairs(mapped).map((p) => {
    const t = targetOfNic(choices.networkMapping, p.nic);
    const from = p.subnetId ? `${p.networkName}/${p.subnetName ?? p.subnetId}` : p.networkName;
    return t ? `${from} → ${t.networkName}/${subnetName(t.networkId, t.subnetId)}` : `${from} → (unmapped)`;
  });
  const own = vms.flatMap((vm) =>
    vm.nics.flatMap((nic) => {
      const c = byId.get(vm.id);
      const t = nicChoiceOf(c, nic)?.target;
      if (!t) return [];
      const ip = nicKeepsIp(nicChoiceOf(c, nic), nic, t, facts.networks) ? `, fixed IP ${nic.ip} kept` : '';
      return [`NIC ${nic.mac} of ${vm.name} → ${t.networkName}/${subnetName(t.networkId, t.subnetId)}${ip}`];
    }),
  );
  return [...pairs, ...own].join(', ');
}

/**
 * What the user should know before the restore starts, each with the form field that changes it
 * (`path`, as in `RestoreProblem`; '' when no field does): volume types left to Cinder's default,
 * excluded VMs, fixed IPs that cannot be kept or are released, image-booted VMs.
 */
export function restoreWarnings(facts: RestoreFacts, choices: RestoreChoices): RestoreProblem[] {
  const warnings: RestoreProblem[] = [];
  const byId = new Map(facts.instances.map((i) => [i.id, i]));
  const foreign = new Set(foreignVolumeTypes(facts).map((f) => f.disk.id));
  const excluded: string[] = [];
  choices.instances.forEach((c, index) => {
    const vm = byId.get(c.id);
    if (!c.include) {
      excluded.push(vm?.name ?? c.id);
      return;
    }
    for (const d of vm?.disks ?? [])
      if (d.backing === 'volume' && foreign.has(d.id) && effectiveVolumeType(c, d) === '')
        warnings.push({
          path: `instances.${index}.volumeTypes.${d.id}`,
          message: `${vm!.name} disk ${d.name}: volume type ${d.volumeType} does not exist in the target cloud; the default type is used.`,
        });
  });
  if (excluded.length > 0)
    warnings.push({
      path: `instances.${choices.instances.findIndex((c) => !c.include)}.include`,
      message: `Not restored: ${excluded.join(', ')} (excluded in the form).`,
    });
  if (choices.restoreTopology)
    warnings.push({
      path: 'restoreTopology',
      message: 'restore_topology is on: Trilio recreates the snapshot’s networks in the target project.',
    });
  else warnings.push(...addressWarnings(facts, choices));
  choices.instances.forEach((c) => {
    if (!c.include) return;
    for (const d of byId.get(c.id)?.disks ?? [])
      if (d.backing === 'image')
        warnings.push({
          path: '',
          message: `${byId.get(c.id)!.name} boots from image ${d.imageName ?? d.name}: its boot disk is restored with the instance (restore_boot_disk), not as a volume.`,
        });
  });
  return warnings;
}

/** Included NICs that cannot keep their fixed IP (outside the target subnet), release it, or have no MAC. */
function addressWarnings(facts: RestoreFacts, choices: RestoreChoices): RestoreProblem[] {
  const warnings: RestoreProblem[] = [];
  const byId = new Map(facts.instances.map((i) => [i.id, i]));
  choices.instances.forEach((c, index) => {
    const vm = byId.get(c.id);
    if (!c.include || !vm) return;
    for (const nic of vm.nics) {
      const target = effectiveNicTarget(choices, c, nic);
      if (!target || !nic.ip) continue;
      const own = nicChoiceOf(c, nic);
      const path = `${nicPath(index, nic)}.keepIp`;
      if (!nic.mac)
        warnings.push({
          path: `networkMapping.${pairKeyOf(nic)}`,
          message: `${describeNic(vm, nic)} has no MAC address in the snapshot: it gets a new address.`,
        });
      else if (own?.keepIp === false)
        warnings.push({
          path,
          message: `${describeNic(vm, nic)}: the fixed IP ${nic.ip} is released; the NIC gets a new address.`,
        });
      else if (own?.keepIp === undefined && !nicKeepsIp(own, nic, target, facts.networks)) {
        const cidr = subnetCidr(facts, target.networkId, target.subnetId);
        warnings.push({
          path: usesPairMapping(c, nic) ? `${nicPath(index, nic)}.target` : path,
          message: `${describeNic(vm, nic)}: the fixed IP ${nic.ip} is outside target subnet ${cidr ?? target.subnetId} of ${target.networkName}, so it cannot be kept; the NIC gets a new address there (map it to a subnet with the same CIDR to keep it).`,
        });
      }
    }
  });
  return warnings;
}

const pairKeyOf = (nic: { networkId: string; subnetId: string }) => pairKey(nic.networkId, nic.subnetId);
