import type { Api, LogRecord, StepProgress, StepStatus } from '../../../../shared/contract.js';
import type { Profile } from '../../../../shared/profile/profile.js';
import type { AppError } from '../../../../shared/result.js';
import type { StepKey } from '../../../../shared/run/plan-types.js';
import type { RunKind, RunParams, RunSummary, RunView } from '../../../../shared/run/run-types.js';
import type { Confirm } from '../app/workspace.svelte.js';
import type { LogView } from '../log/log-view.svelte.js';
import { RunSession } from '../run/run-session.svelte.js';
import { infoOf, wizardStepsFor, type WizardStepInfo } from './wizard-steps.js';

export interface WizardStepView extends WizardStepInfo {
  status: StepStatus;
  message: string;
  fraction: number | undefined;
}

/**
 * The run setup form: a single-workload run (the workload can be chosen later) or a full-cloud run
 * (cloud A lost: every workload, the project mapping reviewed after the Find step).
 */
export interface RunSetupForm {
  kind: RunKind;
  targetProject: string;
  trusteeUser: string;
  snapshot: string;
  workloadId: string;
  notifyOnly: boolean;
  /** Full cloud: how many restores run at once. */
  restoreConcurrency: number;
}

/** The limits of the run params schema (fullRunParamsSchema.restoreConcurrency). */
export const CONCURRENCY_MIN = 1;
export const CONCURRENCY_MAX = 50;

const blankSetup = (): RunSetupForm => ({
  kind: 'single',
  targetProject: '',
  trusteeUser: '',
  snapshot: 'latest',
  workloadId: '',
  notifyOnly: false,
  restoreConcurrency: 4,
});

/** Lines per `runs.logs` page when a run is reopened, and the most pages read (the panel keeps 20 000). */
const LOG_PAGE = 10_000;
const LOG_PAGES = 10;

const logKey = (r: LogRecord) => `${r.ts}\u0000${r.step}\u0000${r.host}\u0000${r.stream}\u0000${r.text}`;

/**
 * The DR wizard of the open profile: its runs, the setup of a new run, and the open run's session.
 * Lives as long as the app (fed by `step` and `log` events even while the profile tab is shown); the
 * run log panel shows the open run's lines only, past lines read from the store when a run is reopened.
 */
export class WizardState {
  profileId = $state<string | null>(null);
  runs = $state.raw<RunSummary[]>([]);
  runsLoaded = $state(false);
  /** Errors of listing, starting and opening runs. */
  error = $state.raw<AppError | null>(null);
  setup = $state<RunSetupForm>(blankSetup());
  session = $state.raw<RunSession | null>(null);
  selected = $state<StepKey>('preflight');
  /** 'start' or the id of the run being opened, while that call is under way. */
  opening = $state<string | null>(null);

  readonly steps: WizardStepView[] = $derived.by(() => {
    const session = this.session;
    if (!session)
      return wizardStepsFor(this.setup.kind, this.setup.notifyOnly).map((s) => ({
        ...s,
        status: 'pending' as const,
        message: '',
        fraction: undefined,
      }));
    return session.run.steps.map((s) => {
      const live = session.live[s.key];
      return {
        ...infoOf(s.key),
        status: s.status,
        message: live?.message ?? s.error?.message ?? s.outcome?.summary ?? '',
        fraction: live?.fraction,
      };
    });
  });
  readonly current: WizardStepView = $derived(
    this.steps.find((s) => s.key === this.selected) ?? this.steps[0]!,
  );

  readonly #api: Pick<Api, 'call'>;
  readonly #log: LogView | undefined;
  readonly #confirm: Confirm | undefined;
  readonly #onProfileSaved: ((profile: Profile) => void) | undefined;
  /** Log lines that arrived while the open run's past lines were being read. */
  #pending: LogRecord[] | null = null;

  constructor(
    api: Pick<Api, 'call'>,
    options: { log?: LogView; confirm?: Confirm; onProfileSaved?: (profile: Profile) => void } = {},
  ) {
    this.#api = api;
    this.#log = options.log;
    this.#confirm = options.confirm;
    this.#onProfileSaved = options.onProfileSaved;
  }

  /** The run whose events and log lines are shown, if any. */
  get runId(): string | null {
    return this.session?.id ?? null;
  }

  /** Shows the wizard of a profile; a different profile closes the open run. */
  async useProfile(profileId: string): Promise<void> {
    if (profileId !== this.profileId) {
      this.profileId = profileId;
      this.#drop();
      this.setup = blankSetup();
      this.runs = [];
      this.runsLoaded = false;
    }
    await this.refreshRuns();
  }

  async refreshRuns(): Promise<void> {
    const profileId = this.profileId;
    if (!profileId) return;
    const result = await this.#api.call('runs.list', { profileId });
    if (profileId !== this.profileId) return;
    this.runsLoaded = true;
    if (!result.ok) {
      this.error = result.error;
      return;
    }
    this.runs = result.value;
  }

  /** Creates a run from the setup form and opens it. */
  async start(): Promise<boolean> {
    const profileId = this.profileId;
    if (!profileId || this.opening) return false;
    const params = this.#paramsOf(this.setup);
    if (!params.ok) {
      this.error = params.error;
      return false;
    }
    this.opening = 'start';
    try {
      const result = await this.#api.call('runs.create', { profileId, params: params.value });
      if (!result.ok) {
        this.error = result.error;
        return false;
      }
      this.error = null;
      await this.#show(result.value);
      await this.refreshRuns();
      return true;
    } finally {
      this.opening = null;
    }
  }

  #paramsOf(form: RunSetupForm): { ok: true; value: RunParams } | { ok: false; error: AppError } {
    if (form.kind === 'full') {
      const n = form.restoreConcurrency;
      if (!Number.isInteger(n) || n < CONCURRENCY_MIN || n > CONCURRENCY_MAX)
        return {
          ok: false,
          error: {
            code: 'validation',
            message: `Concurrent restores: a whole number from ${CONCURRENCY_MIN} to ${CONCURRENCY_MAX}.`,
            fields: [{ path: 'restoreConcurrency', message: 'out of range' }],
          },
        };
      // The mapping starts empty: it is suggested from the workloads the Find step sees.
      return {
        ok: true,
        value: {
          kind: 'full',
          mapping: [],
          notifyOnly: form.notifyOnly,
          restoreConcurrency: n,
          removeMountsOnCleanup: false,
        },
      };
    }
    if (form.targetProject.trim() === '')
      return {
        ok: false,
        error: {
          code: 'validation',
          message: 'Enter the target project (name or id in the target cloud).',
          fields: [{ path: 'targetProject', message: 'required' }],
        },
      };
    return {
      ok: true,
      value: {
        kind: 'single',
        workloadId: form.workloadId.trim(),
        targetProject: form.targetProject.trim(),
        trusteeUser: form.trusteeUser.trim(),
        snapshot: form.snapshot.trim() || 'latest',
        restore: null,
        notifyOnly: form.notifyOnly,
        removeMountsOnCleanup: false,
      },
    };
  }

  /** Reopens a saved run (how a run resumes after the app was closed), with its past log lines. */
  async open(runId: string): Promise<boolean> {
    if (this.opening) return false;
    this.opening = runId;
    try {
      const result = await this.#api.call('runs.get', { runId });
      if (!result.ok) {
        this.error = result.error;
        return false;
      }
      this.error = null;
      await this.#show(result.value);
      return true;
    } finally {
      this.opening = null;
    }
  }

  /** Back to the run list; the run stays saved and can be reopened. */
  close(): void {
    this.#drop();
    void this.refreshRuns();
  }

  select(key: StepKey): void {
    if (this.steps.some((s) => s.key === key)) this.selected = key;
  }

  /** The step after `key` in the run's order that is not on demand, if any. */
  nextStep(key: StepKey): StepKey | undefined {
    const index = this.steps.findIndex((s) => s.key === key);
    return this.steps.slice(index + 1).find((s) => !s.onDemand)?.key;
  }

  /** Applies a `step` event; events of other runs are ignored. Returns whether it applied. */
  apply(progress: StepProgress): boolean {
    return this.session?.apply(progress) ?? false;
  }

  /** Takes a batch of `log` events: the open run's lines go to the log panel. */
  onLog(batch: readonly LogRecord[]): void {
    const runId = this.runId;
    if (!runId) return;
    const mine = batch.filter((r) => r.runId === runId);
    if (mine.length === 0) return;
    if (this.#pending) this.#pending.push(...mine);
    else this.#log?.append(mine);
  }

  #drop(): void {
    this.session = null;
    this.#pending = null;
    this.#log?.clear();
    this.selected = 'preflight';
  }

  async #show(run: RunView): Promise<void> {
    const session = new RunSession(this.#api, run, this.#confirm, {
      ...(this.#onProfileSaved ? { onProfileSaved: this.#onProfileSaved } : {}),
    });
    this.session = session;
    // Where the user left off: the first step of the main sequence that has not succeeded.
    this.selected =
      run.steps.find((s) => s.status !== 'succeeded' && s.status !== 'skipped' && !infoOf(s.key).onDemand)
        ?.key ??
      run.steps[0]?.key ??
      'preflight';
    await this.#loadLog(run.id);
  }

  async #loadLog(runId: string): Promise<void> {
    const log = this.#log;
    if (!log) return;
    log.clear();
    this.#pending = [];
    let afterId: number | undefined;
    for (let page = 0; page < LOG_PAGES; page++) {
      const result = await this.#api.call('runs.logs', {
        runId,
        limit: LOG_PAGE,
        ...(afterId !== undefined ? { afterId } : {}),
      });
      if (this.runId !== runId) return;
      if (!result.ok) {
        this.error = result.error;
        break;
      }
      log.append(result.value);
      const last = result.value.at(-1);
      if (result.value.length < LOG_PAGE || !last) break;
      afterId = last.id;
    }
    // Lines that arrived meanwhile may also be in the store's answer; add only the new ones.
    // A local lookup table, never rendered: no reactivity needed.
    // eslint-disable-next-line svelte/prefer-svelte-reactivity
    const seen = new Set(log.records.slice(-5_000).map(logKey));
    const fresh = (this.#pending ?? []).filter((r) => !seen.has(logKey(r)));
    this.#pending = null;
    log.append(fresh);
  }
}
