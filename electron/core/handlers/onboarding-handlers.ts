import { parse as parseYaml } from 'yaml';
import type { OnboardingSources } from '../../../shared/onboarding/onboarding-sources.js';
import type { Profile } from '../../../shared/profile/profile.js';
import { fail, ok, type Result } from '../../../shared/result.js';
import type { CoreState } from '../core-state.js';
import { discover, PendingDiscoveries, type PendingDiscovery } from '../onboarding/discover.js';
import {
  expandHome,
  findCloudsFile,
  inventoryCandidates,
  isFile,
  openrcCandidates,
  processEnv,
  readText,
  type OnboardingEnv,
} from '../onboarding/onboarding-env.js';
import { checkProfile } from '../onboarding/profile-check.js';
import { SshConfigSource } from '../onboarding/ssh-config.js';
import { nodeSshConfigFiles } from '../onboarding/ssh-config-files.js';
import { mergeCloudFiles } from '../../../shared/onboarding/cloud-sources.js';
import type { SecretKey } from '../../../shared/profile/secret-keys.js';
import type { PartialHandlers } from './handler-types.js';

type OnboardingCalls = 'onboarding.sources' | 'onboarding.discover' | 'onboarding.apply' | 'profiles.check';

/**
 * Onboarding from what the admin already has, and "Check connections". Files are read on the machine
 * running the core; secrets found stay in the core (with the pending discovery) until saved, and are
 * registered with the scrubber as soon as they are read.
 */
export function onboardingHandlers(
  state: CoreState,
  env: () => OnboardingEnv = processEnv,
): PartialHandlers<OnboardingCalls> {
  const pending = new PendingDiscoveries();
  return {
    'onboarding.sources': () => ok(sourcesOf(env())),
    'onboarding.discover': async (request) => {
      const existing = existingNamed(state, request.name);
      const found = await discover(request, {
        env: env(),
        existing,
        ...(existing ? { storedSecret: (key: string) => storedSecret(state, existing.id, key) } : {}),
        ...(existing ? { storedHostKeys: (host: string) => state.knownHosts(existing.id).lookup(host) } : {}),
        agentSocket: process.env.SSH_AUTH_SOCK,
      });
      if (!found.ok) return found;
      for (const secret of Object.values(found.value.secrets)) state.scrubber.add(secret);
      pending.add(found.value);
      return ok(found.value.discovery);
    },
    'onboarding.apply': ({ id, replace, secrets }) => {
      const item = pending.take(id);
      if (!item)
        return fail({
          code: 'not-found',
          message: 'This discovery is no longer pending (saved already, or older than 30 minutes).',
          hint: 'Run the discovery again.',
        });
      // Secrets the admin typed for what the files lacked (an openrc that prompts for its password).
      const typed = Object.fromEntries(
        Object.entries(secrets).filter((e): e is [string, string] => Boolean(e[1])),
      );
      const saved = applyDiscovery(state, { ...item, secrets: { ...item.secrets, ...typed } }, replace);
      // A refused save can be confirmed again (replace) without reading everything twice.
      if (!saved.ok && saved.error.code === 'conflict') pending.add(item);
      return saved;
    },
    'profiles.check': async ({ id }) => {
      const profile = state.profiles.get(id);
      if (!profile.ok) return profile;
      const cipher = state.requireCipher();
      if (!cipher.ok) return cipher;
      return ok(
        await checkProfile(profile.value, {
          getSecret: (key: SecretKey) => storedSecret(state, id, key),
          knownHosts: state.knownHosts(id),
          agentSocket: process.env.SSH_AUTH_SOCK,
          scrub: (text) => state.scrubber.scrub(text),
          log: (record) => state.bus.log({ ...record, text: state.scrubber.scrub(record.text) }),
        }),
      );
    },
  };
}

function existingNamed(state: CoreState, name: string): Profile | null {
  const summary = state.profiles.list().find((p) => p.name.toLowerCase() === name.trim().toLowerCase());
  if (!summary) return null;
  const got = state.profiles.get(summary.id);
  return got.ok ? got.value : null;
}

function storedSecret(state: CoreState, profileId: string, key: string): string | undefined {
  const secret = state.secret(profileId, key);
  return secret.ok ? secret.value : undefined;
}

/** Saves the profile, its secrets and the host keys found; a changed key is never replaced here. */
export function applyDiscovery(state: CoreState, item: PendingDiscovery, replace: boolean): Result<Profile> {
  const { discovery } = item;
  const existing = existingNamed(state, discovery.profile.name);
  if (existing && !replace)
    return fail({
      code: 'conflict',
      message: `A profile named "${existing.name}" already exists.`,
      hint: 'Review the changes and save again to update it (--replace in the CLI).',
    });
  const hasSecrets = Object.keys(item.secrets).length > 0;
  const cipher = hasSecrets ? state.requireCipher() : undefined;
  if (cipher && !cipher.ok) return cipher;
  const saved = state.profiles.save(
    { ...discovery.profile, id: existing?.id ?? '' },
    item.secrets,
    cipher?.value,
  );
  if (!saved.ok) return saved;
  const repo = state.knownHosts(saved.value.id);
  for (const entry of item.knownHosts) if (repo.lookup(entry.host).length === 0) repo.add(entry);
  return saved;
}

function sourcesOf(env: OnboardingEnv): OnboardingSources {
  const cloudsFile = findCloudsFile(env, 'clouds') ?? null;
  const secureFile = findCloudsFile(env, 'secure') ?? null;
  let clouds: string[] = [];
  let cloudsError: string | undefined;
  if (cloudsFile) {
    const text = readText(cloudsFile);
    try {
      clouds = text.ok ? Object.keys(mergeCloudFiles(parseYaml(text.text), {})) : [];
      if (!text.ok) cloudsError = text.message;
    } catch (error) {
      cloudsError = `${cloudsFile} is not valid YAML: ${(error as Error).message}`;
    }
  }
  const sshFile = expandHome('~/.ssh/config', env);
  const sshConfig = isFile(sshFile) ? sshFile : null;
  const sshAliases = sshConfig
    ? new SshConfigSource(sshConfig, nodeSshConfigFiles(env.home, env.localUser)).aliases()
    : [];
  return {
    home: env.home,
    cloudsFile,
    secureFile,
    clouds,
    ...(cloudsError ? { cloudsError } : {}),
    sshConfig,
    sshAliases,
    knownHosts: ['~/.ssh/known_hosts', '~/.ssh/known_hosts2'].map((f) => expandHome(f, env)).filter(isFile),
    openrcFiles: openrcCandidates(env),
    inventories: inventoryCandidates(env),
  };
}
