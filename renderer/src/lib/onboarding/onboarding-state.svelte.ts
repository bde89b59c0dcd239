import type { Api } from '../../../../shared/contract.js';
import type { CloudRef, Discovery, DiscoveryRequest } from '../../../../shared/onboarding/discovery-types.js';
import type { OnboardingSources } from '../../../../shared/onboarding/onboarding-sources.js';
import type { Profile } from '../../../../shared/profile/profile.js';
import type { AppError } from '../../../../shared/result.js';

/** A cloud chosen on the page: a clouds.yaml cloud, an openrc file, or (cloud A only) none. */
export interface CloudChoice {
  kind: 'clouds-yaml' | 'openrc' | 'none';
  value: string;
}

/**
 * "Start from my environment": what the admin points at (prefilled from where OpenStack and OpenSSH
 * keep their files on the machine running the wizard's core), the discovery, and the save. Secrets the
 * files lack (an openrc that prompts) are typed here and sent once, with the save.
 */
export class OnboardingState {
  sources = $state.raw<OnboardingSources | null>(null);
  name = $state('');
  target = $state<CloudChoice>({ kind: 'clouds-yaml', value: '' });
  source = $state<CloudChoice>({ kind: 'none', value: '' });
  inventory = $state('');
  sshConfig = $state('');
  knownHosts = $state('');
  nfs = $state({ source: '', target: '', syncedCopy: '' });
  discovery = $state.raw<Discovery | null>(null);
  error = $state.raw<AppError | null>(null);
  busy = $state<'loading' | 'discovering' | 'saving' | null>(null);
  passwords = $state({ source: '', target: '' });

  readonly #api: Pick<Api, 'call'>;

  constructor(api: Pick<Api, 'call'>) {
    this.#api = api;
  }

  /** Reads where things are and prefills the form (the user changes what is wrong). */
  async load(): Promise<void> {
    this.busy = 'loading';
    const result = await this.#api.call('onboarding.sources', {});
    this.busy = null;
    if (!result.ok) {
      this.error = result.error;
      return;
    }
    const s = result.value;
    this.sources = s;
    const clouds = s.clouds;
    if (clouds.length > 0) {
      this.target = { kind: 'clouds-yaml', value: clouds[clouds.length > 1 ? 1 : 0]! };
      if (clouds.length > 1) this.source = { kind: 'clouds-yaml', value: clouds[0]! };
    } else if (s.openrcFiles.length > 0) this.target = { kind: 'openrc', value: s.openrcFiles[0]! };
    this.inventory = s.inventories[0] ?? '';
    this.sshConfig = s.sshConfig ?? '';
    this.knownHosts = s.knownHosts.join(', ');
    if (!this.name) this.name = 'my-environment';
  }

  /** What is missing before a discovery can start (shown next to the button). */
  get missing(): string[] {
    const out: string[] = [];
    if (this.name.trim() === '') out.push('a profile name');
    if (this.target.value.trim() === '') out.push('the target cloud');
    return out;
  }

  request(): DiscoveryRequest {
    const ref = (c: CloudChoice): CloudRef | undefined =>
      c.kind === 'none' || c.value.trim() === ''
        ? undefined
        : c.kind === 'openrc'
          ? { kind: 'openrc', file: c.value.trim() }
          : { kind: 'clouds-yaml', cloud: c.value.trim() };
    const nfs = Object.fromEntries(
      Object.entries(this.nfs)
        .map(([k, v]) => [k, v.trim()])
        .filter(([, v]) => v !== ''),
    );
    const knownHosts = this.knownHosts
      .split(',')
      .map((f) => f.trim())
      .filter(Boolean);
    const source = ref(this.source);
    return {
      name: this.name.trim(),
      clouds: { target: ref(this.target)!, ...(source ? { source } : {}) },
      ...(this.inventory.trim() ? { inventory: this.inventory.trim() } : {}),
      sshConfig: this.sshConfig.trim(),
      ...(knownHosts.length ? { knownHosts } : {}),
      nfs,
    };
  }

  async discover(): Promise<void> {
    if (this.missing.length > 0) return;
    this.busy = 'discovering';
    this.error = null;
    this.discovery = null;
    const result = await this.#api.call('onboarding.discover', this.request());
    this.busy = null;
    if (result.ok) this.discovery = result.value;
    else this.error = result.error;
  }

  /** A cloud whose password the files did not have (asked on the page). */
  needsPassword(side: 'source' | 'target'): boolean {
    const cloud = this.discovery?.profile.clouds[side];
    return Boolean(
      cloud && cloud.authUrl !== '' && cloud.authKind === 'password' && cloud.password === 'not set',
    );
  }

  get canSave(): boolean {
    const d = this.discovery;
    return Boolean(
      d &&
      d.problems.length === 0 &&
      this.busy === null &&
      (!this.needsPassword('target') || this.passwords.target !== ''),
    );
  }

  /** Saves the discovered profile (an existing one of the same name: after its diff was shown). */
  async save(): Promise<Profile | null> {
    const d = this.discovery;
    if (!d || !this.canSave) return null;
    this.busy = 'saving';
    this.error = null;
    const secrets: Record<string, string> = {};
    for (const side of ['source', 'target'] as const)
      if (this.needsPassword(side) && this.passwords[side])
        secrets[`clouds.${side}.password`] = this.passwords[side];
    const result = await this.#api.call('onboarding.apply', {
      id: d.id,
      replace: d.existing !== null,
      secrets,
    });
    this.busy = null;
    // Typed passwords are not kept in the page once sent.
    this.passwords = { source: '', target: '' };
    if (!result.ok) {
      this.error = result.error;
      return null;
    }
    return result.value;
  }
}
