import { mountPathsStep } from '../electron/core/dr/steps/mount-paths-step.js';
import { undoChanges } from '../electron/core/dr/plan-executor.js';
import { closeRunServices, openRunServices, type RunServices } from '../electron/core/dr/run-services.js';
import type { StepContext } from '../electron/core/runs/step-definition.js';
import { runOn } from '../electron/core/dr/remote-action.js';
import { fanOut } from '../electron/core/ssh/fan-out.js';
import { importKnownHosts } from '../electron/core/ssh/known-hosts-file.js';
import { MemoryKnownHostsStore } from '../electron/core/ssh/memory-known-hosts-store.js';
import type { LogRecord } from '../shared/contract.js';
import { bindMountLine } from '../shared/fstab/fstab.js';
import { removeLineArgv, rmdirIfEmptyArgv, unmountArgv } from '../shared/plans/host-scripts.js';
import { profileSchema, type Profile } from '../shared/profile/profile.js';
import { hostSecretKey } from '../shared/profile/secret-keys.js';
import { ok } from '../shared/result.js';
import type { ChangeView, RunParams, StepOutcome } from '../shared/run/run-types.js';
import type { LabHost } from '../test/lab/lab-json.js';
import type { FanoutWorld } from './fanout-world.js';
import { fanoutWorkloadId } from './fanout-world.js';
import { stepAbortController } from '../electron/core/runs/step-abort.js';

/**
 * Runs the product's mount-path step (electron/core/dr/steps/mount-paths-step.ts) on the fan-out
 * world: the run services the app opens for a step (`openRunServices`: SSH pool, credential resolver,
 * known hosts), and the smallest step context the engine's contract allows (no store, no UI: changes
 * kept in memory, log lines counted). discover → plan → execute, exactly as a run does, then the
 * run's clean-up path (`undoChanges`) to put every host back for the next round.
 */

/** An importable-style profile of the world (the lab profile's shape; clouds are never contacted). */
export function worldProfile(world: FanoutWorld, concurrency?: number): Profile {
  const cloud = { authUrl: 'http://127.0.0.1:9/v3', region: 'RegionB', username: 'unused' };
  return profileSchema.parse({
    id: 'bench-fanout',
    name: 'bench fan-out',
    clouds: { source: cloud, target: cloud },
    hosts: world.hosts.map((h: LabHost) => ({
      id: h.name,
      name: h.name,
      role: h.role,
      address: h.address,
      port: h.port,
      user: h.user,
      auth: h.password ? 'password' : 'key',
      keyFile: h.password ? '' : (h.keyFile ?? ''),
      sudo: h.sudo ?? false,
    })),
    nfs: { source: world.nfs.A1, target: world.nfs.B1, syncedCopy: world.nfs.B2, mountRoot: world.mountRoot },
    // The profile's default concurrency unless the benchmark asks for another.
    ...(concurrency !== undefined ? { ssh: { concurrency } } : {}),
  });
}

export interface StepHarness {
  services: RunServices;
  ctx: StepContext<RunServices>;
  /** Log records by stream (`command` = commands run). */
  counts: Map<LogRecord['stream'], number>;
  close(): Promise<void>;
}

/** Fresh run services (so every connection is a new handshake) and a step context around them. */
export function openHarness(world: FanoutWorld, profile: Profile, runId: string): StepHarness {
  const secrets = new Map<string, string>();
  for (const h of world.hosts) if (h.password) secrets.set(hostSecretKey(h.name, 'password'), h.password);
  const known = importKnownHosts(world.hosts.map((h) => `${h.address} ${h.hostKey}`).join('\n'));
  const counts = new Map<LogRecord['stream'], number>();
  const controller = stepAbortController(profile) // as the run engine makes it;
  const services = openRunServices(
    profile,
    {
      getSecret: (key) => secrets.get(key),
      knownHosts: new MemoryKnownHostsStore(known.entries),
      sink: (record) => counts.set(record.stream, (counts.get(record.stream) ?? 0) + 1),
      scrub: (text) => text,
    },
    controller.signal,
  );
  const changes: ChangeView[] = [];
  const params: RunParams = {
    kind: 'single',
    workloadId: fanoutWorkloadId,
    targetProject: '',
    trusteeUser: '',
    snapshot: 'latest',
    restore: null,
    notifyOnly: false,
    removeMountsOnCleanup: true,
  };
  const ctx: StepContext<RunServices> = {
    runId,
    step: 'mount-paths',
    profile,
    params,
    signal: controller.signal,
    services,
    log: () => {},
    progress: () => {},
    previousFacts: () => undefined,
    outcomeOf: (): StepOutcome | undefined => undefined,
    recordChange: (change) => {
      if (changes.some((c) => c.actionId === change.actionId && c.host === change.host)) return null;
      const view: ChangeView = {
        ...change,
        step: 'mount-paths',
        id: changes.length + 1,
        appliedAt: new Date().toISOString(),
      };
      changes.push(view);
      return view;
    },
    changes: () => [...changes],
    markUndone: (id) => {
      const c = changes.find((x) => x.id === id);
      if (c) c.undoneAt = new Date().toISOString();
    },
    isConfirmed: () => false,
    statusOf: () => undefined,
    journal: () => [],
    takeOver: () => undefined,
  };
  return {
    services,
    ctx,
    counts,
    close: async () => {
      controller.abort();
      await closeRunServices(services);
    },
  };
}

export interface StepTiming {
  /** discover + plan + execute (with its verification), connections included. */
  totalMs: number;
  discoverMs: number;
  executeMs: number;
  actions: number;
  commands: number;
  outcome: StepOutcome;
}

/** One run of the step on fresh connections; throws with the step's error when it fails. */
export async function runMountPathsStep(harness: StepHarness): Promise<StepTiming> {
  const { ctx } = harness;
  const started = performance.now();
  const facts = await mountPathsStep.discover(ctx);
  if (!facts.ok) throw new Error(`discover: ${facts.error.message}`);
  const discovered = performance.now();
  const plan = mountPathsStep.plan(facts.value, ctx);
  if (!plan.ok) throw new Error(`plan: ${plan.error.message}`);
  const planned = performance.now();
  const outcome = await mountPathsStep.execute(plan.value, facts.value, ctx);
  if (!outcome.ok) throw new Error(`execute: ${outcome.error.message}`);
  const done = performance.now();
  const broken = (outcome.value.verify ?? []).filter((v) => !v.ok);
  if (broken.length > 0)
    throw new Error(`verification failed on ${broken.length} host(s), e.g. ${JSON.stringify(broken[0])}`);
  return {
    totalMs: done - started,
    discoverMs: discovered - started,
    executeMs: done - planned,
    actions: plan.value.actions.length,
    commands: harness.counts.get('command') ?? 0,
    outcome: outcome.value,
  };
}

/** The run's clean-up of this step's changes (unmount, fstab line out, rmdir), through the product. */
export async function undoStep(harness: StepHarness): Promise<number> {
  const undone = await undoChanges(harness.ctx, harness.ctx.changes(), 'Removing the mount paths');
  if (!undone.ok) throw new Error(`undo: ${undone.error.message}`);
  return undone.value;
}

/**
 * The physical limit of a fan-out: open a connection to every host and run one round trip on it
 * (`true`, unprivileged) at `concurrency`, through the pool and exec path the step uses.
 */
export async function openAndTouchAll(harness: StepHarness, concurrency: number): Promise<number> {
  const ids = harness.ctx.profile.hosts.map((h) => h.id);
  const started = performance.now();
  const outcomes = await fanOut(ids, (id) => runOn(harness.ctx, id, { argv: ['true'] }), { concurrency });
  const ms = performance.now() - started;
  const failed = outcomes.find((o) => !o.ok);
  if (failed && !failed.ok) throw new Error(`round trip ${failed.host}: ${failed.error.message}`);
  return ms;
}

/**
 * Puts every host back as it was before the mount-path work (after Ansible did it): fstab line out,
 * unmount, rmdir, with the same scripts the step's undo actions use. Not timed.
 */
export async function resetHosts(harness: StepHarness, live: string, target: string): Promise<void> {
  const line = bindMountLine(live, target);
  const steps = [removeLineArgv('/etc/fstab', line), unmountArgv(target), rmdirIfEmptyArgv(target)];
  const outcomes = await fanOut(
    harness.ctx.profile.hosts.map((h) => h.id),
    async (id) => {
      for (const argv of steps) {
        const r = await runOn(harness.ctx, id, { argv, privileged: true });
        if (!r.ok) return r;
      }
      return ok(undefined);
    },
    { concurrency: harness.services.concurrency },
  );
  const failed = outcomes.find((o) => !o.ok);
  if (failed && !failed.ok) throw new Error(`reset ${failed.host}: ${failed.error.message}`);
}
