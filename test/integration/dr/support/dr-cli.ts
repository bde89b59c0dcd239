import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resetHosts } from '../../../lab/trilio/trilio-test-kit.js';
import { generateWorkloads } from '../../../lab/trilio/workload-generator.js';
import { resetTrilio } from '../../../lab/trilio/index.js';
import type { LabJson } from '../../../lab/lab-json.js';

/** The built `trilio-dr` CLI, run as an admin would, with its own data folder and passphrase. */
export const root = fileURLToPath(new URL('../../../../', import.meta.url));
export const cliMain = join(root, 'out', 'electron', 'cli', 'main.js');
export const PASSPHRASE = 'dr cli test passphrase';

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function startCli(
  dataDir: string,
  args: string[],
  options: { onStderr?: (all: string, child: ChildProcess) => void; env?: Record<string, string> } = {},
): { child: ChildProcess; done: Promise<CliRun> } {
  if (!existsSync(cliMain)) throw new Error(`${cliMain} is missing: run npm run build first.`);
  const child = spawn(process.execPath, [cliMain, '--data-dir', dataDir, ...args], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/root',
      TRILIO_DR_PASSPHRASE: PASSPHRASE,
      ...options.env,
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
    options.onStderr?.(stderr, child);
  });
  const done = new Promise<CliRun>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, done };
}

export const cli = (dataDir: string, args: string[]) => startCli(dataDir, args).done;

/** Every lab node back to its first boot (B1 only, no binds, pristine fstab), B2 = A1, Trilio reset. */
export async function resetDrWorld(lab: LabJson): Promise<void> {
  await resetHosts(lab.hosts.filter((h) => h.role !== 'jump').map((h) => h.name));
  await generateWorkloads({
    sharesDir: lab.sharesDir,
    projects: { A: lab.clouds.A.projects, B: lab.clouds.B.projects },
    users: { A: lab.clouds.A.users, B: lab.clouds.B.users },
    reset: true,
  });
  await resetTrilio();
}
