import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { RestoreFacts, TargetNetwork } from '../../../shared/plans/restore-plan.js';
import { readSnapshotInstances } from '../../../shared/restore/snapshot-instances.js';
import {
  fieldForPath,
  fieldId,
  RestoreFormDraft,
} from '../../../renderer/src/lib/run/restore-form.svelte.js';

/** The form's state class over res-hpc's real snapshot and research-dr as the lab offers it. */
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
const snapshot = {
  id: 's',
  name: 'snap',
  status: 'available',
  type: 'full',
  createdAt: '2026-12-04T01:00:00',
};

function facts(): RestoreFacts {
  return {
    workloadId: 'w',
    workloadName: 'res-hpc',
    targetProject: { id: 'p', name: 'research-dr', domain: 'cloud_b', domainId: 'd' },
    restoreAs: 'admin',
    snapshots: [snapshot],
    snapshot,
    instances,
    networks: offer.networks,
    availabilityZones: offer.availabilityZones,
    volumeTypes: offer.volumeTypes,
    flavors: offer.flavors,
  };
}

const legacy = offer.networks[1]!;
const store = instances[1]!;
const storeNic = store.nics[0]!;

describe('the restore form draft', () => {
  it('starts from the saved choices, not dirty, and follows every edit with the planner’s restore.json', () => {
    const draft = new RestoreFormDraft(facts(), null);
    expect(draft.dirty).toBe(false);
    draft.setInclude(0, false);
    draft.setNicNetwork(1, storeNic, legacy.id);
    expect(draft.dirty).toBe(true);
    // The subnet of the same CIDR as the NIC's is chosen with the network, so the IP is kept.
    expect(draft.nicTarget(1, storeNic)).toEqual({
      networkId: legacy.id,
      networkName: 'research-legacy',
      subnetId: legacy.subnets[1]!.id,
    });
    expect(draft.keepsIp(1, storeNic)).toBe(true);
    expect(draft.shaped.restoreJson.openstack.instances[1]!.nics[0]!.ip_address).toBe('10.1.13.11');
    draft.setKeepIp(1, storeNic, false);
    expect(draft.shaped.restoreJson.openstack.instances[1]!.nics[0]).not.toHaveProperty('ip_address');
    draft.markSaved();
    expect(draft.dirty).toBe(false);
    draft.reset();
    expect(draft.dirty).toBe(true);
    expect(draft.choices.instances[0]!.include).toBe(true);
  });

  it('sets a flavor by id and back to the snapshot’s sizes', () => {
    const draft = new RestoreFormDraft(facts(), null);
    draft.setFlavor(1, '4');
    expect(draft.shaped.restoreJson.openstack.instances[1]!.flavor).toMatchObject({ vcpus: 4, ram: 8192 });
    draft.setFlavor(1, '');
    expect(draft.choices.instances[1]!.flavor).toMatchObject({ id: '', name: 'm1.medium', vcpus: 2 });
  });

  it('a NIC without a MAC is re-mapped through its pair’s mapping', () => {
    const noMac = { ...storeNic };
    delete noMac.mac;
    const f = { ...facts(), instances: [instances[0]!, { ...store, nics: [noMac] }] };
    const draft = new RestoreFormDraft(f, null);
    draft.setNicNetwork(1, noMac, legacy.id);
    expect(draft.shaped.restoreJson.openstack.networks_mapping.networks).toContainEqual({
      snapshot_network: { id: noMac.networkId, subnet: { id: noMac.subnetId } },
      target_network: { id: legacy.id, name: 'research-legacy', subnet: { id: legacy.subnets[1]!.id } },
    });
    expect(draft.shaped.restoreJson.openstack.instances[1]!.nics).toEqual([]);
  });

  it('imports restore.json files, refusing what is not one', () => {
    const draft = new RestoreFormDraft(facts(), null);
    draft.setInclude(0, false);
    const text = draft.exportText();
    draft.markSaved();
    draft.reset();
    expect(draft.dirty).toBe(true);
    expect(draft.importText(text)).toBeNull();
    expect(draft.choices.instances[0]!.include).toBe(false);
    // The file holds what was saved: nothing to save again.
    expect(draft.dirty).toBe(false);
    expect(draft.importText('{')).toMatch(/^The file is not JSON/);
    expect(draft.importText('{}')).toMatch(/not a restore.json/);
  });

  it('points a warning or problem at its field; a pair’s mapping at the first included NIC on it', () => {
    const draft = new RestoreFormDraft(facts(), null);
    const vda = store.disks[0]!.id;
    expect(fieldForPath(draft, `instances.1.volumeTypes.${vda}`)).toBe(
      fieldId(`instances.1.volumeTypes.${vda}`),
    );
    expect(fieldForPath(draft, `networkMapping.${storeNic.networkId}/${storeNic.subnetId}`)).toBe(
      fieldId(`instances.1.nics.${storeNic.mac}.target`),
    );
    expect(fieldForPath(draft, '')).toBe('');
    expect(fieldId(`instances.1.nics.${storeNic.mac}.keepIp`)).toMatch(/^rf-[A-Za-z0-9_-]+$/);
  });
});
