import { readFile } from 'node:fs/promises';
import { parseMappingCsv } from '../../shared/mapping/project-mapping.js';
import type { ProjectMapping } from '../../shared/profile/profile.js';
import { fail, ok, type Result } from '../../shared/result.js';
import type { FullRunParams, SingleRunParams } from '../../shared/run/run-types.js';
import type { Core } from '../core/core-types.js';
import { flagOption, stringOption, type ParsedCommand } from './cli-args.js';
import { findProfile } from './profile-command.js';

/** The run parameters of `run single|full` and `plan single|full`, from the parsed command line. */

export async function singleParams(
  core: Core,
  command: ParsedCommand,
): Promise<Result<{ profileId: string; params: SingleRunParams }>> {
  const profile = await findProfile(core, stringOption(command, 'profile'));
  if (!profile.ok) return profile;
  return ok({
    profileId: profile.value.id,
    params: {
      kind: 'single',
      workloadId: stringOption(command, 'workload')!,
      targetProject: stringOption(command, 'target-project')!,
      trusteeUser: stringOption(command, 'trustee') ?? '',
      snapshot: stringOption(command, 'snapshot') ?? 'latest',
      restore: null,
      notifyOnly: flagOption(command, 'notify-only'),
      removeMountsOnCleanup: flagOption(command, 'remove-mounts'),
      reenableSchedules: flagOption(command, 'reenable-schedules'),
    },
  });
}

export async function fullParams(
  core: Core,
  command: ParsedCommand,
): Promise<Result<{ profileId: string; params: FullRunParams }>> {
  const profile = await findProfile(core, stringOption(command, 'profile'));
  if (!profile.ok) return profile;
  let mapping: ProjectMapping[] = [];
  const file = stringOption(command, 'mapping');
  if (file) {
    const read = await readMappingFile(file);
    if (!read.ok) return read;
    mapping = read.value;
  }
  const concurrency = concurrencyOf(stringOption(command, 'concurrency'));
  if (!concurrency.ok) return concurrency;
  return ok({
    profileId: profile.value.id,
    params: {
      kind: 'full',
      mapping,
      notifyOnly: flagOption(command, 'notify-only'),
      restoreConcurrency: concurrency.value,
      removeMountsOnCleanup: false,
      reenableSchedules: flagOption(command, 'reenable-schedules'),
    },
  });
}

function concurrencyOf(text: string | undefined): Result<number> {
  if (text === undefined) return ok(4);
  const n = Number(text);
  if (Number.isInteger(n) && n > 0 && n <= 1000) return ok(n);
  return fail({
    code: 'invalid-argument',
    message: `--concurrency must be a whole number from 1 to 1000, not "${text}".`,
  });
}

async function readMappingFile(file: string): Promise<Result<ProjectMapping[]>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    return fail({ code: 'not-found', message: `Cannot read ${file}: ${(error as Error).message}` });
  }
  return parseMappingCsv(text);
}
