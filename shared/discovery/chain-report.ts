import { z } from 'zod';
import { DEFAULT_MOUNT_ROOT, parseBackingPath, type FolderShare } from '../nfs/mount-path.js';
import { ok, type Result } from '../result.js';
import { chainCheckVersion } from '../remote-scripts/chain-check.js';
import { firstIssue, outputError, readFramedLines } from './json-lines.js';

/**
 * What the chain check (shared/remote-scripts/chain-check.ts) found, and the mount paths the chains
 * need: an incremental's backing path names the share it was written on, and restores fail until
 * that `<mount root>/<base64>` exists on the appliance and on every compute node.
 */
export type ChainVerdict = 'ok' | 'missing-backing' | 'not-qcow2' | 'unreadable' | 'loop';

export interface ChainCheck {
  /** The image checked, as given or as found below a folder. */
  path: string;
  verdict: ChainVerdict;
  /**
   * Every path the chain references, the image first, as qemu would open them (relative backing names
   * resolved against the folder of the image naming them). When the verdict is not `ok`, the last
   * entry is where the chain broke.
   */
  chain: string[];
  /** Where it broke: the missing backing file, the file that is not qcow2, the unreadable one, the repeated one. */
  at: string | null;
  /** Why, as the host said it (e.g. "No such file or directory"). */
  reason: string | null;
}

/** A `<mountRoot>/<hash>` folder that chains reference, as seen on the host that ran the check. */
export interface MountDirSeen {
  path: string;
  exists: boolean;
  /** How many checked images have a chain entry below it. */
  files: number;
}

export interface ChainReport {
  checks: ChainCheck[];
  /** Files found below the folders given that are not qcow2 images (workload_db, snapshot_db, …). */
  skipped: number;
  /** Empty unless the check was given a mount root. */
  mountDirs: MountDirSeen[];
}

const checkSchema = z.object({
  kind: z.literal('file'),
  path: z.string(),
  verdict: z.enum(['ok', 'missing-backing', 'not-qcow2', 'unreadable', 'loop']),
  chain: z.array(z.string()).min(1),
  at: z.string().nullable(),
  reason: z.string().nullable(),
});

const count = z.number().int().nonnegative();
const endSchema = z.object({
  kind: z.literal('end'),
  files: count,
  skipped: count,
  mountDirs: z.array(z.object({ path: z.string(), exists: z.boolean(), files: count })),
});

const what = 'backing-chain check';

/** Reads the chain check's output. Fails (`validation`) on anything malformed, cut off or of another version. */
export function parseChainReport(output: string): Result<ChainReport> {
  const framed = readFramedLines(output, what, 'chains', chainCheckVersion, endSchema);
  if (!framed.ok) return framed;
  const checks: ChainCheck[] = [];
  for (const { line, value } of framed.value.body) {
    const parsed = checkSchema.safeParse(value);
    if (!parsed.success)
      return outputError(
        what,
        `line ${line}: ${firstIssue(parsed.error)}.`,
        undefined,
        JSON.stringify(value) ?? String(value),
      );
    const { kind: _kind, ...check } = parsed.data;
    if (check.verdict !== 'ok' && check.at === null)
      return outputError(what, `line ${line}: a "${check.verdict}" verdict without the path where it broke.`);
    checks.push(check);
  }
  const { files, skipped, mountDirs } = framed.value.end;
  if (checks.length !== files)
    return outputError(what, `the end line counts ${files} files but ${checks.length} were printed.`);
  return ok({ checks, skipped, mountDirs });
}

/** A mount path that chains need, with the NFS export Trilio derived it from. */
export interface NeededMountPath {
  /** `<mountRoot>/<base64>` */
  mountPath: string;
  hash: string;
  /** `IP:/path` the hash decodes to (whole-export folders), else null. */
  nfsExport: string | null;
  /** What the folder name decodes to (either form), or null when it is not a Trilio mount folder. */
  share: FolderShare | null;
  /** Images whose chain references it. */
  files: number;
  /** Images whose missing backing file lies below it: they stay broken until it exists. */
  missing: number;
}

/**
 * Every distinct `<mountRoot>/<base64>` the chains reference, under any of the given mount roots
 * (backups keep the root and folder form of the Trilio that wrote them), sorted by path, with what the
 * folder decodes to. Pure: the same answer for a report from any host.
 */
export function mountPathsNeeded(
  checks: readonly Pick<ChainCheck, 'chain' | 'verdict' | 'at'>[],
  mountRoots: readonly string[] = [DEFAULT_MOUNT_ROOT],
): NeededMountPath[] {
  const found = new Map<string, NeededMountPath>();
  const entryFor = (path: string): NeededMountPath | undefined => {
    const ref = parseBackingPath(path, mountRoots);
    if (!ref) return undefined;
    let entry = found.get(ref.mountPath);
    if (!entry) {
      entry = {
        mountPath: ref.mountPath,
        hash: ref.hash,
        nfsExport: ref.nfsExport,
        share: ref.share,
        files: 0,
        missing: 0,
      };
      found.set(ref.mountPath, entry);
    }
    return entry;
  };
  for (const check of checks) {
    const counted = new Set<NeededMountPath>();
    for (const path of check.chain) {
      const entry = entryFor(path);
      if (entry && !counted.has(entry)) {
        counted.add(entry);
        entry.files += 1;
      }
    }
    if (check.verdict === 'missing-backing' && check.at !== null) {
      const entry = entryFor(check.at);
      if (entry) entry.missing += 1;
    }
  }
  return [...found.values()].sort((a, b) =>
    a.mountPath < b.mountPath ? -1 : a.mountPath > b.mountPath ? 1 : 0,
  );
}
