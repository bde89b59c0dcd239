import type { Api } from '../../../../shared/contract.js';
import type { CheckCell, CheckMatrix } from '../../../../shared/onboarding/check-matrix.js';
import type { AppError } from '../../../../shared/result.js';

/** "Check connections" for one saved profile: the matrix, and trusting a host key it found unknown. */
export class CheckState {
  matrix = $state.raw<CheckMatrix | null>(null);
  error = $state.raw<AppError | null>(null);
  running = $state(false);
  readonly #api: Pick<Api, 'call'>;

  constructor(
    api: Pick<Api, 'call'>,
    readonly profileId: string,
  ) {
    this.#api = api;
  }

  async run(): Promise<void> {
    this.running = true;
    this.error = null;
    const result = await this.#api.call('profiles.check', { id: this.profileId });
    this.running = false;
    if (result.ok) this.matrix = result.value;
    else this.error = result.error;
  }

  /** Trusts the key a cell's error presented (the user compared its fingerprint), then checks again. */
  async trust(cell: CheckCell): Promise<void> {
    const key = cell.error?.hostKey;
    if (!key) return;
    const result = await this.#api.call('hosts.trustKey', {
      profileId: this.profileId,
      host: key.host,
      keyType: key.keyType,
      keyBase64: key.keyBase64,
      replace: cell.error?.code === 'ssh-host-key-mismatch',
    });
    if (!result.ok) {
      this.error = result.error;
      return;
    }
    await this.run();
  }
}
