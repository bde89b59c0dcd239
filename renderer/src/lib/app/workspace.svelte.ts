import type { Api } from '../../../../shared/contract.js';
import type { Profile } from '../../../../shared/profile/profile.js';
import { copyName } from '../profiles/blank-profile.js';
import { ProfileDraft } from '../profiles/profile-draft.svelte.js';
import { ProfileList } from '../profiles/profile-list.svelte.js';
import { previewProfileFile, type ImportPreview } from '../profiles/import-preview.js';

export type Confirm = (request: {
  title?: string;
  message: string;
  confirmLabel?: string;
  danger?: boolean;
  items?: string[];
  typeToConfirm?: string;
}) => Promise<boolean>;
export type WorkspaceTab = 'profile' | 'wizard';

/**
 * Which profile is open and what happens on select / create / save / duplicate / delete. Leaving a
 * profile with unsaved changes asks first, so an edit is never lost silently.
 */
export class Workspace {
  readonly list: ProfileList;
  draft = $state<ProfileDraft | null>(null);
  tab = $state<WorkspaceTab>('profile');
  /** The "Start from my environment" page is open instead of a profile. */
  onboarding = $state(false);
  /** The profile onboarding just saved: its connections are checked at once. */
  justOnboarded = $state<string | null>(null);
  /** A profile file read and previewed, waiting for the user to import it or not. */
  pendingImport = $state.raw<{ text: string; fileName: string; preview: ImportPreview } | null>(null);
  /** What the last import did, shown once. */
  notice = $state('');

  readonly selectedId = $derived(this.draft && !this.draft.isNew ? this.draft.profile.id : null);
  readonly #api: Pick<Api, 'call'>;
  readonly #confirm: Confirm;

  constructor(api: Pick<Api, 'call'>, confirm: Confirm) {
    this.#api = api;
    this.#confirm = confirm;
    this.list = new ProfileList(api);
  }

  /** Loads the list and opens the first profile, if any. */
  async start(): Promise<void> {
    await this.list.refresh();
    const first = this.list.items[0];
    if (first && !this.draft) await this.select(first.id);
  }

  async select(id: string): Promise<boolean> {
    if (id === this.selectedId && !this.onboarding) return true;
    if (!(await this.#mayLeave())) return false;
    const profile = await this.list.get(id);
    if (!profile) return false;
    this.onboarding = false;
    this.draft = new ProfileDraft(profile);
    return true;
  }

  async create(): Promise<boolean> {
    if (!(await this.#mayLeave())) return false;
    this.onboarding = false;
    this.draft = new ProfileDraft();
    this.tab = 'profile';
    return true;
  }

  /** Opens "Start from my environment" (a profile with unsaved changes asks first). */
  async startFromEnvironment(): Promise<boolean> {
    if (!(await this.#mayLeave())) return false;
    this.draft = null;
    this.onboarding = true;
    return true;
  }

  /** Onboarding saved a profile: it opens, and its connections are checked. */
  async onboardingSaved(profile: Profile): Promise<void> {
    await this.list.refresh();
    this.onboarding = false;
    this.justOnboarded = profile.id;
    this.draft = new ProfileDraft(profile);
    this.tab = 'profile';
  }

  cancelOnboarding(): void {
    this.onboarding = false;
  }

  async save(): Promise<boolean> {
    if (!this.draft) return false;
    const saved = await this.draft.save(this.#api);
    if (!saved) return false;
    await this.list.refresh();
    return true;
  }

  /**
   * Reads a profile file and shows what it holds (clouds, hosts, shares, secrets present) before
   * anything is saved; `confirmImport` saves it. A file the import would refuse is refused here.
   */
  previewImport(text: string, fileName = ''): boolean {
    const preview = previewProfileFile(text);
    this.notice = '';
    if (!preview.ok) {
      this.list.error = {
        ...preview.error,
        message: `${fileName ? `${fileName}: ` : ''}${preview.error.message}`,
      };
      this.pendingImport = null;
      return false;
    }
    this.list.error = null;
    this.pendingImport = { text, fileName, preview: preview.value };
    return true;
  }

  cancelImport(): void {
    this.pendingImport = null;
  }

  async confirmImport(): Promise<boolean> {
    const pending = this.pendingImport;
    if (!pending) return false;
    this.pendingImport = null;
    return this.importText(pending.text);
  }

  /**
   * Imports a profile file (the text of an exported profile, e.g. the lab's) and opens it. A file
   * naming an existing profile replaces it only when the file says so (the core decides).
   */
  async importText(text: string): Promise<boolean> {
    if (!(await this.#mayLeave())) return false;
    const result = await this.#api.call('profiles.import', { text });
    if (!result.ok) {
      this.list.error = result.error;
      return false;
    }
    this.list.error = null;
    await this.list.refresh();
    this.draft = new ProfileDraft(result.value);
    const p = result.value;
    this.notice = `Imported the profile ${p.name}: ${p.hosts.length} host(s), secrets and host keys stored encrypted.`;
    return true;
  }

  /**
   * The profile was saved outside the editor (the wizard saved a run's project mapping into it): an
   * editor without unsaved changes shows the saved version, so a later save does not undo it.
   */
  async profileSaved(profile: Profile): Promise<void> {
    await this.list.refresh();
    const draft = this.draft;
    if (draft && draft.profile.id === profile.id && !draft.dirty) draft.load(profile);
  }

  async duplicate(): Promise<boolean> {
    const draft = this.draft;
    if (!draft || draft.isNew) return false;
    if (!(await this.#mayLeave())) return false;
    const name = copyName(
      draft.profile.name,
      this.list.items.map((p) => p.name),
    );
    const copy = await this.list.duplicate(draft.profile.id, name);
    if (!copy) return false;
    this.draft = new ProfileDraft(copy);
    return true;
  }

  async remove(id: string): Promise<boolean> {
    const summary = this.list.items.find((p) => p.id === id);
    if (!summary) return false;
    const yes = await this.#confirm({
      title: 'Delete profile',
      message: `Delete the profile "${summary.name}" and its stored secrets? This cannot be undone.`,
      confirmLabel: 'Delete',
      danger: true,
    });
    if (!yes) return false;
    const wasOpen = this.selectedId === id;
    if (!(await this.list.remove(id))) return false;
    if (wasOpen) {
      this.draft = null;
      const next = this.list.items[0];
      if (next) await this.select(next.id);
    }
    return true;
  }

  async #mayLeave(): Promise<boolean> {
    const draft = this.draft;
    if (!draft || !draft.dirty) return true;
    return this.#confirm({
      title: 'Unsaved changes',
      message: `Discard the unsaved changes to "${draft.profile.name || 'the new profile'}"?`,
      confirmLabel: 'Discard changes',
      danger: true,
    });
  }
}
