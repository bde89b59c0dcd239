import {
  parseCallArgs,
  type Api,
  type AppInfo,
  type CallArgs,
  type CallName,
  type CallResult,
  type EventName,
  type Events,
} from '../../../../shared/contract.js';
import type { Profile, ProfileSummary } from '../../../../shared/profile/profile.js';
import { secretKeysOf, withSecretStates } from '../../../../shared/profile/secret-keys.js';
import { validateProfile } from '../../../../shared/profile/validate-profile.js';
import type { Result } from '../../../../shared/result.js';

/**
 * An in-memory stand-in for the core behind `Api`, for renderer state tests: arguments are parsed
 * with the real contract schemas, profiles validated with the real validator, and secret values kept
 * apart from profiles exactly as the store does (answers carry 'set' / 'not set' only).
 */
export class MemoryApi implements Api {
  readonly profiles = new Map<string, { profile: Profile; updatedAt: string }>();
  /** Secret values by profile id and secret key: what a test asserts never comes back. */
  readonly secrets = new Map<string, Map<string, string>>();
  readonly calls: { name: CallName; args: unknown }[] = [];
  info: AppInfo = {
    version: '0.0.0-test',
    mode: 'browser',
    storeLocked: false,
    storeNew: false,
    cipher: 'passphrase',
    passphraseSet: true,
    keychain: false,
    dataDir: '/tmp/x',
  };
  passphrase = 'correct horse';
  #listeners = new Map<EventName, Set<(payload: never) => void>>();
  #nextId = 1;

  async call<N extends CallName>(name: N, rawArgs: CallArgs<N>): Promise<Result<CallResult<N>>> {
    this.calls.push({ name, args: JSON.parse(JSON.stringify(rawArgs)) });
    const parsed = parseCallArgs(name, JSON.parse(JSON.stringify(rawArgs)));
    if (!parsed.ok) return parsed;
    const value = this.#handle(name, parsed.value as Record<string, unknown>);
    return JSON.parse(JSON.stringify(value)) as Result<CallResult<N>>;
  }

  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
    const set = this.#listeners.get(event) ?? new Set();
    set.add(listener as (payload: never) => void);
    this.#listeners.set(event, set);
    return () => set.delete(listener as (payload: never) => void);
  }

  emit<E extends EventName>(event: E, payload: Events[E]): void {
    for (const listener of this.#listeners.get(event) ?? []) (listener as (p: Events[E]) => void)(payload);
  }

  listenerCount(event: EventName): number {
    return this.#listeners.get(event)?.size ?? 0;
  }

  #handle(name: CallName, args: Record<string, unknown>): Result<unknown> {
    switch (name) {
      case 'app.info':
        return { ok: true, value: this.info };
      case 'store.unlock':
        if (args.passphrase !== this.passphrase)
          return { ok: false, error: { code: 'store-locked', message: 'Wrong passphrase.' } };
        this.info = { ...this.info, storeLocked: false };
        return { ok: true, value: this.info };
      case 'profiles.list':
        return {
          ok: true,
          value: [...this.profiles.values()].map(({ profile, updatedAt }) => summary(profile, updatedAt)),
        };
      case 'profiles.get':
        return this.#get(String(args.id));
      case 'profiles.save':
        return this.#save(args.profile as Profile, args.secrets as Record<string, string | null>);
      case 'profiles.duplicate': {
        const source = this.profiles.get(String(args.id));
        if (!source) return notFound(String(args.id));
        const id = `p${this.#nextId++}`;
        this.profiles.set(id, {
          profile: { ...structuredClone(source.profile), id, name: String(args.name) },
          updatedAt: now(),
        });
        this.secrets.set(id, new Map(this.secrets.get(source.profile.id)));
        return this.#get(id);
      }
      case 'profiles.delete': {
        const deleted = this.profiles.delete(String(args.id));
        this.secrets.delete(String(args.id));
        return { ok: true, value: { deleted } };
      }
      default:
        return { ok: false, error: { code: 'internal', message: `${name} is not faked.` } };
    }
  }

  #get(id: string): Result<Profile> {
    const entry = this.profiles.get(id);
    if (!entry) return notFound(id);
    return { ok: true, value: withSecretStates(entry.profile, new Set(this.secrets.get(id)?.keys() ?? [])) };
  }

  #save(profile: Profile, updates: Record<string, string | null>): Result<Profile> {
    const id = profile.id === '' ? `p${this.#nextId++}` : profile.id;
    const store = new Map(this.secrets.get(id));
    for (const [key, value] of Object.entries(updates)) {
      if (value === null) store.delete(key);
      else store.set(key, value);
    }
    const allowed = new Set<string>(secretKeysOf(profile));
    for (const key of store.keys()) if (!allowed.has(key)) store.delete(key);
    const withStates = withSecretStates({ ...profile, id }, new Set(store.keys()));
    const fields = validateProfile(withStates);
    if (fields.length > 0)
      return { ok: false, error: { code: 'validation', message: 'The profile has errors.', fields } };
    this.profiles.set(id, { profile: withStates, updatedAt: now() });
    this.secrets.set(id, store);
    return { ok: true, value: withStates };
  }
}

const now = () => new Date().toISOString();
const notFound = (id: string): Result<never> => ({
  ok: false,
  error: { code: 'not-found', message: `No profile ${id}.` },
});
const summary = (p: Profile, updatedAt: string): ProfileSummary => ({
  id: p.id,
  name: p.name,
  description: p.description,
  hostCount: p.hosts.length,
  updatedAt,
});
