import type { AppInfo } from '../../shared/contract.js';
import { fail, ok, type Result } from '../../shared/result.js';
import { SecretKeyring, type LegacyCiphers } from './secrets/secret-keyring.js';
import type { KeychainWrapper } from './secrets/key-wraps.js';
import { createScrubber, type Scrubber } from './secrets/secret-scrubber.js';
import type { SecretCipher } from './core-types.js';
import type { EventBus } from './event-bus.js';
import type { StoreDb } from './store/database.js';
import { KnownHostsRepo } from './store/known-hosts-repo.js';
import { ProfileRepo } from './store/profile-repo.js';
import { SecretRepo } from './store/secret-repo.js';

export type CoreMode = AppInfo['mode'];

/** The OS keychain of the desktop app: wraps the store's data key; opens v1 secrets it sealed. */
export interface KeychainAccess {
  wrapper: KeychainWrapper;
  legacy?: LegacyCiphers['osKeyStore'];
}

/**
 * What every handler shares: the open store, its repositories, the secret keyring (one data key for
 * the desktop app, browser mode and the CLI), the scrubber every secret read is registered with, and
 * the event bus.
 */
export class CoreState {
  readonly profiles: ProfileRepo;
  readonly secrets: SecretRepo;
  readonly scrubber: Scrubber = createScrubber();
  readonly keyring: SecretKeyring;
  private cipher: SecretCipher | null = null;
  /** Why the keychain could not open the store at start (shown on the unlock screen), if it tried. */
  readonly keychainProblem: string | undefined;

  constructor(
    readonly store: StoreDb,
    readonly bus: EventBus,
    readonly mode: CoreMode,
    readonly version: string,
    readonly dataDir: string,
    keychain: KeychainAccess | null,
  ) {
    this.profiles = new ProfileRepo(store);
    this.secrets = new SecretRepo(store);
    this.keyring = new SecretKeyring(store, keychain?.wrapper ?? null, {
      osKeyStore: keychain?.legacy ?? null,
    });
    const opened = this.keyring.openWithKeychain();
    if (opened?.ok) this.cipher = opened.value;
    else if (opened) this.keychainProblem = opened.error.message;
  }

  info(): AppInfo {
    const status = this.keyring.status();
    return {
      version: this.version,
      mode: this.mode,
      storeLocked: this.cipher === null,
      storeNew: this.cipher === null && this.passphraseIsNew(),
      cipher: this.cipher?.kind ?? 'passphrase',
      passphraseSet: status.passphraseSet,
      keychain: status.keychainWrapped,
      dataDir: this.dataDir,
    };
  }

  /** Opens the store with its passphrase; on a fresh store the first passphrase given sets it. */
  unlock(passphrase: string): Result<AppInfo> {
    if (this.cipher) return ok(this.info());
    const cipher = this.keyring.unlockWithPassphrase(passphrase);
    if (!cipher.ok) return cipher;
    this.cipher = cipher.value;
    return ok(this.info());
  }

  /** Sets or changes the passphrase of an open store (the desktop's "share with browser mode and CLI"). */
  setPassphrase(passphrase: string): Result<AppInfo> {
    const set = this.keyring.setPassphrase(passphrase);
    return set.ok ? ok(this.info()) : set;
  }

  /** The passphrase is new (nothing sealed yet): the UI asks to choose one rather than to enter it. */
  passphraseIsNew(): boolean {
    return this.keyring.status().fresh;
  }

  requireCipher(): Result<SecretCipher> {
    if (this.cipher) return ok(this.cipher);
    return fail({
      code: 'secret-unavailable',
      message: 'The secret store is locked.',
      hint:
        this.mode === 'headless'
          ? 'Set TRILIO_DR_PASSPHRASE to the passphrase of this data folder (read -rs TRILIO_DR_PASSPHRASE; export TRILIO_DR_PASSPHRASE), or run in a terminal to be asked for it.'
          : 'Unlock it with the passphrase of this data folder first.',
    });
  }

  /** A secret of a profile, registered with the scrubber before anyone sees it. */
  secret(profileId: string, key: string): Result<string | undefined> {
    const cipher = this.requireCipher();
    if (!cipher.ok) return cipher;
    try {
      const value = this.secrets.get(profileId, key, cipher.value);
      if (value !== undefined) this.scrubber.add(value);
      return ok(value);
    } catch (error) {
      return fail({
        code: 'secret-unavailable',
        message: `The secret ${key} cannot be opened: ${(error as Error).message}`,
        hint: 'Enter it again in the profile.',
      });
    }
  }

  knownHosts(profileId: string): KnownHostsRepo {
    return new KnownHostsRepo(this.store, profileId);
  }
}
