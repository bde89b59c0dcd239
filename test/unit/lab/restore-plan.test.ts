import { describe, expect, it } from 'vitest';
import type { SnapshotInstance, SnapshotRow } from '../../lab/trilio/emulator/appliance-db.js';
import type { HttpError } from '../../lab/trilio/emulator/http-kit.js';
import { readTenantMaps } from '../../lab/trilio/emulator/reassign.js';
import {
  diskProblem,
  disksToRestore,
  inCidr,
  instancesToRestore,
  nicRequests,
  validateRestoreOptions,
  volumeTypeFor,
} from '../../lab/trilio/emulator/restore-plan.js';

/** The emulator's reading of restore.json and of reassign maps, without the lab. */

const subnet = (id: string, cidr: string) => ({ id, name: id, cidr, ip_version: 4, gateway_ip: '' });
const head: SnapshotInstance = {
  id: 'vm-head',
  name: 'hpc-head',
  status: 'available',
  metadata: {},
  flavor: { name: 'm1.large', vcpus: '4', ram: '8192', disk: '80', ephemeral: '0', swap: '' },
  nics: [
    {
      mac_address: 'fa:16:3e:00:00:01',
      ip_address: '10.1.3.10',
      network: {
        id: 'net-r',
        name: 'research-net',
        cidr: '10.1.3.0/24',
        network_type: 'neutron',
        subnet: subnet('sub-1', '10.1.3.0/24'),
      },
    },
  ],
  vdisks: [
    {
      label: 'vda',
      resource_id: 'res-img',
      restore_size: 1,
      vm_id: 'vm-head',
      image_id: 'img-1',
      image_name: 'ubuntu',
      vault_url: '/w/x',
    },
  ],
  security_group: [],
};
const store: SnapshotInstance = {
  ...head,
  id: 'vm-store',
  name: 'hpc-store',
  nics: [
    {
      mac_address: 'fa:16:3e:00:00:02',
      ip_address: '10.1.13.11',
      network: {
        id: 'net-r',
        name: 'research-net',
        cidr: '10.1.13.0/24',
        network_type: 'neutron',
        subnet: subnet('sub-2', '10.1.13.0/24'),
      },
    },
  ],
  vdisks: [
    {
      label: 'vda',
      resource_id: 'res-a',
      restore_size: 1,
      vm_id: 'vm-store',
      volume_id: 'vol-a',
      volume_type: 'ceph-hdd',
      vault_url: '/w/a',
    },
    {
      label: 'vdb',
      resource_id: 'res-b',
      restore_size: 1,
      vm_id: 'vm-store',
      volume_id: 'vol-b',
      volume_type: 'ceph-ssd',
      vault_url: '/w/b',
    },
  ],
};
const snapshot = { id: 'snap-1', instances: [head, store] } as unknown as SnapshotRow;
const mapping = (entries: [string, string, string, string][]) => ({
  networks: entries.map(([net, sub, toNet, toSub]) => ({
    snapshot_network: { id: net, subnet: { id: sub } },
    target_network: { id: toNet, subnet: { id: toSub } },
  })),
});
const options = (instances: unknown[], networks = mapping([])) => ({
  type: 'openstack',
  restore_type: 'selective',
  oneclickrestore: false,
  openstack: { instances, networks_mapping: networks, restore_topology: false },
});

describe('restore.json at POST', () => {
  it('checks only the shape, with workloadmgr’s messages', () => {
    const message = (o: Record<string, unknown>) => {
      try {
        validateRestoreOptions(o);
        return 'accepted';
      } catch (error) {
        return `${(error as HttpError).status} ${(error as Error).message}`;
      }
    };
    expect(message({ type: 'vmware' })).toBe("400 'type' field in options is not set to 'openstack'");
    expect(message({ type: 'openstack' })).toBe("400 'openstack' field is not in options");
    expect(message({ type: 'openstack', openstack: {} })).toBe(
      "400 'restore_type' field must be one of 'inplace', 'selective', 'oneclick'",
    );
    expect(message({ type: 'openstack', openstack: {}, restore_type: 'selective' })).toBe(
      "400 'instances' field is not in found in options['instances']",
    );
    expect(message(options([]))).toBe('accepted');
  });
});

describe('which instances, disks and networks a restore uses', () => {
  it('restores every snapshot VM unless excluded; unknown entries are ignored', () => {
    const plans = instancesToRestore(
      snapshot,
      options([
        { id: 'vm-head', include: false },
        { id: 'stranger', include: true },
      ]),
    );
    expect(plans.map((p) => p.source.id)).toEqual(['vm-store']);
    expect(plans[0]).toMatchObject({ name: 'hpc-store', availabilityZone: 'nova', restoreBootDisk: false });
  });

  it('takes the flavor from restore.json over the snapshot’s', () => {
    const [plan] = instancesToRestore(
      snapshot,
      options([{ id: 'vm-head', flavor: { vcpus: 2, ram: 4096, disk: '', ephemeral: 0, swap: 0 } }]),
    );
    expect(plan!.flavor).toEqual({ vcpus: '2', ram: '4096', disk: '80', ephemeral: '0', swap: '0' });
  });

  it('maps a NIC on network AND subnet: two subnets of one network need two entries', () => {
    const both = options(
      [],
      mapping([
        ['net-r', 'sub-1', 'net-t', 'tsub-1'],
        ['net-r', 'sub-2', 'net-t', 'tsub-2'],
      ]),
    );
    const plans = instancesToRestore(snapshot, both);
    expect(
      plans.map((p) => nicRequests(p, both)[0]).map((r) => [r!.networkId, r!.subnetId, r!.ip, r!.source]),
    ).toEqual([
      ['net-t', 'tsub-1', null, 'networks_mapping'],
      ['net-t', 'tsub-2', null, 'networks_mapping'],
    ]);
    // One entry for the network (its first subnet only): the second subnet's NIC stays unmapped.
    const one = options([], mapping([['net-r', 'sub-1', 'net-t', 'tsub-1']]));
    const unmapped = nicRequests(instancesToRestore(snapshot, one)[1]!, one)[0]!;
    expect([unmapped.networkId, unmapped.subnetId]).toEqual(['net-r', 'sub-2']);
  });

  it('keeps the fixed IP of a NIC listed in nics (matched by MAC)', () => {
    const o = options([
      {
        id: 'vm-store',
        nics: [
          {
            mac_address: 'fa:16:3e:00:00:02',
            ip_address: '10.2.13.11',
            network: { id: 'net-t', subnet: { id: 'tsub-2' } },
          },
        ],
      },
    ]);
    const request = nicRequests(instancesToRestore(snapshot, o)[1]!, o)[0]!;
    expect(request).toMatchObject({
      networkId: 'net-t',
      subnetId: 'tsub-2',
      ip: '10.2.13.11',
      source: 'nics',
    });
    const noSubnet = options([
      { id: 'vm-store', nics: [{ mac_address: 'fa:16:3e:00:00:02', network: { id: 'net-t' } }] },
    ]);
    expect(nicRequests(instancesToRestore(snapshot, noSubnet)[1]!, noSubnet)[0]).toMatchObject({
      subnetId: null,
      ip: null,
    });
  });

  it('refuses an image-backed disk in vdisks and wants restore_boot_disk for it', () => {
    const inVdisks = instancesToRestore(
      snapshot,
      options([{ id: 'vm-head', restore_boot_disk: true, vdisks: [{ id: 'res-img' }] }]),
    );
    expect(diskProblem(inVdisks[0]!, 'snap-1')).toMatch(
      /names res-img, which is not a volume of the instance/,
    );
    const noFlag = instancesToRestore(snapshot, options([{ id: 'vm-head' }]));
    expect(diskProblem(noFlag[0]!, 'snap-1')).toMatch(
      /boots from image ubuntu \(img-1\) and restore_boot_disk is not set/,
    );
    const right = instancesToRestore(
      snapshot,
      options([{ id: 'vm-head', restore_boot_disk: true, vdisks: [] }]),
    );
    expect(diskProblem(right[0]!, 'snap-1')).toBeNull();
    expect(disksToRestore(right[0]!).map((d) => d.label)).toEqual(['vda']);
  });

  it('gives each volume the vdisks entry’s type, else the snapshot’s', () => {
    const [, plan] = instancesToRestore(
      snapshot,
      options([{ id: 'vm-store', vdisks: [{ id: 'vol-b', new_volume_type: 'fast-ssd' }] }]),
    );
    expect(plan!.source.vdisks.map((d) => volumeTypeFor(plan!, d))).toEqual(['ceph-hdd', 'fast-ssd']);
  });

  it('knows which addresses a subnet holds', () => {
    expect(inCidr('10.2.13.11', '10.2.13.0/24')).toBe(true);
    expect(inCidr('10.2.3.11', '10.2.13.0/24')).toBe(false);
    expect(inCidr('10.2.3.300', '10.2.3.0/24')).toBe(false);
  });
});

describe('reassign maps', () => {
  const full = {
    workload_ids: ['w'],
    old_tenant_ids: [],
    new_tenant_id: 'p',
    user_id: 'u',
    migrate_cloud: true,
  };
  const refusal = (body: unknown) => {
    try {
      readTenantMaps(body);
      return 'accepted';
    } catch (error) {
      return `${(error as HttpError).status} ${(error as Error).message}`;
    }
  };

  it('wants exactly the five keys', () => {
    expect(refusal([full])).toBe('accepted');
    const { migrate_cloud: _m, ...old } = full;
    expect(refusal([{ ...old, migrate: true }])).toMatch(/^400 .*unknown key\(s\) 'migrate'/);
    for (const key of Object.keys(full)) {
      const partial: Record<string, unknown> = { ...full };
      delete partial[key];
      expect(refusal([partial])).toMatch(new RegExp(`^400 .*missing key\\(s\\) '${key}'`));
    }
    expect(refusal({ ...full })).toMatch(/^400 Invalid input: the body must be a list/);
  });

  it('answers the controller’s messages', () => {
    expect(refusal([{ ...full, old_tenant_ids: ['x'] }])).toBe(
      '400 Please provide only one parameter among workload_ids and old_tenant_ids.',
    );
    expect(refusal([{ ...full, new_tenant_id: null }])).toBe(
      '400 Please provide required parameters: new_tenant_id.',
    );
    expect(refusal([{ ...full, user_id: null }])).toBe('400 Please provide required parameters: user_id.');
    expect(readTenantMaps([{ ...full, migrate_cloud: 'True' }])[0]!.migrate_cloud).toBe(false);
  });
});
