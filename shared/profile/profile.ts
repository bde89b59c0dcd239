import { z } from 'zod';
import { trilioInstallers } from '../trilio/installer-facts.js';
import { upgradeLegacyProfile } from './profile-legacy.js';

/**
 * An environment profile: everything the wizard needs to know about the two clouds, the Trilio
 * appliance, the compute nodes, the NFS shares and how to reach the hosts.
 *
 * Secrets are never part of a profile value. Each secret-bearing field is a `SecretState` ('set' or
 * 'not set') that the main process computes from the encrypted secret store; new values travel
 * separately in `SecretUpdates`, keyed by `secretKey(...)`.
 */
export const secretState = z.enum(['set', 'not set']);
export type SecretState = z.infer<typeof secretState>;

export const cloudSide = z.enum(['source', 'target']);
export type CloudSide = z.infer<typeof cloudSide>;

export const cloudSchema = z.object({
  /** Keystone v3 URL, e.g. https://keystone.example:5000/v3 */
  authUrl: z.string(),
  region: z.string(),
  interface: z.enum(['public', 'internal', 'admin']).default('public'),
  authKind: z.enum(['password', 'application-credential']).default('password'),
  username: z.string().default(''),
  userDomain: z.string().default('Default'),
  project: z.string().default('admin'),
  projectDomain: z.string().default('Default'),
  password: secretState.default('not set'),
  applicationCredentialId: z.string().default(''),
  applicationCredentialSecret: secretState.default('not set'),
  /** The domain whose projects are the restore targets (runbook: "target_domain"). */
  domain: z.string().default('Default'),
  caBundlePath: z.string().default(''),
  insecure: z.boolean().default(false),
  /** Overrides the Trilio URL from the service catalog (type `workloads`). */
  trilioUrl: z.string().default(''),
});
export type CloudConfig = z.infer<typeof cloudSchema>;

export const hostRole = z.enum(['tvm', 'compute', 'jump']);
export type HostRole = z.infer<typeof hostRole>;

export const hostSchema = z.object({
  /** Stable id within the profile (slug); secrets and known host keys hang off it. */
  id: z.string(),
  name: z.string(),
  role: hostRole,
  address: z.string(),
  port: z.number().int().default(22),
  user: z.string().default('root'),
  auth: z.enum(['key', 'password', 'agent']).default('key'),
  /** Private key file on this machine; alternatively the key itself is stored as a secret. */
  keyFile: z.string().default(''),
  privateKey: secretState.default('not set'),
  keyPassphrase: secretState.default('not set'),
  password: secretState.default('not set'),
  /** Id of the jump host this host is reached through (ProxyJump). */
  via: z.string().default(''),
  /** Run privileged commands through `sudo -n` (non-root user). */
  sudo: z.boolean().default(false),
});
export type HostConfig = z.infer<typeof hostSchema>;

export const nfsSchema = z.object({
  /** NFS A1: the export cloud A's Trilio wrote to; its mount folder is in the backing files. */
  source: z.string().default(''),
  /** NFS B1: the export the target Trilio uses. */
  target: z.string(),
  /** NFS B2: the synced copy of A1 on the target side. */
  syncedCopy: z.string(),
});
export type NfsConfig = z.infer<typeof nfsSchema>;

export const trilioInstaller = z.enum(trilioInstallers);

/**
 * One cloud's Trilio: its release and installer decide the defaults (shared/trilio/trilio-facts.ts);
 * every default can be overridden here ('' / 'auto' keep the default). Pre-flight compares these with
 * what the live nodes show and stops on a mismatch.
 */
export const trilioCloudSchema = z.object({
  /** Trilio for OpenStack release, major.minor (e.g. 4.1, 5.2, 6.1). */
  release: z.string().default('4.1'),
  installer: trilioInstaller.default('packages'),
  /** Kolla runs its containers with docker or (newer releases) podman. */
  containerEngine: z.enum(['docker', 'podman']).default('docker'),
  /** Where Trilio mounts its shares ('' = the installer's default). */
  mountRoot: z.string().default(''),
  /** Whole `IP:/path` or path only in the mount folder name ('auto' = from the release). */
  folderForm: z.enum(['auto', 'export', 'path']).default('auto'),
  /** `vault_storage_nfs_export` list, 6.x `enabled_backends` sections, or managed targets ('auto' = release). */
  configModel: z.enum(['auto', 'export-list', 'backends', 'managed']).default('auto'),
  applianceConfPath: z.string().default(''),
  datamoverConfPath: z.string().default(''),
  /** Restart commands as argument lists ([] = the installer's). */
  restartAppliance: z.array(z.string()).default([]),
  restartDatamover: z.array(z.string()).default([]),
  /** Owner of copied workload folders, `user:group` or `uid:gid` ('' = the installer's). */
  owner: z.string().default(''),
});
export type TrilioCloudConfig = z.infer<typeof trilioCloudSchema>;

/**
 * Trilio's database clean-up (trilioData/solutions, `openstack/CleanWlmDatabase/wlSnapshotDeletePython`):
 * the operator's copy of that folder on the appliance reads `connection.json` and `workload_ids.txt`
 * (in its `config/` folder, as Trilio publishes it) and `workloads_delete.py` purges the rows. The
 * connection values come from the appliance config's `[database] connection` unless set here.
 */
export const dbCleanupSchema = z.object({
  /** Absolute path of the wlSnapshotDeletePython folder on the appliance ('' = not set up). */
  scriptDir: z.string().default(''),
  host: z.string().default(''),
  /** 0 = from the appliance config (else MySQL's 3306). */
  port: z.number().int().default(0),
  user: z.string().default(''),
  database: z.string().default(''),
  /** Set in the secret store (`trilio.dbCleanup.password`); not set = the appliance config's. */
  password: secretState.default('not set'),
});
export type DbCleanupConfig = z.infer<typeof dbCleanupSchema>;

export const trilioSchema = z.object({
  /** Cloud A's Trilio: how its backups name mount folders (backing files keep that form). */
  source: trilioCloudSchema.default(trilioCloudSchema.parse({})),
  /** Cloud B's Trilio: the one the DR reconfigures and restores with. */
  target: trilioCloudSchema.default(trilioCloudSchema.parse({})),
  /**
   * Keystone role(s) a user needs so Trilio can act for them (Trilio's `trustee_role`); like Trilio's
   * option it may be a comma-separated list, any of which qualifies.
   */
  trusteeRole: z.string().default('creator'),
  /** Role granted to the admin user on each target project for the duration of the DR. */
  adminRole: z.string().default('admin'),
  /** Trilio's database clean-up script and its connection (preferred over `purgeCommand`). */
  dbCleanup: dbCleanupSchema.default(dbCleanupSchema.parse({})),
  /**
   * Older profiles: a command run on the appliance with the workload ids (`{ids}`). Still run when
   * `dbCleanup.scriptDir` is empty, so a profile saved before keeps working.
   */
  purgeCommand: z.string().default(''),
});
export type TrilioConfig = z.infer<typeof trilioSchema>;

export const sshSettingsSchema = z.object({
  concurrency: z.number().int().default(20),
  connectTimeoutSec: z.number().int().default(15),
  commandTimeoutSec: z.number().int().default(900),
  keepaliveSec: z.number().int().default(15),
});
export type SshSettings = z.infer<typeof sshSettingsSchema>;

export const projectMappingSchema = z.object({
  sourceProjectId: z.string(),
  sourceProjectName: z.string().default(''),
  targetProject: z.string(),
  trusteeUser: z.string().default(''),
});
export type ProjectMapping = z.infer<typeof projectMappingSchema>;

export const smtpSchema = z.object({
  host: z.string().default(''),
  port: z.number().int().default(587),
  starttls: z.boolean().default(true),
  username: z.string().default(''),
  password: secretState.default('not set'),
  from: z.string().default(''),
  /**
   * PEM file of the CA that signed the mail server's certificate, on the machine running the wizard
   * ('' = the system CAs): internal relays often use a private CA.
   */
  caFile: z.string().default(''),
});
export type SmtpConfig = z.infer<typeof smtpSchema>;

/** The RTO target of every workload unless its target project has its own (4 hours). */
export const DEFAULT_RTO_TARGET_MINUTES = 240;

/**
 * What the run report measures against: the recovery time objective per workload (run start → the
 * restore is available), one for the whole profile, overridable per target project.
 */
export const reportingSchema = z.object({
  rtoTargetMinutes: z.number().int().positive().default(DEFAULT_RTO_TARGET_MINUTES),
  perProject: z
    .array(
      z.object({
        /** Target project name (or id) in cloud B. */
        project: z.string(),
        rtoTargetMinutes: z.number().int().positive(),
      }),
    )
    .default([]),
});
export type ReportingConfig = z.infer<typeof reportingSchema>;

export const profileObjectSchema = z.object({
  id: z.string().default(''),
  name: z.string(),
  description: z.string().default(''),
  clouds: z.object({ source: cloudSchema, target: cloudSchema }),
  hosts: z.array(hostSchema).default([]),
  nfs: nfsSchema,
  trilio: trilioSchema.default(trilioSchema.parse({})),
  ssh: sshSettingsSchema.default(sshSettingsSchema.parse({})),
  projectMapping: z.array(projectMappingSchema).default([]),
  smtp: smtpSchema.default(smtpSchema.parse({})),
  reporting: reportingSchema.default(reportingSchema.parse({})),
});
/** Parses a profile, first lifting fields of older profiles into today's shape (profile-legacy.ts). */
export const profileSchema = z.preprocess(upgradeLegacyProfile, profileObjectSchema);
/** A profile as the renderer and exports see it: secret fields only say 'set' / 'not set'. */
export type Profile = z.infer<typeof profileObjectSchema>;
export type ProfileInput = z.input<typeof profileObjectSchema>;

export interface ProfileSummary {
  id: string;
  name: string;
  description: string;
  hostCount: number;
  updatedAt: string;
}

/** New secret values keyed by `secretKey(...)`; `null` clears a secret, an absent key keeps it. */
export type SecretUpdates = Record<string, string | null>;
