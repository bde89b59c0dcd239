import { mountPathsNeeded, type NeededMountPath } from '../../../../shared/discovery/chain-report.js';
import { knownMountRoots, shareMountPaths } from '../../../../shared/trilio/trilio-facts.js';
import type { FindFacts } from '../../../../shared/plans/find-plan.js';
import type { HostMountState, MountPathsFacts } from '../../../../shared/plans/mount-paths-plan.js';
import { fail, ok, type Result } from '../../../../shared/result.js';
import { checkChains } from '../../discovery/check-chains.js';
import type { StepPredictor } from '../../runs/plan-preview.js';
import { fanOut } from '../../ssh/fan-out.js';
import { liveShareOf, workloadDirName, workloadDirsOf } from '../dr-paths.js';
import { execContextOf, type DrContext } from '../remote-action.js';
import type { RunServices } from '../run-services.js';
import { probeHost } from '../steps/mount-paths-step.js';
import { peekChains } from './peek-share.js';

/**
 * Mount paths before the workload is where Trilio B reads it (copied to B1, or B2 configured): every
 * node's mounts and fstab are read now; the paths the backing chains need are read from the synced copy
 * where it is mounted, else taken from the profile's NFS A1 (cloud A's Trilio wrote the incrementals
 * with its mount path). The live share counts as mounted on a node whose Reconfigure plan mounts it.
 */
export const predictMountPaths: StepPredictor<RunServices> = {
  predictFirst: (world) =>
    (world.plans.copy?.actions.length ?? 0) > 0 || (world.plans.reconfigure?.actions.length ?? 0) > 0,
  async facts(ctx, world, failure) {
    const live = liveShareOf(ctx.profile, ctx.params);
    const notes: string[] = [];
    const needed = await neededPaths(ctx, world.facts.find as FindFacts | undefined, notes);
    if (!needed.ok) return needed.error.code === 'cancelled' ? needed : fail(failure);
    const nodes = [...ctx.services.tvms(), ...ctx.services.computes()];
    const probed = await fanOut(
      nodes.map((n) => n.id),
      (id) => probeHost(ctx, id, [live.mountPath, ...needed.value.map((n) => n.mountPath)]),
      { concurrency: ctx.services.concurrency, signal: ctx.signal },
    );
    const failed = probed.find((p) => !p.ok);
    if (failed && !failed.ok) return fail(failed.error);
    const reconfigured = new Set(
      (world.plans.reconfigure?.actions ?? []).flatMap((a) => (a.kind === 'remote' ? [a.host] : [])),
    );
    const hosts: HostMountState[] = probed.flatMap((p) => (p.ok ? [p.value] : []));
    for (const h of hosts)
      if (!h.mounts.includes(live.mountPath) && reconfigured.has(h.host)) {
        h.mounts = [...h.mounts, live.mountPath];
        notes.push(`${h.hostName}: ${live.nfsExport} is mounted at ${live.mountPath} by Reconfigure.`);
      }
    const facts: MountPathsFacts = {
      livePath: live.mountPath,
      liveExport: live.nfsExport,
      needed: needed.value,
      hosts,
      workloadDirs: workloadDirsOf(ctx.profile, ctx.params),
    };
    return ok({ facts, notes });
  },
};

async function neededPaths(
  ctx: DrContext,
  find: FindFacts | undefined,
  notes: string[],
): Promise<Result<NeededMountPath[]>> {
  const roots = knownMountRoots(ctx.profile.trilio);
  if (find?.mounted) {
    const conn = await ctx.services.pool.get(find.tvm);
    if (!conn.ok) return conn;
    const dirs =
      ctx.params.kind === 'single'
        ? [`${find.sourceRoot}/${workloadDirName(ctx.params.workloadId)}`]
        : [find.sourceRoot];
    const report = await checkChains(conn.value, { paths: dirs, mountRoots: roots }, execContextOf(ctx));
    if (!report.ok) return report;
    notes.push(`Backing chains read below ${dirs.join(', ')} on ${find.tvmName}.`);
    return ok(mountPathsNeeded(report.value.checks, roots));
  }
  const tvm = ctx.services.tvms()[0];
  if (tvm) {
    const dirs = ctx.params.kind === 'single' ? [workloadDirName(ctx.params.workloadId)] : [''];
    const peeked = await peekChains(ctx, tvm.id, dirs);
    if (peeked.ok && peeked.value.checks.length > 0) {
      notes.push(
        `Backing chains read on ${tvm.name} through a read-only mount of ${ctx.profile.nfs.syncedCopy} private to the reading command.`,
      );
      return ok(mountPathsNeeded(peeked.value.checks, roots));
    }
  }
  const source = shareMountPaths(ctx.profile.trilio, ctx.profile.nfs).source;
  if (!source)
    return fail({
      code: 'precondition',
      message:
        'The backing chains are read when the workload is on the share, and the profile names no NFS A1.',
    });
  notes.push(
    `The backing chains are read when the step runs; planned for ${source}, the mount path of NFS A1 (${ctx.profile.nfs.source}) where cloud A's Trilio wrote them.`,
  );
  // The path as a chain would name it, read by the same parser as a real chain.
  return ok(mountPathsNeeded([{ chain: [`${source}/workload`], verdict: 'ok', at: null }], roots));
}
