import type { FieldError } from '../result.js';
import type { Profile } from '../profile/profile.js';
import type { ProfileChange } from './profile-diff.js';
import type { NovaComparison } from './nova-compare.js';

/**
 * "Start from my environment": what the admin points the wizard at (files on the machine that runs
 * the wizard's core), and what the wizard found there. Secrets found never travel in these objects:
 * the core keeps them with the pending discovery until it is saved.
 */
export type CloudRef =
  /** A cloud of clouds.yaml (`OS_CLOUD` name). */
  | { kind: 'clouds-yaml'; cloud: string }
  /** An openrc file (parsed, never run). */
  | { kind: 'openrc'; file: string };

export interface DiscoveryRequest {
  /** The profile's name; a stored profile of that name is updated (after the diff is confirmed). */
  name: string;
  clouds: { source?: CloudRef | undefined; target: CloudRef };
  /** clouds.yaml / secure.yaml to read instead of the standard places. */
  cloudsFile?: string | undefined;
  secureFile?: string | undefined;
  /** ~/.ssh/config by default; '' reads none. */
  sshConfig?: string | undefined;
  /** known_hosts files; by default the ssh config's UserKnownHostsFile (~/.ssh/known_hosts). */
  knownHosts?: string[] | undefined;
  /** An Ansible inventory (INI or YAML). */
  inventory?: string | undefined;
  /** NFS exports given by the admin; the target share is otherwise read from the target appliance. */
  nfs?: { source?: string | undefined; target?: string | undefined; syncedCopy?: string | undefined };
  /** Contact the clouds (Nova) and the target appliance (Trilio configuration). Default true. */
  probe?: boolean | undefined;
}

/** One source that was read, and what of it was not taken over. */
export interface DiscoverySource {
  kind:
    | 'clouds.yaml'
    | 'secure.yaml'
    | 'openrc'
    | 'ssh config'
    | 'known_hosts'
    | 'inventory'
    | 'nova'
    | 'appliance';
  origin: string;
  summary: string;
  notes: string[];
}

/** How a host's key will be trusted when the profile is saved. */
export interface HostKeyFinding {
  hostId: string;
  /** known_hosts name: `addr` or `[addr]:port`. */
  host: string;
  /** `pinned`: found in known_hosts, pinned without a prompt; `kept`: already pinned in the stored profile;
   * `unknown`: not found, the first connection asks once; `changed`: known_hosts differs from the key already
   * pinned — refused, not replaced. */
  status: 'pinned' | 'kept' | 'unknown' | 'changed';
  fingerprints: string[];
  source?: string;
}

export interface Discovery {
  /** Handle of the pending discovery (its secrets stay in the core until saved or expired). */
  id: string;
  profile: Profile;
  /** The stored profile of the same name, if any: the diff is against it. */
  existing: Profile | null;
  diff: ProfileChange[];
  hostKeys: HostKeyFinding[];
  /** Nova's hypervisors of the target cloud against the profile's compute nodes (null: not asked). */
  nova: NovaComparison | null;
  sources: DiscoverySource[];
  /** Keys of the secrets found (never the values): they are saved with the profile. */
  secretsFound: string[];
  /** What still needs the admin before the profile can run (validation of the proposed profile). */
  problems: FieldError[];
}
