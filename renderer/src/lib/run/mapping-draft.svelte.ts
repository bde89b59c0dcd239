import type { Api, TargetProjectChoice } from '../../../../shared/contract.js';
import { formatMappingCsv, parseMappingCsv } from '../../../../shared/mapping/project-mapping.js';
import type { Profile, ProjectMapping } from '../../../../shared/profile/profile.js';
import type { AppError } from '../../../../shared/result.js';
import { mergeMapping, sameMapping } from './mapping-rows.js';
import type { RunSession } from './run-session.svelte.js';

/**
 * The project mapping of a full-cloud run while the user reviews it: every source project the Find
 * step saw, its target project (suggested by name, chosen from the target domain's projects, or
 * imported from CSV) and the trustee user there. Nothing is used until it is saved into the run's
 * params; it can also be saved into the profile for the next run.
 */
export class MappingDraft {
  rows = $state<ProjectMapping[]>([]);
  /** The target domain's projects, for the select of each row. */
  targets = $state.raw<TargetProjectChoice[]>([]);
  loaded = $state(false);
  loading = $state(false);
  savingProfile = $state(false);
  error = $state.raw<AppError | null>(null);
  notice = $state('');

  /** The rows differ from the mapping saved in the run. */
  readonly dirty: boolean = $derived(!sameMapping(this.rows, this.saved));
  /** Rows that still lack a target project (access and later steps would refuse the run). */
  readonly unmapped: ProjectMapping[] = $derived(this.rows.filter((r) => !r.targetProject.trim()));

  readonly #api: Pick<Api, 'call'>;
  readonly #session: RunSession;
  readonly #onProfileSaved: ((profile: Profile) => void) | undefined;
  /** The Find outcome the rows were read for: showing the panel again keeps unsaved edits. */
  #loadedFor: string | null = null;

  constructor(api: Pick<Api, 'call'>, session: RunSession, onProfileSaved?: (profile: Profile) => void) {
    this.#api = api;
    this.#session = session;
    this.#onProfileSaved = onProfileSaved;
  }

  /** The mapping the run uses now. */
  get saved(): ProjectMapping[] {
    return this.#session.fullParams?.mapping ?? [];
  }

  /** Loads the rows unless they were read for this Find outcome (`key`) already. */
  async ensureLoaded(key: string): Promise<boolean> {
    if (this.#loadedFor === key && this.loaded) return true;
    const loaded = await this.load();
    if (loaded) this.#loadedFor = key;
    return loaded;
  }

  /**
   * Reads the suggestion (the saved mapping where there is one, else the profile's, else by name) and
   * the target projects. The rows are replaced: call it when the Find step has (re)run.
   */
  async load(): Promise<boolean> {
    if (this.loading) return false;
    this.loading = true;
    try {
      const runId = this.#session.id;
      const [suggested, targets] = await Promise.all([
        this.#api.call('runs.suggestMapping', { runId }),
        this.#api.call('runs.targetProjects', { runId }),
      ]);
      if (!suggested.ok) {
        this.error = suggested.error;
        return false;
      }
      if (!targets.ok) {
        this.error = targets.error;
        return false;
      }
      this.error = null;
      this.targets = targets.value;
      this.rows = suggested.value.map((m) => ({ ...m }));
      this.loaded = true;
      return true;
    } finally {
      this.loading = false;
    }
  }

  setTarget(index: number, targetProject: string): void {
    const row = this.rows[index];
    if (row) row.targetProject = targetProject;
  }

  setTrustee(index: number, trusteeUser: string): void {
    const row = this.rows[index];
    if (row) row.trusteeUser = trusteeUser.trim();
  }

  /** The target choices of a row: the domain's projects, plus a name only the row knows (from a CSV). */
  choicesFor(row: ProjectMapping): string[] {
    const names = this.targets.map((t) => t.name);
    const current = row.targetProject.trim();
    return current && !names.includes(current) && !this.targets.some((t) => t.id === current)
      ? [current, ...names]
      : names;
  }

  /** Lays a mapping CSV (`source_project_id,source_project_name,target_project,trustee_user`) over the rows. */
  importCsv(text: string): boolean {
    const parsed = parseMappingCsv(text);
    if (!parsed.ok) {
      this.error = parsed.error;
      return false;
    }
    const merged = mergeMapping(this.rows, parsed.value);
    this.rows = merged.rows;
    this.error = null;
    const extra = parsed.value.length - merged.matched;
    this.notice =
      `Imported ${parsed.value.length} row(s): ${merged.matched} for source projects of this run` +
      (extra > 0 ? `, ${extra} for projects it did not find (kept, not used).` : '.') +
      ' Save the mapping to use it.';
    return true;
  }

  exportCsv(): string {
    return formatMappingCsv(this.rows);
  }

  /** Saves the rows into the run; steps planned before use the old mapping until planned again. */
  async save(): Promise<boolean> {
    if (this.unmapped.length > 0) {
      this.error = {
        code: 'validation',
        message: `Choose a target project for ${this.unmapped.map((r) => r.sourceProjectName || r.sourceProjectId).join(', ')}.`,
        fields: this.unmapped.map((r) => ({ path: r.sourceProjectId, message: 'no target project' })),
      };
      return false;
    }
    const planned = this.#session.run.steps.some(
      (s) => ['access', 'reassign', 'restore', 'notify'].includes(s.key) && (s.plan || s.attempts > 0),
    );
    const saved = await this.#session.updateFullParams('find', { mapping: this.rows.map((r) => ({ ...r })) });
    if (!saved) {
      this.error = this.#session.errorOf('find') ?? null;
      return false;
    }
    this.error = null;
    this.notice = planned
      ? 'Mapping saved in the run. Plan Access, Reassign and Restore again so they use it.'
      : 'Mapping saved in the run.';
    return true;
  }

  /** Saves the rows as the profile's project mapping too (the next run starts from them). */
  async saveToProfile(): Promise<boolean> {
    if (this.savingProfile) return false;
    this.savingProfile = true;
    try {
      const profile = await this.#api.call('profiles.get', { id: this.#session.run.profileId });
      if (!profile.ok) {
        this.error = profile.error;
        return false;
      }
      const saved = await this.#api.call('profiles.save', {
        profile: { ...profile.value, projectMapping: this.rows.map((r) => ({ ...r })) },
        secrets: {},
      });
      if (!saved.ok) {
        this.error = saved.error;
        return false;
      }
      this.error = null;
      this.notice = `Saved ${this.rows.length} mapping row(s) in the profile ${saved.value.name}.`;
      this.#onProfileSaved?.(saved.value);
      return true;
    } finally {
      this.savingProfile = false;
    }
  }
}
