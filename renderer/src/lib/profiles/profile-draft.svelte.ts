import type { Api } from '../../../../shared/contract.js';
import type { HostRole, Profile, SecretUpdates } from '../../../../shared/profile/profile.js';
import { hostSecretFields, hostSecretKey } from '../../../../shared/profile/secret-keys.js';
import { validateProfile } from '../../../../shared/profile/validate-profile.js';
import type { AppError, FieldError } from '../../../../shared/result.js';
import { blankProfile, newHost, newProjectMapping } from './blank-profile.js';
import { firstErrorByPath, toEditorPath } from './field-paths.js';
import { wholeNumberErrors } from './number-checks.js';
import { withPendingSecrets } from './pending-secrets.js';

/**
 * The profile being edited: the value, the secret values typed since the last save, and the errors
 * from the shared validator (as the user types) and from the server (after a save).
 *
 * Secret values live only in `secrets` until `save` sends them once in `profiles.save`; the server
 * answers with 'set' / 'not set' and `secrets` is emptied.
 */
export class ProfileDraft {
  profile = $state<Profile>(blankProfile());
  /** Pending secret updates keyed by `secretKey(...)`: a string sets, null clears. */
  secrets = $state<SecretUpdates>({});
  serverErrors = $state.raw<FieldError[]>([]);
  /** The last save's error when it is not about fields (store locked, I/O…). */
  saveError = $state.raw<AppError | null>(null);
  saving = $state(false);
  /** Client errors show once a field was edited or left, or everywhere after "show problems". */
  touched = $state<Record<string, true>>({});
  showAll = $state(false);

  #baseline = $state('');
  #savedHostIds = $state.raw<readonly string[]>([]);

  readonly clientErrors: FieldError[] = $derived([
    ...wholeNumberErrors(this.profile),
    ...validateProfile(withPendingSecrets(this.profile, this.secrets)),
  ]);
  readonly isValid = $derived(this.clientErrors.length === 0);
  readonly isNew = $derived(this.profile.id === '');
  readonly dirty = $derived(
    JSON.stringify(this.profile) !== this.#baseline || Object.keys(this.secrets).length > 0,
  );
  readonly canSave = $derived(this.isValid && (this.dirty || this.isNew) && !this.saving);
  /** Save can be pressed: an invalid profile is not sent, pressing it shows every problem instead. */
  readonly canSubmit = $derived((this.dirty || this.isNew) && !this.saving);
  /**
   * The problems shown: of fields edited or left so far, or all of them after a save was tried. While
   * nothing was touched none show, and the validator is not run for them: a profile just opened
   * renders without validating (the first screen waits for no validation it would not show).
   */
  readonly visibleErrors: FieldError[] = $derived.by(() => {
    if (this.showAll) return this.clientErrors;
    if (Object.keys(this.touched).length === 0) return [];
    return this.clientErrors.filter((e) => this.touched[e.path]);
  });

  readonly #clientByPath = $derived(firstErrorByPath(this.clientErrors));
  readonly #serverByPath = $derived(firstErrorByPath(this.serverErrors));

  constructor(profile: Profile = blankProfile()) {
    this.load(profile);
  }

  /** Replaces the draft with a profile from the server (or a blank one); pending secrets are dropped. */
  load(profile: Profile): void {
    this.profile = $state.snapshot(profile);
    this.#baseline = JSON.stringify(profile);
    this.#savedHostIds = profile.id === '' ? [] : profile.hosts.map((h) => h.id);
    this.secrets = {};
    this.serverErrors = [];
    this.saveError = null;
    this.touched = {};
    this.showAll = false;
  }

  /** The message to show next to a field, if any. */
  errorFor(path: string): string | undefined {
    // The client's error is looked up only where it would show (see visibleErrors).
    if (this.showAll || this.touched[path]) {
      const client = this.#clientByPath.get(path);
      if (client !== undefined) return client;
    }
    return this.#serverByPath.get(path);
  }

  /** Marks a field as edited: its client error shows, and the server's stale error for it goes. */
  touch(path: string): void {
    if (!this.touched[path]) this.touched[path] = true;
    if (this.serverErrors.some((e) => e.path === path))
      this.serverErrors = this.serverErrors.filter((e) => e.path !== path);
  }

  /** `undefined` (or '') drops the pending change, a string replaces the secret, null clears it. */
  setSecret(key: string, value: string | null | undefined): void {
    if (value === undefined || value === '') delete this.secrets[key];
    else this.secrets[key] = value;
    this.touch(key);
  }

  /** Host ids of saved hosts are fixed: stored secrets and known host keys hang off them. */
  isHostIdLocked(id: string): boolean {
    return this.#savedHostIds.includes(id);
  }

  addHost(role?: HostRole): void {
    this.profile.hosts.push(newHost(this.profile.hosts, role));
  }

  removeHost(index: number): void {
    const [removed] = this.profile.hosts.splice(index, 1);
    if (!removed) return;
    // Secrets typed for a removed new host must not be sent under an id a later row may reuse.
    for (const field of hostSecretFields) delete this.secrets[hostSecretKey(removed.id, field)];
    for (const host of this.profile.hosts) if (host.via === removed.id) host.via = '';
  }

  /**
   * Changes the id of a host that was never saved; secrets typed for it move along, and hosts that
   * jump through it follow. Saved hosts keep their id.
   */
  renameHost(index: number, id: string): void {
    const host = this.profile.hosts[index];
    if (!host || this.isHostIdLocked(host.id) || host.id === id) return;
    const old = host.id;
    for (const field of hostSecretFields) {
      const from = hostSecretKey(old, field);
      if (!Object.prototype.hasOwnProperty.call(this.secrets, from)) continue;
      this.secrets[hostSecretKey(id, field)] = this.secrets[from] ?? null;
      delete this.secrets[from];
    }
    for (const other of this.profile.hosts)
      if (other !== host && other.via === old && old !== '') other.via = id;
    host.id = id;
  }

  addProjectMapping(): void {
    this.profile.projectMapping.push(newProjectMapping());
  }

  removeProjectMapping(index: number): void {
    this.profile.projectMapping.splice(index, 1);
  }

  /** Sends the profile and the pending secrets; on success reloads from the server's answer. */
  async save(api: Pick<Api, 'call'>): Promise<Profile | null> {
    if (!this.isValid) {
      this.showAll = true;
      return null;
    }
    this.saving = true;
    this.saveError = null;
    const result = await api.call('profiles.save', {
      profile: $state.snapshot(this.profile),
      secrets: $state.snapshot(this.secrets),
    });
    this.saving = false;
    if (result.ok) {
      this.load(result.value);
      return result.value;
    }
    const fields = (result.error.fields ?? []).map((f) => ({ ...f, path: toEditorPath(f.path) }));
    this.serverErrors = fields;
    this.saveError = result.error;
    return null;
  }
}
