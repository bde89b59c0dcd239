import { drillSummaryOf } from '../../../shared/drill/drill-types.js';
import { ok } from '../../../shared/result.js';
import type { DrillEngine } from '../drill/drill-engine.js';
import { drillReportFile } from '../report/drill-report-file.js';
import { previousDrillOf } from '../../../shared/report/drill-comparison.js';
import type { CoreState } from '../core-state.js';
import type { PartialHandlers } from './handler-types.js';

type DrillCalls = 'drills.start' | 'drills.resume' | 'drills.get' | 'drills.list' | 'drills.report';

/** DR drills (issue 21): start, resume, follow and report them. */
export function drillHandlers(state: CoreState, drills: DrillEngine): PartialHandlers<DrillCalls> {
  return {
    'drills.start': ({ profileId, all, workloadIds }) => drills.start(profileId, { all, workloadIds }),
    'drills.resume': ({ drillId }) => drills.resume(drillId),
    'drills.get': ({ drillId }) => drills.get(drillId),
    'drills.list': ({ profileId }) => ok(drills.list(profileId).map(drillSummaryOf)),
    'drills.report': async ({ drillId, format }) => {
      const drill = drills.get(drillId);
      if (!drill.ok) return drill;
      // The profile's previous drill (started before this one, finished), for the comparison.
      const previous = previousDrillOf(drill.value, drills.list(drill.value.profileId));
      return drillReportFile(drill.value, previous, format, {
        appVersion: state.version,
        scrub: (text) => state.scrubber.scrub(text),
      });
    },
  };
}
