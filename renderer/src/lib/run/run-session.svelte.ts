import { downloadReport, type ReportFormat } from '../report/report-download.js';
import type { Api, StepItemProgress, StepProgress } from '../../../../shared/contract.js';
import type { AppError, HostKeyInfo } from '../../../../shared/result.js';
import { destructiveActionIds, type StepKey } from '../../../../shared/run/plan-types.js';
import { stepInfo } from '../../../../shared/run/step-catalog.js';
import type { Profile } from '../../../../shared/profile/profile.js';
import type {
  FullRunParams,
  RunParams,
  RunView,
  SingleRunParams,
  StepState,
} from '../../../../shared/run/run-types.js';
import type { Confirm } from '../app/workspace.svelte.js';
import type { ConfirmRequest } from '../app/confirm.svelte.js';
import type { StepPlan } from '../../../../shared/run/plan-types.js';
import { MappingDraft } from './mapping-draft.svelte.js';
import { manualActionIds } from './plan-lines.js';

export type SessionWork = 'plan' | 'execute' | 'params' | 'trust' | 'retry';

export interface SessionHooks {
  /** The profile was saved from the run (the project mapping), so an open editor can reload it. */
  onProfileSaved?: (profile: Profile) => void;
  /** The confirmation a step needs before it runs (gates.ts); absent or null: it runs at once. */
  gate?: (run: RunView, key: StepKey, plan: StepPlan | undefined) => ConfirmRequest | null;
}

/** What a running step reported last (progress bar and its message). */
export interface StepLive {
  fraction: number | undefined;
  message: string;
}

/**
 * One open DR run in the wizard: the saved run as the core returns it, plus what only the UI knows
 * (progress of the running step, errors of calls the core did not save, notices, confirmed manual
 * actions). Every action goes to the core, then the run is re-read, so the view never drifts from
 * the store — which is also what makes reopening a run after the app was closed show the same thing.
 */
export class RunSession {
  run = $state.raw<RunView>() as RunView;
  live = $state<Partial<Record<StepKey, StepLive>>>({});
  busy = $state.raw<{ step: StepKey; work: SessionWork } | null>(null);
  /** Errors of calls for a step (e.g. "needs … to succeed first"), shown before the step's saved error. */
  callErrors = $state<Partial<Record<StepKey, AppError>>>({});
  notices = $state<Partial<Record<StepKey, string>>>({});
  /** Manual action id → the user says it was applied. */
  confirmed = $state<Record<string, boolean>>({});
  /** Fingerprints trusted in this session, so the trust button does not stay offered. */
  trusted = $state<string[]>([]);
  /** A failure to re-read the run (the step results still show). */
  error = $state.raw<AppError | null>(null);
  /** Bulk steps: how each workload stands while the step runs (live `step` events), by workload id. */
  items = $state<Partial<Record<StepKey, Record<string, StepItemProgress>>>>({});

  /** Full-cloud runs: the project mapping being edited (null for single-workload runs). */
  readonly mapping: MappingDraft | null;

  readonly #api: Pick<Api, 'call'>;
  readonly #confirm: Confirm | undefined;
  readonly #gate: SessionHooks['gate'];

  constructor(api: Pick<Api, 'call'>, run: RunView, confirm?: Confirm, hooks: SessionHooks = {}) {
    this.#api = api;
    this.#confirm = confirm;
    this.#gate = hooks.gate;
    this.run = run;
    this.mapping = run.kind === 'full' ? new MappingDraft(api, this, hooks.onProfileSaved) : null;
  }

  get id(): string {
    return this.run.id;
  }

  /** Downloads the run report (what was planned, what ran, where, when, with what result). */
  async exportReport(format: ReportFormat): Promise<void> {
    this.error = await downloadReport(this.#api, this.id, format);
  }

  /** The params of a single-workload run (null for a full-cloud run). */
  get params(): SingleRunParams | null {
    return this.run.params.kind === 'single' ? this.run.params : null;
  }

  /** The params of a full-cloud run (null for a single-workload run). */
  get fullParams(): FullRunParams | null {
    return this.run.params.kind === 'full' ? this.run.params : null;
  }

  stepState(key: StepKey): StepState | undefined {
    return this.run.steps.find((s) => s.key === key);
  }

  /** The error to show for a step: the last call's, else the one saved with the step. */
  errorOf(key: StepKey): AppError | undefined {
    return this.callErrors[key] ?? this.stepState(key)?.error;
  }

  isBusy(key?: StepKey): boolean {
    return this.busy !== null && (key === undefined || this.busy.step === key);
  }

  /** Discovers and plans the step; nothing is changed. */
  plan(key: StepKey): Promise<boolean> {
    return this.#act(key, 'plan', () => this.#api.call('runs.plan', { runId: this.id, step: key }));
  }

  /**
   * Executes the step's plan, then its verification; progress arrives as `step` events. A step that
   * deletes or unmounts is planned first if needed and runs only once the user confirmed the list of
   * what it removes; the plan's data-deleting actions (clean-up removing the run's workload copy) are
   * sent as confirmed only then.
   */
  async execute(key: StepKey): Promise<boolean> {
    if (this.busy) return false;
    let gateConfirmed = false;
    if (this.#gate) {
      let plan = this.stepState(key)?.plan;
      if (!plan && this.#gate(this.run, key, undefined)) {
        if (!(await this.plan(key))) return false;
        plan = this.stepState(key)?.plan;
      }
      const request = this.#gate(this.run, key, plan);
      if (request) {
        const yes = this.#confirm ? await this.#confirm(request) : false;
        if (!yes) {
          this.notices[key] = 'Not run: the confirmation was cancelled. Nothing was changed.';
          return false;
        }
        gateConfirmed = true;
      }
    }
    const destructive = gateConfirmed
      ? destructiveActionIds(this.stepState(key)?.plan)
      : await this.#confirmDeletes(key);
    if (destructive === null) return false;
    const manual = manualActionIds(this.stepState(key)?.plan).filter((id) => this.confirmed[id]);
    const confirmed = [...manual, ...destructive];
    return this.#act(key, 'execute', () => {
      this.live[key] = { fraction: undefined, message: '' };
      delete this.items[key];
      return this.#api.call('runs.execute', { runId: this.id, step: key, confirmed });
    });
  }

  /** Ids of the plan's deleting actions once the user said yes (one question), [] when none, null: no. */
  async #confirmDeletes(key: StepKey): Promise<string[] | null> {
    const plan = this.stepState(key)?.plan;
    const ids = destructiveActionIds(plan);
    if (ids.length === 0) return [];
    const what = (plan?.actions ?? []).flatMap((a) =>
      a.kind === 'remote' && a.destructive ? [a.destructive] : [],
    );
    const yes = this.#confirm
      ? await this.#confirm({
          title: `${stepInfo(key).title} deletes data`,
          message: `Running this step deletes ${what.join('; ')}.`,
          confirmLabel: 'Delete and run',
          danger: true,
        })
      : false;
    if (!yes) this.notices[key] = 'Not run: the deletion was not confirmed.';
    return yes ? ids : null;
  }

  /** The user closes the run (done without clean-up, or abandoned); it stays listed and can be read. */
  async closeRun(): Promise<boolean> {
    if (this.busy) return false;
    const result = await this.#api.call('runs.close', { runId: this.id });
    if (!result.ok) {
      this.error = result.error;
      return false;
    }
    this.error = null;
    this.run = result.value;
    return true;
  }

  async cancel(): Promise<boolean> {
    const result = await this.#api.call('runs.cancel', { runId: this.id });
    if (!result.ok) this.error = result.error;
    return result.ok && result.value.cancelled;
  }

  /** Changes the run's choices (single-workload runs); `step` is where the change was made. */
  async updateParams(step: StepKey, patch: Partial<Omit<SingleRunParams, 'kind'>>): Promise<boolean> {
    const params = this.params;
    if (!params) return false;
    return this.#saveParams(step, { ...params, ...patch });
  }

  /** Changes the choices of a full-cloud run (mapping, concurrency, clean-up options). */
  async updateFullParams(step: StepKey, patch: Partial<Omit<FullRunParams, 'kind'>>): Promise<boolean> {
    const params = this.fullParams;
    if (!params) return false;
    return this.#saveParams(step, { ...params, ...patch });
  }

  #saveParams(step: StepKey, params: RunParams): Promise<boolean> {
    return this.#act(step, 'params', () => this.#api.call('runs.updateParams', { runId: this.id, params }));
  }

  /**
   * Bulk steps (access, reassign, restore, notify): plans again and runs the step again. The steps check
   * before they act, so what succeeded is kept (restores available or still running are followed, not
   * started again) and only the failed workloads are tried once more.
   */
  retryFailed(key: StepKey): Promise<boolean> {
    // One busy span for both calls, so the panel never looks idle between the plan and the run.
    return this.#act(key, 'retry', async () => {
      const planned = await this.#api.call('runs.plan', { runId: this.id, step: key });
      if (!planned.ok) return planned;
      this.live[key] = { fraction: undefined, message: 'Trying the failed workloads again…' };
      delete this.items[key];
      const confirmed = manualActionIds(planned.value.plan).filter((id) => this.confirmed[id]);
      return this.#api.call('runs.execute', { runId: this.id, step: key, confirmed });
    });
  }

  /** Find step: the user picked a workload in the table; find runs again so it verifies that one. */
  async chooseWorkload(workloadId: string): Promise<boolean> {
    if (!(await this.updateParams('find', { workloadId }))) return false;
    return this.execute('find');
  }

  /** Clean-up: whether the bind mounts and fstab lines go too; an existing plan is made again. */
  async setRemoveMounts(on: boolean): Promise<boolean> {
    const patch = { removeMountsOnCleanup: on };
    const saved = this.params
      ? await this.updateParams('cleanup', patch)
      : await this.updateFullParams('cleanup', patch);
    if (!saved) return false;
    return this.stepState('cleanup')?.plan ? this.plan('cleanup') : true;
  }

  /**
   * Reassign: whether the step turns the job schedules back on that Trilio switched off when it
   * reassigned the workloads (migrate_cloud); an existing plan is made again.
   */
  async setReenableSchedules(on: boolean): Promise<boolean> {
    const patch = { reenableSchedules: on };
    const saved = this.params
      ? await this.updateParams('reassign', patch)
      : await this.updateFullParams('reassign', patch);
    if (!saved) return false;
    return this.stepState('reassign')?.plan ? this.plan('reassign') : true;
  }

  /** Restore: another snapshot (id or 'latest'); the restore is planned again with it. */
  async setSnapshot(snapshot: string): Promise<boolean> {
    if (!(await this.updateParams('restore', { snapshot }))) return false;
    return this.plan('restore');
  }

  /**
   * Trusts the key a host presented (shown with its fingerprint next to the button). Replacing a
   * changed key asks first: a changed key is also what an attack looks like.
   */
  async trustKey(step: StepKey, key: HostKeyInfo, replace: boolean): Promise<boolean> {
    if (replace) {
      const known = key.knownFingerprints?.join(', ') || 'the stored key';
      const yes = this.#confirm
        ? await this.#confirm({
            title: 'Replace a changed host key',
            message:
              `${key.host} now presents the ${key.keyType} key ${key.fingerprint}, not ${known}. ` +
              'Replace the stored key only if you know why it changed (the host was reinstalled); otherwise someone may be intercepting the connection.',
            confirmLabel: 'Replace the key',
            danger: true,
          })
        : false;
      if (!yes) return false;
    }
    const ok = await this.#act(step, 'trust', () =>
      this.#api.call('hosts.trustKey', {
        profileId: this.run.profileId,
        host: key.host,
        keyType: key.keyType,
        keyBase64: key.keyBase64,
        replace,
      }),
    );
    if (ok) {
      this.trusted = [...this.trusted, key.fingerprint];
      this.notices[step] =
        `Trusted the ${key.keyType} key ${key.fingerprint} of ${key.host}. Run the step again.`;
    }
    return ok;
  }

  isTrusted(key: HostKeyInfo): boolean {
    return this.trusted.includes(key.fingerprint);
  }

  /** Applies a `step` event of this run; returns whether it was this run's. */
  apply(progress: StepProgress): boolean {
    if (progress.runId !== this.id) return false;
    const key = progress.step as StepKey;
    if (!this.stepState(key)) return false;
    if (progress.status === 'running') {
      const before = this.live[key];
      // An item event may come without the step's fraction: keep the last one.
      this.live[key] = {
        fraction: progress.fraction ?? before?.fraction,
        message: progress.message ?? before?.message ?? '',
      };
      if (progress.item) (this.items[key] ??= {})[progress.item.id] = progress.item;
    } else delete this.live[key];
    this.run = {
      ...this.run,
      // The run reads "running" at once; its saved status after the step comes with the re-read.
      ...(progress.status === 'running' ? { status: 'running' as const } : {}),
      steps: this.run.steps.map((s) =>
        s.key === key
          ? { ...s, status: progress.status, ...(progress.error ? { error: progress.error } : {}) }
          : s,
      ),
    };
    // A step finished that this window did not start (another window, the CLI): read the run again.
    if (progress.status !== 'running' && this.busy === null) void this.refresh();
    return true;
  }

  async refresh(): Promise<boolean> {
    const result = await this.#api.call('runs.get', { runId: this.id });
    if (!result.ok) {
      this.error = result.error;
      return false;
    }
    this.error = null;
    this.run = result.value;
    return true;
  }

  async #act<T>(
    step: StepKey,
    work: SessionWork,
    call: () => Promise<{ ok: true; value: T } | { ok: false; error: AppError }>,
  ): Promise<boolean> {
    if (this.busy) return false;
    this.busy = { step, work };
    delete this.callErrors[step];
    delete this.notices[step];
    try {
      const result = await call();
      if (!result.ok) this.callErrors[step] = result.error;
      // The core saved the step (plan, outcome, error) and the run's status and changes: read them back.
      await this.refresh();
      return result.ok;
    } finally {
      delete this.live[step];
      this.busy = null;
    }
  }
}
