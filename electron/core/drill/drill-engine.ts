import { randomUUID } from 'node:crypto';
import { compareInventories, drillProjectName } from '../../../shared/drill/drill-inventory.js';
import { drillIdOf, drillTimes } from '../../../shared/drill/drill-timing.js';
import {
  drillPhaseKeys,
  type DrillPhaseKey,
  type DrillProgress,
  type DrillResource,
  type DrillView,
  type DrillWorkloadResult,
} from '../../../shared/drill/drill-types.js';
import type { Profile } from '../../../shared/profile/profile.js';
import { readRestoreOutcomeData } from '../../../shared/report/restore-outcome.js';
import { fail, ok, type AppError, type Result } from '../../../shared/result.js';
import { destructiveActionIds, type StepKey } from '../../../shared/run/plan-types.js';
import { runPhase } from '../../../shared/run/run-phase.js';
import type { FindOutcomeData } from '../../../shared/run/step-data.js';
import type { RunView, SingleRunParams } from '../../../shared/run/run-types.js';
import { stepInfo } from '../../../shared/run/step-catalog.js';
import { describePlan } from '../../../shared/run/describe-plan.js';
import type { CoreState } from '../core-state.js';
import type { RunServices } from '../dr/run-services.js';
import type { LogSink } from '../log-sink.js';
import type { RunEngine } from '../runs/run-engine.js';
import type { RunStore } from '../runs/run-store.js';
import type { DrillRepo } from '../store/drill-repo.js';
import { collectInventory, type DrillContext } from './drill-inventory-collect.js';
import { stepAbortController } from '../runs/step-abort.js';

export interface DrillEngineDeps {
  state: CoreState;
  engine: RunEngine<RunServices>;
  runs: RunStore;
  drills: DrillRepo;
  /** Opens the run services of a profile (the SSH pool and clients) for the drill's own reads. */
  openServices(profile: Profile, signal: AbortSignal, sink: LogSink): Result<RunServices>;
  closeServices(services: RunServices): Promise<void>;
  log: LogSink;
  emit(progress: DrillProgress): void;
  operator: string;
}

/** Run phases that mean a real DR of the profile is under way (or left open mid-way). */
const activePhases = new Set(['in-progress', 'running', 'interrupted', 'failed', 'delivered']);

/**
 * DR drills: each workload goes through the single-workload DR path as a run of its own (so every
 * command is planned, shown, logged and journaled as in a real DR, and a stopped drill resumes), into a
 * drill project instead of a real one; then the run's drill tear-down and clean-up remove everything.
 * Before and after, the drill takes an inventory of both clouds and every node; the drill passes when
 * every workload was restored and verified and the two inventories are the same.
 */
export class DrillEngine {
  private readonly active = new Map<string, AbortController>();
  /** The step each run was last asked to plan or run (a plan refused leaves the step's status as it was). */
  private readonly lastStep = new Map<string, StepKey>();
  /** Host id → name of the profile being drilled, for the plans shown in the log. */
  private hostNames = new Map<string, string>();

  constructor(private readonly deps: DrillEngineDeps) {}

  get(id: string): Result<DrillView> {
    const drill = this.deps.drills.get(id);
    return drill ? ok(drill) : fail({ code: 'not-found', message: `No drill ${id}.` });
  }

  /** The saved drill (it exists while its work runs). */
  private view(id: string): DrillView {
    return this.deps.drills.get(id)!;
  }

  list(profileId?: string): DrillView[] {
    return this.deps.drills.list(profileId);
  }

  /** A drill that was working when the process died is `interrupted`; `resume` finishes it. */
  recoverInterrupted(): void {
    for (const d of this.deps.drills.list())
      if (d.status === 'running' && !this.active.has(d.id))
        this.deps.drills.save({ ...d, status: 'interrupted' });
  }

  /** Refuses while a real DR run of the profile is open or another drill of it works; else starts. */
  start(profileId: string, scope: { all: boolean; workloadIds: string[] }): Result<DrillView> {
    const profile = this.deps.state.profiles.get(profileId);
    if (!profile.ok) return profile;
    if (!scope.all && scope.workloadIds.length === 0)
      return fail({
        code: 'invalid-argument',
        message: 'A drill needs the workloads to rehearse.',
        hint: 'Name them (--workload ID, repeatable) or drill them all (--all).',
      });
    const refused = this.refusal(profileId);
    if (refused) return fail(refused);
    const now = new Date();
    const drill: DrillView = {
      id: `drill-${drillIdOf(now, randomUUID())}`,
      profileId,
      profileName: profile.value.name,
      status: 'running',
      scope: { all: scope.all, workloadIds: [...new Set(scope.workloadIds)] },
      createdAt: now.toISOString(),
      operator: this.deps.operator,
      phases: drillPhaseKeys.map((key) => ({ key, status: 'pending' })),
      projects: [],
      workloads: [],
      inventory: { differences: [] },
    };
    this.deps.drills.save(drill);
    this.launch(drill.id, profile.value);
    return ok(drill);
  }

  /** Goes on with an interrupted drill: its runs resume where they stopped; the tear-down always runs. */
  resume(drillId: string): Result<DrillView> {
    const drill = this.get(drillId);
    if (!drill.ok) return drill;
    if (this.active.has(drillId))
      return fail({ code: 'conflict', message: `Drill ${drillId} is working now.` });
    if (drill.value.status !== 'interrupted' && drill.value.status !== 'running')
      return fail({
        code: 'precondition',
        message: `Drill ${drillId} is ${drill.value.status}; only an interrupted drill resumes.`,
      });
    const profile = this.deps.state.profiles.get(drill.value.profileId);
    if (!profile.ok) return profile;
    const resumed = { ...drill.value, status: 'running' as const };
    this.deps.drills.save(resumed);
    this.launch(drillId, profile.value);
    return ok(resumed);
  }

  /** Resolves when the drill's work in this process ends (the CLI waits on it). */
  async finished(drillId: string): Promise<Result<DrillView>> {
    while (this.active.has(drillId)) await new Promise((r) => setTimeout(r, 200));
    return this.get(drillId);
  }

  private refusal(profileId: string, self?: string): AppError | undefined {
    const busy = [...this.deps.drills.list(profileId)].find(
      (d) => d.id !== self && d.status === 'running' && this.active.has(d.id),
    );
    if (busy)
      return {
        code: 'conflict',
        message: `Drill ${busy.id} of this profile is working now; one drill at a time.`,
      };
    for (const summary of this.deps.runs.listRuns(profileId)) {
      const run = this.deps.runs.getRun(summary.id);
      if (!run || (run.params.kind === 'single' && run.params.drill)) continue;
      const phase = runPhase(run);
      if (!activePhases.has(phase.phase) || run.closedAt) continue;
      return {
        code: 'precondition',
        message: `A real DR run of this profile is open (${run.id}, ${phase.label}): a drill never runs beside a real DR.`,
        hint: `Finish it (clean-up: trilio-dr cleanup --run ${run.id} --yes) or close it (in the wizard), then start the drill.`,
      };
    }
    return undefined;
  }

  private launch(drillId: string, profile: Profile): void {
    this.hostNames = new Map(profile.hosts.map((h) => [h.id, h.name]));
    const controller = stepAbortController(profile);
    this.active.set(drillId, controller);
    void this.work(drillId, profile, controller.signal)
      .catch((e: unknown) => {
        this.update(drillId, (d) => ({
          ...d,
          status: 'failed',
          error: {
            code: 'internal',
            message: `The drill stopped on an unexpected error: ${e instanceof Error ? e.message : String(e)}`,
          },
        }));
      })
      .finally(() => {
        this.active.delete(drillId);
        const d = this.deps.drills.get(drillId);
        if (d) this.deps.emit({ drillId, status: d.status });
      });
  }

  private update(
    drillId: string,
    change: (d: DrillView) => DrillView,
    phase?: DrillPhaseKey,
    workloadId?: string,
  ): DrillView {
    const next = change(this.deps.drills.get(drillId)!);
    this.deps.drills.save(next);
    this.deps.emit({
      drillId,
      status: next.status,
      ...(phase ? { phase } : {}),
      ...(workloadId ? { workloadId } : {}),
    });
    return next;
  }

  private setPhase(
    drillId: string,
    key: DrillPhaseKey,
    status: 'running' | 'succeeded' | 'failed',
    detail?: string,
  ): void {
    const now = new Date().toISOString();
    this.update(
      drillId,
      (d) => ({
        ...d,
        phases: d.phases.map((p) =>
          p.key !== key
            ? p
            : {
                ...p,
                status,
                ...(status === 'running' ? { startedAt: p.startedAt ?? now } : { finishedAt: now }),
                ...(detail ? { detail } : {}),
              },
        ),
      }),
      key,
    );
  }

  private say(drillId: string, text: string, stream: 'info' | 'error' = 'info'): void {
    this.deps.log({ runId: drillId, step: 'drill', host: '', stream, ts: Date.now(), text });
  }

  private async work(drillId: string, profile: Profile, signal: AbortSignal): Promise<void> {
    const services = this.deps.openServices(profile, signal, this.deps.log);
    if (!services.ok) {
      this.update(drillId, (d) => ({ ...d, status: 'failed', error: services.error }));
      return;
    }
    const ctx: DrillContext = {
      drillId,
      services: services.value,
      signal,
      log: (text, options) =>
        this.deps.log({
          runId: drillId,
          step: 'drill',
          host: options?.host ?? '',
          stream: options?.stream ?? 'info',
          ts: Date.now(),
          text,
        }),
    };
    try {
      await this.phases(drillId, ctx);
    } finally {
      await this.deps.closeServices(services.value);
    }
  }

  private async phases(drillId: string, ctx: DrillContext): Promise<void> {
    const drill = this.get(drillId);
    if (!drill.ok) return;
    // 1. Checks: nothing real is under way (again, for a resumed drill).
    this.setPhase(drillId, 'checks', 'running');
    const refused =
      drill.value.phases.find((p) => p.key === 'checks')?.status === 'succeeded'
        ? undefined
        : this.refusal(drill.value.profileId, drillId);
    if (refused) {
      this.setPhase(drillId, 'checks', 'failed', refused.message);
      this.update(drillId, (d) => ({
        ...d,
        status: 'refused',
        error: refused,
        finishedAt: new Date().toISOString(),
      }));
      return;
    }
    this.setPhase(drillId, 'checks', 'succeeded', 'No real DR run of the profile is open.');

    // 2. Inventory before (kept from the first attempt when resuming).
    if (!drill.value.inventory.before) {
      this.setPhase(drillId, 'inventory-before', 'running');
      const before = await collectInventory(ctx);
      if (!before.ok) {
        this.setPhase(drillId, 'inventory-before', 'failed', before.error.message);
        this.update(drillId, (d) => ({
          ...d,
          status: 'failed',
          error: before.error,
          finishedAt: new Date().toISOString(),
        }));
        return;
      }
      this.update(drillId, (d) => ({ ...d, inventory: { ...d.inventory, before: before.value } }));
      this.setPhase(
        drillId,
        'inventory-before',
        'succeeded',
        `${before.value.nodes.length} node(s), both clouds.`,
      );
    }

    // 3. Isolate: which workloads, and the drill project each goes to.
    this.setPhase(drillId, 'isolate', 'running');
    const planned = await this.planWorkloads(drillId, ctx);
    if (!planned.ok) {
      this.setPhase(drillId, 'isolate', 'failed', planned.error.message);
      this.update(drillId, (d) => ({ ...d, error: planned.error }));
    } else
      this.setPhase(
        drillId,
        'isolate',
        'succeeded',
        `${planned.value} workload(s) into ${this.view(drillId).projects.length} drill project(s).`,
      );

    // 4. Each workload: its DR into the drill project, then its tear-down and clean-up (always).
    this.setPhase(drillId, 'workloads', 'running');
    const current = this.view(drillId);
    for (const w of current.workloads) {
      if (w.status === 'passed' || w.status === 'failed') {
        if (w.runId && !this.cleanedUp(w.runId)) await this.tearDown(drillId, w.workloadId, ctx);
        continue;
      }
      await this.drillWorkload(drillId, w.workloadId);
      await this.tearDown(drillId, w.workloadId, ctx);
    }
    this.update(drillId, (d) => ({ ...d, projects: d.projects.map((p) => this.projectState(d, p)) }));
    const after = this.view(drillId);
    const failed = after.workloads.filter((w) => w.status !== 'passed');
    this.setPhase(
      drillId,
      'workloads',
      failed.length === 0 && after.workloads.length > 0 ? 'succeeded' : 'failed',
      `${after.workloads.length - failed.length} of ${after.workloads.length} workload(s) restored and verified.`,
    );
    this.setPhase(
      drillId,
      'teardown',
      after.workloads.every((w) => !w.runId || this.cleanedUp(w.runId)) ? 'succeeded' : 'failed',
      'Every workload’s drill tear-down and clean-up ran.',
    );

    // 5. Inventory after, compared.
    this.setPhase(drillId, 'inventory-after', 'running');
    const inventory = await collectInventory(ctx);
    if (!inventory.ok) {
      this.setPhase(drillId, 'inventory-after', 'failed', inventory.error.message);
      this.update(drillId, (d) => ({
        ...d,
        status: 'failed',
        error: inventory.error,
        finishedAt: new Date().toISOString(),
      }));
      return;
    }
    const before = this.view(drillId).inventory.before!;
    const differences = compareInventories(before, inventory.value);
    this.setPhase(
      drillId,
      'inventory-after',
      differences.length === 0 ? 'succeeded' : 'failed',
      differences.length === 0
        ? 'Both clouds and every node are as before the drill.'
        : `${differences.length} difference(s) left.`,
    );
    this.update(drillId, (d) => {
      const ok =
        d.workloads.length > 0 &&
        d.workloads.every((w) => w.status === 'passed') &&
        differences.length === 0 &&
        !d.error;
      return {
        ...d,
        status: ok ? 'passed' : 'failed',
        finishedAt: new Date().toISOString(),
        inventory: { ...d.inventory, after: inventory.value, differences },
      };
    });
    this.say(drillId, `Drill ${drillId} ${this.view(drillId).status}.`);
  }

  /**
   * The drill's workloads and projects, once: a scout run (the first workload's own) lists the synced
   * share with Find; each workload's drill project is named after its source project.
   */
  private async planWorkloads(drillId: string, ctx: DrillContext): Promise<Result<number>> {
    const drill = this.view(drillId);
    if (drill.workloads.length > 0) return ok(drill.workloads.length);
    const scout = this.deps.engine.create(drill.profileId, this.paramsFor(drillId, '', ''));
    if (!scout.ok) return scout;
    const found = await this.runSteps(scout.value.id, ['preflight', 'find']);
    if (!found.ok) {
      this.deps.engine.close(scout.value.id);
      return found;
    }
    const data = this.deps.runs.getRun(scout.value.id)?.steps.find((s) => s.key === 'find')?.outcome?.data as
      FindOutcomeData | undefined;
    const onShare = data?.workloads ?? [];
    const wanted = drill.scope.all ? onShare.map((w) => w.id) : drill.scope.workloadIds;
    const missing = wanted.filter((id) => !onShare.some((w) => w.id === id));
    if (missing.length > 0 || wanted.length === 0) {
      this.deps.engine.close(scout.value.id);
      return fail({
        code: 'not-found',
        message:
          wanted.length === 0
            ? 'The synced share holds no workload to drill.'
            : `Not on the synced share: ${missing.join(', ')}.`,
        hint: 'Check the workload ids (trilio-dr plan single shows the share’s workloads).',
      });
    }
    const names = await this.sourceProjectNames(
      ctx,
      onShare.map((w) => w.projectId ?? ''),
    );
    const workloads: DrillWorkloadResult[] = wanted.map((id) => {
      const w = onShare.find((x) => x.id === id)!;
      const sourceProjectId = w.projectId ?? '';
      const sourceProjectName = names.get(sourceProjectId) ?? sourceProjectId.slice(0, 8);
      return {
        workloadId: id,
        name: w.name ?? id,
        sourceProjectId,
        sourceProjectName,
        drillProject: drillProjectName(drillId.replace(/^drill-/, ''), sourceProjectName),
        status: 'pending',
        resources: [],
      };
    });
    const first = workloads[0]!;
    workloads[0] = { ...first, runId: scout.value.id };
    const run = this.deps.runs.getRun(scout.value.id)!;
    this.deps.engine.updateParams(scout.value.id, {
      ...(run.params as SingleRunParams),
      workloadId: first.workloadId,
      targetProject: first.drillProject,
    });
    const projects = [
      ...new Map(
        workloads.map((w) => [
          w.drillProject,
          {
            sourceProjectId: w.sourceProjectId,
            sourceProjectName: w.sourceProjectName,
            name: w.drillProject,
          },
        ]),
      ).values(),
    ];
    this.update(
      drillId,
      (d) => ({ ...d, workloads, projects, scope: { ...d.scope, workloadIds: wanted } }),
      'isolate',
    );
    return ok(workloads.length);
  }

  private async sourceProjectNames(ctx: DrillContext, ids: string[]): Promise<Map<string, string>> {
    const names = new Map<string, string>();
    const source = await ctx.services.clouds.source();
    if (!source.ok) return names;
    for (const id of new Set(ids.filter(Boolean))) {
      const got = await source.value.session.identity<{ project?: { name: string } }>({
        method: 'GET',
        path: `/projects/${encodeURIComponent(id)}`,
        expect: [200, 404],
        signal: ctx.signal,
      });
      if (got.ok && got.value.status === 200 && got.value.body.project)
        names.set(id, got.value.body.project.name);
    }
    return names;
  }

  private paramsFor(drillId: string, workloadId: string, targetProject: string): SingleRunParams {
    return {
      kind: 'single',
      workloadId,
      targetProject,
      trusteeUser: '',
      snapshot: 'latest',
      restore: null,
      notifyOnly: false,
      // A drill leaves nothing: its mounts go with its clean-up.
      removeMountsOnCleanup: true,
      reenableSchedules: false,
      drill: { drillId },
    };
  }

  /** Plans and executes steps in order, confirming what the plan deletes (the drill's own copy). */
  private async runSteps(runId: string, only?: StepKey[]): Promise<Result<RunView>> {
    const run = this.deps.runs.getRun(runId);
    if (!run) return fail({ code: 'not-found', message: `No run ${runId}.` });
    for (const step of run.steps) {
      if (only ? !only.includes(step.key) : step.status === 'succeeded' || stepInfo(step.key).onDemand)
        continue;
      this.lastStep.set(runId, step.key);
      const planned = await this.deps.engine.plan(runId, step.key);
      if (!planned.ok)
        return fail({ ...planned.error, message: `${stepInfo(step.key).title}: ${planned.error.message}` });
      // Shown before it runs, as `trilio-dr run` prints it: in the run's log, the UI and the terminal.
      if (planned.value.plan) {
        this.deps.log({
          runId,
          step: step.key,
          host: '',
          stream: 'info',
          ts: Date.now(),
          text: describePlan(planned.value.plan, { hostName: (id) => this.hostNames.get(id) ?? id }),
        });
      }
      const done = await this.deps.engine.execute(runId, step.key, destructiveActionIds(planned.value.plan));
      if (!done.ok)
        return fail({ ...done.error, message: `${stepInfo(step.key).title}: ${done.error.message}` });
    }
    return ok(this.deps.runs.getRun(runId)!);
  }

  private async drillWorkload(drillId: string, workloadId: string): Promise<void> {
    let w = this.view(drillId).workloads.find((x) => x.workloadId === workloadId)!;
    if (!w.runId) {
      const run = this.deps.engine.create(
        this.view(drillId).profileId,
        this.paramsFor(drillId, workloadId, w.drillProject),
      );
      if (!run.ok) {
        this.setWorkload(drillId, workloadId, { status: 'failed', error: run.error });
        return;
      }
      w = this.setWorkload(drillId, workloadId, { runId: run.value.id });
    } else {
      // The scout run listed the share before the workload was chosen: Find again chooses it.
      const find = this.deps.runs.getRun(w.runId)?.steps.find((s) => s.key === 'find');
      const data = find?.outcome?.data as FindOutcomeData | undefined;
      if (find?.status === 'succeeded' && !data?.selected) {
        const again = await this.runSteps(w.runId, ['find']);
        if (!again.ok) {
          this.setWorkload(drillId, workloadId, { status: 'failed', failedStep: 'find', error: again.error });
          return;
        }
      }
    }
    this.setWorkload(drillId, workloadId, { status: 'running', startedAt: new Date().toISOString() });
    this.say(drillId, `Drilling ${w.name} (${workloadId}) into ${w.drillProject} (run ${w.runId}).`);
    const done = await this.runSteps(w.runId!);
    const run = this.deps.runs.getRun(w.runId!)!;
    const startedAt = run.startedAt ?? w.startedAt;
    const row = readRestoreOutcomeData(run.steps.find((s) => s.key === 'restore')?.outcome?.data)
      ?.workloads[0];
    const times = drillTimes(startedAt, row);
    // The step that stopped the run: failed while it ran, or refused when it was planned.
    const failedStep =
      run.steps.find((s) => s.status === 'failed' || s.status === 'cancelled')?.key ??
      this.lastStep.get(run.id);
    this.setWorkload(drillId, workloadId, {
      status: done.ok ? 'passed' : 'failed',
      ...(startedAt ? { startedAt } : {}),
      ...(row?.snapshotId ? { snapshotId: row.snapshotId } : {}),
      ...(row?.snapshotCreatedAt ? { snapshotCreatedAt: row.snapshotCreatedAt } : {}),
      ...(row?.restoreId ? { restoreId: row.restoreId } : {}),
      ...(row?.availableAt ? { availableAt: row.availableAt } : {}),
      ...times,
      ...(done.ok ? {} : { error: done.error, ...(failedStep ? { failedStep } : {}) }),
    });
  }

  /**
   * A drill project's id (from the Drill project step of a run that made it) and whether it is gone:
   * every run that made it has its creation undone (deleted by that run's clean-up).
   */
  private projectState(d: DrillView, project: DrillView['projects'][number]): DrillView['projects'][number] {
    const runs = d.workloads
      .filter((w) => w.drillProject === project.name && w.runId)
      .map((w) => this.deps.runs.getRun(w.runId!))
      .filter((r): r is RunView => r !== undefined);
    const made = runs.flatMap((r) => r.changes.filter((c) => c.kind === 'drill-project'));
    const data = runs
      .map(
        (r) =>
          r.steps.find((s) => s.key === 'drill-project')?.outcome?.data as { projectId?: string } | undefined,
      )
      .find((x) => x?.projectId);
    return {
      ...project,
      ...(data?.projectId ? { id: data.projectId } : {}),
      ...(made.length > 0 ? { removed: made.every((c) => c.undoneAt !== undefined) } : {}),
    };
  }

  private cleanedUp(runId: string): boolean {
    return this.deps.runs.getRun(runId)?.steps.find((s) => s.key === 'cleanup')?.status === 'succeeded';
  }

  /** The run's drill tear-down, then its clean-up (copy, database, mounts, grants, drill project). */
  private async tearDown(drillId: string, workloadId: string, _ctx: DrillContext): Promise<void> {
    const w = this.view(drillId).workloads.find((x) => x.workloadId === workloadId)!;
    if (!w.runId) return;
    const run = this.deps.runs.getRun(w.runId);
    if (!run) return;
    const projectMade = run.changes.some((c) => c.kind === 'drill-project');
    const teardown = run.steps.find((s) => s.key === 'drill-teardown');
    if (projectMade && teardown?.status !== 'succeeded') {
      const torn = await this.runSteps(w.runId, ['drill-teardown']);
      const data = this.deps.runs.getRun(w.runId)?.steps.find((s) => s.key === 'drill-teardown')?.outcome
        ?.data as { resources?: DrillResource[] } | undefined;
      this.setWorkload(drillId, workloadId, {
        resources: data?.resources ?? [],
        ...(torn.ok ? {} : { status: 'failed', failedStep: 'drill-teardown', error: torn.error }),
      });
      if (!torn.ok) this.say(drillId, `Tear-down of ${w.name} failed: ${torn.error.message}`, 'error');
    }
    const cleaned = await this.runSteps(w.runId, ['cleanup']);
    if (!cleaned.ok) {
      this.say(drillId, `Clean-up of ${w.name} failed: ${cleaned.error.message}`, 'error');
      this.setWorkload(drillId, workloadId, {
        status: 'failed',
        failedStep: 'cleanup',
        error: cleaned.error,
      });
    } else this.deps.engine.close(w.runId);
  }

  private setWorkload(
    drillId: string,
    workloadId: string,
    patch: Partial<DrillWorkloadResult>,
  ): DrillWorkloadResult {
    const next = this.update(
      drillId,
      (d) => ({
        ...d,
        workloads: d.workloads.map((w) => {
          if (w.workloadId !== workloadId) return w;
          // A failure stays a failure (a later clean-up success does not make the workload pass).
          const status =
            w.status === 'failed' && patch.status === 'passed' ? 'failed' : (patch.status ?? w.status);
          return { ...w, ...patch, status, ...(w.error && !patch.error ? { error: w.error } : {}) };
        }),
      }),
      'workloads',
      workloadId,
    );
    return next.workloads.find((w) => w.workloadId === workloadId)!;
  }
}
