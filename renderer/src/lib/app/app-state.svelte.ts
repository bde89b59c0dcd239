import type { Api, AppInfo } from '../../../../shared/contract.js';
import type { AppError } from '../../../../shared/result.js';

/** What the header shows and whether the unlock screen is needed. */
export class AppState {
  info = $state.raw<AppInfo | null>(null);
  error = $state.raw<AppError | null>(null);
  unlocking = $state(false);

  readonly locked = $derived(this.info?.storeLocked ?? false);
  readonly #api: Pick<Api, 'call'>;

  constructor(api: Pick<Api, 'call'>) {
    this.#api = api;
  }

  async load(): Promise<void> {
    const result = await this.#api.call('app.info', {});
    if (result.ok) {
      this.info = result.value;
      this.error = null;
    } else {
      this.error = result.error;
    }
  }

  /** Sets the passphrase that lets browser mode and the CLI open this store (desktop). */
  async setPassphrase(passphrase: string): Promise<AppError | null> {
    const result = await this.#api.call('store.setPassphrase', { passphrase });
    if (!result.ok) return result.error;
    this.info = result.value;
    return null;
  }

  /** Returns the error to show under the passphrase field, or null when the store is open. */
  async unlock(passphrase: string): Promise<AppError | null> {
    this.unlocking = true;
    const result = await this.#api.call('store.unlock', { passphrase });
    this.unlocking = false;
    if (!result.ok) return result.error;
    this.info = result.value;
    return null;
  }
}
