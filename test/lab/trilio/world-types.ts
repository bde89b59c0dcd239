import type { FolderForm, TrilioProfileInput } from './emulator/trilio-profile.js';
import type { FlavorSpec } from './workload-specs.js';

/**
 * The generated Trilio world as the generator made it (`.lab/trilio/world.json`): what is on the
 * shares, with every id. The emulator resets its database from it; tests and lab.json read it.
 */

export interface WorldDisk {
  name: string;
  /** Id of the Cinder volume (volume-backed disks only). */
  volumeId?: string;
  /** The Glance image an image-backed boot disk was made from (no volume). */
  image?: { id: string; name: string };
  /** '' for an image-backed disk. */
  volumeType: string;
  sizeBytes: number;
  boot: boolean;
}

export interface WorldNic {
  /** Snapshot network name (see `snapshotNetworks`). */
  network: string;
  /** Its subnet the NIC is on. */
  subnet: string;
}

export interface WorldVm {
  id: string;
  key: string;
  name: string;
  flavor: FlavorSpec;
  nics: WorldNic[];
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
  /** The Trilio that wrote it (its backing paths and owner). */
  writer: WorldWriter;
  vms: WorldVm[];
  /** Oldest first; the first is the full. */
  snapshots: WorldSnapshot[];
  /** Digest of everything the folder was generated from (ids, owners); a change regenerates it. */
  digest: string;
}

/** How one cloud's Trilio wrote its backups: the mount path in backing files, the files' owner. */
export interface WorldWriter {
  release: string;
  installer: string;
  mountRoot: string;
  folderForm: FolderForm;
  owner: { uid: number; gid: number };
}

/** A: the Trilio that wrote cloud A's backups (A1, B2); B: the live appliance (B1). */
export type WorldWriters = Record<'A' | 'B', WorldWriter>;

export interface GeneratedWorld {
  generatedAt: string;
  writers?: WorldWriters;
  /** The generator inputs the writers came from (a later call without them keeps these). */
  inputs?: { backups?: TrilioProfileInput; appliance?: TrilioProfileInput };
  workloads: WorldWorkload[];
}
