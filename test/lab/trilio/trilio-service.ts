import { createHash } from 'node:crypto';
import { chmod, mkdir, readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { LabFailure } from '../lab-failure.js';
import { authUrl, neutronUrl } from '../clouds/clouds-paths.js';
import { serviceUserSpecs } from '../clouds/clouds-spec.js';
import { adminSession } from '../clouds/index.js';
import { registerService, type ServiceRegistration } from '../clouds/keystone-catalog.js';
import { ensureDaemon, stopService } from '../clouds/lab-process.js';
import { strayServices, terminateGroup } from '../clouds/proc-table.js';
import { httpAnswers } from '../clouds/readiness.js';
import { writeFileIfChanged } from '../clouds/state-files.js';
import type { FlavorFacts } from '../flavor/flavor-facts.js';
import type { LabInstaller } from '../flavor/flavor.js';
import type { LabHost } from '../lab-json.js';
import { regions, repoRoot } from '../topology.js';
import { installCleanDbScript } from './clean-db-script.js';
import type { EmulatorConfig } from './emulator/emulator-config.js';
import {
  purgeScriptPath,
  trilioBaseUrl,
  trilioConfigFile,
  trilioDir,
  trilioHost,
  trilioLogFile,
  trilioPort,
  trilioRunDir,
  trilioSourceDir,
  trilioStateFile,
  trilioWorldFile,
} from './trilio-paths.js';

/**
 * The Trilio API emulator as a lab service: started detached in its own process group (the clouds'
 * lab-process machinery), reused while it runs with the same configuration and code, restarted when
 * either changed; registered in Keystone's catalog for region RegionB.
 */

const service = { name: 'trilio-emulator', cmdlineMark: 'trilio/emulator/main.ts' } as const;
const mainFile = path.join(trilioSourceDir, 'emulator', 'main.ts');
const relay = { name: 'trilio-api-port', cmdlineMark: 'trilio/api-port-forward.ts' } as const;
const relayFile = path.join(trilioSourceDir, 'api-port-forward.ts');

export interface EnsureTrilioInput {
  hosts: LabHost[];
  /** `{"<export>": "/abs/dir"}` of the lab's NFS "server". */
  exportsRegistry: string;
  /** Pace of restore steps (ms); default 150. */
  restoreStepMs?: number;
  /** The Trilio the lab plays (default: 4.1 from packages, what the emulator assumes without it). */
  flavor?: FlavorFacts;
}

/**
 * What the emulator is told about the Trilio it plays (the emulator's `TrilioProfileInput`: release,
 * installer, mount root, folder form, the appliance's config file, config model, share owner). Every
 * value is given, from the lab's flavor table, so the emulator and the hosts agree by construction.
 */
export interface EmulatorTrilioInput {
  release: string;
  installer: LabInstaller;
  mountRoot: string;
  folderForm: 'export' | 'path';
  applianceConfigPath: string;
  configModel: 'export-list' | 'enabled-backends';
  shareOwner: { uid: number; gid: number };
}

export function emulatorTrilioInput(flavor: FlavorFacts): EmulatorTrilioInput {
  return {
    release: flavor.release,
    installer: flavor.installer,
    mountRoot: flavor.mountRoot,
    folderForm: flavor.folderForm,
    applianceConfigPath: flavor.applianceConfig,
    configModel: flavor.configModel === 'backends' ? 'enabled-backends' : 'export-list',
    shareOwner: { uid: flavor.nova.uid, gid: flavor.nova.gid },
  };
}

/** A digest of the emulator's sources, so an edited emulator is restarted by the next `up`. */
async function codeDigest(): Promise<string> {
  const hash = createHash('sha256');
  for (const dir of [trilioSourceDir, path.join(trilioSourceDir, 'emulator')]) {
    const files = (await readdir(dir)).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')).sort();
    for (const file of files) hash.update(`${file}\0${await readFile(path.join(dir, file), 'utf8')}\0`);
  }
  return hash.digest('hex');
}

export async function emulatorConfig(
  input: EnsureTrilioInput,
): Promise<EmulatorConfig & Partial<EmulatorTrilioInput>> {
  const trilioUser = serviceUserSpecs.find((u) => u.name === 'trilio')!;
  return {
    ...(input.flavor ? emulatorTrilioInput(input.flavor) : {}),
    host: trilioHost,
    port: trilioPort,
    keystoneUrl: authUrl,
    neutronUrl,
    serviceUser: {
      username: trilioUser.name,
      password: trilioUser.password,
      project: 'service',
      userDomain: 'Default',
      projectDomain: 'Default',
    },
    region: regions.B,
    hosts: input.hosts
      .filter((h) => h.role !== 'jump')
      .map((h) => ({ name: h.name, role: h.role, address: h.address })),
    exportsRegistry: input.exportsRegistry,
    stateFile: trilioStateFile,
    worldFile: trilioWorldFile,
    restoreStepMs: input.restoreStepMs ?? 150,
    tokenCacheSeconds: 10,
    codeDigest: await codeDigest(),
  };
}

/** Starts the emulator or confirms it runs with this configuration; about a second from cold. */
export async function ensureTrilio(input: EnsureTrilioInput): Promise<'reused' | 'started' | 'restarted'> {
  await mkdir(trilioRunDir, { recursive: true });
  const config = await emulatorConfig(input);
  const changed = await writeFileIfChanged(trilioConfigFile, `${JSON.stringify(config, null, 2)}\n`);
  return ensureDaemon(trilioRunDir, {
    ...service,
    title: 'Trilio emulator',
    command: process.execPath,
    args: ['--import', 'tsx', mainFile, trilioConfigFile],
    cwd: repoRoot,
    env: { ...process.env, NODE_NO_WARNINGS: '1' },
    logFile: trilioLogFile,
    host: trilioHost,
    port: trilioPort,
    ready: () => httpAnswers(`${trilioBaseUrl}/`),
    readyTimeoutMs: 20_000,
    restart: changed,
  });
}

/**
 * The workloadmgr API on the flavor's catalog port: the emulator itself on 8780, else a loopback relay
 * to it on that port (8781 on Kolla, OpenStack-Ansible and director). Returns the API's base URL.
 */
export async function ensureApiPort(port: number): Promise<string> {
  if (port === trilioPort) {
    await stopService(trilioRunDir, relay.name, relay.cmdlineMark, 5_000);
    return trilioBaseUrl;
  }
  const portFile = path.join(trilioRunDir, `${relay.name}.port`);
  const changed = await writeFileIfChanged(portFile, `${port}\n`);
  await ensureDaemon(trilioRunDir, {
    ...relay,
    title: `Trilio API relay on port ${port}`,
    command: process.execPath,
    // The port file names the lab's directory, so `stopTrilio` finds a relay that lost its pid file.
    args: ['--import', 'tsx', relayFile, trilioHost, String(port), String(trilioPort), portFile],
    cwd: repoRoot,
    env: { ...process.env, NODE_NO_WARNINGS: '1' },
    logFile: path.join(trilioDir, 'api-port.log'),
    host: trilioHost,
    port,
    ready: () => httpAnswers(`http://${trilioHost}:${port}/`),
    readyTimeoutMs: 20_000,
    restart: changed,
  });
  return `http://${trilioHost}:${port}`;
}

/** Stops the emulator and its port relay (and ones that lost their pid file); returns whether something ran. */
export async function stopTrilio(): Promise<boolean> {
  let stopped = false;
  for (const s of [relay, service])
    stopped = (await stopService(trilioRunDir, s.name, s.cmdlineMark, 5_000)) || stopped;
  const strays = (await strayServices([trilioDir], ['node'])).filter(
    (s) => s.cmdline.includes(service.cmdlineMark) || s.cmdline.includes(relay.cmdlineMark),
  );
  for (const stray of strays) await terminateGroup(stray.pid, 5_000).catch(() => undefined);
  return stopped || strays.length > 0;
}

/**
 * Keystone catalog entries of region RegionB: Trilio's workloadmgr (at `apiUrl`, the flavor's port)
 * plus the Nova/Cinder reads the emulator serves.
 */
export function trilioCatalog(apiUrl: string = trilioBaseUrl): ServiceRegistration[] {
  const region = regions.B;
  return [
    {
      type: 'workloads',
      name: 'TrilioVaultWLM',
      url: `${apiUrl}/v1/$(project_id)s`,
      region,
      description: 'Trilio workloadmgr (DR lab emulator)',
    },
    { type: 'compute', name: 'nova', url: `${trilioBaseUrl}/compute/v2.1`, region },
    { type: 'volumev3', name: 'cinderv3', url: `${trilioBaseUrl}/volume/v3/$(project_id)s`, region },
  ];
}

/**
 * Registers the catalog entries idempotently. Reading the catalog once is enough when everything is
 * already there (two requests instead of ~20), which keeps a repeated `up` fast.
 */
export async function registerTrilioCatalog(apiUrl: string = trilioBaseUrl): Promise<void> {
  const session = adminSession();
  const v3 = session.authUrl;
  const wanted = trilioCatalog(apiUrl);
  const [{ services }, { endpoints }] = await Promise.all([
    session.request<{ services: { id: string; type: string; name?: string }[] }>('GET', v3, '/services'),
    session.request<{
      endpoints: {
        service_id: string;
        interface: string;
        url: string;
        region_id: string | null;
        enabled: boolean;
      }[];
    }>('GET', v3, `/endpoints?region_id=${regions.B}`),
  ]);
  const complete = (spec: ServiceRegistration): boolean => {
    const ids = services.filter((s) => s.type === spec.type && s.name === spec.name).map((s) => s.id);
    if (ids.length !== 1) return false;
    const mine = endpoints.filter((e) => e.service_id === ids[0] && e.region_id === spec.region);
    return (['public', 'internal', 'admin'] as const).every(
      (iface) =>
        mine.filter((e) => e.interface === iface && e.url === spec.url && e.enabled).length === 1 &&
        mine.filter((e) => e.interface === iface).length === 1,
    );
  };
  for (const spec of wanted) if (!complete(spec)) await registerService(session, spec);
}

/**
 * Installs the purge script in the TVM's root home (`/root/bin`, a bind of the host's own directory,
 * so writing it from here is safe while the host runs). Returns the command with its `{ids}` slot.
 */
export async function installPurgeScript(tvm: LabHost | undefined): Promise<string> {
  if (!tvm)
    throw new LabFailure({
      code: 'precondition',
      message: 'The lab has no TVM host to install the purge script on.',
    });
  const target = path.join(tvm.rootDir, purgeScriptPath);
  const source = await readFile(path.join(trilioSourceDir, 'purge-workloads.py'), 'utf8');
  await mkdir(path.dirname(target), { recursive: true, mode: 0o755 });
  await writeFileIfChanged(target, source, 0o755);
  await chmod(target, 0o755);
  // The operator's CleanWlmDatabase folder (connection.json + workload_ids.txt), beside the old command.
  await installCleanDbScript(tvm.rootDir);
  return `${purgeScriptPath} {ids}`;
}
