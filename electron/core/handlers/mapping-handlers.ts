import { suggestMapping, type SourceProject } from '../../../shared/mapping/project-mapping.js';
import type { ProjectMapping } from '../../../shared/profile/profile.js';
import { AppFailure, fail, ok, type Result } from '../../../shared/result.js';
import { openClouds } from '../clients/index.js';
import type { CoreState } from '../core-state.js';
import type { FindOutcomeData } from '../dr/steps/find-step.js';
import type { RunEngine } from '../runs/run-engine.js';
import type { PartialHandlers } from './handler-types.js';

/**
 * Suggests the project mapping of a full-cloud run: the source projects the find step saw in the
 * workloads, named from the source Keystone when it still answers (else the profile's saved mapping,
 * else ids only), matched by name to the target domain's projects.
 */
export function mappingHandlers<S>(
  state: CoreState,
  engine: RunEngine<S>,
): PartialHandlers<'runs.suggestMapping'> {
  return {
    'runs.suggestMapping': async ({ runId }): Promise<Result<ProjectMapping[]>> => {
      const run = engine.get(runId);
      if (!run.ok) return run;
      const found = run.value.steps.find((s) => s.key === 'find')?.outcome?.data as
        FindOutcomeData | undefined;
      if (!found)
        return fail({
          code: 'precondition',
          message: 'Run the Find step first: the mapping starts from the workloads it found.',
        });
      const profile = state.profiles.get(run.value.profileId);
      if (!profile.ok) return profile;
      const getSecret = (key: string) => {
        const secret = state.secret(profile.value.id, key);
        if (!secret.ok) throw new AppFailure(secret.error);
        return secret.value;
      };
      const clouds = openClouds(profile.value, getSecret);
      try {
        const ids = [
          ...new Set(found.workloads.map((w) => w.projectId).filter((id): id is string => Boolean(id))),
        ];
        const names = new Map<string, string>();
        const source = await clouds.source();
        if (source.ok) {
          const projects = await source.value.keystone.listProjects(profile.value.clouds.source.domain);
          if (projects.ok) for (const p of projects.value) names.set(p.id, p.name);
        }
        for (const m of profile.value.projectMapping)
          if (m.sourceProjectName && !names.has(m.sourceProjectId))
            names.set(m.sourceProjectId, m.sourceProjectName);
        const target = await clouds.target();
        if (!target.ok) return target;
        const targets = await target.value.keystone.listProjects(profile.value.clouds.target.domain);
        if (!targets.ok) return targets;
        const sources: SourceProject[] = ids.map((id) => ({ id, name: names.get(id) ?? '' }));
        const saved =
          run.value.params.kind === 'full' && run.value.params.mapping.length > 0
            ? run.value.params.mapping
            : profile.value.projectMapping;
        return ok(suggestMapping(sources, targets.value, saved));
      } finally {
        clouds.close();
      }
    },
  };
}
