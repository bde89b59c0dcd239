import { drillSummaryOf } from '../../../shared/drill/drill-types.js';
import { ok } from '../../../shared/result.js';
import type { DrillEngine } from '../drill/drill-engine.js';
import { drillReportDownload } from '../drill/drill-report-download.js';
import type { PartialHandlers } from './handler-types.js';

type DrillCalls = 'drills.start' | 'drills.resume' | 'drills.get' | 'drills.list' | 'drills.report';

/** DR drills (issue 21): start, resume, follow and report them. */
export function drillHandlers(drills: DrillEngine): PartialHandlers<DrillCalls> {
  return {
    'drills.start': ({ profileId, all, workloadIds }) => drills.start(profileId, { all, workloadIds }),
    'drills.resume': ({ drillId }) => drills.resume(drillId),
    'drills.get': ({ drillId }) => drills.get(drillId),
    'drills.list': ({ profileId }) => ok(drills.list(profileId).map(drillSummaryOf)),
    'drills.report': async ({ drillId, format }) => {
      const drill = drills.get(drillId);
      if (!drill.ok) return drill;
      // The previous drill of the same profile that ended before this one began, for the comparison.
      const previous = drills
        .list(drill.value.profileId)
        .find((d) => d.id !== drillId && d.createdAt < drill.value.createdAt && d.finishedAt);
      return drillReportDownload(drill.value, previous, format);
    },
  };
}
