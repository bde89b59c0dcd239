import { readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { runCommand } from '../clouds/local-command.js';

/**
 * B2 is "the synced copy of A1" (the runbook's replicated NFS share): workload folders copied with
 * `cp -a` so ownership (nova:nova), modes and the qcow2 files' absolute backing paths stay as they are.
 * A folder already copied from the same generation (same completeness marker) is left alone, so a DR
 * run's changes on B2 (a reassign rewrites `workload_db`) survive `up` until a reset.
 */
export async function syncShareCopy(
  sourceDir: string,
  copyDir: string,
  folders: string[],
  options: { fresh: boolean; marker: string },
): Promise<string[]> {
  const copied: string[] = [];
  for (const folder of folders) {
    const source = path.join(sourceDir, folder);
    const target = path.join(copyDir, folder);
    const marker = (dir: string): Promise<string> =>
      readFile(path.join(dir, options.marker), 'utf8').catch(() => '');
    const wanted = await marker(source);
    if (wanted === '') throw new Error(`Trilio lab: ${source} is incomplete, cannot copy it to ${copyDir}.`);
    if (!options.fresh && (await marker(target)) === wanted) continue;
    const temporary = path.join(copyDir, `.copying-${folder}`);
    await rm(temporary, { recursive: true, force: true });
    await runCommand('/usr/bin/cp', ['-a', source, temporary]);
    await rm(target, { recursive: true, force: true });
    await rename(temporary, target);
    copied.push(folder);
  }
  return copied;
}
