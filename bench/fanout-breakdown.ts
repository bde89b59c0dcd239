import { checkChains } from '../electron/core/discovery/check-chains.js';
import { runOn, runRemoteAction, execContextOf } from '../electron/core/dr/remote-action.js';
import { mountPathsStep } from '../electron/core/dr/steps/mount-paths-step.js';
import { fanOut, type HostOutcome } from '../electron/core/ssh/fan-out.js';
import { readRemoteFile } from '../electron/core/ssh/remote-files.js';
import { probePathsArgv } from '../shared/plans/host-scripts.js';
import type { Profile } from '../shared/profile/profile.js';
import type { Result } from '../shared/result.js';
import type { RemoteAction } from '../shared/run/plan-types.js';
import type { FanoutWorld } from './fanout-world.js';
import { openAndTouchAll, openHarness, undoStep, type StepHarness } from './fanout-step.js';

/**
 * Where the mount-path step's time goes at one world size: each kind of command the step runs, timed
 * alone across every host on connections that are already open, at the step's concurrency and with
 * the step's own builders and exec path. Against the physical limit (open + one round trip) this says
 * how many round trips per host, and which, the ≤ 2× target leaves room for.
 */
export interface Breakdown {
  /** Open every connection and run `true` on each (the limit's measurement). */
  openAndTrueMs: number;
  /** `true` once more on the open connections: a bare round trip per host. */
  trueMs: number;
  /** The discover probe (directories, mount points, device:inode; through sudo where the host needs it). */
  probeMs: number;
  /** The fstab read (a separate command, stdout kept out of the log). */
  fstabReadMs: number;
  /** The TVM's chain check of the workload (Python, once, on the appliance). */
  tvmChainMs: number;
  /** The plan's actions, one kind at a time across all hosts: mkdir, mount --bind, the fstab line. */
  actionsMs: Record<string, number>;
  /** The verification: the chain check (Python) on every host. */
  verifyMs: number;
  hosts: number;
}

const kindOf = (action: RemoteAction) => action.id.slice(0, action.id.indexOf(':'));

async function timed<T>(work: () => Promise<HostOutcome<T>[]>, what: string): Promise<number> {
  const started = performance.now();
  const outcomes = await work();
  const ms = performance.now() - started;
  const failed = outcomes.find((o) => !o.ok);
  if (failed && !failed.ok) throw new Error(`breakdown ${what} on ${failed.host}: ${failed.error.message}`);
  return ms;
}

/** One round of the breakdown on fresh connections; every host is put back afterwards (not timed). */
export async function breakdownRound(
  world: FanoutWorld,
  profile: Profile,
  round: number,
): Promise<Breakdown> {
  const harness: StepHarness = openHarness(world, profile, `bench-breakdown-${round}`);
  const { ctx, services } = harness;
  const ids = profile.hosts.map((h) => h.id);
  const each = <T>(task: (id: string) => Promise<Result<T>>) =>
    fanOut(ids, task, { concurrency: services.concurrency });
  try {
    const openAndTrueMs = await openAndTouchAll(harness, services.concurrency);
    const trueMs = await timed(() => each((id) => runOn(ctx, id, { argv: ['true'] })), 'true');

    // The facts and plan as the step makes them (untimed: their parts are timed one by one below).
    const facts = await mountPathsStep.discover(ctx);
    if (!facts.ok) throw new Error(`breakdown discover: ${facts.error.message}`);
    const plan = mountPathsStep.plan(facts.value, ctx);
    if (!plan.ok) throw new Error(`breakdown plan: ${plan.error.message}`);
    const paths = [facts.value.livePath, ...facts.value.needed.map((n) => n.mountPath)];

    const probeMs = await timed(
      () => each((id) => runOn(ctx, id, { argv: probePathsArgv(paths), privileged: true })),
      'probe',
    );
    const fstabReadMs = await timed(
      () =>
        each(async (id) => {
          const conn = await services.pool.get(id);
          return conn.ok ? readRemoteFile(conn.value, '/etc/fstab', execContextOf(ctx)) : conn;
        }),
      'fstab read',
    );
    const tvm = services.tvms()[0]!;
    const tvmChainMs = await timed(
      () =>
        fanOut(
          [tvm.id],
          async (id) => {
            const conn = await services.pool.get(id);
            return conn.ok
              ? checkChains(conn.value, { paths: facts.value.workloadDirs }, execContextOf(ctx))
              : conn;
          },
          { concurrency: 1 },
        ),
      'TVM chain check',
    );

    // The actions, a kind at a time, each recorded with its undo as the executor does.
    const remote = plan.value.actions.filter((a): a is RemoteAction => a.kind === 'remote');
    const actionsMs: Record<string, number> = {};
    for (const kind of [...new Set(remote.map(kindOf))]) {
      const mine = remote.filter((a) => kindOf(a) === kind);
      actionsMs[kind] = await timed(
        () =>
          fanOut(
            [...new Set(mine.map((a) => a.host))],
            async (host) => {
              for (const action of mine.filter((a) => a.host === host)) {
                if (action.change)
                  ctx.recordChange({
                    actionId: action.id,
                    host,
                    kind: action.change.kind,
                    description: action.description,
                    undo: action.change.undo,
                  });
                const r = await runRemoteAction(ctx, action);
                if (!r.ok) return r;
              }
              return { ok: true as const, value: undefined };
            },
            { concurrency: services.concurrency },
          ),
        kind,
      );
    }
    const verifyMs = await timed(
      () =>
        each(async (id) => {
          const conn = await services.pool.get(id);
          return conn.ok
            ? checkChains(conn.value, { paths: facts.value.workloadDirs }, execContextOf(ctx))
            : conn;
        }),
      'verify',
    );
    await undoStep(harness);
    return {
      openAndTrueMs,
      trueMs,
      probeMs,
      fstabReadMs,
      tvmChainMs,
      actionsMs,
      verifyMs,
      hosts: ids.length,
    };
  } finally {
    await harness.close();
  }
}
