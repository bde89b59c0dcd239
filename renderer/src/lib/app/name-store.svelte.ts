import { getContext, setContext } from 'svelte';
import type { Api } from '../../../../shared/contract.js';
import type { NameMap } from '../../../../shared/names/name-book.js';

/**
 * The names of the open profile's (and run's) ids, read from the main process. Panels show a name
 * beside each id they print; a failed lookup only leaves ids unnamed and says why.
 */
export class NameStore {
  names = $state.raw<NameMap>({});
  problems = $state.raw<string[]>([]);
  readonly #api: Pick<Api, 'call'>;
  #wanted = '';

  constructor(api: Pick<Api, 'call'>) {
    this.#api = api;
  }

  /** Reads the names for a profile (and a run's own names); a later call wins over an earlier one. */
  async load(profileId: string, runId?: string): Promise<void> {
    const key = `${profileId}\u0000${runId ?? ''}\u0000${Date.now()}`;
    this.#wanted = key;
    const result = await this.#api.call('names.lookup', { profileId, ...(runId ? { runId } : {}) });
    if (this.#wanted !== key) return;
    if (result.ok) {
      this.names = result.value.names;
      this.problems = result.value.problems;
    } else {
      this.problems = [result.error.message];
    }
  }

  nameOf(id: string): string | undefined {
    return Object.prototype.hasOwnProperty.call(this.names, id) ? this.names[id]?.name : undefined;
  }
}

const key = Symbol('names');

export function setNameContext(store: NameStore): void {
  setContext(key, store);
}

/** The app's names, or an empty store outside the app (component tests). */
export function getNameContext(): { names: NameMap } {
  return getContext<NameStore | undefined>(key) ?? { names: {} };
}
