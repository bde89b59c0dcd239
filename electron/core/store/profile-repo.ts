import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import {
  profileSchema,
  type Profile,
  type ProfileInput,
  type ProfileSummary,
  type SecretUpdates,
} from '../../../shared/profile/profile.js';
import { secretKeysOf, withSecretStates } from '../../../shared/profile/secret-keys.js';
import { AppFailure, fail, ok, type AppError, type Result } from '../../../shared/result.js';
import type { SecretCipher } from '../core-types.js';
import type { StoreDb } from './database.js';
import { SecretRepo } from './secret-repo.js';

interface ProfileRow {
  id: string;
  name: string;
  description: string;
  json: string;
  created_at: string;
  updated_at: string;
}

/**
 * Environment profiles and their secrets. A profile is stored as JSON without secret values; its
 * secret fields are computed on read from which sealed secrets exist. Saving writes the profile and
 * its secret changes in one transaction, so a profile is never saved with half of its secrets.
 */
export class ProfileRepo {
  private readonly db: Database.Database;
  private readonly secrets: SecretRepo;

  constructor(store: StoreDb) {
    this.db = store.db;
    this.secrets = new SecretRepo(store);
  }

  /** All profiles, by name. */
  list(): ProfileSummary[] {
    const rows = this.db
      .prepare(
        `SELECT id, name, description, updated_at, json_array_length(json, '$.hosts') AS host_count
         FROM profiles ORDER BY name COLLATE NOCASE, id`,
      )
      .all() as (Omit<ProfileRow, 'json' | 'created_at'> & { host_count: number | null })[];
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      description: r.description,
      hostCount: r.host_count ?? 0,
      updatedAt: r.updated_at,
    }));
  }

  /** The profile with its secret fields set to 'set' / 'not set'; never a secret value. */
  get(id: string): Result<Profile> {
    const row = this.row(id);
    if (!row) return fail({ code: 'not-found', message: `No profile with id ${id}.` });
    return this.profileOf(row);
  }

  /**
   * Creates (empty id) or updates a profile and applies `secretUpdates` (`null` or '' clears a secret,
   * an absent key keeps it). Secrets of hosts that left the profile are removed. `cipher` may be
   * undefined when no secret value is given (a locked store can still edit non-secret fields).
   * Fails with `validation`, `conflict` (name taken) or `secret-unavailable`.
   */
  save(
    profile: Profile | ProfileInput,
    secretUpdates: SecretUpdates,
    cipher: SecretCipher | undefined,
  ): Result<Profile> {
    const parsed = profileSchema.safeParse(profile);
    if (!parsed.success)
      return fail({
        code: 'validation',
        message: 'The profile is not valid.',
        fields: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      });
    const value: Profile = { ...parsed.data, name: parsed.data.name.trim() };
    if (!value.name)
      return fail({
        code: 'validation',
        message: 'The profile needs a name.',
        fields: [{ path: 'name', message: 'Required' }],
      });
    const allowed = new Set<string>(secretKeysOf(value));
    const unknown = Object.keys(secretUpdates).filter((k) => !allowed.has(k));
    if (unknown.length > 0)
      return fail({
        code: 'validation',
        message: `Not a secret of this profile: ${unknown.join(', ')}.`,
        fields: unknown.map((path) => ({ path, message: 'No such secret in this profile' })),
      });
    const sealed = sealAll(secretUpdates, cipher);
    if (!sealed.ok) return sealed;

    const written = this.db.transaction((): Result<string> => {
      const id = value.id || this.newId(value.name);
      const taken = this.nameTaken(value.name, id);
      if (taken) return taken;
      const existing = this.row(id);
      this.upsertRow({ ...value, id }, existing?.created_at);
      for (const [key, s] of sealed.value)
        if (s === null) this.secrets.delete(id, key);
        else this.secrets.setSealed(id, key, s);
      for (const key of this.secrets.keys(id)) if (!allowed.has(key)) this.secrets.delete(id, key);
      return ok(id);
    })();
    return written.ok ? this.get(written.value) : written;
  }

  /** Removes a profile with its secrets and known host keys; runs stay as history. */
  delete(id: string): boolean {
    return this.db.prepare('DELETE FROM profiles WHERE id = ?').run(id).changes > 0;
  }

  /** A copy under a new name and id, with the same secrets and known host keys. */
  duplicate(id: string, newName: string): Result<Profile> {
    const source = this.get(id);
    if (!source.ok) return source;
    const name = newName.trim();
    if (!name)
      return fail({
        code: 'validation',
        message: 'The copy needs a name.',
        fields: [{ path: 'name', message: 'Required' }],
      });
    const written = this.db.transaction((): Result<string> => {
      const copyId = this.newId(name);
      const taken = this.nameTaken(name, copyId);
      if (taken) return taken;
      this.upsertRow({ ...source.value, id: copyId, name }, undefined);
      const now = new Date().toISOString();
      this.db
        .prepare(
          `INSERT INTO secrets (profile_id, key, sealed, updated_at)
           SELECT ?, key, sealed, ? FROM secrets WHERE profile_id = ?`,
        )
        .run(copyId, now, id);
      this.db
        .prepare(
          `INSERT INTO known_hosts (profile_id, host, key_type, key_base64, fingerprint, added_at)
           SELECT ?, host, key_type, key_base64, fingerprint, added_at FROM known_hosts
           WHERE profile_id = ? ORDER BY rowid`,
        )
        .run(copyId, id);
      return ok(copyId);
    })();
    return written.ok ? this.get(written.value) : written;
  }

  private row(id: string): ProfileRow | undefined {
    return this.db.prepare('SELECT * FROM profiles WHERE id = ?').get(id) as ProfileRow | undefined;
  }

  private profileOf(row: ProfileRow): Result<Profile> {
    let json: unknown;
    try {
      json = JSON.parse(row.json);
    } catch {
      json = undefined;
    }
    // Parsing again fills defaults of fields added to the schema after the profile was saved.
    const parsed = profileSchema.safeParse({
      ...(typeof json === 'object' ? json : {}),
      id: row.id,
      name: row.name,
      description: row.description,
    });
    if (!parsed.success)
      return fail({
        code: 'store-corrupt',
        message: `Profile ${row.name} (${row.id}) in the store cannot be read.`,
        fields: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
        hint: 'Export the other profiles, then delete and re-create this one.',
      });
    return ok(withSecretStates(parsed.data, new Set(this.secrets.keys(row.id))));
  }

  private upsertRow(profile: Profile, createdAt: string | undefined): void {
    const now = new Date().toISOString();
    // Secret states are computed on read; the stored JSON says 'not set' everywhere.
    const json = JSON.stringify(withSecretStates(profile, new Set()));
    this.db
      .prepare(
        `INSERT INTO profiles (id, name, description, json, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, description = excluded.description,
           json = excluded.json, updated_at = excluded.updated_at`,
      )
      .run(profile.id, profile.name, profile.description, json, createdAt ?? now, now);
  }

  private nameTaken(name: string, id: string): Result<never> | undefined {
    const other = this.db.prepare('SELECT id FROM profiles WHERE name = ? AND id <> ?').get(name, id);
    if (!other) return undefined;
    return fail({
      code: 'conflict',
      message: `A profile named “${name}” already exists.`,
      hint: 'Choose another name.',
      fields: [{ path: 'name', message: 'Already used by another profile' }],
    });
  }

  private newId(name: string): string {
    const slug =
      name
        .normalize('NFKD')
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-+|-+$/g, '')
        .slice(0, 40)
        .replace(/-+$/, '') || 'profile';
    for (;;) {
      const id = `${slug}-${randomBytes(3).toString('hex')}`;
      if (!this.row(id)) return id;
    }
  }
}

function sealAll(
  updates: SecretUpdates,
  cipher: SecretCipher | undefined,
): Result<Map<string, string | null>> {
  const sealed = new Map<string, string | null>();
  for (const [key, plain] of Object.entries(updates)) {
    if (plain === null || plain === '') {
      sealed.set(key, null);
      continue;
    }
    if (!cipher)
      return fail({
        code: 'secret-unavailable',
        message: 'The secret store is locked, so secrets cannot be saved.',
        hint: 'Unlock it with the passphrase first.',
      });
    try {
      sealed.set(key, cipher.encrypt(plain));
    } catch (error) {
      return fail(errorOf(error));
    }
  }
  return ok(sealed);
}

function errorOf(error: unknown): AppError {
  if (error instanceof AppFailure) return error.error;
  // The message of an unexpected cipher error could quote its input; it is not passed on.
  return { code: 'secret-unavailable', message: 'The secret could not be sealed.' };
}
