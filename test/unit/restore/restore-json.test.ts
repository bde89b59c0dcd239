import { describe, expect, it } from 'vitest';
import {
  buildRestoreJson,
  checkRestoreChoices,
  defaultRestoreChoices,
  pairKey,
  type SnapshotInstance,
} from '../../../shared/restore/restore-json.js';
import { readSnapshotInstances } from '../../../shared/restore/snapshot-instances.js';

/**
 * restore.json as the reference's "restore.json for a selective restore" describes it, from a snapshot
 * as Trilio's snapshot show returns it: a web VM booted from an image with a data volume, a db VM
 * booted from a volume, both on a network whose VMs sit on two subnets, the db VM also on a backend
 * network.
 */
const net = {
  id: 'a1d0c7e2-0b6f-4d8e-9a51-3f2b1c0d9e11',
  name: 'finance-net',
  cidr: '10.1.0.0/16',
  network_type: 'vxlan',
};
const frontSubnet = {
  id: '5b8e2f10-7a6c-4c1d-8e3f-0a9b8c7d6e51',
  name: 'finance-front',
  cidr: '10.1.1.0/24',
};
const appSubnet = { id: '9c4d3e2f-1a0b-4c8d-9e7f-6a5b4c3d2e62', name: 'finance-app', cidr: '10.1.2.0/24' };
const backend = {
  id: 'f2e1d0c9-b8a7-4695-8473-625140392817',
  name: 'finance-backend',
  cidr: '10.1.11.0/24',
  subnet: {
    id: '0e1f2a3b-4c5d-4e6f-8a7b-9c0d1e2f3a41',
    name: 'finance-backend-subnet',
    cidr: '10.1.11.0/24',
  },
};

const snapshotJson = [
  {
    id: '7e6d5c4b-3a29-4180-9f7e-6d5c4b3a2910',
    name: 'web-1',
    availability_zone: 'nova',
    flavor: { id: '2', name: 'm1.small', vcpus: 1, ram: 2048, disk: 20, ephemeral: 0, swap: 512 },
    nics: [
      {
        mac_address: 'fa:16:3e:0a:00:01',
        ip_address: '10.1.1.21',
        network: { ...net, subnet: { ...frontSubnet, ip_version: 4, gateway_ip: '10.1.1.1' } },
      },
    ],
    vdisks: [
      // Image-backed boot disk: no volume; restored with the instance.
      {
        label: 'vda',
        resource_id: 'c0ffee00-1111-4222-8333-444455556601',
        restore_size: 21474836480,
        vm_id: '7e6d5c4b-3a29-4180-9f7e-6d5c4b3a2910',
        image_id: 'd7e8f9a0-b1c2-4d3e-8f4a-5b6c7d8e9f00',
        image_name: 'ubuntu-22.04',
      },
      {
        label: 'vdb',
        resource_id: 'c0ffee00-1111-4222-8333-444455556602',
        restore_size: 10737418240,
        vm_id: '7e6d5c4b-3a29-4180-9f7e-6d5c4b3a2910',
        volume_id: 'b1b2b3b4-0000-4000-8000-0000000000b1',
        volume_name: 'web-1-data',
        volume_type: 'ceph-ssd',
        availability_zone: 'nova',
      },
    ],
  },
  {
    id: '1f2e3d4c-5b6a-4798-8796-a5b4c3d2e1f0',
    name: 'db-1',
    availability_zone: 'nova',
    flavor: { id: '3', name: 'm1.medium', vcpus: 2, ram: 4096, disk: 40, ephemeral: 0 },
    nics: [
      {
        mac_address: 'fa:16:3e:0a:00:02',
        ip_address: '10.1.2.31',
        network: { ...net, subnet: { ...appSubnet, ip_version: 4, gateway_ip: '10.1.2.1' } },
      },
      { mac_address: 'fa:16:3e:0a:00:03', ip_address: '10.1.11.31', network: backend },
    ],
    vdisks: [
      {
        label: 'vda',
        resource_id: 'c0ffee00-1111-4222-8333-444455556603',
        restore_size: 42949672960,
        vm_id: '1f2e3d4c-5b6a-4798-8796-a5b4c3d2e1f0',
        volume_id: 'b1b2b3b4-0000-4000-8000-0000000000d1',
        volume_name: 'db-1-root',
        volume_type: 'ceph-hdd',
        availability_zone: 'nova',
      },
    ],
  },
];

function instances(): SnapshotInstance[] {
  const read = readSnapshotInstances(snapshotJson);
  if (!read.ok) throw new Error(read.error.message);
  return read.value;
}

// Cloud B: the network is recreated under a -dr name with the same two subnets and CIDRs; the backend
// network has another name and its subnet another CIDR.
const targets = [
  {
    id: 'net-b-finance',
    name: 'finance-dr-net',
    subnets: [
      { id: 'sub-b-app', name: 'finance-dr-app', cidr: '10.1.2.0/24' },
      { id: 'sub-b-front', name: 'finance-dr-front', cidr: '10.1.1.0/24' },
    ],
  },
  {
    id: 'net-b-backend',
    name: 'finance-dr-backend',
    subnets: [{ id: 'sub-b-backend', name: 'storage-tier', cidr: '10.2.11.0/24' }],
  },
];

const front = pairKey(net.id, frontSubnet.id);
const app = pairKey(net.id, appSubnet.id);
const back = pairKey(backend.id, backend.subnet.id);

describe('reading a snapshot', () => {
  it('tells volume-backed disks from an image-backed boot disk and keeps the flavor, subnets and CIDRs', () => {
    const [web, db] = instances();
    expect(web!.disks).toEqual([
      {
        id: 'c0ffee00-1111-4222-8333-444455556601',
        name: 'vda',
        backing: 'image',
        sizeBytes: 21474836480,
        imageName: 'ubuntu-22.04',
      },
      {
        id: 'b1b2b3b4-0000-4000-8000-0000000000b1',
        name: 'web-1-data',
        backing: 'volume',
        volumeType: 'ceph-ssd',
        availabilityZone: 'nova',
        sizeBytes: 10737418240,
      },
    ]);
    expect(web!.flavor).toEqual({
      id: '2',
      name: 'm1.small',
      vcpus: 1,
      ram: 2048,
      disk: 20,
      ephemeral: 0,
      swap: 512,
    });
    expect(db!.nics[0]).toEqual({
      networkId: net.id,
      networkName: 'finance-net',
      subnetId: appSubnet.id,
      subnetName: 'finance-app',
      subnetCidr: '10.1.2.0/24',
      ip: '10.1.2.31',
      mac: 'fa:16:3e:0a:00:02',
    });
  });
});

describe('default network mapping', () => {
  it('maps each (network, subnet) pair: the two subnets of one network to their own targets by name', () => {
    const choices = defaultRestoreChoices('snap-3', instances(), targets);
    expect(choices.networkMapping).toEqual({
      [front]: { networkId: 'net-b-finance', networkName: 'finance-dr-net', subnetId: 'sub-b-front' },
      [app]: { networkId: 'net-b-finance', networkName: 'finance-dr-net', subnetId: 'sub-b-app' },
      [back]: { networkId: 'net-b-backend', networkName: 'finance-dr-backend', subnetId: 'sub-b-backend' },
    });
    expect(checkRestoreChoices(instances(), choices)).toEqual([]);
  });

  it('falls back to the subnet of the same CIDR when the names differ', () => {
    const renamed = [
      {
        id: 'net-x',
        name: 'prod',
        subnets: [
          { id: 'sub-x1', name: 'blue', cidr: '10.1.2.0/24' },
          { id: 'sub-x2', name: 'green', cidr: '10.1.1.0/24' },
        ],
      },
      targets[1]!,
    ];
    const choices = defaultRestoreChoices('s', instances(), renamed);
    expect(choices.networkMapping[front]?.subnetId).toBe('sub-x2');
    expect(choices.networkMapping[app]?.subnetId).toBe('sub-x1');
  });

  it('never picks a first subnet: a pair without a same-named or same-CIDR subnet is a planning error naming the NIC', () => {
    const ambiguous = [
      {
        id: 'net-b-finance',
        name: 'finance-dr-net',
        subnets: [
          { id: 'sub-p', name: 'public', cidr: '192.0.2.0/24' },
          { id: 'sub-q', name: 'private', cidr: '198.51.100.0/24' },
        ],
      },
      targets[1]!,
    ];
    const choices = defaultRestoreChoices('s', instances(), ambiguous);
    expect(Object.keys(choices.networkMapping)).toEqual([back]);
    const problems = checkRestoreChoices(instances(), choices);
    expect(problems.map((p) => p.path)).toEqual([`networkMapping.${front}`, `networkMapping.${app}`]);
    expect(problems[0]!.message).toBe(
      'Choose the target network and subnet for NIC fa:16:3e:0a:00:01 (10.1.1.21) of web-1 on snapshot network finance-net, subnet finance-front (10.1.1.0/24): ' +
        'the target project has no network and subnet of the same name and no subnet with the same CIDR (or restore the topology).',
    );
  });

  it('maps the only subnet of a same-named network when the snapshot network used only one', () => {
    const choices = defaultRestoreChoices('s', instances(), targets);
    // The backend subnet's name and CIDR both differ; it is the network's only subnet on both sides.
    expect(choices.networkMapping[back]?.subnetId).toBe('sub-b-backend');
  });
});

describe('restore.json', () => {
  it('has the reference shape: flavor, restore_boot_disk, volume-backed vdisks only, nics with fixed IPs and MACs', () => {
    const choices = defaultRestoreChoices('snap-3', instances(), targets);
    choices.instances[0]!.newName = 'web-1-dr';
    choices.instances[0]!.volumeTypes['b1b2b3b4-0000-4000-8000-0000000000b1'] = 'fast-ssd';
    const json = buildRestoreJson(instances(), choices, targets);
    expect(json).toMatchObject({
      type: 'openstack',
      restore_type: 'selective',
      oneclickrestore: false,
      openstack: { restore_topology: false },
    });
    expect(json.openstack.instances[0]).toEqual({
      id: '7e6d5c4b-3a29-4180-9f7e-6d5c4b3a2910',
      include: true,
      name: 'web-1-dr',
      availability_zone: 'nova',
      restore_boot_disk: true,
      flavor: { vcpus: 1, ram: 2048, disk: 20, ephemeral: 0, swap: 512 },
      // The image-backed boot disk is not here.
      vdisks: [
        {
          id: 'b1b2b3b4-0000-4000-8000-0000000000b1',
          new_volume_type: 'fast-ssd',
          availability_zone: 'nova',
        },
      ],
      nics: [
        {
          mac_address: 'fa:16:3e:0a:00:01',
          ip_address: '10.1.1.21',
          network: { id: 'net-b-finance', subnet: { id: 'sub-b-front' } },
        },
      ],
    });
    const db = json.openstack.instances[1]!;
    // No swap in the snapshot's flavor: '' keeps the snapshot's value.
    expect(db.flavor).toEqual({ vcpus: 2, ram: 4096, disk: 40, ephemeral: 0, swap: '' });
    expect(db.vdisks).toEqual([
      { id: 'b1b2b3b4-0000-4000-8000-0000000000d1', new_volume_type: 'ceph-hdd', availability_zone: 'nova' },
    ]);
    expect(db.nics).toEqual([
      {
        mac_address: 'fa:16:3e:0a:00:02',
        ip_address: '10.1.2.31',
        network: { id: 'net-b-finance', subnet: { id: 'sub-b-app' } },
      },
      // 10.1.11.31 does not fit 10.2.11.0/24: the MAC still matches the NIC, the address is new.
      { mac_address: 'fa:16:3e:0a:00:03', network: { id: 'net-b-backend', subnet: { id: 'sub-b-backend' } } },
    ]);
  });

  it('has one networks_mapping entry per (snapshot network, snapshot subnet) pair in use', () => {
    const choices = defaultRestoreChoices('snap-3', instances(), targets);
    expect(buildRestoreJson(instances(), choices, targets).openstack.networks_mapping.networks).toEqual(
      [
        {
          snapshot_network: { id: net.id, subnet: { id: frontSubnet.id } },
          target_network: { id: 'net-b-finance', name: 'finance-dr-net', subnet: { id: 'sub-b-front' } },
        },
        {
          snapshot_network: { id: net.id, subnet: { id: appSubnet.id } },
          target_network: { id: 'net-b-finance', name: 'finance-dr-net', subnet: { id: 'sub-b-app' } },
        },
        {
          snapshot_network: { id: backend.id, subnet: { id: backend.subnet.id } },
          target_network: {
            id: 'net-b-backend',
            name: 'finance-dr-backend',
            subnet: { id: 'sub-b-backend' },
          },
        },
      ].sort((a, b) =>
        `${a.snapshot_network.id}/${a.snapshot_network.subnet.id}` <
        `${b.snapshot_network.id}/${b.snapshot_network.subnet.id}`
          ? -1
          : 1,
      ),
    );
    // Leaving the db VM out drops its pairs (the app subnet and the backend network).
    choices.instances[1]!.include = false;
    const web = buildRestoreJson(instances(), choices, targets);
    expect(web.openstack.networks_mapping.networks.map((n) => n.snapshot_network.subnet.id)).toEqual([
      frontSubnet.id,
    ]);
    expect(web.openstack.instances[1]).toMatchObject({ include: false, nics: [] });
  });

  it('reads a mapping keyed by network id alone (earlier versions) for every subnet of that network', () => {
    const choices = defaultRestoreChoices('s', instances(), targets);
    choices.networkMapping = {
      [net.id]: { networkId: 'net-b-finance', networkName: 'finance-dr-net', subnetId: 'sub-b-front' },
      [back]: { networkId: 'net-b-backend', networkName: 'finance-dr-backend', subnetId: 'sub-b-backend' },
    };
    expect(checkRestoreChoices(instances(), choices)).toEqual([]);
    const json = buildRestoreJson(instances(), choices, targets);
    const targetsOf = json.openstack.networks_mapping.networks.map((n) => n.target_network.subnet.id);
    expect(targetsOf.filter((s) => s === 'sub-b-front')).toHaveLength(2);
    // The app subnet's fixed IP does not fit the front subnet: it is not sent.
    expect(json.openstack.instances[1]!.nics[0]).toEqual({
      mac_address: 'fa:16:3e:0a:00:02',
      network: { id: 'net-b-finance', subnet: { id: 'sub-b-front' } },
    });
  });

  it('names what is missing: an empty name, nothing included', () => {
    const choices = defaultRestoreChoices('snap-3', instances(), targets);
    choices.instances[1]!.newName = ' ';
    expect(checkRestoreChoices(instances(), choices).map((p) => p.path)).toEqual(['instances.1.newName']);
    choices.instances.forEach((c) => (c.include = false));
    expect(checkRestoreChoices(instances(), choices).map((p) => p.path)).toContain('instances');
  });

  it('needs no mapping and sends no nics when the topology is restored', () => {
    const choices = { ...defaultRestoreChoices('s', instances(), []), restoreTopology: true };
    expect(checkRestoreChoices(instances(), choices)).toEqual([]);
    const json = buildRestoreJson(instances(), choices);
    expect(json.openstack.networks_mapping.networks).toEqual([]);
    expect(json.openstack.instances.every((i) => i.nics.length === 0)).toBe(true);
  });

  it('travels as JSON unchanged (restore.json export and import)', () => {
    const json = buildRestoreJson(instances(), defaultRestoreChoices('s', instances(), targets), targets);
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });
});
