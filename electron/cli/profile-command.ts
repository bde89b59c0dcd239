import { readFile, writeFile } from 'node:fs/promises';
import type { ProfileSummary, Profile } from '../../shared/profile/profile.js';
import { fail, type Result } from '../../shared/result.js';
import type { Core } from '../core/core-types.js';
import { stringOption, type CliArgs } from './cli-args.js';
import { printResult, table, type CliOutput } from './cli-output.js';
import { isFile } from '../core/onboarding/onboarding-env.js';
import { parseDiscoverArgv, profileDiscoverCommand, profileDiscoverUsage } from './profile-discover.js';
import { profileCheckCommand, profileCheckUsage, trustKeyCommand } from './profile-check.js';

export const profileUsage = `trilio-dr profile list [--json]
trilio-dr profile show <name|id> [--json]
trilio-dr profile import <file> [--json]
trilio-dr profile export <name|id> [--out FILE] [--json]
${profileDiscoverUsage}
${profileCheckUsage}`;

/** `trilio-dr profile …`: the same core calls the UI makes. */
export async function profileCommand(core: Core, args: CliArgs, io: CliOutput): Promise<number> {
  const [, sub, target] = args.positionals;
  switch (sub) {
    case 'list': {
      const listed = (await core.handle('profiles.list', {})) as Result<ProfileSummary[]>;
      return printResult(io, listed, (profiles) =>
        profiles.length === 0
          ? 'No profiles yet. Create one in the app or import one: trilio-dr profile import FILE'
          : table(
              ['ID', 'NAME', 'HOSTS', 'UPDATED'],
              profiles.map((p) => [p.id, p.name, String(p.hostCount), p.updatedAt]),
            ),
      );
    }
    case 'show': {
      const found = await findProfile(core, target);
      return printResult(io, found, (profile) => JSON.stringify(profile, null, 2));
    }
    case 'import': {
      if (!target) return usage(io);
      let text: string;
      try {
        text = await readFile(target, 'utf8');
      } catch (error) {
        return printResult(
          io,
          fail({ code: 'not-found', message: `Cannot read ${target}: ${(error as Error).message}` }),
          () => '',
        );
      }
      const imported = (await core.handle('profiles.import', { text })) as Result<Profile>;
      return printResult(io, imported, (p) => `Imported profile "${p.name}" (${p.id}).`);
    }
    case 'export': {
      const found = await findProfile(core, target);
      if (!found.ok) return printResult(io, found, () => '');
      const exported = (await core.handle('profiles.export', { id: found.value.id })) as Result<{
        text: string;
        fileName: string;
      }>;
      const out = stringOption(args, 'out');
      if (!exported.ok || !out) return printResult(io, exported, (e) => e.text.trimEnd());
      await writeFile(out, exported.value.text, { mode: 0o600 });
      return printResult(io, { ok: true, value: { file: out } }, () => `Wrote ${out}.`);
    }
    case 'discover': {
      // Its own strict parse: --cloud, --nfs and --known-hosts repeat.
      const parsed = parseDiscoverArgv(process.argv.slice(2), isFile);
      if (typeof parsed === 'string') {
        io.err(`trilio-dr profile discover: ${parsed}\nusage:\n${profileDiscoverUsage}`);
        return 2;
      }
      return profileDiscoverCommand(core, parsed, io);
    }
    case 'check':
      return profileCheckCommand(core, stringOption(args, 'profile') ?? target, io);
    case 'trust-key':
      return trustKeyCommand(
        core,
        {
          profile: stringOption(args, 'profile') ?? target,
          host: stringOption(args, 'host'),
          fingerprint: stringOption(args, 'fingerprint'),
          replace: args.options.replace === true,
        },
        io,
      );
    default:
      return usage(io);
  }
}

/** A profile by id, or else by exact name. */
export async function findProfile(core: Core, nameOrId: string | undefined): Promise<Result<Profile>> {
  if (!nameOrId) return fail({ code: 'invalid-argument', message: 'Name the profile (its name or id).' });
  const listed = (await core.handle('profiles.list', {})) as Result<ProfileSummary[]>;
  if (!listed.ok) return listed;
  const match = listed.value.find((p) => p.id === nameOrId) ?? listed.value.find((p) => p.name === nameOrId);
  if (!match)
    return fail({
      code: 'not-found',
      message: `No profile named or with id "${nameOrId}".`,
      hint: 'List them with: trilio-dr profile list',
    });
  return (await core.handle('profiles.get', { id: match.id })) as Result<Profile>;
}

function usage(io: CliOutput): number {
  io.err(`usage:\n${profileUsage}`);
  return 2;
}
