import type { ScannedWorkload } from '../../../shared/discovery/workload-scan.js';
import { fail, ok, type Result } from '../../../shared/result.js';
import type { DrContext } from './remote-action.js';
import type { FindOutcomeData } from './steps/find-step.js';

/** One workload the run recovers, and where to. */
export interface DrTarget {
  workloadId: string;
  workloadName: string;
  sourceProjectId: string;
  /** Cloud A's project name when the mapping knows it ('' otherwise). */
  sourceProjectName: string;
  targetProject: string;
  /** Name or id; empty = the first user with the trustee role in the target project. */
  trusteeUser: string;
}

/**
 * The workloads of a run and their target projects: the one chosen workload (single), or every workload
 * the find step saw on the synced copy whose source project is mapped (full cloud). Unmapped projects
 * are an error that lists them, so nothing is recovered into a wrong project silently.
 */
export function drTargets(ctx: DrContext): Result<DrTarget[]> {
  const params = ctx.params;
  const found = ctx.outcomeOf('find')?.data as FindOutcomeData | undefined;
  const byId = new Map((found?.workloads ?? []).map((w) => [w.id, w]));
  if (params.kind === 'single') {
    if (!params.workloadId)
      return fail({
        code: 'precondition',
        message: 'No workload chosen.',
        hint: 'Choose it in the Find step.',
      });
    const w = byId.get(params.workloadId);
    return ok([
      {
        workloadId: params.workloadId,
        workloadName: w?.name ?? params.workloadId,
        sourceProjectId: w?.projectId ?? '',
        sourceProjectName: '',
        targetProject: params.targetProject,
        trusteeUser: params.trusteeUser,
      },
    ]);
  }
  if (!found) return fail({ code: 'precondition', message: 'Run the Find step first.' });
  const mapping = params.mapping.length > 0 ? params.mapping : ctx.profile.projectMapping;
  const targets: DrTarget[] = [];
  const unmapped = new Set<string>();
  for (const w of found.workloads as ScannedWorkload[]) {
    if (!w.projectId) continue;
    const m = mapping.find((x) => x.sourceProjectId === w.projectId);
    if (!m || !m.targetProject) {
      unmapped.add(w.projectId);
      continue;
    }
    targets.push({
      workloadId: w.id,
      workloadName: w.name ?? w.id,
      sourceProjectId: w.projectId,
      sourceProjectName: m.sourceProjectName,
      targetProject: m.targetProject,
      trusteeUser: m.trusteeUser,
    });
  }
  if (unmapped.size > 0)
    return fail({
      code: 'precondition',
      message: `No target project for source project(s) ${[...unmapped].join(', ')}.`,
      hint: 'Complete the project mapping (wizard, or --mapping FILE.csv), then plan again.',
    });
  return ok(targets);
}
