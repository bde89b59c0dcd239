import type { FindOutcomeData } from '../../../../shared/run/step-data.js';
import { targetMountPath } from '../../../../shared/trilio/trilio-facts.js';
import { parseProbe, probePathsArgv } from '../../../../shared/plans/host-scripts.js';
import { planFind, type FindFacts } from '../../../../shared/plans/find-plan.js';
import { fail, ok } from '../../../../shared/result.js';
import type { VerifyRow } from '../../../../shared/run/run-types.js';
import { scanShare } from '../../discovery/scan-share.js';
import type { StepDefinition } from '../../runs/step-definition.js';
import { stagingPathOf } from '../dr-paths.js';
import { executeRemoteActions } from '../plan-executor.js';
import { execContextOf, requireHosts, runOn } from '../remote-action.js';
import type { RunServices } from '../run-services.js';

export type { FindOutcomeData } from '../../../../shared/run/step-data.js';

/**
 * Runbook: "Trilio Workloads are identified by their ID … In the case that the Workload ID is not known
 * can available Metadata inside the Workload directories be used." One remote pass over the share lists
 * every workload with its metadata; the chosen one must be there and readable.
 */
export const findStep: StepDefinition<FindFacts, RunServices> = {
  key: 'find',
  async discover(ctx) {
    const tvms = requireHosts(ctx.services.tvms(), 'Trilio appliance (tvm)');
    if (!tvms.ok) return tvms;
    const tvm = tvms.value[0]!;
    const { nfs } = ctx.profile;
    const trilioPath = targetMountPath(ctx.profile.trilio, nfs.syncedCopy);
    const staging = stagingPathOf(ctx.profile);
    const probe = await runOn(ctx, tvm.id, { argv: probePathsArgv([trilioPath, staging]), privileged: true });
    if (!probe.ok) return probe;
    const { mounts } = parseProbe(probe.value.stdout);
    // Full-cloud DR (or an appliance already configured with B2) reads it where Trilio mounted it.
    const sourceRoot = mounts.has(trilioPath) ? trilioPath : staging;
    return ok({
      tvm: tvm.id,
      tvmName: tvm.name,
      syncedCopy: nfs.syncedCopy,
      sourceRoot,
      mounted: mounts.has(sourceRoot),
    });
  },
  plan: (facts) => planFind(facts),
  async execute(plan, facts, ctx) {
    const ran = await executeRemoteActions(ctx, plan.actions, 'Mounting the synced copy');
    if (!ran.ok) return ran;
    const conn = await ctx.services.pool.get(facts.tvm);
    if (!conn.ok) return conn;
    const scan = await scanShare(conn.value, [facts.sourceRoot], execContextOf(ctx));
    if (!scan.ok) return scan;
    const rootError = scan.value.roots.find((r) => r.error);
    if (rootError)
      return fail({
        code: 'precondition',
        message: `${facts.tvmName}: cannot list ${rootError.path}: ${rootError.error}`,
        host: facts.tvmName,
      });
    const workloads = scan.value.workloads;
    const wanted = ctx.params.kind === 'single' ? ctx.params.workloadId : '';
    const selected = wanted ? (workloads.find((w) => w.id === wanted) ?? null) : null;
    const verify: VerifyRow[] = [];
    if (wanted) {
      verify.push({
        host: facts.tvmName,
        check: `workload ${wanted} is on ${facts.syncedCopy}`,
        ok: selected !== null,
        ...(selected
          ? {}
          : { detail: `not found below ${facts.sourceRoot} (${workloads.length} workloads there)` }),
      });
      if (selected)
        verify.push({
          host: facts.tvmName,
          check: `workload ${wanted} metadata readable`,
          ok: selected.errors.length === 0,
          ...(selected.errors[0]
            ? { detail: `${selected.path}/${selected.errors[0].file}: ${selected.errors[0].message}` }
            : {}),
        });
    }
    const data: FindOutcomeData = { sourceRoot: facts.sourceRoot, workloads, selected };
    return ok({
      summary: selected
        ? `Workload ${selected.name ?? selected.id} (${selected.id}) found with ${selected.snapshots.length} snapshot(s), ${selected.vms.length} VM(s).`
        : `${workloads.length} workload(s) on ${facts.syncedCopy}${wanted ? '' : ': choose one'}.`,
      verify,
      data,
    });
  },
};
