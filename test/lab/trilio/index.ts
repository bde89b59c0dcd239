import type { CloudsState } from '../clouds/index.js';
import type { LabHost, LabWorkload } from '../lab-json.js';
import type { ShareName } from '../topology.js';
import { trilioBaseUrl } from './trilio-paths.js';
import { ensureTrilio, installPurgeScript, registerTrilioCatalog, stopTrilio } from './trilio-service.js';
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
}

export interface TrilioState {
  url: string;
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
  });
  const purgeCommand = await installPurgeScript(input.hosts.find((h) => h.role === 'tvm'));
  const service = await ensureTrilio({ hosts: input.hosts, exportsRegistry: input.exportsRegistry });
  if (input.reset) await resetTrilio();
  await registerTrilioCatalog();
  return {
    url: `${trilioBaseUrl}/v1`,
    computeUrl: `${trilioBaseUrl}/compute/v2.1`,
    volumeUrl: `${trilioBaseUrl}/volume/v3`,
    labControlUrl: `${trilioBaseUrl}/_lab`,
    purgeCommand,
    workloads: labWorkloads(generation.world),
    generation,
    service,
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
