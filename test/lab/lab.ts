import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { downClouds, upClouds, type CloudsState } from './clouds/index.js';
import { flavorFacts, type FlavorFacts } from './flavor/flavor-facts.js';
import { flavorKey, resolveFlavor, type LabFlavor, type LabFlavorInput } from './flavor/flavor.js';
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
  /**
   * The Trilio the lab plays (release, installer, container engine, the backups' release); omitted
   * values are the default flavor (4.1 from packages), so `up` without flags always gives the default
   * lab. Switching flavor rebuilds the hosts and resets the shares and Trilio's database.
   */
  flavor?: LabFlavorInput;
  /** Told what `up` decided beyond the usual (a flavor switch and its reset). */
  onNote?: (line: string) => void;
}

export const sharesDir = path.join(labDir, 'shares');
/** The flavor the lab was last brought up with. */
export const flavorPath = path.join(labDir, 'flavor.json');
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

async function previousFlavor(): Promise<LabFlavor | null> {
  try {
    return JSON.parse(await readFile(flavorPath, 'utf8')) as LabFlavor;
  } catch {
    return null;
  }
}

export async function upLab(options: UpOptions = {}): Promise<LabJson> {
  const started = Date.now();
  const flavor = resolveFlavor(options.flavor);
  const facts = flavorFacts(flavor);
  await mkdir(labDir, { recursive: true });
  const before = await previousFlavor();
  // A lab without a flavor file predates flavors: it was the default one.
  const switched = flavorKey(before ?? resolveFlavor()) !== flavorKey(flavor);
  if (switched)
    options.onNote?.(
      `Trilio flavor ${flavorKey(before ?? resolveFlavor())} → ${flavorKey(flavor)}: hosts rebuilt, shares and Trilio's database reset.`,
    );
  const reset = options.reset === true || switched;
  await writeExportsRegistry();
  let clouds: CloudsState;
  let hosts: LabHost[];
  let trilio: TrilioState;
  try {
    [clouds, hosts] = await Promise.all([
      upClouds(),
      upHosts({
        exportsRegistry: exportsRegistryPath,
        flavor,
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
      flavor: facts,
      ...(reset ? { reset: true } : {}),
    });
    await writeAtomically(flavorPath, `${JSON.stringify(flavor, null, 2)}\n`);
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
      catalogUrl: trilio.catalogUrl,
      ...trilioFlavorFields(facts),
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

/** What lab.json records of the flavor (tests compute expected paths from these, with the lab's code). */
function trilioFlavorFields(f: FlavorFacts) {
  return {
    release: f.release,
    installer: f.installer,
    containerEngine: f.containerEngine,
    mountRoot: f.mountRoot,
    folderForm: f.folderForm,
    configModel: f.configModel,
    applianceConfigs: f.applianceConfigs,
    applianceConfig: f.applianceConfig,
    datamoverConfig: f.datamoverConfig,
    restartAppliance: f.restartAppliance,
    restartDatamover: f.restartDatamover,
    nova: f.nova,
    charmManaged: f.charmManaged,
    backups: {
      release: f.backups.release,
      installer: f.backups.installer,
      mountRoot: f.backups.mountRoot,
      folderForm: f.backups.folderForm,
    },
  };
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
