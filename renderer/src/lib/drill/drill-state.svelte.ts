import type { Api, FileDownload, LogRecord } from '../../../../shared/contract.js';
import type { DrillProgress, DrillSummary, DrillView } from '../../../../shared/drill/drill-types.js';
import type { AppError } from '../../../../shared/result.js';
import { LogView } from '../log/log-view.svelte.js';
import { downloadFile } from '../report/report-download.js';
import { findDataOf, type WorkloadRow, workloadRows } from '../run/find-data.js';
import { drillRunIds, parseWorkloadIds } from './drill-display.js';
import { logLineKey, mergeByTime, mergeRuns } from './drill-log.js';

export type DrillReportFormat = 'html' | 'pdf' | 'json';

/** What to drill: every workload Find sees, or the ones chosen from the last Find and/or typed. */
export interface DrillSetupForm {
  scope: 'all' | 'chosen';
  /** Ids ticked in the list of the profile's last Find. */
  chosen: string[];
  /** Ids typed (one per line, or separated by commas or spaces). */
  typed: string;
}

/** The workloads the profile's newest Find listed, for picking without typing ids. */
export interface KnownWorkloads {
  /** The run whose Find step listed them. */
  runId: string;
  runTitle: string;
  /** When that Find ended. */
  at: string;
  rows: WorkloadRow[];
}

const blankForm = (): DrillSetupForm => ({ scope: 'chosen', chosen: [], typed: '' });

/** Runs looked at (newest first) for a Find that listed workloads, each one `runs.get`. */
const KNOWN_RUNS_LOOKED_AT = 5;
/** Lines per `runs.logs` page when a drill is opened, and the most pages read per run. */
const LOG_PAGE = 10_000;
const LOG_PAGES = 10;
/** Lines of runs not (yet) known to belong to the open drill, kept while it runs. */
const UNCLAIMED_MAX = 20_000;

/**
 * The wizard's Rehearse choice for the open profile: the drill setup, the profile's drill history and
 * the open drill, followed live. Lives as long as the app, fed by `drill` and `log` events, so a tab
 * switch loses nothing. The open drill is re-read from the core on each of its `drill` events (the
 * store is the truth, as for runs); its log shows the lines of the drill itself (run id = drill id)
 * and of its workloads' runs — lines of a workload run that arrive before the drill record names that
 * run are held back and merged in, in time order, once it does.
 */
export class DrillState {
  profileId = $state<string | null>(null);
  drills = $state.raw<DrillSummary[]>([]);
  drillsLoaded = $state(false);
  form = $state<DrillSetupForm>(blankForm());
  known = $state.raw<KnownWorkloads | null>(null);
  knownLoaded = $state(false);
  /** The open drill (null: the setup and history show). */
  drill = $state.raw<DrillView | null>(null);
  /** Refusal or failure of start / open / resume / list, with its hint. */
  error = $state.raw<AppError | null>(null);
  /** A report that could not be made, or a re-read that failed, shown on the drill screen. */
  drillError = $state.raw<AppError | null>(null);
  busy = $state<'start' | 'open' | 'resume' | null>(null);
  /** The report format being made, while `drills.report` runs. */
  reporting = $state<DrillReportFormat | null>(null);
  readonly log: LogView;

  /** The ids Start sends when workloads are chosen (ticked ones first, then typed ones), each once. */
  readonly chosenIds: string[] = $derived.by(() => {
    const ids = [...this.form.chosen];
    for (const id of parseWorkloadIds(this.form.typed)) if (!ids.includes(id)) ids.push(id);
    return ids;
  });

  readonly #api: Pick<Api, 'call'>;
  readonly #download: (file: FileDownload) => void;
  /** Run ids whose lines belong to the open drill. */
  #runIds: string[] = [];
  /** Lines that may belong to the drill (a workload run not named yet); only while it runs. */
  #unclaimed: LogRecord[] = [];
  /** Live lines that arrived while the open drill's past lines were being read. */
  #pending: LogRecord[] | null = null;
  #refreshing: Promise<void> | null = null;
  #refreshAgain = false;

  constructor(
    api: Pick<Api, 'call'>,
    options: {
      log?: LogView;
      /** Hands a report to the user (a browser download); tests record it. */
      download?: (file: FileDownload) => void;
    } = {},
  ) {
    this.#api = api;
    this.log = options.log ?? new LogView();
    this.#download = options.download ?? downloadFile;
  }

  get drillId(): string | null {
    return this.drill?.id ?? null;
  }

  /** Shows the Rehearse choice of a profile; another profile closes the open drill. */
  async useProfile(profileId: string): Promise<void> {
    if (profileId !== this.profileId) {
      this.profileId = profileId;
      this.#drop();
      this.form = blankForm();
      this.drills = [];
      this.drillsLoaded = false;
      this.known = null;
      this.knownLoaded = false;
      this.error = null;
    }
    await Promise.all([this.refreshList(), this.loadKnownWorkloads()]);
  }

  /**
   * The setup is shown (again): a refusal of an earlier start no longer holds, and the history and the
   * last Find's workloads are read anew (a drill that ended meanwhile brought both).
   */
  async showSetup(): Promise<void> {
    this.error = null;
    await Promise.all([this.refreshList(), this.loadKnownWorkloads()]);
  }

  async refreshList(): Promise<void> {
    const profileId = this.profileId;
    if (!profileId) return;
    const result = await this.#api.call('drills.list', { profileId });
    if (profileId !== this.profileId) return;
    this.drillsLoaded = true;
    if (!result.ok) {
      this.error = result.error;
      return;
    }
    this.drills = [...result.value].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  /**
   * The workloads of the profile's newest Find that listed some (a single or full run's Find lists
   * every workload on the synced copy), so they can be ticked instead of typed. No Find yet: none.
   */
  async loadKnownWorkloads(): Promise<void> {
    const profileId = this.profileId;
    if (!profileId) return;
    const runs = await this.#api.call('runs.list', { profileId });
    if (profileId !== this.profileId) return;
    let known: KnownWorkloads | null = null;
    if (runs.ok) {
      const newest = [...runs.value]
        .sort((a, b) => (b.lastActivityAt ?? b.createdAt).localeCompare(a.lastActivityAt ?? a.createdAt))
        .slice(0, KNOWN_RUNS_LOOKED_AT);
      for (const summary of newest) {
        const run = await this.#api.call('runs.get', { runId: summary.id });
        if (profileId !== this.profileId) return;
        if (!run.ok) continue;
        const find = run.value.steps.find((s) => s.key === 'find');
        const data = findDataOf(find?.outcome);
        if (!data || data.workloads.length === 0) continue;
        known = {
          runId: run.value.id,
          runTitle: summary.title,
          at: find?.finishedAt ?? summary.lastActivityAt ?? summary.createdAt,
          rows: workloadRows(data.workloads, ''),
        };
        break;
      }
    }
    this.known = known;
    this.knownLoaded = true;
  }

  /** Ticks or unticks a workload of the last Find. */
  toggle(workloadId: string, on: boolean): void {
    const chosen = this.form.chosen.filter((id) => id !== workloadId);
    if (on) chosen.push(workloadId);
    this.form.chosen = chosen;
  }

  /**
   * Starts a drill of the chosen workloads (or all) and opens it. A refusal (a real DR run of the
   * profile is open, nothing to drill) stays on the setup with its message and hint.
   */
  async start(): Promise<boolean> {
    const profileId = this.profileId;
    if (!profileId || this.busy) return false;
    const all = this.form.scope === 'all';
    const workloadIds = all ? [] : this.chosenIds;
    if (!all && workloadIds.length === 0) {
      this.error = {
        code: 'validation',
        message: 'Choose at least one workload to drill, or drill all workloads.',
        fields: [{ path: 'workloadIds', message: 'required' }],
      };
      return false;
    }
    this.busy = 'start';
    // Lines of the new drill may arrive before its id does: hold every line until it is known.
    this.#unclaimed = [];
    this.#runIds = [];
    try {
      const result = await this.#api.call('drills.start', { profileId, all, workloadIds });
      if (profileId !== this.profileId) return false;
      if (!result.ok) {
        this.error = result.error;
        this.#unclaimed = [];
        return false;
      }
      if (result.value.status === 'refused') {
        this.error = result.value.error ?? {
          code: 'precondition',
          message: 'The drill was refused before anything changed.',
        };
        this.#unclaimed = [];
        await this.refreshList();
        return false;
      }
      this.error = null;
      this.#show(result.value, true);
      // Events sent before the id was known were not applied: read the drill once more.
      await this.refresh();
      await this.refreshList();
      return true;
    } finally {
      this.busy = null;
    }
  }

  /** Opens a drill of the history (running or over) with its past log lines. */
  async open(drillId: string): Promise<boolean> {
    if (this.busy) return false;
    this.busy = 'open';
    try {
      const result = await this.#api.call('drills.get', { drillId });
      if (!result.ok) {
        this.error = result.error;
        return false;
      }
      this.error = null;
      this.#show(result.value, false);
      await this.#loadLog(result.value);
      return true;
    } finally {
      this.busy = null;
    }
  }

  /** Resumes an interrupted drill: its tear-down finishes and the after inventory is taken. */
  async resume(): Promise<boolean> {
    const drill = this.drill;
    if (!drill || this.busy) return false;
    this.busy = 'resume';
    try {
      const result = await this.#api.call('drills.resume', { drillId: drill.id });
      if (this.drillId !== drill.id) return false;
      if (!result.ok) {
        this.drillError = result.error;
        return false;
      }
      this.drillError = null;
      this.#setDrill(result.value);
      await this.refresh();
      return true;
    } finally {
      this.busy = null;
    }
  }

  /** Back to the setup and history; the drill goes on in the core if it runs. */
  close(): void {
    this.#drop();
    void this.refreshList();
  }

  /** Applies a `drill` event: the open drill is read again; a drill that ended updates the history. */
  apply(progress: DrillProgress): boolean {
    if (progress.status !== 'running' && this.drills.some((d) => d.id === progress.drillId))
      void this.refreshList();
    if (progress.drillId !== this.drillId) return false;
    void this.refresh();
    return true;
  }

  /** Reads the open drill again; calls made meanwhile are folded into one more read. */
  async refresh(): Promise<void> {
    if (this.#refreshing) {
      this.#refreshAgain = true;
      return this.#refreshing;
    }
    this.#refreshing = (async () => {
      do {
        this.#refreshAgain = false;
        const id = this.drillId;
        if (!id) return;
        const result = await this.#api.call('drills.get', { drillId: id });
        if (this.drillId !== id) return;
        if (!result.ok) {
          this.drillError = result.error;
          continue;
        }
        const wasRunning = this.drill?.status === 'running';
        this.#setDrill(result.value);
        if (wasRunning && result.value.status !== 'running') void this.refreshList();
      } while (this.#refreshAgain);
    })();
    try {
      await this.#refreshing;
    } finally {
      this.#refreshing = null;
    }
  }

  /** Takes a batch of `log` events: the open drill's lines go to its log panel. */
  onLog(batch: readonly LogRecord[]): void {
    const holding = this.busy === 'start' || this.drill?.status === 'running';
    if (!holding && this.#runIds.length === 0) return;
    const mine: LogRecord[] = [];
    for (const record of batch) {
      if (this.#runIds.includes(record.runId)) mine.push(record);
      else if (holding) this.#unclaimed.push(record);
    }
    if (this.#unclaimed.length > UNCLAIMED_MAX)
      this.#unclaimed.splice(0, this.#unclaimed.length - UNCLAIMED_MAX);
    if (mine.length === 0) return;
    if (this.#pending) this.#pending.push(...mine);
    else this.log.append(mine);
  }

  /** Makes the drill report and hands it to the user as a download (the run report's way). */
  async downloadReport(format: DrillReportFormat): Promise<boolean> {
    const drill = this.drill;
    if (!drill || this.reporting) return false;
    this.reporting = format;
    try {
      const result = await this.#api.call('drills.report', { drillId: drill.id, format });
      if (!result.ok) {
        this.drillError = result.error;
        return false;
      }
      this.drillError = null;
      this.#download(result.value);
      return true;
    } finally {
      this.reporting = null;
    }
  }

  #show(drill: DrillView, fresh: boolean): void {
    this.drillError = null;
    this.log.clear();
    this.#pending = fresh ? null : [];
    this.#runIds = [];
    if (!fresh) this.#unclaimed = [];
    this.#setDrill(drill);
  }

  /** Sets the drill; run ids it names for the first time claim the lines held back for them. */
  #setDrill(drill: DrillView): void {
    this.drill = drill;
    const ids = drillRunIds(drill);
    const added = ids.filter((id) => !this.#runIds.includes(id));
    this.#runIds = ids;
    if (added.length > 0 && this.#unclaimed.length > 0) {
      const claimed = this.#unclaimed.filter((r) => added.includes(r.runId));
      this.#unclaimed = this.#unclaimed.filter((r) => !added.includes(r.runId));
      if (claimed.length > 0) {
        if (this.#pending) this.#pending.push(...claimed);
        else {
          const merged = mergeByTime(this.log.records, claimed);
          this.log.clear();
          this.log.append(merged);
        }
      }
    }
    if (drill.status !== 'running') this.#unclaimed = [];
  }

  #drop(): void {
    this.drill = null;
    this.drillError = null;
    this.#runIds = [];
    this.#unclaimed = [];
    this.#pending = null;
    this.log.clear();
  }

  /** The past lines of the drill and of each workload run, merged in time order, then live ones. */
  async #loadLog(drill: DrillView): Promise<void> {
    const perRun: LogRecord[][] = [];
    for (const runId of drillRunIds(drill)) {
      const lines: LogRecord[] = [];
      let afterId: number | undefined;
      for (let page = 0; page < LOG_PAGES; page++) {
        const result = await this.#api.call('runs.logs', {
          runId,
          limit: LOG_PAGE,
          ...(afterId !== undefined ? { afterId } : {}),
        });
        if (this.drillId !== drill.id) return;
        // A run the store has no lines of (an old drill, a run removed since) leaves a gap, not an error.
        if (!result.ok) break;
        lines.push(...result.value);
        const last = result.value.at(-1);
        if (result.value.length < LOG_PAGE || !last) break;
        afterId = last.id;
      }
      perRun.push(lines);
    }
    const past = mergeRuns(perRun);
    // A local lookup table, never rendered: no reactivity needed.
    // eslint-disable-next-line svelte/prefer-svelte-reactivity
    const seen = new Set(past.slice(-5_000).map(logLineKey));
    const fresh = (this.#pending ?? []).filter((r) => !seen.has(logLineKey(r)));
    this.#pending = null;
    this.log.clear();
    this.log.append(mergeByTime(past, fresh));
  }
}
