import { sourceToRestore } from '../clouds/clouds-spec.js';
import type { ShareName } from '../topology.js';

/**
 * The Trilio workloads the lab generates: six on cloud A's share A1 (the DR sources, spread over
 * finance, engineering and research; single- and multi-VM, single- and multi-disk, chains of 4 to 6
 * snapshots) and one "managed" workload native to cloud B on B1. Pure data; the generator turns it into
 * folders, JSON files and qcow2 chains.
 */

export interface FlavorSpec {
  id: string;
  name: string;
  vcpus: number;
  ram: number;
  disk: number;
}

export interface DiskSpec {
  /** Device name, also the `<disk name>` in `vm_res_id_<resource id>_<disk name>`. */
  name: string;
  /** Virtual size of the qcow2 file in MiB (tiny on purpose). */
  sizeMiB: number;
  /** Volume type on the cloud the workload was backed up on ('' for an image-backed disk). */
  volumeType: string;
  /** Boot disk (`/dev/vda`) or data volume. */
  boot: boolean;
  /**
   * An image-backed boot disk (the VM booted from a Glance image, no Cinder volume): the snapshot
   * records `image_id`/`image_name` instead of `volume_id`, and a restore brings it back with
   * `restore_boot_disk`, not through `vdisks`.
   */
  image?: string;
}

export interface NicSpec {
  /** Snapshot network name (a key of `snapshotNetworks`). */
  network: string;
  /** Subnet name; the network's first subnet when omitted. */
  subnet?: string;
}

export interface VmSpec {
  /** Short stable key for seeded ids. */
  key: string;
  name: string;
  flavor: FlavorSpec;
  /** The VM's NICs, in order. */
  nics: NicSpec[];
  disks: DiskSpec[];
}

export interface WorkloadSpec {
  key: string;
  name: string;
  description: string;
  cloud: 'A' | 'B';
  /** Project name on that cloud (ids come from the seeded Keystone). */
  project: string;
  /** User name on that cloud who owns the workload. */
  owner: string;
  /** The share it is written on. */
  share: Extract<ShareName, 'A1' | 'B1'>;
  /** Incrementals after the full (at least 3). */
  incrementals: number;
  vms: VmSpec[];
}

export const flavors: Record<string, FlavorSpec> = {
  small: { id: '2', name: 'm1.small', vcpus: 1, ram: 2048, disk: 20 },
  medium: { id: '3', name: 'm1.medium', vcpus: 2, ram: 4096, disk: 40 },
  large: { id: '4', name: 'm1.large', vcpus: 4, ram: 8192, disk: 80 },
};

export interface SubnetSpec {
  name: string;
  cidr: string;
  gateway: string;
}

/**
 * Networks as the snapshots recorded them on the cloud they were taken on. Cloud A's names and CIDRs
 * match the lab's seeded cloud A networks; the ids are the generator's own (cloud A is "lost").
 * `research-net` has two subnets with VMs on each (res-hpc), so a restore needs one mapping per
 * network AND subnet.
 */
export const snapshotNetworks: Record<string, { subnets: SubnetSpec[] }> = {
  'finance-net': { subnets: [{ name: 'finance-subnet', cidr: '10.1.1.0/24', gateway: '10.1.1.1' }] },
  'finance-backend': {
    subnets: [{ name: 'finance-backend-subnet', cidr: '10.1.11.0/24', gateway: '10.1.11.1' }],
  },
  'engineering-net': {
    subnets: [{ name: 'engineering-subnet', cidr: '10.1.2.0/24', gateway: '10.1.2.1' }],
  },
  'research-net': {
    subnets: [
      { name: 'research-subnet', cidr: '10.1.3.0/24', gateway: '10.1.3.1' },
      { name: 'research-storage-subnet', cidr: '10.1.13.0/24', gateway: '10.1.13.1' },
    ],
  },
  'finance-dr-net': { subnets: [{ name: 'finance-dr-subnet', cidr: '10.2.1.0/24', gateway: '10.2.1.1' }] },
};

/**
 * Networks of worlds generated beside the lab's (the scale bench's projects): registered before those
 * workloads are planned and written, so their snapshots record them like the lab's own.
 */
export function addSnapshotNetworks(extra: Record<string, { subnets: SubnetSpec[] }>): void {
  Object.assign(snapshotNetworks, extra);
}

const disk = (name: string, sizeMiB: number, volumeType: string): DiskSpec => ({
  name,
  sizeMiB,
  volumeType,
  boot: name === 'vda',
});

/** A boot disk made from a Glance image (no volume). */
const imageDisk = (name: string, sizeMiB: number, image: string): DiskSpec => ({
  name,
  sizeMiB,
  volumeType: '',
  boot: true,
  image,
});

const nic = (network: string, subnet?: string): NicSpec => (subnet ? { network, subnet } : { network });

export const workloadSpecs: WorkloadSpec[] = [
  {
    key: 'fin-erp',
    name: 'fin-erp',
    description: 'ERP application and database',
    cloud: 'A',
    project: 'finance',
    owner: 'alice',
    share: 'A1',
    incrementals: 3,
    vms: [
      {
        key: 'erp-app',
        name: 'erp-app',
        flavor: flavors.medium!,
        nics: [nic('finance-net')],
        disks: [disk('vda', 2, 'ceph-hdd'), disk('vdb', 1, 'ceph-hdd')],
      },
      {
        key: 'erp-db',
        name: 'erp-db',
        flavor: flavors.large!,
        nics: [nic('finance-net'), nic('finance-backend')],
        disks: [disk('vda', 2, 'ceph-hdd'), disk('vdb', 4, 'ceph-ssd')],
      },
    ],
  },
  {
    key: 'fin-web',
    name: 'fin-web',
    description: 'Finance intranet web server',
    cloud: 'A',
    project: 'finance',
    owner: 'alice',
    share: 'A1',
    incrementals: 3,
    vms: [
      {
        key: 'web-1',
        name: 'fin-web-1',
        flavor: flavors.small!,
        nics: [nic('finance-net')],
        disks: [disk('vda', 2, 'ceph-hdd')],
      },
    ],
  },
  {
    key: 'eng-ci',
    name: 'eng-ci',
    description: 'CI controller and runners',
    cloud: 'A',
    project: 'engineering',
    owner: 'bob',
    share: 'A1',
    incrementals: 3,
    vms: [
      {
        key: 'ci-controller',
        name: 'ci-controller',
        flavor: flavors.medium!,
        nics: [nic('engineering-net')],
        disks: [disk('vda', 2, 'ceph-hdd')],
      },
      {
        key: 'ci-runner-1',
        name: 'ci-runner-1',
        flavor: flavors.small!,
        nics: [nic('engineering-net')],
        disks: [disk('vda', 1, 'ceph-hdd')],
      },
      {
        key: 'ci-runner-2',
        name: 'ci-runner-2',
        flavor: flavors.small!,
        nics: [nic('engineering-net')],
        disks: [disk('vda', 1, 'ceph-hdd')],
      },
    ],
  },
  {
    key: 'eng-git',
    name: 'eng-git',
    description: 'Git server with a repository volume',
    cloud: 'A',
    project: 'engineering',
    owner: 'bob',
    share: 'A1',
    incrementals: 3,
    vms: [
      {
        key: 'git-1',
        name: 'git-1',
        flavor: flavors.medium!,
        nics: [nic('engineering-net')],
        disks: [disk('vda', 2, 'ceph-hdd'), disk('vdb', 3, 'ceph-ssd')],
      },
    ],
  },
  {
    key: 'res-hpc',
    name: 'res-hpc',
    description:
      'HPC head node booted from an image and a storage node with three data volumes, on two subnets of research-net',
    cloud: 'A',
    project: 'research',
    owner: 'carol',
    share: 'A1',
    incrementals: 3,
    vms: [
      {
        key: 'hpc-head',
        name: 'hpc-head',
        flavor: flavors.large!,
        nics: [nic('research-net', 'research-subnet')],
        // Booted from a Glance image: no volume, restored with restore_boot_disk.
        disks: [imageDisk('vda', 2, 'ubuntu-22.04-hpc')],
      },
      {
        key: 'hpc-store',
        name: 'hpc-store',
        flavor: flavors.medium!,
        nics: [nic('research-net', 'research-storage-subnet')],
        disks: [
          disk('vda', 2, 'ceph-hdd'),
          disk('vdb', 1, 'ceph-ssd'),
          disk('vdc', 1, 'ceph-ssd'),
          disk('vdd', 1, 'ceph-hdd'),
        ],
      },
    ],
  },
  {
    key: 'res-notebook',
    name: 'res-notebook',
    description: 'Jupyter notebook server (long incremental chain)',
    cloud: 'A',
    project: 'research',
    owner: 'carol',
    share: 'A1',
    incrementals: 5,
    vms: [
      {
        key: 'notebook-1',
        name: 'notebook-1',
        flavor: flavors.small!,
        nics: [nic('research-net')],
        disks: [disk('vda', 2, 'ceph-hdd')],
      },
    ],
  },
  {
    key: 'fin-dr-reports',
    name: 'fin-dr-reports',
    description: 'Reporting server protected by Trilio B (managed, native to cloud B)',
    cloud: 'B',
    project: 'finance-dr',
    owner: 'alice-dr',
    share: 'B1',
    incrementals: 3,
    vms: [
      {
        key: 'reports-1',
        name: 'reports-1',
        flavor: flavors.small!,
        nics: [nic('finance-dr-net')],
        disks: [disk('vda', 2, 'standard')],
      },
    ],
  },
];

/** Designated restore project on cloud B for each project a workload belongs to (clouds-spec's map). */
export const restoreProjectOf: Record<string, string> = { ...sourceToRestore, 'finance-dr': 'finance-dr' };

/** Cloud B's volume types and availability zones, served by the emulator's Cinder/Nova endpoints. */
export const targetVolumeTypes = ['__DEFAULT__', 'standard', 'fast-ssd'] as const;
export const availabilityZones = ['nova'] as const;
