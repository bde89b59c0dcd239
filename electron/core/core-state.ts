import type { AppInfo } from '../../shared/contract.js';
import { fail, ok, type Result } from '../../shared/result.js';
import { createPassphraseCipher, hasPassphrase } from './secrets/passphrase-cipher.js';
import { createScrubber, type Scrubber } from './secrets/secret-scrubber.js';
import type { SecretCipher } from './core-types.js';
import type { EventBus } from './event-bus.js';
import type { StoreDb } from './store/database.js';
import { KnownHostsRepo } from './store/known-hosts-repo.js';
import { ProfileRepo } from './store/profile-repo.js';
import { SecretRepo } from './store/secret-repo.js';

export type CoreMode = AppInfo['mode'];

/**
 * What every handler shares: the open store, its repositories, the secret cipher once unlocked, the
 * scrubber every secret read is registered with, and the event bus.
 */
export class CoreState {
  readonly profiles: ProfileRepo;
  readonly secrets: SecretRepo;
  readonly scrubber: Scrubber = createScrubber();
  private cipher: SecretCipher | null;

  constructor(
    readonly store: StoreDb,
    readonly bus: EventBus,
    readonly mode: CoreMode,
    readonly version: string,
    readonly dataDir: string,
    osCipher: SecretCipher | null,
  ) {
    this.profiles = new ProfileRepo(store);
    this.secrets = new SecretRepo(store);
    this.cipher = osCipher;
  }

  info(): AppInfo {
    return {
      version: this.version,
      mode: this.mode,
      storeLocked: this.cipher === null,
      storeNew: this.cipher === null && this.passphraseIsNew(),
      cipher: this.cipher?.kind ?? 'passphrase',
      dataDir: this.dataDir,
    };
  }

  /** Browser mode and the CLI unlock with a passphrase; the first passphrase given sets it. */
  unlock(passphrase: string): Result<AppInfo> {
    if (this.cipher?.kind === 'safe-storage') return ok(this.info());
    const cipher = createPassphraseCipher(this.store.meta, passphrase);
    if (!cipher.ok) return cipher;
    this.cipher = cipher.value;
    return ok(this.info());
  }

  /** The passphrase is new (nothing sealed yet): the UI asks to choose one rather than to enter it. */
  passphraseIsNew(): boolean {
    return !hasPassphrase(this.store.meta);
  }

  requireCipher(): Result<SecretCipher> {
    if (this.cipher) return ok(this.cipher);
    return fail({
      code: 'secret-unavailable',
      message: 'The secret store is locked.',
      hint:
        this.mode === 'headless'
          ? 'Set TRILIO_DR_PASSPHRASE to the passphrase of this data folder.'
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
        hint: 'It was sealed by another key store (the desktop app or another passphrase); enter it again in the profile.',
      });
    }
  }

  knownHosts(profileId: string): KnownHostsRepo {
    return new KnownHostsRepo(this.store, profileId);
  }
}
