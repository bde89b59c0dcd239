import type { ProfileSummary } from '../../shared/profile/profile.js';
import type { Result } from '../../shared/result.js';
import type { RunSummary } from '../../shared/run/run-types.js';
import type { CommandContext } from './cli-context.js';
import { ExitCode } from './cli-exit.js';

/**
 * `trilio-dr __complete profiles|runs`: one name per line for the shell completion scripts (profile
 * names, run ids, newest run first). Works on a locked store: no secret is needed to list them.
 */
export async function completeNames({ core, command, io }: CommandContext): Promise<number> {
  if (command.args[0] === 'runs') {
    const runs = (await core.handle('runs.list', {})) as Result<RunSummary[]>;
    if (!runs.ok) return ExitCode.precondition;
    for (const r of runs.value) io.out(r.id);
    return ExitCode.ok;
  }
  const profiles = (await core.handle('profiles.list', {})) as Result<ProfileSummary[]>;
  if (!profiles.ok) return ExitCode.precondition;
  for (const p of profiles.value) io.out(p.name);
  return ExitCode.ok;
}
