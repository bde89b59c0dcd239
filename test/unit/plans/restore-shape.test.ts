import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { choicesFromRestoreJson } from '../../../shared/plans/restore-json-import.js';
import { planRestore, type RestoreFacts, type TargetNetwork } from '../../../shared/plans/restore-plan.js';
import { shapeRestore, singleRestoreFacts } from '../../../shared/plans/restore-shape.js';
import type { RestoreChoices } from '../../../shared/restore/restore-json.js';
import { readSnapshotInstances } from '../../../shared/restore/snapshot-instances.js';
import { restoreChoicesSchema } from '../../../shared/run/run-params-schema.js';
import type { ApiAction } from '../../../shared/run/plan-types.js';

/**
 * The restore form's shaping logic on real lab data: res-hpc's newest snapshot as the lab's emulator
 * reads it from the share (hpc-head booted from an image on research-net's first subnet, hpc-store with
 * four Ceph volumes on its second subnet), restored into research-dr of the lab's cloud B (Neutron,
 * Nova flavors and zones, Cinder types as the restore step discovers them).
 */
const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../restore/fixtures/${name}`, import.meta.url), 'utf8'));

const offer = fixture('research-dr-offer.json') as {
  networks: TargetNetwork[];
  flavors: NonNullable<RestoreFacts['flavors']>;
  availabilityZones: string[];
  volumeTypes: string[];
};
const read = readSnapshotInstances(fixture('res-hpc-snapshot-instances.json'));
if (!read.ok) throw new Error(read.error.message);
const instances = read.value;
const [head, store] = instances as [(typeof instances)[0], (typeof instances)[0]];
const storeNic = store.nics[0]!;
const [drNet, legacyNet] = offer.networks as [TargetNetwork, TargetNetwork];
const vdb = store.disks.find((d) => d.name === 'hpc-store-vdb')!;

/** research-dr as the lab seeds it (research-dr-net only), or with the network the e2e adds. */
function factsWith(networks: TargetNetwork[] = [drNet]): RestoreFacts {
  const snapshot = {
    id: '2a5842a7-e569-4cab-9640-de845c51e5d6',
    name: 'snap-inc-3',
    status: 'available',
    type: 'incremental',
    createdAt: '2026-12-04T01:00:00.000000',
  };
  return {
    workloadId: 'f75f86c1-2ba8-42c4-8835-5e4831fc28b1',
    workloadName: 'res-hpc',
    targetProject: { id: 'p-research-dr', name: 'research-dr', domain: 'cloud_b', domainId: 'd-b' },
    restoreAs: 'admin',
    snapshots: [snapshot],
    snapshot,
    instances,
    networks,
    availabilityZones: offer.availabilityZones,
    volumeTypes: offer.volumeTypes,
    flavors: offer.flavors,
  };
}

/** The acceptance's shape: hpc-head excluded, hpc-store's vdb on fast-ssd, its NIC on the second subnet of the added network with its fixed IP. */
function acceptanceShape(facts: RestoreFacts): RestoreChoices {
  const defaults = shapeRestore(facts, null).choices;
  const legacyStorage = legacyNet.subnets[1]!;
  return {
    ...defaults,
    instances: defaults.instances.map((c) =>
      c.id === head.id
        ? { ...c, include: false }
        : {
            ...c,
            volumeTypes: { ...c.volumeTypes, [vdb.id]: 'fast-ssd' },
            nics: {
              [storeNic.mac!]: {
                target: { networkId: legacyNet.id, networkName: legacyNet.name, subnetId: legacyStorage.id },
                keepIp: true,
              },
            },
          },
    ),
  };
}

const sentOptions = (facts: RestoreFacts, choices: RestoreChoices) => {
  const plan = planRestore(facts, choices);
  if (!plan.ok) throw new Error(plan.error.message);
  return ((plan.value.actions[0] as ApiAction).body as { restore: { options: unknown } }).restore.options;
};

describe('defaults from the target cloud', () => {
  it('includes every VM under its name, maps each subnet by name, picks the Nova flavor of the same sizes and leaves foreign volume types to Cinder', () => {
    const facts = factsWith();
    const shaped = shapeRestore(facts, null);
    expect(shaped.problems).toEqual([]);
    expect(shaped.complete).toBe(true);
    const [h, s] = shaped.choices.instances;
    expect(h).toMatchObject({ id: head.id, include: true, newName: 'hpc-head', availabilityZone: 'nova' });
    expect(h!.flavor).toMatchObject({ id: '4', name: 'm1.large' });
    expect(s!.flavor).toMatchObject({ id: '3', name: 'm1.medium' });
    // ceph-hdd and ceph-ssd are cloud A's: every volume of hpc-store gets the default type.
    expect(Object.values(s!.volumeTypes)).toEqual(['', '', '', '']);
    const json = shaped.restoreJson.openstack;
    expect(json.networks_mapping.networks.map((m) => m.target_network.subnet.id).sort()).toEqual(
      [drNet.subnets[0]!.id, drNet.subnets[1]!.id].sort(),
    );
    // 10.1.x does not fit 10.2.x: MACs travel, addresses do not.
    expect(json.instances[1]!.nics).toEqual([
      { mac_address: storeNic.mac, network: { id: drNet.id, subnet: { id: drNet.subnets[1]!.id } } },
    ]);
    expect(json.instances[0]!.vdisks).toEqual([]);
    expect(json.instances[0]!.restore_boot_disk).toBe(true);
  });

  it('is exactly what the Restore step plans and sends', () => {
    const facts = factsWith();
    expect(shapeRestore(facts, null).restoreJson).toEqual(
      sentOptions(facts, shapeRestore(facts, null).choices),
    );
    const planned = planRestore(facts, null);
    expect(planned.ok && (planned.value.actions[0] as ApiAction).body).toMatchObject({
      restore: { options: shapeRestore(facts, null).restoreJson },
    });
  });

  it('warns with the field that changes it: each foreign volume type, each fixed IP that cannot be kept', () => {
    const shaped = shapeRestore(factsWith(), null);
    const paths = shaped.warnings.map((w) => w.path);
    for (const d of store.disks) expect(paths).toContain(`instances.1.volumeTypes.${d.id}`);
    expect(paths).toContain(`instances.0.nics.${head.nics[0]!.mac}.target`);
    expect(paths).toContain(`instances.1.nics.${storeNic.mac}.target`);
    expect(shaped.warnings.find((w) => w.path === `instances.1.volumeTypes.${vdb.id}`)!.message).toBe(
      'hpc-store disk hpc-store-vdb: volume type ceph-ssd does not exist in the target cloud; the default type is used.',
    );
  });
});

describe('a restore shaped in the form', () => {
  it('one VM excluded, one volume type changed, one NIC on the second subnet with its fixed IP kept', () => {
    const facts = factsWith([drNet, legacyNet]);
    const shaped = shapeRestore(facts, acceptanceShape(facts));
    expect(shaped.problems).toEqual([]);
    expect(shaped.complete).toBe(true);
    const json = shaped.restoreJson.openstack;
    expect(json.instances.map((i) => [i.name, i.include])).toEqual([
      ['hpc-head', false],
      ['hpc-store', true],
    ]);
    expect(json.instances[0]!.nics).toEqual([]);
    const s = json.instances[1]!;
    expect(s.vdisks.map((d) => [d.id === vdb.id ? 'vdb' : 'other', d.new_volume_type])).toEqual([
      ['other', ''],
      ['vdb', 'fast-ssd'],
      ['other', ''],
      ['other', ''],
    ]);
    expect(s.nics).toEqual([
      {
        mac_address: storeNic.mac,
        ip_address: '10.1.13.11',
        network: { id: legacyNet.id, subnet: { id: legacyNet.subnets[1]!.id } },
      },
    ]);
    // The excluded VM's pair and the NIC with its own target need no networks_mapping entry.
    expect(json.networks_mapping.networks).toEqual([]);
    expect(shaped.restoreJson).toEqual(sentOptions(facts, shaped.choices));
    expect(shaped.warnings.map((w) => w.message)).toContain('Not restored: hpc-head (excluded in the form).');
    expect(shaped.warnings.find((w) => w.message.startsWith('Not restored'))!.path).toBe(
      'instances.0.include',
    );
  });

  it("an excluded VM's NICs need no mapping", () => {
    const facts = factsWith([drNet, legacyNet]);
    const shape = acceptanceShape(facts);
    const unmapped = { ...shape, networkMapping: {} };
    expect(shapeRestore(facts, unmapped).problems).toEqual([]);
    const included = { ...unmapped, instances: unmapped.instances.map((c) => ({ ...c, include: true })) };
    expect(shapeRestore(facts, included).problems.map((p) => p.path)).toEqual([
      `networkMapping.${head.nics[0]!.networkId}/${head.nics[0]!.subnetId}`,
    ]);
  });

  it('a kept fixed IP must lie in the chosen subnet: a problem on the keep field, and the planner refuses', () => {
    const facts = factsWith([drNet, legacyNet]);
    const shape = acceptanceShape(facts);
    const drStorage = drNet.subnets[1]!;
    const wrong: RestoreChoices = {
      ...shape,
      instances: shape.instances.map((c) =>
        c.id === store.id
          ? {
              ...c,
              nics: {
                [storeNic.mac!]: {
                  target: { networkId: drNet.id, networkName: drNet.name, subnetId: drStorage.id },
                  keepIp: true,
                },
              },
            }
          : c,
      ),
    };
    const shaped = shapeRestore(facts, wrong);
    expect(shaped.problems).toEqual([
      {
        path: `instances.1.nics.${storeNic.mac}.keepIp`,
        message: `NIC ${storeNic.mac} (10.1.13.11) of hpc-store on snapshot network research-net, subnet research-storage-subnet (10.1.13.0/24): the fixed IP 10.1.13.11 is outside subnet 10.2.13.0/24 of research-dr-net; release it or choose a subnet that holds it.`,
      },
    ]);
    expect(shaped.complete).toBe(false);
    const planned = planRestore(facts, wrong);
    expect(!planned.ok && planned.error.fields?.map((f) => f.path)).toEqual([
      `restore.instances.1.nics.${storeNic.mac}.keepIp`,
    ]);
  });

  it('a released fixed IP leaves the address out and says so on the keep field', () => {
    const facts = factsWith([drNet, legacyNet]);
    const shape = acceptanceShape(facts);
    const released: RestoreChoices = {
      ...shape,
      instances: shape.instances.map((c) =>
        c.id === store.id
          ? { ...c, nics: { [storeNic.mac!]: { ...c.nics![storeNic.mac!]!, keepIp: false } } }
          : c,
      ),
    };
    const shaped = shapeRestore(facts, released);
    expect(shaped.restoreJson.openstack.instances[1]!.nics[0]).not.toHaveProperty('ip_address');
    expect(
      shaped.warnings.find((w) => w.path === `instances.1.nics.${storeNic.mac}.keepIp`)!.message,
    ).toContain('the fixed IP 10.1.13.11 is released');
  });

  it('a chosen flavor travels as its sizes; one the target cloud does not have is a problem on the flavor field', () => {
    const facts = factsWith();
    const defaults = shapeRestore(facts, null).choices;
    const large = offer.flavors.find((f) => f.name === 'm1.large')!;
    const bigger: RestoreChoices = {
      ...defaults,
      instances: defaults.instances.map((c) => (c.id === store.id ? { ...c, flavor: { ...large } } : c)),
    };
    expect(shapeRestore(facts, bigger).restoreJson.openstack.instances[1]!.flavor).toEqual({
      vcpus: 4,
      ram: 8192,
      disk: 80,
      ephemeral: 0,
      swap: 0,
    });
    const unknown: RestoreChoices = {
      ...defaults,
      instances: defaults.instances.map((c) =>
        c.id === store.id ? { ...c, flavor: { ...large, id: '99', name: 'm9.huge' } } : c,
      ),
    };
    expect(shapeRestore(facts, unknown).problems.map((p) => p.path)).toEqual(['instances.1.flavor']);
  });

  it('survives the run params schema (a resumed run keeps the shape)', () => {
    const facts = factsWith([drNet, legacyNet]);
    const shape = acceptanceShape(facts);
    const parsed = restoreChoicesSchema.parse(JSON.parse(JSON.stringify(shape)));
    expect(parsed).toEqual(shape);
    expect(shapeRestore(facts, parsed as RestoreChoices).restoreJson).toEqual(
      shapeRestore(facts, shape).restoreJson,
    );
  });
});

describe('restore.json import', () => {
  it('reads an exported file back to the same restore.json (defaults and the shaped form)', () => {
    const facts = factsWith([drNet, legacyNet]);
    for (const chosen of [null, acceptanceShape(facts)]) {
      const exported = JSON.parse(JSON.stringify(shapeRestore(facts, chosen).restoreJson)) as unknown;
      const imported = choicesFromRestoreJson(facts, exported);
      if (!imported.ok) throw new Error(imported.error.message);
      expect(shapeRestore(facts, imported.value).restoreJson).toEqual(exported);
    }
    // A kept IP that fits its subnet is the default: the NIC keeps only its own target.
    const imported = choicesFromRestoreJson(facts, shapeRestore(facts, acceptanceShape(facts)).restoreJson);
    expect(imported.ok && imported.value.instances[1]!.nics).toEqual({
      [storeNic.mac!]: { target: acceptanceShape(facts).instances[1]!.nics![storeNic.mac!]!.target },
    });
    expect(imported.ok && imported.value.instances[0]!.include).toBe(false);
  });

  it('refuses what the form cannot hold, naming it', () => {
    const facts = factsWith();
    const json = JSON.parse(JSON.stringify(shapeRestore(facts, null).restoreJson)) as {
      openstack: { instances: { id: string; nics: { ip_address?: string }[] }[] };
    };
    const otherVm = structuredClone(json);
    otherVm.openstack.instances[0]!.id = 'not-a-vm';
    const a = choicesFromRestoreJson(facts, otherVm);
    expect(!a.ok && a.error.message).toContain('names VM not-a-vm, which is not in snapshot snap-inc-3');
    const otherIp = structuredClone(json);
    otherIp.openstack.instances[1]!.nics[0]!.ip_address = '10.2.13.50';
    const b = choicesFromRestoreJson(facts, otherIp);
    expect(!b.ok && b.error.message).toContain(
      "the form keeps the snapshot's address (10.1.13.11) or releases it",
    );
    const c = choicesFromRestoreJson(facts, { instances: [] });
    expect(!c.ok && c.error.message).toContain('not a restore.json');
  });
});

describe('the step facts the form reads', () => {
  it('takes the single workload of the Restore step facts, nothing else', () => {
    const facts = factsWith();
    expect(singleRestoreFacts({ workloads: [facts], problems: [], concurrency: 1 })).toBe(facts);
    expect(singleRestoreFacts({ workloads: [facts, facts], problems: [], concurrency: 1 })).toBeNull();
    expect(singleRestoreFacts(undefined)).toBeNull();
  });
});
