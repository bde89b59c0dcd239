import { describe, expect, it } from 'vitest';
import {
  parseRestoreChangeId,
  pickSnapshot,
  planRestore,
  restoreChangeId,
  restoreChoicesFor,
  type RestoreFacts,
  type SnapshotSummary,
} from '../../../shared/plans/restore-plan.js';
import type { RestoreChoices } from '../../../shared/restore/restore-json.js';
import { readSnapshotInstances } from '../../../shared/restore/snapshot-instances.js';
import type { ApiAction } from '../../../shared/run/plan-types.js';

function instancesOf(json: unknown) {
  const read = readSnapshotInstances(json);
  if (!read.ok) throw new Error(read.error.message);
  return read.value;
}

// eng-git's newest incremental as Trilio's snapshot show returns it: one VM, a boot disk and a data
// volume of cloud A's Ceph types, one NIC on cloud A's engineering-net.
const raw = [
  {
    id: '59a84c3a-16bb-4c3e-97c1-9c20e540ab97',
    name: 'git-1',
    availability_zone: 'nova',
    flavor: { id: '3', name: 'm1.medium', vcpus: '2', ram: 4096, disk: 40 },
    nics: [
      {
        mac_address: 'fa:16:3e:12:34:56',
        ip_address: '10.20.0.11',
        network: {
          id: 'a7f0c2de-6f51-4a39-9d1c-0c9b2d1e8f11',
          name: 'engineering-net',
          subnet: { id: 'c3b2a1f0-1111-4222-8333-444455556666', name: 'engineering-subnet' },
        },
      },
      { ip_address: '192.0.2.9' },
    ],
    vdisks: [
      {
        id: 'e0b2c4d6-0000-4000-8000-00000000000a',
        volume_id: 'e0b2c4d6-0000-4000-8000-00000000000a',
        volume_name: 'git-1-root',
        volume_type: 'ceph-hdd',
        volume_size: 2,
        availability_zone: 'nova',
        restore_size: 2097152,
        label: 'vda',
      },
      {
        volume_id: 'e0b2c4d6-0000-4000-8000-00000000000b',
        label: 'vdb',
        volume_type: 'ceph-ssd',
        volume_size: 3,
      },
    ],
  },
];

const snapshots: SnapshotSummary[] = [
  {
    id: 's-inc-2',
    name: 'snap-inc-2',
    status: 'available',
    type: 'incremental',
    createdAt: '2024-05-03T02:00:00.000000',
  },
  {
    id: 's-full',
    name: 'snap-full',
    status: 'available',
    type: 'full',
    createdAt: '2024-05-01T02:00:00.000000',
  },
  {
    id: 's-inc-3',
    name: 'snap-inc-3',
    status: 'error',
    type: 'incremental',
    createdAt: '2024-05-04T02:00:00.000000',
  },
  {
    id: 's-inc-1',
    name: 'snap-inc-1',
    status: 'available',
    type: 'incremental',
    createdAt: '2024-05-02T02:00:00.000000',
  },
];

const facts = (): RestoreFacts => ({
  workloadId: '86706ed4-0a8e-420d-83ff-86de447bcceb',
  workloadName: 'eng-git',
  targetProject: {
    id: 'fd6e2137d0464f9c894121e770f65e3e',
    name: 'engineering-dr',
    domain: 'cloud_b',
    domainId: '0a1b2c3d4e5f60718293a4b5c6d7e8f9',
  },
  restoreAs: 'admin',
  snapshots,
  snapshot: snapshots[0]!,
  instances: instancesOf(raw),
  networks: [
    {
      id: '03883e5b-cf77-44b1-bfe1-420a9bc2d0e1',
      name: 'engineering-dr-net',
      shared: false,
      subnets: [
        { id: '104bc5a7-642f-4975-95dc-e83d454f4c92', name: 'engineering-dr-subnet', cidr: '10.120.0.0/24' },
      ],
    },
    {
      id: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee',
      name: 'provider-shared',
      shared: true,
      subnets: [
        { id: 'ffffffff-0000-4111-8222-333333333333', name: 'provider-subnet', cidr: '203.0.113.0/24' },
      ],
    },
  ],
  availabilityZones: ['nova'],
  volumeTypes: ['__DEFAULT__', 'standard', 'fast-ssd'],
});

describe('readSnapshotInstances', () => {
  it('turns Trilio’s snapshot JSON into the form’s VMs, NICs and disks', () => {
    const [vm] = instancesOf(raw);
    expect(vm).toEqual({
      id: '59a84c3a-16bb-4c3e-97c1-9c20e540ab97',
      name: 'git-1',
      availabilityZone: 'nova',
      flavor: { id: '3', name: 'm1.medium', vcpus: 2, ram: 4096, disk: 40 },
      nics: [
        {
          networkId: 'a7f0c2de-6f51-4a39-9d1c-0c9b2d1e8f11',
          networkName: 'engineering-net',
          subnetId: 'c3b2a1f0-1111-4222-8333-444455556666',
          subnetName: 'engineering-subnet',
          ip: '10.20.0.11',
          mac: 'fa:16:3e:12:34:56',
        },
      ],
      disks: [
        {
          id: 'e0b2c4d6-0000-4000-8000-00000000000a',
          name: 'git-1-root',
          backing: 'volume',
          volumeType: 'ceph-hdd',
          availabilityZone: 'nova',
          sizeBytes: 2097152,
        },
        // No `id`: the volume id is what restore.json's vdisks refer to; size from GiB.
        {
          id: 'e0b2c4d6-0000-4000-8000-00000000000b',
          name: 'vdb',
          backing: 'volume',
          volumeType: 'ceph-ssd',
          sizeBytes: 3 * 1024 ** 3,
        },
      ],
    });
  });

  it('reads a damaged answer as data: a VM without id is refused with a message, wrong types count as absent', () => {
    const noId = readSnapshotInstances([{ name: 'git-1' }]);
    expect(!noId.ok && noId.error.message).toBe('VM 1 of the snapshot has no id (got {"name":"git-1"}).');
    const notList = readSnapshotInstances({ id: 'x' });
    expect(!notList.ok && notList.error.message).toBe(
      "the snapshot's instances are not a list (got object).",
    );
    expect(
      instancesOf([{ id: 'vm', nics: 'eth0', vdisks: [null, { volume_size: '-3', id: 'd' }], flavor: [] }]),
    ).toEqual([{ id: 'vm', name: 'vm', nics: [], disks: [{ id: 'd', name: 'd', backing: 'image' }] }]);
  });
});

describe('pickSnapshot', () => {
  it('takes the newest available snapshot for "latest", skipping a newer one in error', () => {
    const picked = pickSnapshot(snapshots, 'latest', 'eng-git');
    expect(picked.ok && picked.value.id).toBe('s-inc-2');
    expect(pickSnapshot(snapshots, '', 'eng-git')).toEqual(picked);
  });

  it('takes an explicit snapshot by id or name, and refuses unknown or unavailable ones', () => {
    expect(pickSnapshot(snapshots, 's-full', 'eng-git')).toMatchObject({ ok: true, value: { id: 's-full' } });
    expect(pickSnapshot(snapshots, 'snap-inc-1', 'eng-git')).toMatchObject({
      ok: true,
      value: { id: 's-inc-1' },
    });
    const unknown = pickSnapshot(snapshots, 's-nope', 'eng-git');
    expect(unknown.ok).toBe(false);
    if (!unknown.ok) {
      expect(unknown.error.code).toBe('not-found');
      expect(unknown.error.hint).toContain('s-full');
      expect(unknown.error.fields?.[0]?.path).toBe('snapshot');
    }
    const broken = pickSnapshot(snapshots, 's-inc-3', 'eng-git');
    expect(!broken.ok && broken.error.message).toContain('is error');
    const none = pickSnapshot([snapshots[2]!], 'latest', 'eng-git');
    expect(!none.ok && none.error.message).toContain('no available snapshot');
  });
});

describe('planRestore', () => {
  it('defaults: every VM, network mapped by name, cloud A’s volume types replaced by the default', () => {
    const plan = planRestore(facts(), null);
    expect(plan.ok).toBe(true);
    if (!plan.ok) return;
    const post = plan.value.actions[0] as ApiAction;
    expect(post).toMatchObject({
      kind: 'api',
      id: 'restore:s-inc-2',
      service: 'workloads',
      method: 'POST',
      path: '/snapshots/s-inc-2',
      change: { kind: 'restore', undo: [] },
    });
    expect(post.body).toEqual({
      restore: {
        name: 'DR restore of snap-inc-2',
        description: 'Selective restore by the Trilio DR Wizard',
        options: {
          name: 'DR restore of snap-inc-2',
          description: 'Selective restore by the Trilio DR Wizard',
          type: 'openstack',
          restore_type: 'selective',
          oneclickrestore: false,
          openstack: {
            instances: [
              {
                id: '59a84c3a-16bb-4c3e-97c1-9c20e540ab97',
                include: true,
                name: 'git-1',
                availability_zone: 'nova',
                restore_boot_disk: true,
                flavor: { vcpus: 2, ram: 4096, disk: 40, ephemeral: '', swap: '' },
                vdisks: [
                  {
                    id: 'e0b2c4d6-0000-4000-8000-00000000000a',
                    new_volume_type: '',
                    availability_zone: 'nova',
                  },
                  {
                    id: 'e0b2c4d6-0000-4000-8000-00000000000b',
                    new_volume_type: '',
                    availability_zone: 'nova',
                  },
                ],
                // 10.20.0.11 is outside engineering-dr-subnet (10.120.0.0/24): matched by MAC, new address.
                nics: [
                  {
                    mac_address: 'fa:16:3e:12:34:56',
                    network: {
                      id: '03883e5b-cf77-44b1-bfe1-420a9bc2d0e1',
                      subnet: { id: '104bc5a7-642f-4975-95dc-e83d454f4c92' },
                    },
                  },
                ],
              },
            ],
            networks_mapping: {
              networks: [
                {
                  snapshot_network: {
                    id: 'a7f0c2de-6f51-4a39-9d1c-0c9b2d1e8f11',
                    subnet: { id: 'c3b2a1f0-1111-4222-8333-444455556666' },
                  },
                  target_network: {
                    id: '03883e5b-cf77-44b1-bfe1-420a9bc2d0e1',
                    name: 'engineering-dr-net',
                    subnet: { id: '104bc5a7-642f-4975-95dc-e83d454f4c92' },
                  },
                },
              ],
            },
            restore_topology: false,
          },
        },
      },
    });
    expect(plan.value.summary).toContain(
      'engineering-net/engineering-subnet → engineering-dr-net/engineering-dr-subnet',
    );
    expect(plan.value.warnings.join('\n')).toContain(
      'NIC fa:16:3e:12:34:56 (10.20.0.11) of git-1 on snapshot network engineering-net, subnet engineering-subnet: the fixed IP 10.20.0.11 is outside target subnet 10.120.0.0/24 of engineering-dr-net, so it cannot be kept',
    );
    expect(plan.value.warnings.join('\n')).toContain(
      'volume type ceph-hdd does not exist in the target cloud',
    );
    expect(plan.value.warnings.join('\n')).toContain('runs as admin in project engineering-dr');
    expect(plan.value.verify[0]).toMatchObject({ method: 'GET', readOnly: true });
  });

  it('refuses the user’s choices that the target cloud cannot honour, naming each form field', () => {
    const f = facts();
    const choices: RestoreChoices = {
      ...restoreChoicesFor(f, null),
      instances: [
        {
          id: '59a84c3a-16bb-4c3e-97c1-9c20e540ab97',
          include: true,
          newName: 'git-1-dr',
          availabilityZone: 'az-2',
          // vda keeps cloud A's type (not in cloud B), vdb asks for one that does not exist.
          volumeTypes: { 'e0b2c4d6-0000-4000-8000-00000000000b': 'gold' },
        },
      ],
      networkMapping: {
        'a7f0c2de-6f51-4a39-9d1c-0c9b2d1e8f11': {
          networkId: '03883e5b-cf77-44b1-bfe1-420a9bc2d0e1',
          networkName: 'engineering-dr-net',
          subnetId: 'ffffffff-0000-4111-8222-333333333333',
        },
      },
    };
    const plan = planRestore(f, choices);
    expect(plan.ok).toBe(false);
    if (plan.ok) return;
    expect(plan.error.code).toBe('validation');
    expect(plan.error.fields?.map((x) => x.path)).toEqual([
      'restore.instances.0.availabilityZone',
      'restore.instances.0.volumeTypes.e0b2c4d6-0000-4000-8000-00000000000a',
      'restore.instances.0.volumeTypes.e0b2c4d6-0000-4000-8000-00000000000b',
      'restore.networkMapping.a7f0c2de-6f51-4a39-9d1c-0c9b2d1e8f11',
    ]);
    expect(plan.error.message).toContain('Availability zone az-2 does not exist');
    expect(plan.error.message).toContain('volume type gold does not exist');
    expect(plan.error.message).toContain('is not a subnet of target network engineering-dr-net');
  });

  it('needs a mapping for every used network unless the topology is restored', () => {
    const f = { ...facts(), networks: [] };
    const unmapped = planRestore(f, null);
    expect(!unmapped.ok && unmapped.error.fields?.[0]?.path).toBe(
      'restore.networkMapping.a7f0c2de-6f51-4a39-9d1c-0c9b2d1e8f11/c3b2a1f0-1111-4222-8333-444455556666',
    );
    const topology = planRestore(f, { ...restoreChoicesFor(f, null), restoreTopology: true });
    expect(topology.ok).toBe(true);
    if (!topology.ok) return;
    const body = (topology.value.actions[0] as ApiAction).body as {
      restore: { options: { openstack: unknown } };
    };
    expect(body.restore.options.openstack).toMatchObject({
      restore_topology: true,
      networks_mapping: { networks: [] },
    });
    expect(topology.value.warnings.join('\n')).toContain('restore_topology is on');
  });

  it('names excluded VMs and renames in the plan', () => {
    const f = facts();
    f.instances = [...f.instances, { id: 'vm-2', name: 'git-2', nics: [], disks: [] }];
    const defaults = restoreChoicesFor(f, null);
    defaults.instances[0]!.newName = 'git-1-dr';
    defaults.instances[1]!.include = false;
    const plan = planRestore(f, defaults);
    expect(plan.ok && plan.value.summary).toContain('git-1 → git-1-dr');
    expect(plan.ok && plan.value.warnings.join('\n')).toContain('Not restored: git-2');
  });
});

describe('planRestore with an image-booted VM on a kept subnet', () => {
  it('restores the boot disk with the instance, keeps the fixed IP and says so', () => {
    const f = facts();
    f.instances = instancesOf([
      {
        id: 'vm-img',
        name: 'wiki-1',
        flavor: { vcpus: 1, ram: 1024, disk: 10, ephemeral: 0, swap: 0 },
        nics: [
          {
            mac_address: 'fa:16:3e:00:00:99',
            ip_address: '10.120.0.45',
            network: {
              id: 'a7f0c2de-6f51-4a39-9d1c-0c9b2d1e8f11',
              name: 'engineering-net',
              subnet: {
                id: 'c3b2a1f0-1111-4222-8333-444455556666',
                name: 'engineering-subnet',
                cidr: '10.120.0.0/24',
              },
            },
          },
        ],
        vdisks: [{ label: 'vda', resource_id: 'res-vda', image_id: 'img-1', image_name: 'cirros-0.6' }],
      },
    ]);
    const plan = planRestore(f, null);
    expect(plan.ok).toBe(true);
    if (!plan.ok) return;
    const body = (plan.value.actions[0] as ApiAction).body as {
      restore: { options: { openstack: { instances: unknown[] } } };
    };
    expect(body.restore.options.openstack.instances[0]).toMatchObject({
      restore_boot_disk: true,
      flavor: { vcpus: 1, ram: 1024, disk: 10, ephemeral: 0, swap: 0 },
      vdisks: [],
      nics: [{ mac_address: 'fa:16:3e:00:00:99', ip_address: '10.120.0.45' }],
    });
    expect(plan.value.summary).toContain('wiki-1 (0 volume(s), image boot disk, zone nova)');
    expect(plan.value.warnings.join('\n')).toContain(
      'wiki-1 boots from image cirros-0.6: its boot disk is restored with the instance (restore_boot_disk), not as a volume.',
    );
    expect(plan.value.warnings.join('\n')).not.toContain('fixed IP');
  });
});

describe('restore change ids', () => {
  it('round-trip the snapshot and restore ids', () => {
    const id = restoreChangeId('s-inc-2', '0d9f4a52-2c1e-4c43-9d0f-6a2b7e1c3f55');
    expect(parseRestoreChangeId(id)).toEqual({
      snapshotId: 's-inc-2',
      restoreId: '0d9f4a52-2c1e-4c43-9d0f-6a2b7e1c3f55',
    });
    expect(parseRestoreChangeId('restore:s-inc-2')).toBeUndefined();
    expect(parseRestoreChangeId('grant:p:u:r')).toBeUndefined();
  });
});
