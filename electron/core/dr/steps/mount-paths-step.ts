import { mountPathsNeeded } from '../../../../shared/discovery/chain-report.js';
import { knownMountRoots } from '../../../../shared/trilio/trilio-facts.js';
import { earlierMounts } from '../../../../shared/plans/earlier-mounts.js';
import { parseProbe, probePathsArgv } from '../../../../shared/plans/host-scripts.js';
import {
  planMountPaths,
  type HostMountState,
  type MountPathsFacts,
} from '../../../../shared/plans/mount-paths-plan.js';
import { fail, ok, type Result } from '../../../../shared/result.js';
import type { VerifyRow } from '../../../../shared/run/run-types.js';
import { checkChains } from '../../discovery/check-chains.js';
import type { StepDefinition } from '../../runs/step-definition.js';
import { fanOut } from '../../ssh/fan-out.js';
import { readRemoteFile } from '../../ssh/remote-files.js';
import { liveShareOf, workloadDirsOf } from '../dr-paths.js';
import { executeRemoteActions } from '../plan-executor.js';
import { execContextOf, requireHosts, runOn, type DrContext } from '../remote-action.js';
import type { RunServices } from '../run-services.js';

/**
 * Runbook: "make the right mount paths available". The backing chains of the workload (read on the
 * appliance) name the mount paths they need; every node gets them as bind mounts of the live share,
 * kept in fstab. Verified by following every chain on every node.
 */
export const mountPathsStep: StepDefinition<MountPathsFacts, RunServices> = {
  key: 'mount-paths',
  async discover(ctx) {
    const { profile, params } = ctx;
    const tvms = requireHosts(ctx.services.tvms(), 'Trilio appliance (tvm)');
    if (!tvms.ok) return tvms;
    const live = liveShareOf(profile, params);
    const workloadDirs = workloadDirsOf(profile, params);
    const tvm = tvms.value[0]!;
    const conn = await ctx.services.pool.get(tvm.id);
    if (!conn.ok) return conn;
    ctx.log(`Reading the backing chains below ${workloadDirs.join(', ')} on ${tvm.name}.`);
    const report = await checkChains(
      conn.value,
      { paths: workloadDirs, mountRoots: knownMountRoots(profile.trilio) },
      execContextOf(ctx),
    );
    if (!report.ok) return report;
    if (report.value.checks.length === 0)
      return fail({
        code: 'precondition',
        message: `No qcow2 image found below ${workloadDirs.join(', ')} on ${tvm.name}.`,
        host: tvm.name,
        hint: 'Run the copy step first (single workload) or check that the share holds the workloads.',
      });
    const needed = mountPathsNeeded(report.value.checks, knownMountRoots(profile.trilio));
    const paths = [live.mountPath, ...needed.map((n) => n.mountPath).filter((p) => p !== live.mountPath)];
    const nodes = [...ctx.services.tvms(), ...ctx.services.computes()];
    const states = await fanOut(
      nodes.map((h) => h.id),
      (id) => probeHost(ctx, id, paths),
      {
        concurrency: ctx.services.concurrency,
        signal: ctx.signal,
      },
    );
    const failed = states.find((s) => !s.ok);
    if (failed && !failed.ok) return fail(failed.error);
    return ok({
      livePath: live.mountPath,
      liveExport: live.nfsExport,
      needed,
      hosts: states.flatMap((s) => (s.ok ? [s.value] : [])),
      workloadDirs,
      earlier: earlierMounts(
        ctx.journal(),
        nodes.map((n) => n.id),
        paths,
      ),
    });
  },
  plan: (facts, ctx) => {
    const plan = planMountPaths(facts, ctx.runId);
    if (!plan.ok || ctx.params.kind !== 'single' || !ctx.params.drill) return plan;
    // A drill leaves what it finds: it never re-points a mount a real run keeps (its clean-up would
    // then remove it). The owner of those mounts decides first.
    const kept = [
      ...new Set(
        plan.value.actions.flatMap((a) =>
          a.kind === 'remote' ? (a.takesOver ?? []).map((t) => t.runId).filter((r) => r !== ctx.runId) : [],
        ),
      ),
    ];
    if (kept.length === 0) return plan;
    return fail({
      code: 'precondition',
      message: `The source share's mount path is bound elsewhere by run(s) ${kept.join(', ')}, which kept their mounts; a drill would have to re-point them.`,
      hint: `Clean up ${kept.length > 1 ? 'those runs' : 'that run'} with --remove-mounts (trilio-dr cleanup --run ${kept[0]} --remove-mounts --yes) or let the real DR finish, then drill again.`,
    });
  },
  async execute(plan, facts, ctx) {
    const ran = await executeRemoteActions(ctx, plan.actions, 'Making the mount paths available');
    if (!ran.ok) return ran;
    const verify = await verifyChains(ctx, facts);
    if (!verify.ok) return verify;
    const extra = facts.needed.filter((n) => n.mountPath !== facts.livePath);
    return ok({
      summary: `${extra.length} mount path(s) bound on ${facts.hosts.length} node(s); every backing chain resolves.`,
      verify: verify.value,
      data: {
        mountPaths: extra.map((n) => ({
          path: n.mountPath,
          nfsExport: n.nfsExport ?? n.share?.path ?? null,
        })),
      },
    });
  },
};

export async function probeHost(
  ctx: DrContext,
  hostId: string,
  paths: string[],
): Promise<Result<HostMountState>> {
  const host = ctx.services.host(hostId);
  if (!host.ok) return host;
  const probe = await runOn(ctx, hostId, { argv: probePathsArgv(paths), privileged: true });
  if (!probe.ok) return probe;
  const conn = await ctx.services.pool.get(hostId);
  if (!conn.ok) return conn;
  const fstab = await readRemoteFile(conn.value, '/etc/fstab', execContextOf(ctx));
  if (!fstab.ok) return fstab;
  const { dirs, mounts, ids } = parseProbe(probe.value.stdout);
  // The live path is probed first; a mount point with its device and inode shows the live share.
  const live = ids.get(paths[0]!);
  return ok({
    host: hostId,
    hostName: host.value.name,
    dirs: [...dirs],
    mounts: [...mounts],
    fstab: fstab.value.exists ? fstab.value.content : '',
    bound: [...mounts].filter((m) => live !== undefined && ids.get(m) === live),
  });
}

/** Every node follows every chain of the workload(s): the runbook's "backing files can be accessed". */
async function verifyChains(ctx: DrContext, facts: MountPathsFacts): Promise<Result<VerifyRow[]>> {
  const outcomes = await fanOut(
    facts.hosts.map((h) => h.host),
    async (id) => {
      const conn = await ctx.services.pool.get(id);
      if (!conn.ok) return conn;
      return checkChains(conn.value, { paths: facts.workloadDirs }, execContextOf(ctx));
    },
    { concurrency: ctx.services.concurrency, signal: ctx.signal },
  );
  return ok(
    outcomes.map((o, i): VerifyRow => {
      const host = facts.hosts[i]!.hostName;
      if (!o.ok) return { host, check: 'backing chains readable', ok: false, detail: o.error.message };
      const broken = o.value.checks.filter((c) => c.verdict !== 'ok');
      return {
        host,
        check: `${o.value.checks.length} qcow2 chain(s) resolve`,
        ok: broken.length === 0,
        ...(broken[0]
          ? {
              detail: `${broken.length} broken, e.g. ${broken[0].path}: ${broken[0].verdict} at ${broken[0].at ?? '?'}`,
            }
          : {}),
      };
    }),
  );
}
