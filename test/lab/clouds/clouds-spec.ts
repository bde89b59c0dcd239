import { domains, regions } from '../topology.js';

/**
 * The identity and network world the lab seeds into its one Keystone and one Neutron. Cloud A and
 * cloud B are the same Keystone, told apart by region (RegionA/RegionB) and domain (cloud_a/cloud_b),
 * exactly as the wizard sees two clouds: an auth URL, a region and a domain each.
 *
 * Passwords are fixed lab values: the lab is loopback-only and `lab.json` publishes them anyway.
 */

export const adminSpec = {
  username: 'admin',
  password: 'lab-admin-pw',
  project: 'admin',
  userDomain: 'Default',
  projectDomain: 'Default',
} as const;

/** The role a user needs so Trilio can act for them through a trust (the runbook's "trustee role"). */
export const trusteeRole = 'creator';

/** `admin`, `member` and `reader` come from `keystone-manage bootstrap`; the lab adds the rest. */
export const roleNames = ['admin', 'member', 'reader', trusteeRole, '_member_'] as const;

export type CloudKey = 'A' | 'B';

export interface ProjectSpec {
  cloud: CloudKey;
  name: string;
  description: string;
}

export interface UserSpec {
  cloud: CloudKey;
  name: string;
  password: string;
  email: string;
  /** The one project the user has roles on. */
  project: string;
  roles: string[];
}

export interface NetworkSpec {
  cloud: CloudKey;
  name: string;
  project: string;
  subnet: { name: string; cidr: string };
  /** Further subnets of the same network (a network whose VMs sit on two subnets). */
  moreSubnets?: { name: string; cidr: string }[];
}

/** Every subnet of a network spec, the first one first. */
export const subnetsOf = (spec: NetworkSpec): { name: string; cidr: string }[] => [
  spec.subnet,
  ...(spec.moreSubnets ?? []),
];

export const cloudRegion = (cloud: CloudKey): string => regions[cloud];
export const cloudDomain = (cloud: CloudKey): string => domains[cloud];

const owner = (cloud: CloudKey, name: string, project: string): UserSpec => ({
  cloud,
  name,
  password: `lab-${name}-pw`,
  email: `${name}@${cloud === 'A' ? 'cloud-a' : 'cloud-b'}.test`,
  project,
  roles: ['member', trusteeRole],
});

/** Source projects on cloud A and their designated restore projects on cloud B. */
export const sourceToRestore = {
  finance: 'finance-dr',
  engineering: 'engineering-dr',
  research: 'research-dr',
} as const;

export const projectSpecs: ProjectSpec[] = [
  { cloud: 'A', name: 'finance', description: 'Source project (cloud A)' },
  { cloud: 'A', name: 'engineering', description: 'Source project (cloud A)' },
  { cloud: 'A', name: 'research', description: 'Source project (cloud A)' },
  { cloud: 'B', name: 'finance-dr', description: 'Designated restore project for finance (cloud B)' },
  { cloud: 'B', name: 'engineering-dr', description: 'Designated restore project for engineering (cloud B)' },
  { cloud: 'B', name: 'research-dr', description: 'Designated restore project for research (cloud B)' },
  {
    cloud: 'B',
    name: 'ops',
    description: 'Project whose only user lacks the trustee role (pre-flight negative case)',
  },
];

export const userSpecs: UserSpec[] = [
  owner('A', 'alice', 'finance'),
  owner('A', 'bob', 'engineering'),
  owner('A', 'carol', 'research'),
  owner('B', 'alice-dr', 'finance-dr'),
  owner('B', 'bob-dr', 'engineering-dr'),
  owner('B', 'carol-dr', 'research-dr'),
  { ...owner('B', 'ops-member', 'ops'), roles: ['member'] },
];

/** Service users (domain Default, `admin` on project `service`): Neutron's authtoken and the Trilio emulator. */
export const serviceProject = 'service';
export const serviceUserSpecs = [
  { name: 'neutron', password: 'lab-neutron-pw' },
  { name: 'trilio', password: 'lab-trilio-pw' },
] as const;

/**
 * Each finance project has two networks so a restore maps two snapshot networks; research's network
 * has two subnets on both clouds (VMs on each), so a restore maps network AND subnet. CIDRs are
 * distinct across both clouds so a wrong mapping is visible in addresses too.
 */
export const networkSpecs: NetworkSpec[] = [
  {
    cloud: 'A',
    name: 'finance-net',
    project: 'finance',
    subnet: { name: 'finance-subnet', cidr: '10.1.1.0/24' },
  },
  {
    cloud: 'A',
    name: 'finance-backend',
    project: 'finance',
    subnet: { name: 'finance-backend-subnet', cidr: '10.1.11.0/24' },
  },
  {
    cloud: 'A',
    name: 'engineering-net',
    project: 'engineering',
    subnet: { name: 'engineering-subnet', cidr: '10.1.2.0/24' },
  },
  {
    cloud: 'A',
    name: 'research-net',
    project: 'research',
    subnet: { name: 'research-subnet', cidr: '10.1.3.0/24' },
    moreSubnets: [{ name: 'research-storage-subnet', cidr: '10.1.13.0/24' }],
  },
  {
    cloud: 'B',
    name: 'finance-dr-net',
    project: 'finance-dr',
    subnet: { name: 'finance-dr-subnet', cidr: '10.2.1.0/24' },
  },
  {
    cloud: 'B',
    name: 'finance-dr-backend',
    project: 'finance-dr',
    subnet: { name: 'finance-dr-backend-subnet', cidr: '10.2.11.0/24' },
  },
  {
    cloud: 'B',
    name: 'engineering-dr-net',
    project: 'engineering-dr',
    subnet: { name: 'engineering-dr-subnet', cidr: '10.2.2.0/24' },
  },
  {
    cloud: 'B',
    name: 'research-dr-net',
    project: 'research-dr',
    subnet: { name: 'research-dr-subnet', cidr: '10.2.3.0/24' },
    moreSubnets: [{ name: 'research-dr-storage-subnet', cidr: '10.2.13.0/24' }],
  },
];

/** SMTP sink account; AUTH is offered only after STARTTLS. */
export const smtpCredentials = { username: 'lab-mailer', password: 'lab-smtp-pw' } as const;
