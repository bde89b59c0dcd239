import { readFile, writeFile } from 'node:fs/promises';
import type { ProfileSummary, Profile } from '../../shared/profile/profile.js';
import { fail, type Result } from '../../shared/result.js';
import type { Core } from '../core/core-types.js';
import { isFile } from '../core/onboarding/onboarding-env.js';
import { flagOption, stringOption } from './cli-args.js';
import type { CommandContext } from './cli-context.js';
import { ExitCode } from './cli-exit.js';
import { printResult, table } from './cli-output.js';
import { profileCheckCommand, trustKeyCommand } from './profile-check.js';
import { discoverRequestFromCommand, profileDiscoverCommand } from './profile-discover.js';

/** `trilio-dr profile …`: the same core calls the UI makes. */
export async function profileCommand({ core, command, io }: CommandContext): Promise<number> {
  const sub = command.spec.path[1];
  const [target] = command.args;
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
      let text: string;
      try {
        text = await readFile(target!, 'utf8');
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
    case 'discover': {
      const request = discoverRequestFromCommand(command, isFile);
      if (typeof request === 'string') {
        io.err(`trilio-dr profile discover: ${request}`);
        return ExitCode.usage;
      }
      return profileDiscoverCommand(core, request, io);
    }
    case 'check':
      return profileCheckCommand(core, stringOption(command, 'profile'), io);
    case 'trust-key':
      return trustKeyCommand(
        core,
        {
          profile: stringOption(command, 'profile'),
          host: stringOption(command, 'host'),
          fingerprint: stringOption(command, 'fingerprint'),
          replace: flagOption(command, 'replace'),
        },
        io,
      );
    default: {
      const found = await findProfile(core, target);
      if (!found.ok) return printResult(io, found, () => '');
      const exported = (await core.handle('profiles.export', { id: found.value.id })) as Result<{
        text: string;
        fileName: string;
      }>;
      const out = stringOption(command, 'out');
      if (!exported.ok || !out) return printResult(io, exported, (e) => e.text.trimEnd());
      await writeFile(out, exported.value.text, { mode: 0o600 });
      return printResult(io, { ok: true, value: { file: out } }, () => `Wrote ${out}.`);
    }
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
