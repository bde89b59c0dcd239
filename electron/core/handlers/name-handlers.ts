import { mergeNames, type NameBook } from '../../../shared/names/name-book.js';
import type { Profile } from '../../../shared/profile/profile.js';
import { runNames } from '../../../shared/names/run-names.js';
import { AppFailure, ok } from '../../../shared/result.js';
import { openClouds } from '../clients/index.js';
import type { CoreState } from '../core-state.js';
import { lookUpNames, type NameCache } from '../names/name-lookup.js';
import type { RunEngine } from '../runs/run-engine.js';
import type { PartialHandlers } from './handler-types.js';

/** The clouds' names for a profile (cached a minute); never fails, problems are listed in the book. */
export function cloudNames(state: CoreState, cache: NameCache, profile: Profile): Promise<NameBook> {
  return cache.get(profile, async () => {
    const clouds = openClouds(profile, (key) => {
      const secret = state.secret(profile.id, key);
      if (!secret.ok) throw new AppFailure(secret.error);
      return secret.value;
    });
    try {
      return await lookUpNames(profile, clouds);
    } finally {
      clouds.close();
    }
  });
}

/**
 * Names beside ids (issue 22): the clouds' names of projects, users, networks, subnets and volume
 * types for a profile, with the names a run learnt itself added when a run is given.
 */
export function nameHandlers<S>(
  state: CoreState,
  engine: RunEngine<S>,
  cache: NameCache,
): PartialHandlers<'names.lookup'> {
  return {
    'names.lookup': async ({ profileId, runId }) => {
      const profile = state.profiles.get(profileId);
      if (!profile.ok) return profile;
      const book = await cloudNames(state, cache, profile.value);
      if (!runId) return ok(book);
      const run = engine.get(runId);
      if (!run.ok) return run;
      return ok({ names: mergeNames(book.names, runNames(run.value)), problems: book.problems });
    },
  };
}
