import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { downClouds, upClouds, type CloudsState } from './clouds/index.js';
import { downHosts, upHosts } from './hosts/index.js';
import type { LabHost, LabJson } from './lab-json.js';
import { labProfile } from './lab-profile.js';
import { downTrilio, upTrilio, type TrilioState } from './trilio/index.js';
import { cleanDbScriptDir } from './trilio/clean-db-script.js';
import { labDir, labJsonPath, mountRoot, nfsExports, type ShareName } from './topology.js';

/**
 * The lab orchestrator: brings up the clouds (PostgreSQL, Keystone, Neutron, SMTP), the SSH hosts and
 * Trilio (shares with workloads, the API emulator), then writes `.lab/lab.json` and the importable
 * profile. Every part is idempotent, so `up` twice changes nothing.
 */
export interface UpOptions {
  computeCount?: number;
  /** Reboot hosts and reset Trilio's state to the generated world (tests that need a clean start). */
  reset?: boolean;
}

export const sharesDir = path.join(labDir, 'shares');
export const exportsRegistryPath = path.join(labDir, 'nfs-exports.json');
export const profilePath = path.join(labDir, 'lab-profile.json');

export function shareDirs(): Record<ShareName, string> {
  return { A1: path.join(sharesDir, 'A1'), B1: path.join(sharesDir, 'B1'), B2: path.join(sharesDir, 'B2') };
}

/** The NFS "server": which directory each export string stands for. */
async function writeExportsRegistry(): Promise<void> {
  const dirs = shareDirs();
  await mkdir(sharesDir, { recursive: true });
  for (const dir of Object.values(dirs)) await mkdir(dir, { recursive: true });
  let current: Record<string, string> = {};
  try {
    current = JSON.parse(await readFile(exportsRegistryPath, 'utf8')) as Record<string, string>;
  } catch {
    // first up
  }
  const next = { ...current, [nfsExports.A1]: dirs.A1, [nfsExports.B1]: dirs.B1, [nfsExports.B2]: dirs.B2 };
  await writeAtomically(exportsRegistryPath, `${JSON.stringify(next, null, 2)}\n`);
}

async function writeAtomically(file: string, text: string): Promise<void> {
  await writeFile(`${file}.tmp`, text);
  await rename(`${file}.tmp`, file);
}

export async function upLab(options: UpOptions = {}): Promise<LabJson> {
  const started = Date.now();
  await mkdir(labDir, { recursive: true });
  await writeExportsRegistry();
  let clouds: CloudsState;
  let hosts: LabHost[];
  let trilio: TrilioState;
  try {
    [clouds, hosts] = await Promise.all([
      upClouds(),
      upHosts({
        exportsRegistry: exportsRegistryPath,
        ...(options.computeCount !== undefined ? { computeCount: options.computeCount } : {}),
        ...(options.reset ? { reset: true } : {}),
      }),
    ]);
    // Trilio needs both: the seeded projects/users for the workloads, the TVM for its shares.
    trilio = await upTrilio({
      clouds,
      hosts,
      sharesDir: shareDirs(),
      exportsRegistry: exportsRegistryPath,
      ...(options.reset ? { reset: true } : {}),
    });
  } catch (error) {
    // A half-started lab is stopped again so the next `up` starts from a known state.
    await downLab().catch(() => undefined);
    throw error;
  }
  const lab: Omit<LabJson, 'profileFile'> = {
    clouds: { A: stripSeed(clouds.clouds.A), B: stripSeed(clouds.clouds.B) },
    trilio: {
      url: trilio.url,
      serviceType: 'workloads',
      computeUrl: trilio.computeUrl,
      volumeUrl: trilio.volumeUrl,
      labControlUrl: trilio.labControlUrl,
      purgeCommand: trilio.purgeCommand,
      cleanDbScriptDir,
    },
    hosts,
    nfs: { ...nfsExports },
    sharesDir: shareDirs(),
    workloads: trilio.workloads,
    smtp: clouds.smtp,
    trusteeRole: clouds.trusteeRole,
    postgres: { host: clouds.postgres.host, port: clouds.postgres.port },
    startedAt: new Date(started).toISOString(),
  };
  const profile = labProfile(lab, { cleanDbScriptDir });
  await writeAtomically(profilePath, `${JSON.stringify(profile, null, 2)}\n`);
  const json: LabJson = { ...lab, profileFile: profilePath };
  await writeAtomically(labJsonPath, `${JSON.stringify(json, null, 2)}\n`);
  return json;
}

/** Stops every lab process and removes its mounts and namespaces; data stays unless `purge`. */
export async function downLab(options: { purge?: boolean } = {}): Promise<void> {
  const errors: unknown[] = [];
  await downTrilio().catch((e: unknown) => errors.push(e));
  await downHosts(options).catch((e: unknown) => errors.push(e));
  await downClouds(options).catch((e: unknown) => errors.push(e));
  if (errors.length > 0) throw errors[0];
}

export async function readLabJson(): Promise<LabJson> {
  return JSON.parse(await readFile(labJsonPath, 'utf8')) as LabJson;
}

function stripSeed(cloud: CloudsState['clouds']['A']): LabJson['clouds']['A'] {
  return {
    authUrl: cloud.authUrl,
    region: cloud.region,
    domain: cloud.domain,
    admin: {
      username: cloud.admin.username,
      password: cloud.admin.password,
      project: cloud.admin.project,
      userDomain: cloud.admin.userDomain,
      projectDomain: cloud.admin.projectDomain,
    },
    projects: cloud.projects,
    users: Object.fromEntries(
      Object.entries(cloud.users).map(([name, u]) => [
        name,
        { id: u.id, password: u.password, project: u.project, roles: u.roles },
      ]),
    ),
    networks: Object.fromEntries(
      Object.entries(cloud.networks).map(([name, n]) => [
        name,
        { id: n.id, project: n.project, subnets: n.subnets },
      ]),
    ),
  };
}

export { mountRoot };
