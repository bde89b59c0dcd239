import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path, { join } from 'node:path';
import { expect } from 'vitest';
import { runOnHost } from '../../lab/hosts/index.js';
import type { LabJson } from '../../lab/lab-json.js';
import { adminRoles } from '../../integration/dr/support/api-lab.js';
import { resetDrWorld, startCli, type CliRun } from '../../integration/dr/support/dr-cli.js';
import { backupsMountPath, liveMountPath, snapshotDisks, trilioNodes } from './flavor-lab.js';

/**
 * The product's CLI (`trilio-dr`, built in out/) driven against the lab in some flavor, and the checks
 * made on the lab's hosts independently of it: mounts where the flavor's Trilio has them, fstab lines,
 * every backing chain opened on every node, ownership as the installer uses it.
 */

export interface DrSession {
  dataDir: string;
  cli(args: string[]): Promise<CliRun>;
  close(): Promise<void>;
}

/** A fresh data folder with the lab profile imported; the DR world reset; no admin grants left. */
export async function drSession(lab: LabJson, targetProjects: string[]): Promise<DrSession> {
  await resetDrWorld(lab);
  const roles = await adminRoles(lab);
  for (const p of targetProjects) await roles.revoke(p).catch(() => undefined);
  roles.close();
  const dataDir = await mkdtemp(join(tmpdir(), 'trilio-dr-matrix-'));
  const session: DrSession = {
    dataDir,
    cli: (args) => startCli(dataDir, args).done,
    close: async () => {
      const r = await adminRoles(lab);
      for (const p of targetProjects) await r.revoke(p).catch(() => undefined);
      r.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  const imported = await session.cli(['profile', 'import', lab.profileFile]);
  expect(imported.stderr, 'profile import').toBe('');
  expect(imported.code).toBe(0);
  return session;
}

/** What a failed command said: its JSON answer, then the end of its log. */
export const why = (run: CliRun): string => `${run.stdout.slice(0, 4000)}\n${run.stderr.slice(-4000)}`;

export interface RunSummary {
  runId: string;
  status: string;
  steps: {
    key: string;
    status: string;
    error?: string;
    workloads?: { workloadId: string; status: string }[];
  }[];
}

export function summaryOf(run: CliRun): RunSummary {
  const parsed = JSON.parse(run.stdout) as { value?: RunSummary; run?: RunSummary };
  const summary = parsed.value ?? parsed.run;
  if (!summary) throw new Error(`no run summary in ${run.stdout.slice(0, 2000)}`);
  return summary;
}

/** Whether each Trilio node has a mount at `target`, by node. */
export async function mountedOn(lab: LabJson, target: string): Promise<Record<string, boolean>> {
  const found = await Promise.all(
    trilioNodes(lab).map(
      async (n) => [n, (await runOnHost(n, ['findmnt', '-n', target])).code === 0] as const,
    ),
  );
  return Object.fromEntries(found);
}

export const everyNode = (lab: LabJson, value: boolean): Record<string, boolean> =>
  Object.fromEntries(trilioNodes(lab).map((n) => [n, value]));

/**
 * Every disk of every snapshot of the workloads opened with its whole backing chain on every Trilio
 * node, through the share's mount path there: the chain names A1's path as the backups' Trilio had
 * it, so this passes only where the DR made that path resolve.
 */
export async function expectChainsResolve(
  lab: LabJson,
  workloadIds: string[],
  shareExport: string,
): Promise<number> {
  const live = liveMountPath(lab, shareExport);
  const old = backupsMountPath(lab);
  let opened = 0;
  for (const id of workloadIds) {
    const w = lab.workloads.find((x) => x.id === id)!;
    const last = w.snapshots.at(-1)!;
    const disks = await snapshotDisks('tvm-1', live, id, last);
    expect(disks.length, `${w.name}: disks of snapshot ${last} under ${live}`).toBeGreaterThan(0);
    for (const node of trilioNodes(lab))
      for (const disk of disks) {
        const chain = await runOnHost(node, ['qemu-img', 'info', '-U', '--backing-chain', disk]);
        expect(chain.code, `${node}: ${disk}: ${chain.stderr}`).toBe(0);
        if (w.snapshots.length > 1) expect(chain.stdout, `${node}: ${disk}`).toContain(old);
        opened++;
      }
  }
  return opened;
}

/** uid:gid of a workload folder on a share directory (as this machine sees it). */
export async function ownerOn(shareDir: string, workloadId: string): Promise<string> {
  const s = await stat(path.join(shareDir, `workload_${workloadId}`));
  return `${s.uid}:${s.gid}`;
}
