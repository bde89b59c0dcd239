import { suggestMapping, type SourceProject } from '../../../shared/mapping/project-mapping.js';
import type { TargetProjectChoice } from '../../../shared/contract.js';
import type { Profile, ProjectMapping } from '../../../shared/profile/profile.js';
import { AppFailure, fail, ok, type Result } from '../../../shared/result.js';
import type { RunView } from '../../../shared/run/run-types.js';
import { openClouds, type OpenClouds } from '../clients/index.js';
import type { CoreState } from '../core-state.js';
import type { FindOutcomeData } from '../dr/steps/find-step.js';
import type { RunEngine } from '../runs/run-engine.js';
import type { PartialHandlers } from './handler-types.js';

/**
 * The project mapping of a full-cloud run: the suggestion (the source projects the find step saw in
 * the workloads, named from the source Keystone when it still answers, else the profile's saved
 * mapping, else ids only, matched by name to the target domain's projects) and the target domain's
 * projects to choose from.
 */
export function mappingHandlers<S>(
  state: CoreState,
  engine: RunEngine<S>,
): PartialHandlers<'runs.suggestMapping' | 'runs.targetProjects'> {
  return {
    'runs.suggestMapping': ({ runId }) =>
      withRunClouds(state, engine, runId, async (run, profile, clouds) => {
        const found = run.steps.find((s) => s.key === 'find')?.outcome?.data as FindOutcomeData | undefined;
        if (!found)
          return fail({
            code: 'precondition',
            message: 'Run the Find step first: the mapping starts from the workloads it found.',
          });
        const saved: ProjectMapping[] =
          run.params.kind === 'full' && run.params.mapping.length > 0
            ? run.params.mapping
            : profile.projectMapping;
        return suggestedMapping(profile, clouds, found, saved);
      }),
    'runs.targetProjects': ({ runId }) =>
      withRunClouds(state, engine, runId, (_run, profile, clouds) => targetProjects(profile, clouds)),
  };
}

/**
 * The source projects of the found workloads (named from the source Keystone when it still answers,
 * else from the saved mapping), each matched by name to a project of the target domain; a project the
 * saved mapping knows keeps its row. Also what `trilio-dr plan full` plans with.
 */
export async function suggestedMapping(
  profile: Profile,
  clouds: OpenClouds,
  found: FindOutcomeData,
  saved: readonly ProjectMapping[],
): Promise<Result<ProjectMapping[]>> {
  const ids = [...new Set(found.workloads.map((w) => w.projectId).filter((id): id is string => Boolean(id)))];
  const names = new Map<string, string>();
  const source = await clouds.source();
  if (source.ok) {
    const projects = await source.value.keystone.listProjects(profile.clouds.source.domain);
    if (projects.ok) for (const p of projects.value) names.set(p.id, p.name);
  }
  for (const m of profile.projectMapping)
    if (m.sourceProjectName && !names.has(m.sourceProjectId))
      names.set(m.sourceProjectId, m.sourceProjectName);
  const targets = await targetProjects(profile, clouds);
  if (!targets.ok) return targets;
  const sources: SourceProject[] = ids.map((id) => ({ id, name: names.get(id) ?? '' }));
  return ok(suggestMapping(sources, targets.value, saved));
}

async function targetProjects(profile: Profile, clouds: OpenClouds): Promise<Result<TargetProjectChoice[]>> {
  const target = await clouds.target();
  if (!target.ok) return target;
  const projects = await target.value.keystone.listProjects(profile.clouds.target.domain);
  return projects.ok ? ok(projects.value.map((p) => ({ id: p.id, name: p.name }))) : projects;
}

/** The run, its profile and the profile's clouds (closed when `body` is done), and its secrets. */
export async function withRunClouds<S, T>(
  state: CoreState,
  engine: RunEngine<S>,
  runId: string,
  body: (
    run: RunView,
    profile: Profile,
    clouds: OpenClouds,
    getSecret: (key: string) => string | undefined,
  ) => Promise<Result<T>>,
): Promise<Result<T>> {
  const run = engine.get(runId);
  if (!run.ok) return run;
  const profile = state.profiles.get(run.value.profileId);
  if (!profile.ok) return profile;
  const getSecret = (key: string) => {
    const secret = state.secret(profile.value.id, key);
    if (!secret.ok) throw new AppFailure(secret.error);
    return secret.value;
  };
  const clouds = openClouds(profile.value, getSecret);
  try {
    return await body(run.value, profile.value, clouds, getSecret);
  } finally {
    clouds.close();
  }
}
