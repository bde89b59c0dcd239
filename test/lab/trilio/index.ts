import type { CloudsState } from '../clouds/index.js';
import type { FlavorFacts } from '../flavor/flavor-facts.js';
import type { LabHost, LabWorkload } from '../lab-json.js';
import type { ShareName } from '../topology.js';
import { trilioBaseUrl } from './trilio-paths.js';
import {
  emulatorTrilioInput,
  ensureApiPort,
  ensureTrilio,
  installPurgeScript,
  registerTrilioCatalog,
  stopTrilio,
  type EmulatorTrilioInput,
} from './trilio-service.js';
import { generateWorkloads, labWorkloads, type GenerateResult } from './workload-generator.js';

/**
 * The lab's Trilio for the orchestrator: generated workloads on the shares, the workloadmgr API
 * emulator (with Nova/Cinder reads) registered in Keystone, and the purge script on the TVM.
 * See FACTS.md.
 */

export { labWorkloads, generateWorkloads, readWorld } from './workload-generator.js';
export { ensureTrilio, stopTrilio, registerTrilioCatalog, installPurgeScript } from './trilio-service.js';
export { trilioBaseUrl, purgeScriptPath } from './trilio-paths.js';

export interface UpTrilioInput {
  clouds: CloudsState;
  hosts: LabHost[];
  sharesDir: Record<ShareName, string>;
  exportsRegistry: string;
  /** Back to the generated world: B2 re-copied, B1 copies removed, the appliance database reset. */
  reset?: boolean;
  /** The Trilio the lab plays (cloud B's, and the one that wrote cloud A's backups). */
  flavor?: FlavorFacts;
}

export interface TrilioState {
  url: string;
  /** The workloadmgr API as the catalog names it (the installer's port). */
  catalogUrl: string;
  computeUrl: string;
  volumeUrl: string;
  labControlUrl: string;
  purgeCommand: string;
  workloads: LabWorkload[];
  generation: GenerateResult;
  service: 'reused' | 'started' | 'restarted';
}

/** Idempotent: generation skips complete folders, a running emulator with the same config is reused. */
export async function upTrilio(input: UpTrilioInput): Promise<TrilioState> {
  const generation = await generateWorkloads({
    sharesDir: input.sharesDir,
    projects: { A: input.clouds.clouds.A.projects, B: input.clouds.clouds.B.projects },
    users: { A: input.clouds.clouds.A.users, B: input.clouds.clouds.B.users },
    ...(input.reset ? { reset: true } : {}),
    ...(input.flavor ? generatorWriters(input.flavor) : {}),
  });
  const purgeCommand = await installPurgeScript(input.hosts.find((h) => h.role === 'tvm'));
  const service = await ensureTrilio({
    hosts: input.hosts,
    exportsRegistry: input.exportsRegistry,
    ...(input.flavor ? { flavor: input.flavor } : {}),
  });
  if (input.reset) await resetTrilio();
  const catalogUrl = await ensureApiPort(input.flavor?.apiPort ?? 8780);
  await registerTrilioCatalog(catalogUrl);
  return {
    url: `${trilioBaseUrl}/v1`,
    catalogUrl: `${catalogUrl}/v1`,
    computeUrl: `${trilioBaseUrl}/compute/v2.1`,
    volumeUrl: `${trilioBaseUrl}/volume/v3`,
    labControlUrl: `${trilioBaseUrl}/_lab`,
    purgeCommand,
    workloads: labWorkloads(generation.world),
    generation,
    service,
  };
}

/**
 * Who wrote what the generator puts on the shares (its `backups` and `appliance` inputs): cloud A's
 * backups by the backups' release and installer (their mount root and folder form are in every
 * incremental's backing path, their nova owns the files), cloud B's managed workload by the live one.
 */
export function generatorWriters(flavor: FlavorFacts): {
  backups: Omit<EmulatorTrilioInput, 'applianceConfigPath' | 'configModel'>;
  appliance: EmulatorTrilioInput;
} {
  const appliance = emulatorTrilioInput(flavor);
  const b = flavor.backups;
  return {
    appliance,
    backups: {
      release: b.release,
      installer: b.installer,
      mountRoot: b.mountRoot,
      folderForm: b.folderForm,
      shareOwner: { uid: b.nova.uid, gid: b.nova.gid },
    },
  };
}

/** Resets the running emulator's database to the generated world (and clears injected faults). */
export async function resetTrilio(): Promise<void> {
  const response = await fetch(`${trilioBaseUrl}/_lab/reset`, {
    method: 'POST',
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`Trilio emulator reset failed: HTTP ${response.status} ${text}`);
}

export async function downTrilio(): Promise<boolean> {
  return stopTrilio();
}
