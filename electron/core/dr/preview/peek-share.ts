import { parseChainReport, type ChainReport } from '../../../../shared/discovery/chain-report.js';
import { parseWorkloadScan, type WorkloadScan } from '../../../../shared/discovery/workload-scan.js';
import { listFolderArgv, parseListing, type FolderListing } from '../../../../shared/plans/copy-plan.js';
import { PEEK_DIR, privateReadOnlyMountArgv } from '../../../../shared/plans/private-mount.js';
import { chainCheckArgv, chainCheckScript } from '../../../../shared/remote-scripts/chain-check.js';
import { scanWorkloadsArgv, scanWorkloadsScript } from '../../../../shared/remote-scripts/scan-workloads.js';
import { fail, ok, type Result } from '../../../../shared/result.js';
import { knownMountRoots } from '../../../../shared/trilio/trilio-facts.js';
import { defaultMaxOutputBytes } from '../../discovery/run-script.js';
import { runOn, type DrContext } from '../remote-action.js';

/**
 * Reads the synced copy (NFS B2) on the appliance before the run mounts it, through a read-only mount
 * in a private mount namespace that lives as long as the one command (shared/plans/private-mount.ts):
 * the workload scan and the chain check the steps run, with their paths mapped back to where the run
 * will read them (`root`).
 */
async function peek(
  ctx: DrContext,
  tvm: string,
  command: string[],
  script?: string,
): Promise<Result<string>> {
  const ran = await runOn(ctx, tvm, {
    argv: privateReadOnlyMountArgv(ctx.profile.nfs.syncedCopy, command),
    ...(script !== undefined ? { stdin: script } : {}),
    privileged: true,
    quietStdout: true,
    maxCaptureBytes: defaultMaxOutputBytes,
  });
  return ran.ok ? ok(ran.value.stdout) : ran;
}

const remap = (path: string, root: string) =>
  path === PEEK_DIR || path.startsWith(`${PEEK_DIR}/`) ? `${root}${path.slice(PEEK_DIR.length)}` : path;

/** The workloads on B2, as the Find step will list them below `root`. */
export async function peekWorkloads(
  ctx: DrContext,
  tvm: string,
  root: string,
): Promise<Result<WorkloadScan>> {
  const out = await peek(ctx, tvm, scanWorkloadsArgv([PEEK_DIR]), scanWorkloadsScript);
  if (!out.ok) return out;
  const scan = parseWorkloadScan(out.value);
  if (!scan.ok) return fail(scan.error);
  return ok({
    ...scan.value,
    roots: scan.value.roots.map((r) => ({ ...r, path: remap(r.path, root) })),
    workloads: scan.value.workloads.map((w) => ({
      ...w,
      path: remap(w.path, root),
      root: remap(w.root, root),
    })),
  });
}

/** The backing chains of folders of B2 (`dirs` relative to the share), as the appliance resolves them. */
export async function peekChains(
  ctx: DrContext,
  tvm: string,
  dirs: readonly string[],
): Promise<Result<ChainReport>> {
  const paths = dirs.map((d) => (d ? `${PEEK_DIR}/${d}` : PEEK_DIR));
  const out = await peek(
    ctx,
    tvm,
    chainCheckArgv({ paths, mountRoots: knownMountRoots(ctx.profile.trilio) }),
    chainCheckScript,
  );
  if (!out.ok) return out;
  const report = parseChainReport(out.value);
  return report.ok ? report : fail(report.error);
}

/** The size of a folder of B2 (`dir` relative to the share), as the Copy step lists it. */
export async function peekListing(
  ctx: DrContext,
  tvm: string,
  dir: string,
): Promise<Result<FolderListing | null>> {
  const out = await peek(ctx, tvm, listFolderArgv(`${PEEK_DIR}/${dir}`));
  if (!out.ok) return out;
  try {
    return ok(parseListing(out.value));
  } catch (error) {
    return fail({ code: 'ssh-command', message: (error as Error).message });
  }
}
