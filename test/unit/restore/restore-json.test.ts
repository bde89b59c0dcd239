import { describe, expect, it } from 'vitest';
import {
  buildRestoreJson,
  checkRestoreChoices,
  defaultRestoreChoices,
  type SnapshotInstance,
} from '../../../shared/restore/restore-json.js';

// A two-VM snapshot as the wizard normalises it from `snapshot-show --output networks|disks`.
const instances: SnapshotInstance[] = [
  {
    id: 'vm-web',
    name: 'web-1',
    availabilityZone: 'nova',
    nics: [{ networkId: 'net-a-front', networkName: 'finance-net', subnetId: 'sub-a-front', ip: '10.1.0.5' }],
    disks: [
      { id: 'disk-web-root', name: 'vda', volumeType: 'ceph' },
      { id: 'disk-web-data', name: 'vdb', volumeType: 'ceph' },
    ],
  },
  {
    id: 'vm-db',
    name: 'db-1',
    nics: [
      { networkId: 'net-a-front', networkName: 'finance-net', subnetId: 'sub-a-front' },
      { networkId: 'net-a-back', networkName: 'finance-backend', subnetId: 'sub-a-back' },
    ],
    disks: [{ id: 'disk-db-root', name: 'vda' }],
  },
];
const targets = [
  { id: 'net-b-front', name: 'finance-dr-net', subnets: [{ id: 'sub-b-front', name: 'finance-dr-subnet' }] },
  {
    id: 'net-b-back',
    name: 'finance-backend',
    subnets: [{ id: 'sub-b-back', name: 'finance-dr-backend-subnet' }],
  },
];

describe('restore.json', () => {
  it('maps networks by name (exact, then prefix) and includes every VM by default', () => {
    const choices = defaultRestoreChoices('snap-3', instances, targets);
    expect(choices.networkMapping).toEqual({
      'net-a-front': { networkId: 'net-b-front', networkName: 'finance-dr-net', subnetId: 'sub-b-front' },
      'net-a-back': { networkId: 'net-b-back', networkName: 'finance-backend', subnetId: 'sub-b-back' },
    });
    expect(checkRestoreChoices(instances, choices)).toEqual([]);
  });

  it('builds the documented shape with per-disk volume types and one mapping per used network', () => {
    const choices = defaultRestoreChoices('snap-3', instances, targets);
    choices.instances[0]!.newName = 'web-1-dr';
    choices.instances[0]!.volumeTypes['disk-web-data'] = 'ssd';
    choices.instances[1]!.include = false;
    const json = buildRestoreJson(instances, choices);
    expect(json).toMatchObject({ type: 'openstack', restore_type: 'selective', oneclickrestore: false });
    expect(json.openstack.instances[0]).toEqual({
      id: 'vm-web',
      include: true,
      name: 'web-1-dr',
      availability_zone: 'nova',
      vdisks: [
        { id: 'disk-web-root', new_volume_type: 'ceph', availability_zone: 'nova' },
        { id: 'disk-web-data', new_volume_type: 'ssd', availability_zone: 'nova' },
      ],
    });
    expect(json.openstack.instances[1]?.include).toBe(false);
    // The excluded db VM's backend network needs no mapping.
    expect(json.openstack.networks_mapping.networks).toEqual([
      {
        snapshot_network: { id: 'net-a-front', subnet: { id: 'sub-a-front' } },
        target_network: { id: 'net-b-front', name: 'finance-dr-net', subnet: { id: 'sub-b-front' } },
      },
    ]);
  });

  it('names what is missing: an unmapped network, an empty name, nothing included', () => {
    const choices = defaultRestoreChoices('snap-3', instances, [targets[0]!]);
    choices.networkMapping = {};
    choices.instances[1]!.newName = ' ';
    const problems = checkRestoreChoices(instances, choices);
    expect(problems.map((p) => p.path)).toEqual([
      'instances.1.newName',
      'networkMapping.net-a-front',
      'networkMapping.net-a-back',
    ]);
    expect(problems[1]?.message).toContain('finance-net');
    choices.instances.forEach((c) => (c.include = false));
    expect(checkRestoreChoices(instances, choices).map((p) => p.path)).toContain('instances');
  });

  it('needs no mapping when the topology is restored', () => {
    const choices = { ...defaultRestoreChoices('s', instances, []), restoreTopology: true };
    expect(checkRestoreChoices(instances, choices)).toEqual([]);
    expect(buildRestoreJson(instances, choices).openstack.networks_mapping.networks).toEqual([]);
  });
});
