import { authenticate } from '../clouds/openstack-session.js';
import { pollUntil } from '../clouds/poll-until.js';
import { resetHosts as resetLabHosts, runOnHost } from '../hosts/index.js';
import type { LabJson } from '../lab-json.js';
import { readLabJson } from '../lab.js';
import { resetTrilio } from './index.js';
import { readFileSync } from 'node:fs';
import { readEmulatorConfigSync } from './emulator/emulator-config.js';
import { mountPathOf } from './emulator/mount-folder.js';
import { resolveTrilioProfile, type TrilioProfile } from './emulator/trilio-profile.js';
import { trilioBaseUrl, trilioConfigFile, trilioWorldFile } from './trilio-paths.js';
import type { GeneratedWorld, WorldWriter } from './world-types.js';
import { installPurgeScript } from './trilio-service.js';
import { generateWorkloads } from './workload-generator.js';

/**
 * Helpers for the Trilio lab tests: real Keystone tokens, calls to the emulator, and changes to the
 * lab hosts made the way an operator makes them (config edit + service restart, bind mounts).
 */

export interface Scoped {
  token: string;
  projectId: string;
  userId: string;
}

/** A project-scoped token from the real Keystone. */
export async function scopedToken(
  lab: LabJson,
  user: { name: string; password: string; domain: string },
  project: { name: string; domain: string },
): Promise<Scoped> {
  const { token, body } = await authenticate(lab.clouds.B.authUrl, {
    username: user.name,
    password: user.password,
    userDomain: user.domain,
    project: project.name,
    projectDomain: project.domain,
  });
  const t = (body as { token: { project: { id: string }; user: { id: string } } }).token;
  return { token, projectId: t.project.id, userId: t.user.id };
}

export const adminToken = (lab: LabJson): Promise<Scoped> =>
  scopedToken(
    lab,
    {
      name: lab.clouds.B.admin.username,
      password: lab.clouds.B.admin.password,
      domain: lab.clouds.B.admin.userDomain,
    },
    { name: lab.clouds.B.admin.project, domain: lab.clouds.B.admin.projectDomain },
  );

/** Cloud B's admin scoped to the project with this id (a restore runs in its target project). */
export async function adminTokenIn(lab: LabJson, projectId: string): Promise<string> {
  const a = lab.clouds.B.admin;
  const { token } = await authenticate(lab.clouds.B.authUrl, {
    username: a.username,
    password: a.password,
    userDomain: a.userDomain,
    project: a.project,
    projectDomain: a.projectDomain,
    projectId,
  });
  return token;
}

/**
 * Gives cloud B's admin the admin role on projects, as the DR wizard's access step does before a
 * reassign (workloadmgr passes over a target project the caller has no role on). Returns the revoke
 * of what it added (an existing grant is left alone).
 */
export async function grantAdminOn(lab: LabJson, projectIds: string[]): Promise<() => Promise<void>> {
  const admin = await adminToken(lab);
  const v3 = lab.clouds.B.authUrl.replace(/\/+$/, '');
  const headers = { 'X-Auth-Token': admin.token };
  const roles = (await (await fetch(`${v3}/roles?name=admin`, { headers })).json()) as {
    roles: { id: string }[];
  };
  const roleId = roles.roles[0]!.id;
  const added: string[] = [];
  for (const project of projectIds) {
    const url = `${v3}/projects/${project}/users/${admin.userId}/roles/${roleId}`;
    if ((await fetch(url, { method: 'HEAD', headers })).status === 204) continue;
    const put = await fetch(url, { method: 'PUT', headers });
    if (put.status !== 204) throw new Error(`granting admin on ${project} failed: HTTP ${put.status}`);
    added.push(url);
  }
  return async () => {
    for (const url of added) await fetch(url, { method: 'DELETE', headers });
  };
}

/** A cloud B user's token on their own project (e.g. alice-dr on finance-dr). */
export function memberToken(lab: LabJson, name: string): Promise<Scoped> {
  const user = lab.clouds.B.users[name];
  if (!user) throw new Error(`no cloud B user ${name} in lab.json`);
  return scopedToken(
    lab,
    { name, password: user.password, domain: lab.clouds.B.domain },
    { name: user.project, domain: lab.clouds.B.domain },
  );
}

export interface ApiResult<T = unknown> {
  status: number;
  body: T;
}

/** A JSON call to the emulator (`path` from the server root, e.g. `/v1/<p>/workloads`). */
export async function call<T = Record<string, unknown>>(
  method: string,
  path: string,
  options: { token?: string; body?: unknown } = {},
): Promise<ApiResult<T>> {
  const response = await fetch(`${trilioBaseUrl}${path}`, {
    method,
    headers: {
      ...(options.token ? { 'X-Auth-Token': options.token } : {}),
      ...(options.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: AbortSignal.timeout(60_000),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}

/** Runs a command inside a lab host; fails the test on a non-zero exit. */
export async function onHost(host: string, argv: string[]): Promise<string> {
  const result = await runOnHost(host, argv);
  if (result.code !== 0)
    throw new Error(`${host}: ${argv.join(' ')} failed (${result.code}): ${result.stderr}`);
  return result.stdout;
}

/**
 * 6.x: the exports as backend sections `lab_nfs_<n>` named in `enabled_backends` (other sections are
 * kept), the first one the default.
 */
const backendsScript = `
import re, sys
path, exports = sys.argv[1], sys.argv[2:]
text = open(path).read()
text = re.sub(r'(?ms)^\\[lab_nfs_\\d+\\]\\n.*?(?=^\\[|\\Z)', '', text)
names = ['lab_nfs_%d' % (i + 1) for i in range(len(exports))]
line = 'enabled_backends = ' + ','.join(names)
if re.search(r'(?m)^enabled_backends *=', text):
    text = re.sub(r'(?m)^enabled_backends *=.*$', line, text)
else:
    text = text.replace('[DEFAULT]\\n', '[DEFAULT]\\n' + line + '\\n', 1)
for i, (name, export) in enumerate(zip(names, exports)):
    text = text.rstrip('\\n') + '\\n\\n[%s]\\nvault_storage_type = nfs\\nvault_storage_filesystem_export = %s\\nis_default = %d\\n' % (name, export, 1 if i == 0 else 0)
open(path, 'w').write(text)
`;

/** Sets the shares in a host's Trilio config (the release's model) without restarting anything. */
export async function editShares(host: string, role: 'tvm' | 'compute', exports: string[]): Promise<void> {
  const profile = liveProfile();
  const file = role === 'tvm' ? profile.applianceConfigPath : profile.datamoverConfigPath;
  if (profile.configModel === 'enabled-backends')
    await onHost(host, ['python3', '-c', backendsScript, file, ...exports]);
  else
    await onHost(host, [
      'sed',
      '-i',
      `s|^vault_storage_nfs_export *= .*|vault_storage_nfs_export = ${exports.join(', ')}|`,
      file,
    ]);
}

/** Sets the shares in a host's Trilio config and restarts the service, as the runbook does. */
export async function configureShares(
  host: string,
  role: 'tvm' | 'compute',
  exports: string[],
): Promise<void> {
  await editShares(host, role, exports);
  await onHost(host, await restartCommand(role));
}

/**
 * How the lab's installer restarts wlm-workloads or the datamover (lab.json: `systemctl restart …`,
 * `docker restart triliovault_…`, director's tripleo units). Juju has no command of its own (the charm
 * restarts its systemd unit after `juju config`): the unit is restarted directly.
 */
export async function restartCommand(role: 'tvm' | 'compute'): Promise<string[]> {
  const lab = await readLabJson().catch(() => null);
  const argv = role === 'tvm' ? lab?.trilio.restartAppliance : lab?.trilio.restartDatamover;
  return argv && argv.length > 0
    ? argv
    : ['systemctl', 'restart', role === 'tvm' ? 'wlm-workloads' : 'tvault-contego'];
}

/** Sets an option of the appliance's config (`[DEFAULT] name = value`) without restarting. */
export async function setApplianceOption(name: string, value: string): Promise<void> {
  await onHost('tvm-1', [
    'sed',
    '-i',
    `s|^${name} *= .*|${name} = ${value}|`,
    liveProfile().applianceConfigPath,
  ]);
}

/** The release/installer the running emulator plays (from its config file). */
export function liveProfile(): TrilioProfile {
  return resolveTrilioProfile(readEmulatorConfigSync(trilioConfigFile));
}

/** Who wrote the lab's backups: A = cloud A's Trilio (A1, B2), B = the live appliance (B1). */
export function backupWriters(): Record<'A' | 'B', WorldWriter> {
  const world = JSON.parse(readFileSync(trilioWorldFile, 'utf8')) as GeneratedWorld;
  const fallback = resolveTrilioProfile();
  const writer = world.writers?.A ?? {
    release: fallback.release,
    installer: fallback.installer,
    mountRoot: fallback.mountRoot,
    folderForm: fallback.folderForm,
    owner: fallback.shareOwner,
  };
  return { A: writer, B: world.writers?.B ?? writer };
}

/** An export's mount path on the live appliance's hosts (the datamovers' mount root and folder form). */
export function liveMountPath(nfsExport: string): string {
  const profile = liveProfile();
  return mountPathOf(nfsExport, profile.mountRoot, profile.folderForm);
}

/** An export's mount path as cloud A's Trilio wrote it into the backing files. */
export function writerMountPath(nfsExport: string): string {
  const { A } = backupWriters();
  return mountPathOf(nfsExport, A.mountRoot, A.folderForm);
}

/** Polls a restore until it leaves `restoring`/`executing`; returns every status seen and the final body. */
export async function waitForRestore(
  projectId: string,
  token: string,
  restoreId: string,
): Promise<{ seen: string[]; restore: Record<string, unknown> }> {
  const seen: string[] = [];
  let restore: Record<string, unknown> = {};
  const done = await pollUntil(
    async () => {
      const got = await call<{ restore: Record<string, unknown> }>(
        'GET',
        `/v1/${projectId}/restores/${restoreId}`,
        { token },
      );
      restore = got.body.restore;
      const status = String(restore.status);
      if (seen.at(-1) !== status) seen.push(status);
      return status !== 'restoring' && status !== 'executing' && status !== 'cancelling';
    },
    60_000,
    100,
  );
  if (!done) throw new Error(`restore ${restoreId} did not finish: ${JSON.stringify(restore)}`);
  return { seen, restore };
}

/** Puts hosts back to their initial files (B1 only, no binds) and reinstalls the TVM's purge script. */
export async function resetHosts(names: string[]): Promise<void> {
  const hosts = await resetLabHosts(names);
  await Promise.all(hosts.filter((h) => h.role === 'tvm').map((h) => installPurgeScript(h)));
}

/**
 * Back to the generated world: TVM and compute-1/compute-2 rebooted from their initial files (B1 only,
 * no binds), B2 re-copied from A1, B1 without DR copies, the appliance database reset.
 */
export async function resetTrilioWorld(lab: LabJson): Promise<void> {
  await resetHosts(['tvm-1', 'compute-1', 'compute-2']);
  await generateWorkloads({
    sharesDir: lab.sharesDir,
    projects: { A: lab.clouds.A.projects, B: lab.clouds.B.projects },
    users: { A: lab.clouds.A.users, B: lab.clouds.B.users },
    reset: true,
  });
  await resetTrilio();
}
