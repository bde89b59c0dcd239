/**
 * The shape of `.lab/lab.json`, written by `npm run lab -- up` and read by tests, benchmarks and people.
 * The fields named in the lab issue are kept exactly; everything else is additive.
 */
export interface LabCloudAdmin {
  username: string;
  password: string;
  project: string;
  userDomain: string;
  projectDomain: string;
}

export interface LabCloud {
  authUrl: string;
  region: string;
  /** The domain holding this cloud's projects. */
  domain: string;
  admin: LabCloudAdmin;
  /** Projects of this cloud: name → id. */
  projects: Record<string, string>;
  /** Users of this cloud: name → { id, password, project it is member of, roles } */
  users: Record<string, { id: string; password: string; project: string; roles: string[] }>;
  /** Neutron networks (cloud B): name → { id, project, subnets: name → id } */
  networks: Record<string, { id: string; project: string; subnets: Record<string, string> }>;
}

export type LabHostRole = 'tvm' | 'compute' | 'jump';

export interface LabHost {
  name: string;
  role: LabHostRole;
  address: string;
  port: number;
  user: string;
  keyFile?: string;
  password?: string;
  /** Name of the jump host this host is reachable through. */
  via?: string;
  /** The user is not root and must use `sudo -n`. */
  sudo?: boolean;
  /** `ssh-ed25519 AAAA…` public host key, for a known_hosts import. */
  hostKey: string;
  /** PID of the host's sshd (its mount namespace), for test assertions with nsenter. */
  pid?: number;
  /** The per-host directory on this machine that holds the host's private files. */
  rootDir: string;
}

export interface LabWorkload {
  id: string;
  name: string;
  /** Cloud A project id in the workload's metadata. */
  sourceProject: string;
  sourceProjectName: string;
  /** Cloud B project name designated as restore target. */
  targetProject: string;
  /** Share the workload sits on (A1, and its synced copy B2). */
  share: 'A1' | 'B2' | 'B1';
  /** Snapshot ids, oldest first (the first is the full). */
  snapshots: string[];
  vms: { id: string; name: string; disks: number }[];
  /** Native to cloud B (in Trilio B's database from the start), not a DR source. */
  managed?: boolean;
}

export interface LabJson {
  clouds: { A: LabCloud; B: LabCloud };
  trilio: {
    /** The emulator's workloadmgr API root; append `/{project_id}` (the catalog URL does). */
    url: string;
    /** service type registered in the catalog */
    serviceType: string;
    /** Nova and Cinder read endpoints the emulator also serves (catalog types `compute`, `volumev3`). */
    computeUrl?: string;
    volumeUrl?: string;
    /**
     * Loopback-only test controls: `POST /_lab/faults`, `POST /_lab/reset`, `POST /_lab/purge`,
     * `POST|GET|DELETE /_lab/restore-failures` (fail a workload's next restore), `GET /_lab/database`.
     */
    labControlUrl?: string;
    /** The purge script on the TVM (`{ids}`: workload ids), what profiles before the CleanWlmDatabase folder ran. */
    purgeCommand?: string;
    /** The operator's copy of Trilio's wlSnapshotDeletePython folder on tvm-1 (the profile's `trilio.dbCleanup.scriptDir`). */
    cleanDbScriptDir?: string;
    /** The workloadmgr API as registered in the catalog (the installer's port: 8780, or 8781). */
    catalogUrl: string;
    /** The Trilio the lab plays on cloud B (`up --trilio-release R --installer I`). */
    release: string;
    installer: string;
    /** Kolla's docker or podman, podman on director, else null. */
    containerEngine: string | null;
    /** Where cloud B's Trilio mounts its shares, and how it names the folders. */
    mountRoot: string;
    /** `export`: base64 of the whole `IP:/path` (≤ 4.1); `path`: base64 of the path only (≥ 4.2). */
    folderForm: 'export' | 'path';
    /** `export-list` (`vault_storage_nfs_export`) or `backends` (6.0/6.1 `enabled_backends`). */
    configModel: 'export-list' | 'backends';
    /** Appliance (WLM) config files on the TVM; `applianceConfig` is the one wlm-workloads reads. */
    applianceConfigs: string[];
    applianceConfig: string;
    /** The datamover's config file on every compute node. */
    datamoverConfig: string;
    /** The installer's restart commands ([] on Juju: the charms own the services). */
    restartAppliance: string[];
    restartDatamover: string[];
    /** nova's ids on the hosts (name null: the id has no name there). */
    nova: { uid: number; gid: number; name: string | null };
    /** The config files belong to Juju charms (change them with `juju config`). */
    charmManaged: boolean;
    /** The Trilio that wrote the backups on A1 (and B2): its mount root and folder form are in the backing paths. */
    backups: { release: string; installer: string; mountRoot: string; folderForm: 'export' | 'path' };
  };
  hosts: LabHost[];
  nfs: { A1: string; B1: string; B2: string };
  sharesDir: { A1: string; B1: string; B2: string };
  workloads: LabWorkload[];
  smtp: {
    host: string;
    port: number;
    /** A Maildir: one file per message under `<maildir>/new`. */
    maildir: string;
    /** AUTH PLAIN/LOGIN account, offered only after the mandatory STARTTLS. */
    username?: string;
    password?: string;
    /** The sink's self-signed certificate, for a client's CA list. */
    caCertFile?: string;
  };
  profileFile: string;
  /** The role a user needs so Trilio acts for them. */
  trusteeRole: string;
  postgres: { host: string; port: number };
  /** Everything about the lab's own processes, for `down`. */
  startedAt: string;
}
