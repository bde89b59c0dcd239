import type { ScannedWorkload } from '../../../../shared/discovery/workload-scan.js';
import type { FindFacts } from '../../../../shared/plans/find-plan.js';
import type { FindOutcomeData } from '../../../../shared/run/step-data.js';
import { scanShare } from '../../discovery/scan-share.js';
import type { StepPredictor } from '../../runs/plan-preview.js';
import { execContextOf, type DrContext } from '../remote-action.js';
import { suggestedMapping } from '../../handlers/mapping-handlers.js';
import { AppFailure } from '../../../../shared/result.js';
import type { RunParams } from '../../../../shared/run/run-types.js';
import { peekWorkloads } from './peek-share.js';
import type { RunServices } from '../run-services.js';

/**
 * Find: the workload list later steps plan for. Where the synced copy is mounted on the appliance
 * already, the scan runs there now (it only reads); otherwise it runs on a read-only mount private to
 * the scan command (peek-share.ts), which the host never sees. Failing that, only the workload named
 * on the command line is known.
 */
export const predictFind: StepPredictor<RunServices> = {
  async outcome(ctx, facts) {
    const found = await foundNow(ctx, facts as FindFacts);
    return { ...found, ...(await mappingAfter(ctx, found.data)) };
  },
};

/**
 * A full-cloud run without a mapping gets the one suggested by name after Find, as `run full` does
 * (printed, then saved in the run); the later steps are planned with it.
 */
async function mappingAfter(
  ctx: DrContext,
  found: FindOutcomeData,
): Promise<{ params?: RunParams; notes: string[] }> {
  const params = ctx.params;
  if (params.kind !== 'full' || params.mapping.length > 0 || found.workloads.length === 0)
    return { notes: [] };
  const suggested = await suggestedMapping(
    ctx.profile,
    ctx.services.clouds,
    found,
    ctx.profile.projectMapping,
  );
  if (!suggested.ok) return { notes: [`No mapping could be suggested: ${suggested.error.message}`] };
  const unmapped = suggested.value.filter((m) => !m.targetProject);
  return {
    params: { ...params, mapping: suggested.value },
    notes: [
      `Project mapping (suggested by name, as the run does): ${suggested.value.map((m) => `${m.sourceProjectName || m.sourceProjectId} → ${m.targetProject || '(none)'}`).join(', ')}.`,
      ...(unmapped.length > 0
        ? [
            'The run stops after Find for the projects without a target: complete the mapping (--mapping FILE.csv).',
          ]
        : []),
    ],
  };
}

async function foundNow(
  ctx: DrContext,
  facts: FindFacts,
): Promise<{ data: FindOutcomeData; notes: string[] }> {
  const f = facts;
  const wanted = ctx.params.kind === 'single' ? ctx.params.workloadId : '';
  if (f.mounted) {
    const conn = await ctx.services.pool.get(f.tvm);
    if (!conn.ok) throw new AppFailure(conn.error);
    const scan = await scanShare(conn.value, [f.sourceRoot], execContextOf(ctx));
    if (!scan.ok) throw new AppFailure(scan.error);
    const workloads = scan.value.workloads;
    const selected = wanted ? (workloads.find((w) => w.id === wanted) ?? null) : null;
    const data: FindOutcomeData = { sourceRoot: f.sourceRoot, workloads, selected };
    return {
      data,
      notes:
        wanted && !selected
          ? [
              `Workload ${wanted} is not on ${f.syncedCopy} (${workloads.length} workload(s) there): the run would stop here.`,
            ]
          : [`${workloads.length} workload(s) read from ${f.sourceRoot} on ${f.tvmName}.`],
    };
  }
  const peeked = await peekWorkloads(ctx, f.tvm, f.sourceRoot);
  if (peeked.ok) {
    const workloads = peeked.value.workloads;
    const selected = wanted ? (workloads.find((w) => w.id === wanted) ?? null) : null;
    const data: FindOutcomeData = { sourceRoot: f.sourceRoot, workloads, selected };
    return {
      data,
      notes: [
        `${workloads.length} workload(s) read from ${f.syncedCopy} through a read-only mount private to the reading command (the host's mounts are unchanged).`,
        ...(wanted && !selected
          ? [`Workload ${wanted} is not on ${f.syncedCopy}: the run would stop here.`]
          : []),
      ],
    };
  }
  const known = wanted ? [unscanned(wanted, f.sourceRoot)] : [];
  const data: FindOutcomeData = { sourceRoot: f.sourceRoot, workloads: known, selected: known[0] ?? null };
  return {
    data,
    notes: [
      `${f.syncedCopy} could not be read before the step mounts it (${peeked.error.message}).` +
        (wanted
          ? ` Later steps are planned for workload ${wanted} as given; its name, project and size are read then.`
          : ' The workloads (and so the per-workload calls of the later steps) are known only then.'),
    ],
  };
}

/** The chosen workload before its folder was read: its id only. */
function unscanned(id: string, root: string): ScannedWorkload {
  return {
    id,
    name: null,
    description: null,
    projectId: null,
    userId: null,
    status: null,
    createdAt: null,
    metadata: {},
    vms: [],
    snapshots: [],
    sizeBytes: 0,
    fileCount: 0,
    path: `${root}/workload_${id}`,
    root,
    errors: [],
  };
}
