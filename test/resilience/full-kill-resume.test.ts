import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mountPathFor } from '../../shared/nfs/mount-path.js';
import type { StepKey } from '../../shared/run/plan-types.js';
import { runOnHost } from '../lab/hosts/index.js';
import { readLabJson } from '../lab/lab.js';
import type { LabJson } from '../lab/lab-json.js';
import { cli } from '../integration/dr/support/dr-cli.js';
import {
  driveCli,
  duplicates,
  failureOf,
  FullWorld,
  plannedLine,
  runIdOf,
  summaryOf,
  type KillReport,
  type KillTrigger,
  type Phase,
} from '../integration/dr/support/full-crash.js';

/**
 * Issue 6: "Killing the process at any step and resuming reaches the same end state." One full-cloud
 * DR of the lab, killed with SIGKILL once inside each of its nine steps in turn — the first process
 * in pre-flight, the resume that follows in find, the next in reconfigure, … then revert and clean-up
 * killed once each and run again. The kills aim at the dangerous moments: a config file being
 * written, a role grant and the restore requests in flight, a DELETE of clean-up. The end: every
 * workload restored exactly once into its project, config files byte-identical after revert, no admin
 * role left, no stacked bind mount, no change recorded twice, and every log line printed before a
 * kill in the store.
 */
let lab: LabJson;
let world: FullWorld;
let dataDir = '';

const inside: { step: StepKey; phase: Phase; trigger: KillTrigger }[] = [
  { step: 'preflight', phase: 'run', trigger: { anchor: plannedLine('preflight'), lines: 6 } },
  { step: 'find', phase: 'run', trigger: { anchor: plannedLine('find'), lines: 3 } },
  // 200 ms after a config file write started: the write lands, the process dies before recording it.
  { step: 'reconfigure', phase: 'run', trigger: { anchor: /^reconfigure .*sh -c 'set -e$/, ms: 200 } },
  { step: 'mount-paths', phase: 'run', trigger: { anchor: plannedLine('mount-paths'), lines: 55 } },
  // A grant takes a HEAD and a PUT of a few hundred ms.
  { step: 'access', phase: 'run', trigger: { anchor: /^access .* PUT \/projects\//, ms: 300 } },
  { step: 'reassign', phase: 'run', trigger: { anchor: plannedLine('reassign'), lines: 10 } },
  // The first restore answered; the others are in flight in Trilio.
  { step: 'restore', phase: 'run', trigger: { anchor: /^restore .*Trilio started restore /, lines: 1 } },
  { step: 'revert', phase: 'revert', trigger: { anchor: /^revert .*sh -c 'set -e$/, ms: 150 } },
  { step: 'cleanup', phase: 'cleanup', trigger: { anchor: /^cleanup .*DELETE \/workloads\//, ms: 300 } },
];

beforeAll(async () => {
  lab = await readLabJson();
  world = new FullWorld(lab);
}, 60_000);

afterAll(async () => {
  await world.reset();
  if (dataDir) await world.dispose(dataDir);
}, 300_000);

describe('trilio-dr run full, killed inside every step (lab)', () => {
  it('resumed after each kill, ends as an uninterrupted run would', async () => {
    dataDir = await world.fresh();
    const before = await world.hostState();
    const kills: KillReport[] = [];
    let runId = '';

    const killedIn = async (phase: Phase, args: string[], trigger: KillTrigger, step: StepKey) => {
      const driven = await driveCli(lab, dataDir, args, phase, trigger);
      runId ||= runIdOf(driven.run) ?? '';
      expect(
        driven.kill?.killed,
        `${step}: the process ended before the kill (${failureOf(driven.run)})`,
      ).toBe(true);
      expect(driven.kill?.step, `killed in the wrong step (after line ${driven.kill?.atLine})`).toBe(step);
      kills.push(driven.kill!);
    };
    const completes = async (args: string[]) => {
      const done = await cli(dataDir, args);
      expect(done.code, failureOf(done)).toBe(0);
      return summaryOf(done)!;
    };

    for (const k of inside.filter((x) => x.phase === 'run')) {
      const args = runId
        ? ['resume', '--run', runId, '--yes', '--json']
        : ['run', 'full', '--profile', 'lab', '--yes', '--json'];
      await killedIn('run', args, k.trigger, k.step);
    }
    const ran = await completes(['resume', '--run', runId, '--yes', '--json']);
    expect(ran.steps.filter((s) => s.status !== 'succeeded').map((s) => s.key)).toEqual([
      'revert',
      'cleanup',
    ]);

    // Every workload in its mapped project, restored exactly once; B2 in every config once.
    const mid = await world.midState();
    expect(mid.workloads).toEqual(world.expectedWorkloads());
    expect(mid.adminOn).toEqual(world.targets);
    for (const n of world.nodes()) {
      const option = await runOnHost(n.name, ['grep', '^vault_storage_nfs_export', world.confOf(n.role)]);
      expect(option.stdout.split(lab.nfs.B2).length - 1, `${n.name}: ${option.stdout}`).toBe(1);
    }

    const revert = inside.find((x) => x.step === 'revert')!;
    await killedIn('revert', ['revert', '--run', runId, '--yes', '--json'], revert.trigger, 'revert');
    await completes(['revert', '--run', runId, '--yes', '--json']);
    const cleanup = inside.find((x) => x.step === 'cleanup')!;
    await killedIn('cleanup', ['cleanup', '--run', runId, '--yes', '--json'], cleanup.trigger, 'cleanup');
    const cleaned = await completes(['cleanup', '--run', runId, '--yes', '--json']);

    const end = await world.endState(cleaned);
    const a1 = mountPathFor(lab.nfs.A1);
    for (const n of world.nodes()) {
      const host = end.hosts[n.name]!;
      expect(host.confSha, `${n.name}: config byte-identical after revert`).toBe(before[n.name]!.confSha);
      expect(
        host.mounts.filter((m) => m === mountPathFor(lab.nfs.B2)),
        n.name,
      ).toEqual([]);
      // The source share's path bound once (clean-up keeps it unless asked), never stacked.
      expect(
        host.mounts.filter((m) => m === a1),
        n.name,
      ).toEqual([a1]);
      // …and its fstab line once (the bind source is the synced copy's mount path).
      expect(
        host.fstab.filter((l) => l.split(/\s+/)[1] === a1),
        n.name,
      ).toHaveLength(1);
    }
    expect(end.adminOn).toEqual([]);
    expect(end.trilio).toEqual(Object.fromEntries(world.sources.map((w) => [w.name, 404])));
    expect(end.db).toEqual(Object.fromEntries(world.sources.map((w) => [w.name, 'purged, 0 restore(s)'])));
    expect(duplicates(end.changes)).toEqual([]);
    const kinds = (kind: string) => cleaned.changes.filter((c) => c.kind === kind);
    expect(kinds('config-edit')).toHaveLength(world.nodes().length);
    expect(kinds('config-edit').every((c) => c.undone)).toBe(true);
    expect(kinds('bind-mount')).toHaveLength(world.nodes().length);
    expect(kinds('fstab-line')).toHaveLength(world.nodes().length);
    expect(kinds('role-grant')).toHaveLength(world.targets.length);
    expect(kinds('reassign')).toHaveLength(world.sources.length);
    expect(kinds('restore')).toHaveLength(world.sources.length);
    expect(kinds('purge')).toHaveLength(world.sources.length);

    // No log line lost up to a kill.
    const stored = await cli(dataDir, ['logs', '--run', runId]);
    expect(stored.code).toBe(0);
    for (const k of kills.filter((x) => x.lastLog))
      expect(stored.stdout, `last line before the kill in ${k.step}: ${k.lastLog}`).toContain(k.lastLog);
  }, 300_000);
});
