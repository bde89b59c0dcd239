import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { chown, mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { mountPathFor } from '../../../shared/nfs/mount-path.js';
import { runCommand } from '../clouds/local-command.js';
import type { LabWorkload } from '../lab-json.js';
import { mountRoot, nfsExports, type ShareName } from '../topology.js';
import { labUuid } from './lab-ids.js';
import { createFullImage, createIncrementalImage } from './qcow2-files.js';
import { syncShareCopy } from './share-sync.js';
import {
  snapshotDb,
  snapshotVmsDb,
  trilioTime,
  vaultPath,
  workloadDb,
  workloadVmsDb,
} from './trilio-records.js';
import { trilioDir, trilioWorldFile } from './trilio-paths.js';
import { restoreProjectOf, workloadSpecs, type WorkloadSpec } from './workload-specs.js';
import type { GeneratedWorld, WorldWorkload } from './world-types.js';

/**
 * Generates the Trilio-shaped workloads on the lab's shares: folders, JSON files and qcow2 chains
 * (full + incrementals with absolute backing paths under the mount path of the share they were
 * written on). Deterministic: ids are seeded, and a folder whose `.lab-complete` marker carries the
 * same digest is left alone, so `up` twice changes nothing. B2 is then made the synced copy of A1.
 */

export interface GeneratorInput {
  sharesDir: Record<ShareName, string>;
  /** Seeded Keystone projects per cloud: name → id. */
  projects: { A: Record<string, string>; B: Record<string, string> };
  /** Seeded Keystone users per cloud: name → { id }. */
  users: { A: Record<string, { id: string }>; B: Record<string, { id: string }> };
  /**
   * Back to the generated world: B2 copied afresh from A1, and B1 holding only its managed
   * workloads (copies made by a DR run are removed).
   */
  reset?: boolean;
}

export interface GenerateResult {
  world: GeneratedWorld;
  /** Keys of the workloads written by this call (empty when everything was there). */
  generated: string[];
  /** Keys of the workloads copied to B2 by this call. */
  synced: string[];
  ms: number;
}

/** Bumped when the layout changes, so existing folders are regenerated. */
const layoutVersion = 1;
export const completeMarker = '.lab-complete';
const novaId = 162;
const baseTime = Date.parse('2025-03-03T01:00:00Z');
const hour = 3_600_000;
const day = 24 * hour;

/** The world from the specs and the seeded Keystone ids (pure). */
export function planWorld(input: Pick<GeneratorInput, 'projects' | 'users'>): WorldWorkload[] {
  return workloadSpecs.map((spec, index) => planWorkload(spec, index, input));
}

function planWorkload(
  spec: WorkloadSpec,
  index: number,
  input: Pick<GeneratorInput, 'projects' | 'users'>,
): WorldWorkload {
  const projectId = input.projects[spec.cloud][spec.project];
  const userId = input.users[spec.cloud][spec.owner]?.id;
  if (!projectId || !userId)
    throw new Error(
      `Trilio lab: cloud ${spec.cloud} has no project ${spec.project} or user ${spec.owner} (seed the clouds first).`,
    );
  const created = baseTime + index * hour;
  const id = labUuid('workload', spec.key);
  const world: Omit<WorldWorkload, 'digest'> = {
    id,
    key: spec.key,
    name: spec.name,
    description: spec.description,
    cloud: spec.cloud,
    share: spec.share,
    shareExport: nfsExports[spec.share],
    projectId,
    projectName: spec.project,
    userId,
    userName: spec.owner,
    targetProject: restoreProjectOf[spec.project] ?? spec.project,
    managed: spec.cloud === 'B',
    createdAt: trilioTime(new Date(created)),
    vms: spec.vms.map((vm) => ({
      id: labUuid('vm', spec.key, vm.key),
      key: vm.key,
      name: vm.name,
      flavor: vm.flavor,
      networks: vm.networks,
      disks: vm.disks.map((d) => ({
        name: d.name,
        volumeId: labUuid('volume', spec.key, vm.key, d.name),
        volumeType: d.volumeType,
        sizeBytes: d.sizeMiB * 1024 * 1024,
        boot: d.boot,
      })),
    })),
    snapshots: Array.from({ length: 1 + spec.incrementals }, (_, n) => ({
      id: labUuid('snapshot', spec.key, String(n)),
      type: n === 0 ? ('full' as const) : ('incremental' as const),
      createdAt: trilioTime(new Date(created + (n + 1) * day)),
    })),
  };
  const digest = createHash('sha256').update(JSON.stringify({ layoutVersion, world })).digest('hex');
  return { ...world, digest };
}

export async function generateWorkloads(input: GeneratorInput): Promise<GenerateResult> {
  const started = Date.now();
  const workloads = planWorld(input);
  const limiter = createLimiter(4);
  const generated: string[] = [];
  await Promise.all(
    workloads.map(async (wl) => {
      if (await ensureWorkloadFolder(input.sharesDir[wl.share], wl, limiter)) generated.push(wl.key);
    }),
  );
  const sourceIds = workloads.filter((w) => w.share === 'A1').map((w) => `workload_${w.id}`);
  const synced = await syncShareCopy(input.sharesDir.A1, input.sharesDir.B2, sourceIds, {
    fresh: input.reset === true,
    marker: completeMarker,
  });
  if (input.reset) await removeCopies(input.sharesDir.B1, workloads);
  const world: GeneratedWorld = { generatedAt: new Date().toISOString(), workloads };
  await mkdir(trilioDir, { recursive: true });
  await writeFile(`${trilioWorldFile}.tmp`, `${JSON.stringify(world, null, 2)}\n`);
  await rename(`${trilioWorldFile}.tmp`, trilioWorldFile);
  lastWorld = world;
  return { world, generated: generated.sort(), synced, ms: Date.now() - started };
}

/** Whether the folder holds exactly this workload (its marker, written last, has the digest). */
export async function isComplete(folder: string, digest: string): Promise<boolean> {
  const marker = await readFile(path.join(folder, completeMarker), 'utf8').catch(() => '');
  return marker.trim() === digest;
}

async function ensureWorkloadFolder(shareDir: string, wl: WorldWorkload, limiter: Limiter): Promise<boolean> {
  const folder = path.join(shareDir, `workload_${wl.id}`);
  if (await isComplete(folder, wl.digest)) return false;
  // Built beside the share's workloads and renamed into place, so a half-written folder never
  // looks like a workload (Trilio and the emulator list `workload_*` only).
  const building = path.join(shareDir, `.building-workload_${wl.id}`);
  await rm(building, { recursive: true, force: true });
  await mkdir(building, { recursive: true });
  const mountPath = mountPathFor(wl.shareExport, mountRoot);
  const snapshotSizes = wl.snapshots.map(() => 0);
  const jobs: Promise<void>[] = [];
  wl.snapshots.forEach((snap, n) => {
    for (const vm of wl.vms)
      for (const disk of vm.disks) {
        const rel = vaultPath(wl, snap, vm, disk);
        const file = path.join(building, rel.slice(rel.indexOf('/') + 1));
        const previous = n > 0 ? `${mountPath}/${vaultPath(wl, wl.snapshots[n - 1]!, vm, disk)}` : '';
        const sizeMiB = disk.sizeBytes / (1024 * 1024);
        jobs.push(
          limiter(async () => {
            await mkdir(path.dirname(file), { recursive: true });
            if (n === 0) await createFullImage(file, sizeMiB);
            else await createIncrementalImage(file, sizeMiB, previous, n, n === wl.snapshots.length - 1);
            snapshotSizes[n]! += (await stat(file)).size;
          }),
        );
      }
  });
  await Promise.all(jobs);
  const json = (value: unknown): string => JSON.stringify(value, null, 2);
  await writeFile(path.join(building, 'workload_db'), json(workloadDb(wl)));
  await writeFile(path.join(building, 'workload_vms_db'), json(workloadVmsDb(wl)));
  for (const [n, snap] of wl.snapshots.entries()) {
    const dir = path.join(building, `snapshot_${snap.id}`);
    await writeFile(path.join(dir, 'snapshot_db'), json(snapshotDb(wl, n, snapshotSizes[n]!)));
    await writeFile(path.join(dir, 'snapshot_vms_db'), json(snapshotVmsDb(wl, n)));
  }
  await runCommand('/usr/bin/chown', ['-R', `${novaId}:${novaId}`, building]);
  await writeFile(path.join(building, completeMarker), `${wl.digest}\n`);
  await chown(path.join(building, completeMarker), novaId, novaId);
  await rm(folder, { recursive: true, force: true });
  await rename(building, folder);
  return true;
}

/** On reset, B1 keeps only its own (managed) workloads: copies a DR run put there go. */
async function removeCopies(b1Dir: string, workloads: WorldWorkload[]): Promise<void> {
  const keep = new Set(workloads.filter((w) => w.share === 'B1').map((w) => `workload_${w.id}`));
  for (const entry of await readdir(b1Dir).catch(() => [] as string[]))
    if (entry.startsWith('workload_') && !keep.has(entry))
      await rm(path.join(b1Dir, entry), { recursive: true, force: true });
}

type Limiter = <T>(job: () => Promise<T>) => Promise<T>;

/** At most `limit` jobs at once (qemu-img processes on a 2-core machine). */
function createLimiter(limit: number): Limiter {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async <T>(job: () => Promise<T>): Promise<T> => {
    if (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await job();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

let lastWorld: GeneratedWorld | undefined;

/** The generated world (from this process's last generation, else `.lab/trilio/world.json`). */
export function readWorld(): GeneratedWorld {
  lastWorld ??= JSON.parse(readFileSync(trilioWorldFile, 'utf8')) as GeneratedWorld;
  return lastWorld;
}

/** The workloads for `lab.json`. */
export function labWorkloads(world: GeneratedWorld = readWorld()): LabWorkload[] {
  return world.workloads.map((wl) => ({
    id: wl.id,
    name: wl.name,
    sourceProject: wl.projectId,
    sourceProjectName: wl.projectName,
    targetProject: wl.targetProject,
    share: wl.share,
    snapshots: wl.snapshots.map((s) => s.id),
    vms: wl.vms.map((vm) => ({ id: vm.id, name: vm.name, disks: vm.disks.length })),
    managed: wl.managed,
  }));
}
