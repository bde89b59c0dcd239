import { describe, expect, it } from 'vitest';
import { cli, startCli } from '../dr/support/dr-cli.js';
import { useDrillWorld, type DrillJson } from './support/drill-world.js';
import { diffLabInventory, takeLabInventory } from './support/lab-inventory.js';

/**
 * Issue 21's drill, headless, against the lab: every workload of the lost cloud rehearsed into drill
 * projects and torn down — then the lab's own inventory (Keystone, Neutron, Nova, Cinder, Trilio, every
 * node's fstab, mounts and config files, the shares), taken independently of the wizard, must be the
 * same as before.
 */
const world = useDrillWorld();

describe('trilio-dr drill (lab)', () => {
  it('a drill whose restore fails reports that workload failed, still tears everything down, exits 1', async () => {
    const bad = world.lab.workloads.find((x) => x.name === 'fin-web')!;
    const good = world.lab.workloads.find((x) => x.name === 'eng-ci')!;
    const armed = await fetch(
      `${world.lab.trilio.labControlUrl ?? 'http://127.0.0.1:8780/_lab'}/restore-failures`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ workloadId: bad.id, reason: 'No valid host was found (drill test)' }),
      },
    );
    expect(armed.status).toBe(201);
    const before = await takeLabInventory(world.lab);
    try {
      const result = await cli(world.dataDir, [
        'drill',
        '--profile',
        'lab',
        '--workload',
        bad.id,
        '--workload',
        good.id,
        '--json',
      ]);
      expect(result.code, result.stderr.slice(-3000)).toBe(1);
      const drill = (JSON.parse(result.stdout) as DrillJson).value;
      expect(drill.status).toBe('failed');
      const failed = drill.workloads.find((w) => w.workloadId === bad.id)!;
      expect(failed.status).toBe('failed');
      expect(failed.failedStep).toBe('restore');
      expect(failed.error?.message).toContain('No valid host was found (drill test)');
      expect(drill.workloads.find((w) => w.workloadId === good.id)?.status).toBe('passed');
      // Torn down all the same: nothing left, by the wizard's inventory and by the lab's own.
      expect(drill.inventory.differences).toEqual([]);
      expect(diffLabInventory(before, await takeLabInventory(world.lab))).toEqual([]);
    } finally {
      await fetch(`${world.lab.trilio.labControlUrl ?? 'http://127.0.0.1:8780/_lab'}/restore-failures`, {
        method: 'DELETE',
      });
    }
  }, 600_000);

  it('refuses while a real DR run of the profile is open, changing nothing', async () => {
    const w = world.lab.workloads.find((x) => x.name === 'fin-erp')!;
    // A real run stopped right after its pre-flight: open, nothing changed yet.
    const real = startCli(
      world.dataDir,
      ['run', 'single', '--profile', 'lab', '--workload', w.id, '--target-project', 'finance-dr', '--yes'],
      {
        onStderr: (all, child) => {
          if (/== Pre-flight: succeeded/.test(all)) child.kill('SIGKILL');
        },
      },
    );
    await real.done;
    const before = await takeLabInventory(world.lab);
    const refused = await cli(world.dataDir, ['drill', '--profile', 'lab', '--workload', w.id, '--json']);
    expect(refused.code, refused.stderr.slice(-2000)).toBe(3);
    expect(refused.stdout).toContain('A real DR run of this profile is open');
    expect(diffLabInventory(before, await takeLabInventory(world.lab))).toEqual([]);
    // Closing it (clean-up: it changed nothing) lets drills run again.
    const runs = await cli(world.dataDir, ['runs', '--profile', 'lab', '--json']);
    const open = (JSON.parse(runs.stdout) as { value: { id: string; kind: string }[] }).value[0]!;
    const cleaned = await cli(world.dataDir, ['cleanup', '--run', open.id, '--yes']);
    expect(cleaned.code, cleaned.stderr.slice(-2000)).toBe(0);
  }, 300_000);
});
