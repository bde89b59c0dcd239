import type { ScannedWorkload } from '../../../../shared/discovery/workload-scan.js';
import type { FindFacts } from '../../../../shared/plans/find-plan.js';
import type { FindOutcomeData } from '../../../../shared/run/step-data.js';
import { scanShare } from '../../discovery/scan-share.js';
import type { StepPredictor } from '../../runs/plan-preview.js';
import { execContextOf } from '../remote-action.js';
import type { RunServices } from '../run-services.js';

/**
 * Find: the workload list later steps plan for. Where the synced copy is mounted on the appliance
 * already, the scan runs now (it only reads); otherwise it is mounted by the step itself, so before the
 * run only the workload named on the command line is known (single) and nothing of the share (full).
 */
export const predictFind: StepPredictor<RunServices> = {
  async outcome(ctx, facts) {
    const f = facts as FindFacts;
    const wanted = ctx.params.kind === 'single' ? ctx.params.workloadId : '';
    if (f.mounted) {
      const conn = await ctx.services.pool.get(f.tvm);
      if (!conn.ok) throw new Error(conn.error.message);
      const scan = await scanShare(conn.value, [f.sourceRoot], execContextOf(ctx));
      if (!scan.ok) throw new Error(scan.error.message);
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
    const known = wanted ? [unscanned(wanted, f.sourceRoot)] : [];
    const data: FindOutcomeData = { sourceRoot: f.sourceRoot, workloads: known, selected: known[0] ?? null };
    return {
      data,
      notes: [
        `${f.syncedCopy} is not mounted on ${f.tvmName} yet: the step mounts it read-only, then reads the workloads.` +
          (wanted
            ? ` Later steps are planned for workload ${wanted} as given; its name, project and size are read then.`
            : ' The workloads (and so the per-workload calls of the later steps) are known only then.'),
      ],
    };
  },
};

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
