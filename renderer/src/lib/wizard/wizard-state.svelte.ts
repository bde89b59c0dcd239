import type { Api, LogRecord, StepProgress } from '../../../../shared/contract.js';
import type { Profile } from '../../../../shared/profile/profile.js';
import type { AppError } from '../../../../shared/result.js';
import type { StepKey } from '../../../../shared/run/plan-types.js';
import type { RunKind, RunParams, RunSummary, RunView } from '../../../../shared/run/run-types.js';
import type { Confirm } from '../app/workspace.svelte.js';
import type { LogView } from '../log/log-view.svelte.js';
import { RunSession } from '../run/run-session.svelte.js';
import type { MatrixView } from '../run/matrix-view.svelte.js';
import type { MatrixHost } from '../run/step-matrix.js';
import { gateFor } from '../run/gates.js';
import type { NameStore } from '../app/name-store.svelte.js';
import { runPhase, stepDisplayStatus, type StepDisplayStatus } from '../../../../shared/run/run-phase.js';
import { infoOf, wizardStepsFor, type WizardStepInfo } from './wizard-steps.js';

export interface WizardStepView extends WizardStepInfo {
  /** As shown: `choose` while the step's choice is pending (run-phase.ts). */
  status: StepDisplayStatus;
  message: string;
  fraction: number | undefined;
  startedAt?: string;
  finishedAt?: string;
}

/** What the wizard knows of the open profile besides its id: names for gates, hosts for the matrix. */
export interface WizardProfileInfo {
  name: string;
  hosts: MatrixHost[];
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

/** What the setup offers: a DR run of one workload or of the lost cloud, or a rehearsal (a drill). */
export type SetupChoice = RunKind | 'drill';

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
  /** What the detail pane shows: the selected step, the live matrix, or the run's summary. */
  detailView = $state<'step' | 'matrix' | 'summary'>('step');
  /** 'start' or the id of the run being opened, while that call is under way. */
  opening = $state<string | null>(null);
  /** The Rehearse choice is on: the drill setup, history and open drill show instead of runs. */
  rehearse = $state(false);

  /** The setup's choice as its radio group binds it: the run kind, or `drill`. */
  get choice(): SetupChoice {
    return this.rehearse ? 'drill' : this.setup.kind;
  }
  set choice(value: SetupChoice) {
    this.rehearse = value === 'drill';
    if (value !== 'drill') this.setup.kind = value;
  }

  readonly steps: WizardStepView[] = $derived.by(() => {
    const session = this.session;
    if (!session)
      return wizardStepsFor(this.setup.kind, this.setup.notifyOnly).map((s) => ({
        ...s,
        status: 'pending' as const,
        message: '',
        fraction: undefined,
      }));
    const run = session.run;
    return run.steps.map((s) => {
      const live = session.live[s.key];
      return {
        ...infoOf(s.key),
        status: stepDisplayStatus(run, s.key),
        message: live?.message ?? s.error?.message ?? s.outcome?.summary ?? '',
        fraction: live?.fraction,
        ...(s.startedAt ? { startedAt: s.startedAt } : {}),
        ...(s.finishedAt && s.status !== 'running' ? { finishedAt: s.finishedAt } : {}),
      };
    });
  });
  readonly current: WizardStepView = $derived(
    this.steps.find((s) => s.key === this.selected) ?? this.steps[0]!,
  );

  /** Name and hosts of the open profile (set by the shell). */
  profile = $state.raw<WizardProfileInfo>({ name: '', hosts: [] });

  readonly #api: Pick<Api, 'call'>;
  readonly #log: LogView | undefined;
  readonly #confirm: Confirm | undefined;
  readonly #onProfileSaved: ((profile: Profile) => void) | undefined;
  readonly #names: NameStore | undefined;
  readonly matrix: MatrixView | undefined;
  /** Log lines that arrived while the open run's past lines were being read. */
  #pending: LogRecord[] | null = null;
  /** The run's shape the matrix was last built for (steps' status, attempts, plans). */
  #matrixKey = '';

  constructor(
    api: Pick<Api, 'call'>,
    options: {
      log?: LogView;
      confirm?: Confirm;
      onProfileSaved?: (profile: Profile) => void;
      names?: NameStore;
      matrix?: MatrixView;
    } = {},
  ) {
    this.#api = api;
    this.#log = options.log;
    this.#confirm = options.confirm;
    this.#onProfileSaved = options.onProfileSaved;
    this.#names = options.names;
    this.matrix = options.matrix;
  }

  /** The open run's log lines in memory (the running step's last line shows under its progress). */
  get logRecords(): readonly LogRecord[] {
    return this.#log?.records ?? [];
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
      this.rehearse = false;
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
    if (!this.steps.some((s) => s.key === key)) return;
    this.selected = key;
    this.detailView = 'step';
  }

  /** The step after `key` in the run's order that is not on demand, if any. */
  nextStep(key: StepKey): StepKey | undefined {
    const index = this.steps.findIndex((s) => s.key === key);
    return this.steps.slice(index + 1).find((s) => !s.onDemand)?.key;
  }

  /** Applies a `step` event; events of other runs are ignored. Returns whether it applied. */
  apply(progress: StepProgress): boolean {
    const session = this.session;
    if (!session?.apply(progress)) return false;
    if (progress.item) this.matrix?.applyItem(progress.step as StepKey, progress.item);
    // A step ended: the names it learnt (Access, Reassign) are read again with the run.
    if (progress.status !== 'running' && this.profileId) void this.#names?.load(this.profileId, session.id);
    return true;
  }

  /**
   * Rebuilds the matrix when the run's shape changed (a step started, ended or was planned); live
   * updates in between come from log lines and item events.
   */
  syncMatrix(run: RunView): void {
    const matrix = this.matrix;
    if (!matrix) return;
    const key = `${run.id}|${run.steps.map((s) => `${s.key}:${s.status}:${s.attempts}:${s.finishedAt ?? ''}:${s.plan ? 1 : 0}`).join(',')}|${this.profile.hosts.length}`;
    if (key === this.#matrixKey) return;
    this.#matrixKey = key;
    matrix.reset(run, this.profile.hosts, this.#log?.records ?? []);
  }

  /** Closes the open run for good (done without clean-up, or abandoned), after the user confirmed. */
  async closeRun(): Promise<boolean> {
    const session = this.session;
    if (!session) return false;
    const phase = session.run.status;
    const yes = this.#confirm
      ? await this.#confirm({
          title: 'Close this run',
          message:
            'Closing marks the run as finished: done if it delivered its workloads, abandoned otherwise. Nothing on the hosts or clouds changes; what the run left (copies, mounts, roles) stays until a clean-up.',
          confirmLabel: 'Close the run',
          danger: phase !== 'succeeded',
        })
      : true;
    if (!yes) return false;
    const closed = await session.closeRun();
    if (closed) await this.refreshRuns();
    return closed;
  }

  /** Takes a batch of `log` events: the open run's lines go to the log panel and the matrix. */
  onLog(batch: readonly LogRecord[]): void {
    const runId = this.runId;
    if (!runId) return;
    const mine = batch.filter((r) => r.runId === runId);
    if (mine.length === 0) return;
    if (this.#pending) this.#pending.push(...mine);
    else {
      this.#log?.append(mine);
      this.matrix?.applyLog(mine);
    }
  }

  #drop(): void {
    this.session = null;
    this.#pending = null;
    this.#log?.clear();
    this.matrix?.clear();
    this.#matrixKey = '';
    this.selected = 'preflight';
    this.detailView = 'step';
  }

  async #show(run: RunView): Promise<void> {
    const session = new RunSession(this.#api, run, this.#confirm, {
      ...(this.#onProfileSaved ? { onProfileSaved: this.#onProfileSaved } : {}),
      gate: (r, key, plan) =>
        gateFor(r, key, plan, {
          profileName: this.profile.name,
          hostName: (id) => this.profile.hosts.find((h) => h.id === id)?.name ?? id,
          names: this.#names?.names ?? {},
        }),
    });
    this.session = session;
    // Where the user left off: the first step not done (a listed Find without a choice is not done),
    // or what closes a delivered run.
    const phase = runPhase(run);
    this.selected = phase.next ?? run.steps[0]?.key ?? 'preflight';
    // A run opened when it is over starts on its summary.
    this.detailView = phase.phase === 'done' || phase.phase === 'abandoned' ? 'summary' : 'step';
    if (this.profileId) void this.#names?.load(this.profileId, run.id);
    await this.#loadLog(run.id);
    this.#matrixKey = '';
    this.syncMatrix(session.run);
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
