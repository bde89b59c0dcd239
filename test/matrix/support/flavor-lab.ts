import { readFile } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { LabFlavorInput } from '../../lab/flavor/flavor.js';
import { mountPathOf } from '../../lab/flavor/mount-folder.js';
import { runOnHost } from '../../lab/hosts/index.js';
import type { LabJson } from '../../lab/lab-json.js';
import { readLabJson, upLab } from '../../lab/lab.js';

/**
 * The shared lab in one Trilio flavor for a matrix test, and back to the default flavor afterwards (the
 * other lab tests and the other engineers expect the default lab). Expected paths are computed from
 * lab.json's values with the lab's own folder code.
 */

const run = promisify(execFile);

/**
 * `reset`: hosts rebooted and Trilio's state regenerated even when the flavor is already the one asked
 * for (the default flavor is in use by every other test, which may leave mounts behind on purpose).
 */
export async function labWith(flavor: LabFlavorInput, options: { reset?: boolean } = {}): Promise<LabJson> {
  await upLab({ flavor, onNote: (line) => console.log(line), ...(options.reset ? { reset: true } : {}) });
  return readLabJson();
}

/** `up` without flags: the default flavor (4.1 from packages), as every other test expects. */
export async function backToDefault(): Promise<void> {
  await upLab({ onNote: (line) => console.log(line) });
}

/** Nodes Trilio runs on (the jump host has none). */
export const trilioNodes = (lab: LabJson): string[] =>
  lab.hosts.filter((h) => h.role !== 'jump').map((h) => h.name);
export const computeNodes = (lab: LabJson): string[] =>
  lab.hosts.filter((h) => h.role === 'compute').map((h) => h.name);

/** Where cloud B's Trilio mounts an export on this lab. */
export const liveMountPath = (lab: LabJson, nfsExport: string): string =>
  mountPathOf(nfsExport, lab.trilio.mountRoot, lab.trilio.folderForm);

/** A1's mount path as the Trilio that wrote the backups had it: what the backing paths name. */
export const backupsMountPath = (lab: LabJson): string =>
  mountPathOf(lab.nfs.A1, lab.trilio.backups.mountRoot, lab.trilio.backups.folderForm);

/** The backing file a qcow2 names (read on this machine from the share directory). */
export async function backingFileOf(file: string): Promise<string | undefined> {
  const { stdout } = await run('qemu-img', ['info', '-U', '--output=json', file]);
  return (JSON.parse(stdout) as { 'backing-filename'?: string })['backing-filename'];
}

/**
 * The disk files of one snapshot of a workload as a node sees them under `mountPath` (the qcow2 files
 * beside each disk's `disk_db`).
 */
export async function snapshotDisks(
  node: string,
  mountPath: string,
  workloadId: string,
  snapshotId: string,
): Promise<string[]> {
  const script =
    'for f in "$1"/workload_"$2"/snapshot_"$3"/vm_id_*/vm_res_id_*/*; do case $f in *_db) ;; *) [ -f "$f" ] && echo "$f" ;; esac; done';
  const done = await runOnHost(node, ['sh', '-c', script, 'sh', mountPath, workloadId, snapshotId]);
  if (done.code !== 0) throw new Error(`${node}: listing ${workloadId} under ${mountPath}: ${done.stderr}`);
  return done.stdout.split('\n').filter((l) => l !== '' && !l.includes('*'));
}

/** Every config file a flavor's Trilio reads on a node, with its text (for byte-identical reverts). */
export async function configTexts(lab: LabJson): Promise<Map<string, string>> {
  const texts = new Map<string, string>();
  for (const h of lab.hosts.filter((x) => x.role !== 'jump')) {
    const files = h.role === 'tvm' ? lab.trilio.applianceConfigs : [lab.trilio.datamoverConfig];
    for (const file of files) {
      const done = await runOnHost(h.name, ['cat', file]);
      if (done.code !== 0) throw new Error(`${h.name}: cat ${file}: ${done.stderr}`);
      texts.set(`${h.name}:${file}`, done.stdout);
    }
  }
  return texts;
}

/** The importable lab profile as written by `up`. */
export async function labProfileFile(lab: LabJson): Promise<{ profile: Record<string, unknown> }> {
  return JSON.parse(await readFile(lab.profileFile, 'utf8')) as { profile: Record<string, unknown> };
}
