import { defaultFlavor, flavorKey, type LabFlavor } from '../flavor/flavor.js';
import { flavorFacts, type FlavorFacts } from '../flavor/flavor-facts.js';
import type { Account, InstallerLayout, LabServiceName, ServiceLayout } from '../flavor/installers.js';
import type { LabHostRole } from '../lab-json.js';
import type { HostsWorld } from './hosts-world.js';

/**
 * Which hosts a lab has and how each one is reached: the variety the DR wizard must cope with.
 *
 *   tvm-1        root, key (the lab key and the passphrase key)
 *   compute-1    root, key
 *   compute-2    root, password only (key auth off)
 *   compute-3    drops (NOPASSWD sudo) and drask (sudo asks for a password), keys; root login refused
 *   compute-N    root, key, only through jump-1 (when N ≥ 4)
 *   compute-…    root, key
 *   jump-1       root, key (exists when there is a hidden compute)
 *   jump-2       root, key, only through jump-1: listens on the jump namespace's own loopback (two-hop chains)
 */

/** Lab-only secrets, fixed so tests and people can use them. */
export const labCredentials = {
  /** Passphrase of the second lab key (`lab_passphrase_ed25519`), authorized on tvm-1. */
  keyPassphrase: 'lab key passphrase',
  /** root's password on compute-2, the password-auth host. */
  rootPassword: 'lab-root-pw',
  /** compute-3's user whose sudo needs no password. */
  sudoUser: 'drops',
  /** compute-3's user whose sudo asks for a password, and that password. */
  askingSudoUser: 'drask',
  askingSudoPassword: 'lab-drask-pw',
} as const;

export interface LabAccount {
  name: string;
  uid: number;
  gid: number;
  gecos: string;
  home: string;
  shell: string;
  /** Clear-text password (hashed into the host's shadow); none: `*` (no password login, not locked). */
  password?: string;
}

/**
 * nova has the same uid/gid on every host of a lab: the runbook chowns workload folders nova:nova on
 * shared storage. Package installs name it (162 in the lab); Kolla and director use 42436 with no name
 * on the host (no account); OpenStack-Ansible names it with 42436.
 */
export const novaAccount: LabAccount = {
  name: 'nova',
  uid: 162,
  gid: 162,
  gecos: 'OpenStack Nova Daemons',
  home: '/var/lib/nova',
  shell: '/bin/sh',
};

function novaAccounts(nova: Account): LabAccount[] {
  return nova.name === null ? [] : [{ ...novaAccount, name: nova.name, uid: nova.uid, gid: nova.gid }];
}

const sudoAccounts: LabAccount[] = [
  { name: 'drops', uid: 1101, gid: 1101, gecos: 'DR operator', home: '/home/drops', shell: '/bin/bash' },
  {
    name: 'drask',
    uid: 1102,
    gid: 1102,
    gecos: 'DR operator (sudo asks)',
    home: '/home/drask',
    shell: '/bin/bash',
    password: labCredentials.askingSudoPassword,
  },
];

export type ClientKey = 'lab' | 'passphrase';
/** The lab's name of a Trilio service (its state files), whatever unit or container runs it. */
export type ServiceName = LabServiceName;

/** What a host's Trilio is: the flavor's layout for its role (nothing on the jump host). */
export interface HostTrilio {
  /** `flavorKey` of the lab's flavor: a host built for another flavor is rebuilt from scratch. */
  flavor: string;
  release: string;
  installer: string;
  mountRoot: string;
  mountRootOwner: { uid: number; gid: number; mode: number };
  folderForm: FlavorFacts['folderForm'];
  configModel: FlavorFacts['configModel'];
  /** The container command on this host (Kolla's engine; podman on director), or none. */
  containerEngine: FlavorFacts['containerEngine'];
  style: InstallerLayout['style'];
  charmManaged: boolean;
  apiPort: number;
  layout: ServiceLayout[];
}

function hostTrilio(facts: FlavorFacts, key: string, role: LabHostRole): HostTrilio {
  return {
    flavor: key,
    release: facts.release,
    installer: facts.installer,
    mountRoot: facts.mountRoot,
    mountRootOwner: facts.layout.mountRootOwner,
    folderForm: facts.folderForm,
    configModel: facts.configModel,
    containerEngine: role === 'jump' ? null : facts.containerEngine,
    style: facts.layout.style,
    charmManaged: facts.charmManaged,
    apiPort: facts.apiPort,
    layout: role === 'tvm' ? facts.layout.appliance : role === 'compute' ? facts.layout.datamover : [],
  };
}

export interface HostSpec {
  name: string;
  role: LabHostRole;
  /** sshd listens on `address:22`. */
  address: string;
  /** Network namespace of the host (jump and hidden hosts); none: the machine's, on loopback. */
  netns?: string;
  /** Name of the host this one is reached through. */
  via?: string;
  /** The account a client logs in with. */
  user: string;
  auth: 'key' | 'password';
  /** `user` is not root and uses `sudo -n`. */
  sudo: boolean;
  permitRootLogin: 'prohibit-password' | 'yes' | 'no';
  /** root's clear-text password (the password host); none: the machine's shadow entry, unlocked. */
  rootPassword?: string;
  /** Accounts besides root. */
  accounts: LabAccount[];
  /** Keys authorized per user. */
  authorized: Record<string, ClientKey[]>;
  /** `/etc/sudoers.d/<file>` → content. */
  sudoers: Record<string, string>;
  services: ServiceName[];
  trilio: HostTrilio;
}

/** The compute that is reachable only through the jump host: the last one, when there are at least 4. */
export function hiddenComputeIndex(computeCount: number, jump: boolean): number | undefined {
  return jump && computeCount >= 4 ? computeCount : undefined;
}

export const jumpHostName = 'jump-1';
/**
 * A second jump host for ProxyJump chains of two hops (`jump-1,jump-2`): its sshd listens on the jump
 * namespace's own loopback, which only a process in that namespace (jump-1's sshd relaying) can reach.
 */
export const innerJumpHostName = 'jump-2';
export const innerJumpAddress = '127.0.0.22';
export const tvmHostName = 'tvm-1';
export const computeName = (index1: number): string => `compute-${index1}`;

/** Every host of a lab with `computeCount` computes, in a stable order: tvm, computes, jump. */
export function hostSpecs(
  world: HostsWorld,
  computeCount: number,
  options: { jump?: boolean; flavor?: LabFlavor } = {},
): HostSpec[] {
  if (!Number.isInteger(computeCount) || computeCount < 1 || computeCount > 1000)
    throw new RangeError(`computeCount must be an integer from 1 to 1000, got ${computeCount}`);
  const hidden = hiddenComputeIndex(computeCount, options.jump ?? true);
  const flavor = options.flavor ?? defaultFlavor;
  const facts = flavorFacts(flavor);
  const key = flavorKey(flavor);
  const nova = novaAccounts(facts.nova);
  const rootKeyHost = (name: string, role: LabHostRole, address: string): HostSpec => {
    const trilio = hostTrilio(facts, key, role);
    return {
      name,
      role,
      address,
      user: 'root',
      auth: 'key',
      sudo: false,
      permitRootLogin: 'prohibit-password',
      accounts: nova,
      authorized: { root: ['lab'] },
      sudoers: {},
      services: trilio.layout.map((s) => s.service),
      trilio,
    };
  };
  const specs: HostSpec[] = [
    { ...rootKeyHost(tvmHostName, 'tvm', world.tvmAddress), authorized: { root: ['lab', 'passphrase'] } },
  ];
  for (let i = 1; i <= computeCount; i++) {
    const base = rootKeyHost(computeName(i), 'compute', world.computeAddress(i));
    if (i === hidden)
      specs.push({
        ...base,
        address: world.jump.hiddenAddress,
        netns: world.jump.hiddenNetns,
        via: jumpHostName,
      });
    else if (i === 2)
      specs.push({
        ...base,
        auth: 'password',
        permitRootLogin: 'yes',
        rootPassword: labCredentials.rootPassword,
        authorized: {},
      });
    else if (i === 3)
      specs.push({
        ...base,
        user: labCredentials.sudoUser,
        sudo: true,
        permitRootLogin: 'no',
        accounts: [...nova, ...sudoAccounts],
        authorized: { drops: ['lab'], drask: ['lab'] },
        sudoers: {
          'tdrlab-drops': 'drops ALL=(ALL:ALL) NOPASSWD: ALL\n',
          'tdrlab-drask': 'drask ALL=(ALL:ALL) ALL\n',
        },
      });
    else specs.push(base);
  }
  if (hidden !== undefined) {
    specs.push({ ...rootKeyHost(jumpHostName, 'jump', world.jump.jumpAddress), netns: world.jump.jumpNetns });
    specs.push({
      ...rootKeyHost(innerJumpHostName, 'jump', innerJumpAddress),
      netns: world.jump.jumpNetns,
      via: jumpHostName,
    });
  }
  return specs;
}
