/**
 * Builds the `restore.json` of a selective restore (runbook: "This restore.json file needs to be adjusted
 * according to the desired restore") from what the snapshot holds and what the user chose in the form.
 * Pure: the same inputs always give the same JSON, which is shown to the user before it is sent.
 */
export interface SnapshotNic {
  networkId: string;
  networkName: string;
  subnetId: string;
  ip?: string;
  mac?: string;
}

export interface SnapshotDisk {
  /** Id of the disk/volume in the snapshot (what restore.json's `vdisks[].id` refers to). */
  id: string;
  name: string;
  volumeType?: string;
  availabilityZone?: string;
  sizeBytes?: number;
}

export interface SnapshotInstance {
  id: string;
  name: string;
  flavor?: { id?: string; name?: string; vcpus?: number; ram?: number; disk?: number };
  availabilityZone?: string;
  nics: SnapshotNic[];
  disks: SnapshotDisk[];
}

/** What the restore form collects. */
export interface RestoreChoices {
  name: string;
  description: string;
  restoreTopology: boolean;
  instances: {
    id: string;
    include: boolean;
    newName: string;
    availabilityZone: string;
    /** Disk id → new volume type ('' keeps the default). */
    volumeTypes: Record<string, string>;
  }[];
  /** Snapshot network id → target network and subnet. */
  networkMapping: Record<string, { networkId: string; networkName: string; subnetId: string }>;
}

export interface RestoreJson {
  name: string;
  description: string;
  type: 'openstack';
  restore_type: 'selective';
  oneclickrestore: false;
  openstack: {
    instances: {
      id: string;
      include: boolean;
      name: string;
      availability_zone: string;
      vdisks: { id: string; new_volume_type: string; availability_zone: string }[];
    }[];
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

/** Default choices: every VM included under its own name, networks mapped by name when a target matches. */
export function defaultRestoreChoices(
  snapshotName: string,
  instances: SnapshotInstance[],
  targetNetworks: { id: string; name: string; subnets: { id: string; name: string }[] }[],
): RestoreChoices {
  const mapping: RestoreChoices['networkMapping'] = {};
  for (const nic of instances.flatMap((i) => i.nics)) {
    if (mapping[nic.networkId]) continue;
    const match = closestByName(nic.networkName, targetNetworks);
    if (match && match.subnets[0])
      mapping[nic.networkId] = {
        networkId: match.id,
        networkName: match.name,
        subnetId: match.subnets[0].id,
      };
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

const tokens = (name: string) =>
  name
    .toLowerCase()
    .split(/[-_.\s]+/)
    .filter((t) => t !== '');

/**
 * The target whose name matches best: the same name, else the one whose name holds every word of the
 * source name with the fewest extra words (`finance-net` → `finance-dr-net`), else the only target.
 */
export function closestByName<T extends { name: string }>(source: string, targets: T[]): T | undefined {
  const exact = targets.find((t) => t.name === source);
  if (exact) return exact;
  const want = tokens(source);
  const scored = targets
    .map((t) => ({ t, have: tokens(t.name) }))
    .filter(({ have }) => want.length > 0 && want.every((w) => have.includes(w)))
    .sort((a, b) => a.have.length - b.have.length);
  if (scored[0]) return scored[0].t;
  return targets.length === 1 ? targets[0] : undefined;
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
  if (!choices.restoreTopology) {
    const needed = new Set(included.flatMap((c) => byId.get(c.id)?.nics.map((n) => n.networkId) ?? []));
    for (const networkId of needed) {
      const m = choices.networkMapping[networkId];
      const nic = instances.flatMap((i) => i.nics).find((n) => n.networkId === networkId);
      if (!m || m.networkId === '' || m.subnetId === '')
        problems.push({
          path: `networkMapping.${networkId}`,
          message: `Map snapshot network ${nic?.networkName ?? networkId} to a target network and subnet (or restore the topology).`,
        });
    }
  }
  return problems;
}

/** The restore.json Trilio's selective restore takes. Call `checkRestoreChoices` first. */
export function buildRestoreJson(instances: SnapshotInstance[], choices: RestoreChoices): RestoreJson {
  const byId = new Map(instances.map((i) => [i.id, i]));
  const usedNetworks = new Set(
    choices.instances
      .filter((c) => c.include)
      .flatMap((c) => byId.get(c.id)?.nics.map((n) => n.networkId) ?? []),
  );
  const networks = choices.restoreTopology
    ? []
    : [...usedNetworks].sort().flatMap((snapshotNetworkId) => {
        const target = choices.networkMapping[snapshotNetworkId];
        const nic = instances.flatMap((i) => i.nics).find((n) => n.networkId === snapshotNetworkId);
        if (!target || !nic) return [];
        return [
          {
            snapshot_network: { id: snapshotNetworkId, subnet: { id: nic.subnetId } },
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
      instances: choices.instances.map((c) => {
        const snap = byId.get(c.id);
        return {
          id: c.id,
          include: c.include,
          name: c.newName,
          availability_zone: c.availabilityZone,
          vdisks: (snap?.disks ?? []).map((d) => ({
            id: d.id,
            new_volume_type: c.volumeTypes[d.id] ?? d.volumeType ?? '',
            availability_zone: c.availabilityZone,
          })),
        };
      }),
      networks_mapping: { networks },
      restore_topology: choices.restoreTopology,
    },
  };
}
