import { createCore } from '../../../../electron/core/app-core.js';
import type { Core } from '../../../../electron/core/core-types.js';
import type { HostConfig, Profile, ProfileSummary } from '../../../../shared/profile/profile.js';
import type { Result } from '../../../../shared/result.js';
import { PASSPHRASE } from '../../dr/support/dr-cli.js';

/** Profile edits between CLI runs, through the same core calls the app makes (one process at a time). */
export interface CoreEdits {
  core: Core;
  profile(name: string): Promise<Profile>;
  saveSecrets(name: string, secrets: Record<string, string>): Promise<Profile>;
  /** Changes one host; returns the host as it was. */
  editHost(name: string, hostId: string, patch: Partial<HostConfig>): Promise<HostConfig>;
}

function must<T>(r: Result<unknown>): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value as T;
}

export async function withCore<T>(dataDir: string, fn: (edits: CoreEdits) => Promise<T>): Promise<T> {
  const core = await createCore({ dataDir, passphrase: PASSPHRASE, mode: 'headless', version: 'test' });
  const profile = async (name: string) => {
    const list = must<ProfileSummary[]>(await core.handle('profiles.list', {}));
    const found = list.find((p) => p.name === name);
    if (!found) throw new Error(`no profile ${name}`);
    return must<Profile>(await core.handle('profiles.get', { id: found.id }));
  };
  const edits: CoreEdits = {
    core,
    profile,
    saveSecrets: async (name, secrets) =>
      must<Profile>(await core.handle('profiles.save', { profile: await profile(name), secrets })),
    editHost: async (name, hostId, patch) => {
      const p = await profile(name);
      const before = p.hosts.find((h) => h.id === hostId);
      if (!before) throw new Error(`no host ${hostId}`);
      const hosts = p.hosts.map((h) => (h.id === hostId ? { ...h, ...patch } : h));
      must(await core.handle('profiles.save', { profile: { ...p, hosts }, secrets: {} }));
      return before;
    },
  };
  try {
    return await fn(edits);
  } finally {
    await core.close();
  }
}
