import { z } from 'zod';
import type { Result } from '../result.js';
import { profileSchema, type Profile } from './profile.js';
import { secretKeysOf } from './secret-keys.js';

/**
 * The profile exchange format (docs/profile-format.md): a versioned JSON envelope. Exports never carry
 * secrets; an import may (the lab's ready-made profile does), and they go straight to the encrypted
 * store. `knownHosts` holds OpenSSH known_hosts lines to trust with the profile.
 */
export const profileFileFormat = 'trilio-dr-profile';
export const profileFileVersion = 1;

const envelopeSchema = z.object({
  format: z.literal(profileFileFormat),
  version: z.number().int(),
  /** Replace a profile of the same name instead of refusing the import. */
  replace: z.boolean().default(false),
  profile: z.unknown(),
  secrets: z.record(z.string(), z.string()).default({}),
  knownHosts: z.array(z.string()).default([]),
});

export interface ProfileFile {
  replace: boolean;
  profile: Profile;
  secrets: Record<string, string>;
  knownHosts: string[];
}

export function parseProfileFile(text: string): Result<ProfileFile> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return invalid(`The file is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const envelope = envelopeSchema.safeParse(raw);
  if (!envelope.success)
    return invalid(
      'The file is not a Trilio DR profile (expected "format": "trilio-dr-profile").',
      envelope.error,
    );
  if (envelope.data.version > profileFileVersion)
    return {
      ok: false,
      error: {
        code: 'validation',
        message: `The profile file is version ${envelope.data.version}; this wizard reads up to version ${profileFileVersion}.`,
        hint: 'Update the wizard, or export the profile again from the version that wrote it.',
      },
    };
  const profile = profileSchema.safeParse(envelope.data.profile);
  if (!profile.success) return invalid('The profile in the file is not valid.', profile.error, 'profile.');
  const allowed = new Set<string>(secretKeysOf(profile.data));
  const unknown = Object.keys(envelope.data.secrets).filter((k) => !allowed.has(k));
  if (unknown.length > 0)
    return invalid(`The file has secrets for fields the profile does not have: ${unknown.join(', ')}.`);
  return {
    ok: true,
    value: {
      replace: envelope.data.replace,
      profile: profile.data,
      secrets: envelope.data.secrets,
      knownHosts: envelope.data.knownHosts,
    },
  };
}

/** The export text: the profile as the store shows it (secret fields say only set / not set). */
export function serializeProfileFile(profile: Profile, knownHosts: string[] = []): string {
  const file = {
    format: profileFileFormat,
    version: profileFileVersion,
    replace: false,
    profile,
    knownHosts,
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

export function profileFileName(profile: Pick<Profile, 'name'>): string {
  const slug = profile.name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `${slug || 'profile'}.trilio-dr.json`;
}

function invalid(message: string, error?: z.ZodError, prefix = ''): Result<never> {
  return {
    ok: false,
    error: {
      code: 'validation',
      message,
      ...(error
        ? { fields: error.issues.map((i) => ({ path: prefix + i.path.join('.'), message: i.message })) }
        : {}),
    },
  };
}
