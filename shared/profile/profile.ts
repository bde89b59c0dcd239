import { z } from 'zod';

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
  /** NFS A1: the export cloud A's Trilio wrote to; its base64 path is in the backing files. */
  source: z.string().default(''),
  /** NFS B1: the export the target Trilio uses. */
  target: z.string(),
  /** NFS B2: the synced copy of A1 on the target side. */
  syncedCopy: z.string(),
  /** Where Trilio mounts exports on every node. */
  mountRoot: z.string().default('/var/triliovault-mounts'),
});
export type NfsConfig = z.infer<typeof nfsSchema>;

export const deploymentFlavor = z.enum(['systemd', 'kolla', 'rhosp', 'juju']);
export type DeploymentFlavor = z.infer<typeof deploymentFlavor>;

export const trilioSchema = z.object({
  flavor: deploymentFlavor.default('systemd'),
  /** Keystone role a user needs so Trilio can act for them (Trilio's `trustee_role`). */
  trusteeRole: z.string().default('creator'),
  /** Role granted to the admin user on each target project for the duration of the DR. */
  adminRole: z.string().default('admin'),
  /** Operator's copy of Trilio's CleanWlmDatabase script on the appliance; `{ids}` gets workload ids. */
  purgeCommand: z.string().default(''),
  /** Overrides for the flavor's defaults (empty = flavor default). */
  wlmConfPath: z.string().default(''),
  contegoConfPath: z.string().default(''),
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

export const profileSchema = z.object({
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
/** A profile as the renderer and exports see it: secret fields only say 'set' / 'not set'. */
export type Profile = z.infer<typeof profileSchema>;
export type ProfileInput = z.input<typeof profileSchema>;

export interface ProfileSummary {
  id: string;
  name: string;
  description: string;
  hostCount: number;
  updatedAt: string;
}

/** New secret values keyed by `secretKey(...)`; `null` clears a secret, an absent key keeps it. */
export type SecretUpdates = Record<string, string | null>;
