import {
  parseProfileFile,
  profileFileName,
  serializeProfileFile,
} from '../../../shared/profile/profile-file.js';
import { fail, ok, type Result } from '../../../shared/result.js';
import type { CoreState } from '../core-state.js';
import { importKnownHosts, formatKnownHosts } from '../ssh/known-hosts-file.js';
import { knownHostKey } from '../ssh/known-hosts-store.js';
import type { PartialHandlers } from './handler-types.js';
import type { Profile } from '../../../shared/profile/profile.js';

type ProfileCalls =
  | 'profiles.list'
  | 'profiles.get'
  | 'profiles.save'
  | 'profiles.duplicate'
  | 'profiles.delete'
  | 'profiles.export'
  | 'profiles.import';

/** Profiles: the editor's calls. Secret values only ever flow in; out goes only 'set' / 'not set'. */
export function profileHandlers(state: CoreState): PartialHandlers<ProfileCalls> {
  return {
    'profiles.list': () => ok(state.profiles.list()),
    'profiles.get': ({ id }) => state.profiles.get(id),
    'profiles.save': ({ profile, secrets }) => {
      const hasValues = Object.values(secrets).some((v) => v !== null && v !== '');
      const cipher = hasValues ? state.requireCipher() : undefined;
      if (cipher && !cipher.ok) return cipher;
      return state.profiles.save(profile, secrets, cipher?.value);
    },
    'profiles.duplicate': ({ id, name }) => state.profiles.duplicate(id, name),
    'profiles.delete': ({ id }) => ok({ deleted: state.profiles.delete(id) }),
    'profiles.export': ({ id }) => {
      const profile = state.profiles.get(id);
      if (!profile.ok) return profile;
      const known = formatKnownHosts(state.knownHosts(id).all()).split('\n').filter(Boolean);
      return ok({
        text: serializeProfileFile(profile.value, known),
        fileName: profileFileName(profile.value),
      });
    },
    'profiles.import': ({ text }) => importProfile(state, text),
  };
}

function importProfile(state: CoreState, text: string): Result<Profile> {
  const parsed = parseProfileFile(text);
  if (!parsed.ok) return parsed;
  const { profile, secrets, knownHosts, replace } = parsed.value;
  const existing = state.profiles.list().find((p) => p.name === profile.name);
  if (existing && !replace)
    return fail({
      code: 'conflict',
      message: `A profile named "${profile.name}" already exists.`,
      hint: 'Rename or delete the existing profile, or import a file that says "replace": true.',
    });
  const cipher = Object.keys(secrets).length > 0 ? state.requireCipher() : undefined;
  if (cipher && !cipher.ok) return cipher;
  const saved = state.profiles.save({ ...profile, id: existing?.id ?? '' }, secrets, cipher?.value);
  if (!saved.ok || knownHosts.length === 0) return saved;
  const names = saved.value.hosts.map((h) => knownHostKey(h.address, h.port));
  const repo = state.knownHosts(saved.value.id);
  for (const entry of importKnownHosts(knownHosts.join('\n'), names).entries) repo.add(entry);
  return saved;
}
