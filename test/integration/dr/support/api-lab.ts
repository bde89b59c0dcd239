import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { mountPathFor } from '../../../../shared/nfs/mount-path.js';
import { KeystoneClient } from '../../../../electron/core/clients/keystone-client.js';
import { KeystoneSession } from '../../../../electron/core/clients/keystone-session.js';
import { openstackCliEnv } from '../../../lab/clouds/index.js';
import { runOnHost } from '../../../lab/hosts/index.js';
import type { LabJson } from '../../../lab/lab-json.js';
import { trilioBaseUrl } from '../../../lab/trilio/index.js';

/**
 * The lab's side of the API-step tests, done the way an operator (or the earlier steps) would: the
 * workload folder copied into B1 with `cp -a`, the old share's mount path bound on a compute node,
 * roles checked and changed with Debian's real `openstack` CLI, faults injected into the emulator.
 */

const run = promisify(execFile);

/** Copies a workload folder from B2 (the synced copy of A1) into B1, as the copy step does. */
export async function copyToB1(lab: LabJson, workloadId: string): Promise<void> {
  const name = `workload_${workloadId}`;
  await rm(path.join(lab.sharesDir.B1, name), { recursive: true, force: true });
  await run('cp', ['-a', path.join(lab.sharesDir.B2, name), path.join(lab.sharesDir.B1, name)]);
}

export async function removeFromB1(lab: LabJson, workloadId: string): Promise<void> {
  await rm(path.join(lab.sharesDir.B1, `workload_${workloadId}`), { recursive: true, force: true });
}

/** A1's mount path on a host, bound onto B1 (the share the copy now lives on). */
export async function bindA1OntoB1(lab: LabJson, host: string): Promise<void> {
  const a1 = mountPathFor(lab.nfs.A1);
  const script = 'mkdir -p "$2" && { mountpoint -q "$2" || mount --bind "$1" "$2"; }';
  const result = await runOnHost(host, ['sh', '-c', script, 'sh', mountPathFor(lab.nfs.B1), a1]);
  if (result.code !== 0) throw new Error(`${host}: bind of ${a1} failed: ${result.stderr}`);
}

/** Removes the bind (every stacked one) and the directory; harmless when there is none. */
export async function unbindA1(lab: LabJson, host: string): Promise<void> {
  const script = 'while mountpoint -q "$1"; do umount "$1" || exit 1; done; rmdir "$1" 2>/dev/null; exit 0';
  const result = await runOnHost(host, ['sh', '-c', script, 'sh', mountPathFor(lab.nfs.A1)]);
  if (result.code !== 0) throw new Error(`${host}: unbinding A1 failed: ${result.stderr}`);
}

/** Debian's `openstack` CLI as cloud B's admin; `-f json` output parsed. */
export async function openstackB<T = Record<string, unknown>[]>(lab: LabJson, args: string[]): Promise<T> {
  const { stdout } = await run('/usr/bin/openstack', [...args, '-f', 'json'], {
    env: openstackCliEnv(lab.clouds.B),
    timeout: 60_000,
  });
  return JSON.parse(stdout) as T;
}

/**
 * Role names a user holds directly on a cloud B project, by the CLI (given ids: name lookups across
 * domains cost the CLI several extra requests).
 */
export async function cliRolesOn(lab: LabJson, project: string, userId: string): Promise<string[]> {
  const projectId = lab.clouds.B.projects[project];
  if (!projectId) throw new Error(`lab.json has no cloud B project ${project}`);
  const rows = await openstackB(lab, [
    'role',
    'assignment',
    'list',
    '--names',
    '--user',
    userId,
    '--project',
    projectId,
  ]);
  return rows.map((r) => String(r.Role)).sort();
}

/**
 * The admin user's role on cloud B projects through Keystone's API (the CLI takes seconds per call on a
 * loaded machine, so it is kept for the checks that matter).
 */
export interface AdminRoles {
  userId: string;
  has(project: string): Promise<boolean>;
  grant(project: string): Promise<void>;
  revoke(project: string): Promise<void>;
  close(): void;
}

export async function adminRoles(lab: LabJson, role = 'admin'): Promise<AdminRoles> {
  const b = lab.clouds.B;
  const session = new KeystoneSession({
    authUrl: b.authUrl,
    region: b.region,
    auth: {
      kind: 'password',
      username: b.admin.username,
      userDomain: b.admin.userDomain,
      password: b.admin.password,
      project: b.admin.project,
      projectDomain: b.admin.projectDomain,
    },
  });
  const keystone = new KeystoneClient(session);
  const unwrap = <T>(r: { ok: true; value: T } | { ok: false; error: { message: string } }): T => {
    if (!r.ok) throw new Error(r.error.message);
    return r.value;
  };
  const userId = unwrap(await session.tokenInfo()).userId;
  const roleId = unwrap(await keystone.findRole(role)).id;
  const projectId = (name: string): string => {
    const id = b.projects[name];
    if (!id) throw new Error(`lab.json has no cloud B project ${name}`);
    return id;
  };
  return {
    userId,
    has: async (project) => unwrap(await keystone.hasProjectRole(projectId(project), userId, roleId)),
    grant: async (project) =>
      void unwrap(await keystone.grantProjectRole(projectId(project), userId, roleId)),
    revoke: async (project) =>
      void unwrap(await keystone.revokeProjectRole(projectId(project), userId, roleId)),
    close: () => session.close(),
  };
}

/** A lab control of the emulator (`/_lab/<route>`), e.g. the loaded appliance (`load`). */
export async function labControl(method: string, route: string, body?: unknown): Promise<unknown> {
  return lab(method, route, body);
}

async function lab(method: string, route: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${trilioBaseUrl}/_lab/${route}`, {
    method,
    ...(body !== undefined
      ? { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }
      : {}),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`emulator ${method} /_lab/${route}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** The emulator's database back to the generated world (the managed workload only), faults cleared. */
export const resetEmulator = (): Promise<unknown> => lab('POST', 'reset');

/** Arms a fault: matching requests are answered with `status` and/or held for `delayMs` first. */
export const injectFault = (fault: {
  method?: string;
  pathRegex: string;
  status?: number;
  delayMs?: number;
  count: number;
}) => lab('POST', 'faults', fault);

/** Faults still armed (not yet used up by matching requests). */
export async function pendingFaults(): Promise<{ pathRegex: string; count: number }[]> {
  return ((await lab('GET', 'faults')) as { faults: { pathRegex: string; count: number }[] }).faults;
}

export const clearFaults = (): Promise<unknown> => lab('DELETE', 'faults');
