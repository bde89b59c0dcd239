import type { Profile } from '../../../../shared/profile/profile.js';
import type { RestoreOutcomeData } from '../../../../shared/report/restore-outcome.js';
import type { RunView } from '../../../../shared/run/run-types.js';
import { restoreData, sampleProfile, sampleRun } from './sample-run.js';

/**
 * The sample full-cloud run with what the RPO and RTO are made of: each restored snapshot's time and
 * when its restore started, as Trilio writes them (no zone, UTC), and a profile whose RTO target (24
 * minutes) fin-erp misses (available after 25 min) and fin-web meets (22 min).
 */
export const RTO_TARGET_MINUTES = 24;

export function objectivesRun(): RunView {
  const run = sampleRun();
  const [erp, web, ci] = restoreData.workloads;
  const data: RestoreOutcomeData = {
    workloads: [
      {
        ...erp!,
        snapshotCreatedAt: '2025-03-13T23:00:00.000000',
        restoreStartedAt: '2025-03-14 09:10:00',
      },
      {
        ...web!,
        snapshotId: '9a1f0c2e-0000-4000-8000-00000000000a',
        snapshotCreatedAt: '2025-03-14T03:00:00Z',
        restoreStartedAt: '2025-03-14T09:09:00.000000',
      },
      { ...ci!, snapshotId: '77aa0c2e-0000-4000-8000-00000000000b' },
    ],
  };
  return {
    ...run,
    steps: run.steps.map((s) =>
      s.key === 'restore' && s.outcome ? { ...s, outcome: { ...s.outcome, data } } : s,
    ),
  };
}

export function objectivesProfile(perProject: Profile['reporting']['perProject'] = []): Profile {
  return { ...sampleProfile(), reporting: { rtoTargetMinutes: RTO_TARGET_MINUTES, perProject } };
}
