import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { chown, mkdir, mkdtemp, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCommand } from '../clouds/local-command.js';
import type { LabWorkload } from '../lab-json.js';
import { nfsExports, type ShareName } from '../topology.js';
import { mountPathOf } from './emulator/mount-folder.js';
import { pythonJson } from './emulator/python-json.js';
import {
  resolveTrilioProfile,
  type TrilioProfile,
  type TrilioProfileInput,
} from './emulator/trilio-profile.js';
import { labUuid } from './lab-ids.js';
import { createFullImage, createIncrementalImage } from './qcow2-files.js';
import { syncShareCopy } from './share-sync.js';
import {
  snapshotDb,
  snapshotResources,
  snapshotVmsDb,
  trilioTime,
  vaultPath,
  workloadDb,
  workloadVmsDb,
} from './trilio-records.js';
import { trilioWorldFile } from './trilio-paths.js';
import { restoreProjectOf, snapshotNetworks, workloadSpecs, type WorkloadSpec } from './workload-specs.js';
import type { GeneratedWorld, WorldWorkload, WorldWriters } from './world-types.js';

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
  /**
   * The Trilio that wrote cloud A's backups (A1, and its synced copy B2): its mount root and folder
   * form are in the incrementals' absolute backing paths, its nova owns the files. For an upgrade DR
   * this is the OLD release (`--backups-release 4.1`: whole-export folders) while the live appliance
   * uses path-only folders. When omitted: what the last generation used (world.json), else today's lab
   * (4.1 from packages).
   */
  backups?: TrilioProfileInput;
  /** Trilio B, the live appliance: writes the managed workload on B1. Omitted: as for `backups`. */
  appliance?: TrilioProfileInput;
  /** Where the world file goes (default `.lab/trilio/world.json`); tests generating aside set their own. */
  worldFile?: string;
  /** Generate only these workload keys (tests); the world still lists them all. */
  only?: string[];
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
const layoutVersion = 2;
export const completeMarker = '.lab-complete';
const baseTime = Date.parse('2025-03-03T01:00:00Z');
const hour = 3_600_000;
const day = 24 * hour;

/** What each side's Trilio writes with: mount root, folder form, owner (see `GeneratorInput`). */
export function writersOf(
  backups: TrilioProfileInput = {},
  appliance: TrilioProfileInput = {},
): WorldWriters {
  const pick = (p: TrilioProfile) => ({
    release: p.release,
    installer: p.installer,
    mountRoot: p.mountRoot,
    folderForm: p.folderForm,
    owner: p.shareOwner,
  });
  return { A: pick(resolveTrilioProfile(backups)), B: pick(resolveTrilioProfile(appliance)) };
}

/** The world from the specs and the seeded Keystone ids (pure). */
export function planWorld(
  input: Pick<GeneratorInput, 'projects' | 'users'>,
  writers: WorldWriters = writersOf(),
): WorldWorkload[] {
  return planWorkloads(workloadSpecs, input, writers);
}

/** Any specs planned like the lab's (the scale bench plans its own hundreds of workloads). */
export function planWorkloads(
  specs: readonly WorkloadSpec[],
  input: Pick<GeneratorInput, 'projects' | 'users'>,
  writers: WorldWriters = writersOf(),
): WorldWorkload[] {
  return specs.map((spec, index) => planWorkload(spec, index, input, writers));
}

function planWorkload(
  spec: WorkloadSpec,
  index: number,
  input: Pick<GeneratorInput, 'projects' | 'users'>,
  writers: WorldWriters,
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
      nics: vm.nics.map((nic) => ({
        network: nic.network,
        subnet: nic.subnet ?? snapshotNetworks[nic.network]!.subnets[0]!.name,
      })),
      disks: vm.disks.map((d) => ({
        name: d.name,
        ...(d.image
          ? { image: { id: labUuid('image', d.image), name: d.image } }
          : { volumeId: labUuid('volume', spec.key, vm.key, d.name) }),
        volumeType: d.volumeType,
        sizeBytes: d.sizeMiB * 1024 * 1024,
        boot: d.boot,
      })),
    })),
    writer: writers[spec.cloud],
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
  const worldFile = input.worldFile ?? trilioWorldFile;
  const previous = await readWorldFile(worldFile);
  // Without writer inputs a call (a test's reset) keeps what the last `up` asked for.
  const backups = input.backups ?? previous?.inputs?.backups;
  const appliance = input.appliance ?? previous?.inputs?.appliance;
  const writers = writersOf(backups, appliance);
  const workloads = planWorld(input, writers);
  const wanted = input.only ? workloads.filter((w) => input.only!.includes(w.key)) : workloads;
  const limiter = createLimiter(4);
  const generated: string[] = [];
  await Promise.all(
    wanted.map(async (wl) => {
      if (await ensureWorkloadFolder(input.sharesDir[wl.share], wl, limiter)) generated.push(wl.key);
    }),
  );
  const sourceIds = wanted.filter((w) => w.share === 'A1').map((w) => `workload_${w.id}`);
  const synced = await syncShareCopy(input.sharesDir.A1, input.sharesDir.B2, sourceIds, {
    fresh: input.reset === true,
    marker: completeMarker,
  });
  if (input.reset) await removeCopies(input.sharesDir.B1, workloads);
  const world: GeneratedWorld = {
    generatedAt: new Date().toISOString(),
    writers,
    inputs: { ...(backups ? { backups } : {}), ...(appliance ? { appliance } : {}) },
    workloads,
  };
  await mkdir(path.dirname(worldFile), { recursive: true });
  await writeFile(`${worldFile}.tmp`, `${JSON.stringify(world, null, 2)}\n`);
  await rename(`${worldFile}.tmp`, worldFile);
  if (worldFile === trilioWorldFile) lastWorld = world;
  return { world, generated: generated.sort(), synced, ms: Date.now() - started };
}

async function readWorldFile(file: string): Promise<GeneratedWorld | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as GeneratedWorld;
  } catch {
    return undefined;
  }
}

/** Whether the folder holds exactly this workload (its marker, written last, has the digest). */
export async function isComplete(folder: string, digest: string): Promise<boolean> {
  const marker = await readFile(path.join(folder, completeMarker), 'utf8').catch(() => '');
  return marker.trim() === digest;
}

/**
 * How qcow2 files are made: `qemu` runs qemu-img (and qemu-io for a little data) per file, as the
 * lab always does; `templates` copies two files qemu-img made once and rewrites the backing name
 * (same header, no data), for worlds of tens of thousands of files (the scale bench).
 */
export type ImageMaker = 'qemu' | 'templates';

export async function ensureWorkloadFolder(
  shareDir: string,
  wl: WorldWorkload,
  limiter: Limiter,
  images: ImageMaker = 'qemu',
): Promise<boolean> {
  const folder = path.join(shareDir, `workload_${wl.id}`);
  if (await isComplete(folder, wl.digest)) return false;
  // Built beside the share's workloads and renamed into place, so a half-written folder never
  // looks like a workload (Trilio and the emulator list `workload_*` only).
  const building = path.join(shareDir, `.building-workload_${wl.id}`);
  await rm(building, { recursive: true, force: true });
  await mkdir(building, { recursive: true });
  // The writer's own mount path of the share: what its incrementals' backing paths name.
  const mountPath = mountPathOf(wl.shareExport, wl.writer.mountRoot, wl.writer.folderForm);
  const snapshotSizes = wl.snapshots.map(() => 0);
  const diskSizes = new Map<string, number>();
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
            if (images === 'templates') await writeFile(file, await templateImage(sizeMiB, previous));
            else if (n === 0) await createFullImage(file, sizeMiB);
            else await createIncrementalImage(file, sizeMiB, previous, n, n === wl.snapshots.length - 1);
            const size = (await stat(file)).size;
            snapshotSizes[n]! += size;
            diskSizes.set(rel, size);
          }),
        );
      }
  });
  await Promise.all(jobs);
  const write = async (file: string, value: unknown): Promise<void> => {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, pythonJson(value));
  };
  await write(path.join(building, 'workload_db'), workloadDb(wl));
  await write(path.join(building, 'workload_vms_db'), workloadVmsDb(wl));
  for (const [n, snap] of wl.snapshots.entries()) {
    const dir = path.join(building, `snapshot_${snap.id}`);
    await write(path.join(dir, 'snapshot_db'), snapshotDb(wl, n, snapshotSizes[n]!));
    await write(path.join(dir, 'snapshot_vms_db'), snapshotVmsDb(wl, n));
    const resources = snapshotResources(wl, n, (rel) => diskSizes.get(rel) ?? 0);
    await write(path.join(dir, 'resources_db'), resources.resourcesDb);
    for (const file of resources.files) await write(path.join(dir, file.path), file.content);
  }
  const { uid, gid } = wl.writer.owner;
  await runCommand('/usr/bin/chown', ['-R', `${uid}:${gid}`, building]);
  await writeFile(path.join(building, completeMarker), `${wl.digest}\n`);
  await chown(path.join(building, completeMarker), uid, gid);
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

export type Limiter = <T>(job: () => Promise<T>) => Promise<T>;

/** At most `limit` jobs at once (qemu-img processes on a 2-core machine). */
export function createLimiter(limit: number): Limiter {
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

const templates = new Map<string, Promise<Buffer>>();

/**
 * A qcow2 file of `sizeMiB` whose backing file is `backing` ('' = none): a template qemu-img made once
 * per size and backing-name length, with the name written over its placeholder (same length, so the
 * header's offset and size stay right).
 */
async function templateImage(sizeMiB: number, backing: string): Promise<Buffer> {
  const length = Buffer.byteLength(backing);
  const key = `${sizeMiB}:${length}`;
  let made = templates.get(key);
  if (!made) {
    made = makeTemplate(sizeMiB, length);
    templates.set(key, made);
  }
  const image = Buffer.from(await made);
  if (length === 0) return image;
  const offset = Number(image.readBigUInt64BE(8));
  image.write(backing, offset, 'utf8');
  return image;
}

async function makeTemplate(sizeMiB: number, backingLength: number): Promise<Buffer> {
  const dir = await mkdtemp(path.join(tmpdir(), 'lab-qcow2-'));
  try {
    const file = path.join(dir, 'template');
    const placeholder = backingLength ? `/${'x'.repeat(backingLength - 1)}` : '';
    const backing = placeholder ? ['-F', 'qcow2', '-b', placeholder, '-u'] : [];
    await runCommand('/usr/bin/qemu-img', [
      'create',
      '-q',
      '-f',
      'qcow2',
      '-o',
      'cluster_size=512',
      ...backing,
      file,
      `${sizeMiB}M`,
    ]);
    return await readFile(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
