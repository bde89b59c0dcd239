import type { LabHost, LabJson } from './lab-json.js';

/**
 * The lab as an importable environment profile named `lab` (the import format of
 * docs/profile-format.md): the profile, the secrets it needs, and the hosts' keys as known_hosts lines
 * (an admin imports known_hosts the same way; first-contact acceptance is tested separately).
 */
export interface LabProfileFile {
  format: 'trilio-dr-profile';
  version: 1;
  replace: true;
  profile: Record<string, unknown>;
  secrets: Record<string, string>;
  knownHosts: string[];
}

export function labProfile(
  lab: Omit<LabJson, 'profileFile'>,
  options: { cleanDbScriptDir: string },
): LabProfileFile {
  const cloud = (side: 'A' | 'B') => {
    const c = lab.clouds[side];
    return {
      authUrl: c.authUrl,
      region: c.region,
      interface: 'public',
      authKind: 'password',
      username: c.admin.username,
      userDomain: c.admin.userDomain,
      project: c.admin.project,
      projectDomain: c.admin.projectDomain,
      domain: c.domain,
      insecure: false,
      caBundlePath: '',
      trilioUrl: '',
    };
  };
  const secrets: Record<string, string> = {
    'clouds.source.password': lab.clouds.A.admin.password,
    'clouds.target.password': lab.clouds.B.admin.password,
  };
  const hosts = lab.hosts.map((h) => {
    if (h.password) secrets[`hosts.${h.name}.password`] = h.password;
    return {
      id: h.name,
      name: h.name,
      role: h.role,
      address: h.address,
      port: h.port,
      user: h.user,
      auth: h.password ? 'password' : 'key',
      keyFile: h.password ? '' : (h.keyFile ?? ''),
      via: h.via ?? '',
      sudo: h.sudo ?? false,
    };
  });
  if (lab.smtp.password) secrets['smtp.password'] = lab.smtp.password;
  return {
    format: 'trilio-dr-profile',
    version: 1,
    replace: true,
    profile: {
      name: 'lab',
      description:
        'The DR lab: cloud A (RegionA) → cloud B (RegionB), Trilio appliance tvm-1, lab compute nodes.',
      clouds: { source: cloud('A'), target: cloud('B') },
      hosts,
      nfs: { source: lab.nfs.A1, target: lab.nfs.B1, syncedCopy: lab.nfs.B2 },
      // Release and installer of each cloud only: everything else is left to the product's defaults
      // for them, so those defaults are tested against hosts the lab built on its own.
      trilio: {
        source: { release: lab.trilio.backups.release, installer: lab.trilio.backups.installer },
        target: {
          release: lab.trilio.release,
          installer: lab.trilio.installer,
          ...(lab.trilio.installer === 'kolla' && lab.trilio.containerEngine === 'podman'
            ? { containerEngine: 'podman' }
            : {}),
        },
        trusteeRole: lab.trusteeRole,
        adminRole: 'admin',
        // The database clean-up as Trilio publishes it; the connection comes from tvm-1's workloadmgr.conf.
        dbCleanup: { scriptDir: options.cleanDbScriptDir },
      },
      ssh: { concurrency: 20, connectTimeoutSec: 10, commandTimeoutSec: 600, keepaliveSec: 15 },
      projectMapping: [],
      smtp: {
        host: lab.smtp.host,
        port: lab.smtp.port,
        starttls: true,
        username: lab.smtp.username ?? '',
        from: 'dr-wizard@cloud-b.test',
        caFile: lab.smtp.caCertFile ?? '',
      },
    },
    secrets,
    knownHosts: lab.hosts.map(knownHostsLine),
  };
}

function knownHostsLine(h: LabHost): string {
  const name = h.port === 22 ? h.address : `[${h.address}]:${h.port}`;
  return `${name} ${h.hostKey}`;
}
