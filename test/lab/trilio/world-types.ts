import type { FlavorSpec } from './workload-specs.js';

/**
 * The generated Trilio world as the generator made it (`.lab/trilio/world.json`): what is on the
 * shares, with every id. The emulator resets its database from it; tests and lab.json read it.
 */

export interface WorldDisk {
  name: string;
  /** Id of the volume in the snapshot; also the qcow2 file's name. */
  volumeId: string;
  volumeType: string;
  sizeBytes: number;
  boot: boolean;
}

export interface WorldVm {
  id: string;
  key: string;
  name: string;
  flavor: FlavorSpec;
  /** Snapshot network names (see `snapshotNetworks`). */
  networks: string[];
  disks: WorldDisk[];
}

export interface WorldSnapshot {
  id: string;
  type: 'full' | 'incremental';
  createdAt: string;
}

export interface WorldWorkload {
  id: string;
  key: string;
  name: string;
  description: string;
  cloud: 'A' | 'B';
  /** The share it was written on and whose mount path its backing files name. */
  share: 'A1' | 'B1';
  shareExport: string;
  projectId: string;
  projectName: string;
  userId: string;
  userName: string;
  /** Designated restore project name on cloud B. */
  targetProject: string;
  /** Native to cloud B: in Trilio B's database from the start. */
  managed: boolean;
  createdAt: string;
  vms: WorldVm[];
  /** Oldest first; the first is the full. */
  snapshots: WorldSnapshot[];
  /** Digest of everything the folder was generated from (ids, owners); a change regenerates it. */
  digest: string;
}

export interface GeneratedWorld {
  generatedAt: string;
  workloads: WorldWorkload[];
}
