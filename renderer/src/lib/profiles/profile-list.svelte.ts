import type { Api } from '../../../../shared/contract.js';
import type { Profile, ProfileSummary } from '../../../../shared/profile/profile.js';
import type { AppError } from '../../../../shared/result.js';
import { byName } from '../../../../shared/profile/profile-order.js';

/** The saved profiles, as summaries; every change goes to the server and the list is re-read. */
export class ProfileList {
  items = $state.raw<ProfileSummary[]>([]);
  loaded = $state(false);
  error = $state.raw<AppError | null>(null);

  readonly #api: Pick<Api, 'call'>;

  constructor(api: Pick<Api, 'call'>) {
    this.#api = api;
  }

  async refresh(): Promise<void> {
    const result = await this.#api.call('profiles.list', {});
    this.loaded = true;
    if (!result.ok) {
      this.error = result.error;
      return;
    }
    this.error = null;
    this.items = byName(result.value);
  }

  async get(id: string): Promise<Profile | null> {
    const result = await this.#api.call('profiles.get', { id });
    if (result.ok) return result.value;
    this.error = result.error;
    return null;
  }

  async duplicate(id: string, name: string): Promise<Profile | null> {
    const result = await this.#api.call('profiles.duplicate', { id, name });
    if (!result.ok) {
      this.error = result.error;
      return null;
    }
    await this.refresh();
    return result.value;
  }

  async remove(id: string): Promise<boolean> {
    const result = await this.#api.call('profiles.delete', { id });
    if (!result.ok) {
      this.error = result.error;
      return false;
    }
    await this.refresh();
    return result.value.deleted;
  }
}
