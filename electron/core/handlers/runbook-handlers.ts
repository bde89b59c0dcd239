import {
  envRunbookHtml,
  envRunbookMarkdown,
  type EnvRunbookInput,
  type RunbookWorkload,
} from '../../../shared/report/env-runbook.js';
import type { ProjectMapping } from '../../../shared/profile/profile.js';
import type { RunParams } from '../../../shared/run/run-types.js';
import { fail, ok, type Result } from '../../../shared/result.js';
import type { FileDownload } from '../../../shared/contract.js';
import type { StepPlan } from '../../../shared/run/plan-types.js';
import type { CoreState } from '../core-state.js';
import type { RunEngine } from '../runs/run-engine.js';
import type { PartialHandlers } from './handler-types.js';

const mimeTypes = { md: 'text/markdown', html: 'text/html' } as const;

/**
 * The environment runbook of a profile: the DR procedure written for its real hosts, exports, fstab lines
 * and config edits, before any run; given a run, with the exact plans that run made. Returned as bytes
 * (like the run report) so that browser mode never writes to a path the page chose. The profile's secrets
 * are scrubbed from the text as a second line of defence: the document is built from the profile without
 * them.
 */
export function runbookHandlers<S>(
  state: CoreState,
  engine: RunEngine<S>,
): PartialHandlers<'profiles.runbook'> {
  return {
    'profiles.runbook': ({ id, kind, runId, format }): Result<FileDownload> => {
      const profile = state.profiles.get(id);
      if (!profile.ok) return profile;
      let plans: StepPlan[] = [];
      let notifyOnly = false;
      let reenableSchedules = false;
      let run: EnvRunbookInput['run'];
      let workloads: RunbookWorkload[] = [];
      let mapping: ProjectMapping[] = [];
      if (runId) {
        const found = engine.get(runId);
        if (!found.ok) return found;
        const stored = found.value;
        if (stored.profileId !== id)
          return fail({
            code: 'invalid-argument',
            message: `Run ${runId} belongs to another profile.`,
            hint: 'Export the runbook from the profile the run was made with.',
          });
        kind = stored.kind;
        notifyOnly = stored.params.notifyOnly;
        reenableSchedules = stored.params.reenableSchedules === true;
        plans = stored.steps.flatMap((s) => (s.plan ? [s.plan] : []));
        workloads = runWorkloads(stored.params);
        if (stored.params.kind === 'full') mapping = stored.params.mapping;
        run = { id: stored.id, changes: stored.changes };
      }
      const input: EnvRunbookInput = {
        // A full run's mapping (chosen for the run) is the one its plans follow.
        profile: mapping.length > 0 ? { ...profile.value, projectMapping: mapping } : profile.value,
        kind,
        notifyOnly,
        reenableSchedules,
        plans,
        ...(run ? { run } : {}),
        workloads,
        meta: { generatedAt: new Date().toISOString(), appVersion: state.version },
      };
      const text = state.scrubber.scrub(
        format === 'html' ? envRunbookHtml(input) : envRunbookMarkdown(input),
      );
      const safeName =
        profile.value.name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'profile';
      return ok({
        fileName: `runbook-${safeName}-${kind}.${format}`,
        mimeType: mimeTypes[format],
        base64: Buffer.from(text, 'utf8').toString('base64'),
      });
    },
  };
}

/** The workloads a run names in its parameters (a single run's workload; a full run's mapped projects come from the profile). */
function runWorkloads(params: RunParams): RunbookWorkload[] {
  if (params.kind !== 'single' || !params.workloadId) return [];
  return [
    {
      id: params.workloadId,
      name: params.workloadId,
      sourceProjectId: '',
      ...(params.targetProject ? { targetProject: params.targetProject } : {}),
      ...(params.trusteeUser ? { trusteeUser: params.trusteeUser } : {}),
      ...(params.snapshot && params.snapshot !== 'latest' ? { snapshotId: params.snapshot } : {}),
    },
  ];
}
