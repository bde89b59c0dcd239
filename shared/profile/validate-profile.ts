import type { FieldError } from '../result.js';
import { isHostAddress, parseNfsExport } from '../nfs/nfs-export.js';
import { parseRelease } from '../trilio/trilio-release.js';
import type { CloudConfig, HostConfig, Profile, TrilioCloudConfig } from './profile.js';

/** Field-level checks shared by the profile editor (as the user types) and the main process (at save). */
export function validateProfile(profile: Profile): FieldError[] {
  const errors: FieldError[] = [];
  const add = (path: string, message: string) => errors.push({ path, message });

  if (profile.name.trim() === '') add('name', 'A profile needs a name.');
  if (profile.name.length > 120) add('name', 'Keep the name under 120 characters.');

  validateCloud(profile.clouds.source, 'clouds.source', add, false);
  validateCloud(profile.clouds.target, 'clouds.target', add, true);
  validateHosts(profile.hosts, add);

  const { nfs } = profile;
  checkExport(nfs.target, 'nfs.target', 'NFS B1 (target share)', add, true);
  checkExport(nfs.syncedCopy, 'nfs.syncedCopy', 'NFS B2 (synced copy of A1)', add, true);
  checkExport(nfs.source, 'nfs.source', 'NFS A1 (source share)', add, false);
  if (nfs.target !== '' && nfs.target === nfs.syncedCopy)
    add('nfs.syncedCopy', 'B2 must be a different export from B1.');
  validateTrilioCloud(profile.trilio.source, 'trilio.source', add);
  validateTrilioCloud(profile.trilio.target, 'trilio.target', add);

  const s = profile.ssh;
  if (s.concurrency < 1 || s.concurrency > 1000) add('ssh.concurrency', 'Between 1 and 1000 hosts at once.');
  if (s.connectTimeoutSec < 1 || s.connectTimeoutSec > 600)
    add('ssh.connectTimeoutSec', 'Between 1 and 600 s.');
  if (s.commandTimeoutSec < 1 || s.commandTimeoutSec > 86_400)
    add('ssh.commandTimeoutSec', 'Between 1 s and 24 h.');
  if (s.keepaliveSec < 0 || s.keepaliveSec > 600) add('ssh.keepaliveSec', 'Between 0 (off) and 600 s.');

  if (profile.trilio.trusteeRole.trim() === '')
    add('trilio.trusteeRole', 'Name the trustee role (e.g. creator).');
  if (profile.trilio.adminRole.trim() === '') add('trilio.adminRole', 'Name the role to grant (e.g. admin).');

  const smtp = profile.smtp;
  if (smtp.host !== '') {
    if (!isHostAddress(smtp.host)) add('smtp.host', 'Not a host name or IP address.');
    if (!validPort(smtp.port)) add('smtp.port', 'Ports are 1 to 65535.');
    if (!/^[^\s@<>]+@[^\s@<>]+$/.test(smtp.from)) add('smtp.from', 'A sender address like dr@example.com.');
  }
  return errors;
}

type Add = (path: string, message: string) => void;

function validateTrilioCloud(t: TrilioCloudConfig, path: string, add: Add): void {
  if (!parseRelease(t.release))
    add(`${path}.release`, 'A Trilio release as major.minor, e.g. 4.1, 5.2 or 6.1.');
  if (t.mountRoot !== '' && !/^\/[^\0]*$/.test(t.mountRoot))
    add(`${path}.mountRoot`, 'The mount root must be an absolute path (empty: the installer default).');
  for (const field of ['applianceConfPath', 'datamoverConfPath'] as const)
    if (t[field] !== '' && !t[field].startsWith('/'))
      add(`${path}.${field}`, 'An absolute path (empty: the installer default).');
  if (t.owner !== '' && !/^[A-Za-z0-9_][A-Za-z0-9_.-]*:[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(t.owner))
    add(
      `${path}.owner`,
      'user:group or uid:gid, e.g. nova:nova or 42436:42436 (empty: the installer default).',
    );
  for (const field of ['restartAppliance', 'restartDatamover'] as const)
    if (t[field].some((arg) => arg === '' || arg.includes('\0')))
      add(`${path}.${field}`, 'Each argument of the restart command must be non-empty.');
}

export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

function validPort(port: number): boolean {
  return Number.isInteger(port) && port >= 1 && port <= 65_535;
}

function validateCloud(cloud: CloudConfig, path: string, add: Add, required: boolean): void {
  const empty = cloud.authUrl === '' && cloud.username === '' && cloud.applicationCredentialId === '';
  if (!required && empty) return; // cloud A may be lost: its entry is optional
  if (!isHttpUrl(cloud.authUrl)) add(`${path}.authUrl`, 'A Keystone URL like https://keystone:5000/v3.');
  if (cloud.region.trim() === '') add(`${path}.region`, 'Name the region (e.g. RegionOne).');
  if (cloud.authKind === 'password') {
    if (cloud.username.trim() === '') add(`${path}.username`, 'The admin user name.');
    if (cloud.project.trim() === '') add(`${path}.project`, 'The project to scope the admin token to.');
  } else if (cloud.applicationCredentialId.trim() === '') {
    add(`${path}.applicationCredentialId`, 'The application credential id.');
  }
  if (cloud.trilioUrl !== '' && !isHttpUrl(cloud.trilioUrl))
    add(`${path}.trilioUrl`, 'A URL like http://tvm:8780, or empty to use the service catalog.');
}

function validateHosts(hosts: HostConfig[], add: Add): void {
  const ids = new Map<string, number>();
  const names = new Set<string>();
  hosts.forEach((h, i) => {
    const p = `hosts.${i}`;
    if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(h.id)) add(`${p}.id`, 'Lower-case letters, digits and dashes.');
    if (ids.has(h.id)) add(`${p}.id`, `Id "${h.id}" is used twice.`);
    ids.set(h.id, i);
    if (h.name.trim() === '') add(`${p}.name`, 'Name the host.');
    if (names.has(h.name)) add(`${p}.name`, `Name "${h.name}" is used twice.`);
    names.add(h.name);
    if (!isHostAddress(h.address)) add(`${p}.address`, 'An IPv4/IPv6 address or host name.');
    if (!validPort(h.port)) add(`${p}.port`, 'Ports are 1 to 65535.');
    if (!/^[a-z_][a-z0-9_.-]{0,31}$/i.test(h.user)) add(`${p}.user`, 'A Unix user name.');
    if (h.auth === 'password' && h.password === 'not set') add(`${p}.password`, 'Set the password.');
    if (h.auth === 'key' && h.keyFile === '' && h.privateKey === 'not set')
      add(`${p}.keyFile`, 'Give a key file or paste the private key.');
  });
  hosts.forEach((h, i) => {
    if (h.via === '') return;
    const jumpIndex = ids.get(h.via);
    if (jumpIndex === undefined) return add(`hosts.${i}.via`, `No host with id "${h.via}".`);
    if (h.via === h.id) return add(`hosts.${i}.via`, 'A host cannot be its own jump host.');
    if (hosts[jumpIndex]?.via) add(`hosts.${i}.via`, 'Chained jump hosts are not supported; use one hop.');
  });
  if (hosts.length > 0 && !hosts.some((h) => h.role === 'tvm'))
    add('hosts', 'Add at least one Trilio appliance (role tvm).');
}

function checkExport(value: string, path: string, label: string, add: Add, required: boolean): void {
  if (value === '') {
    if (required) add(path, `${label} is required, e.g. 10.10.2.20:/upstream.`);
    return;
  }
  const parsed = parseNfsExport(value);
  if (!parsed.ok) add(path, `${label}: ${parsed.message}.`);
}
