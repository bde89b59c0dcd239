import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../dr/support/dr-cli.js';
import { useDrillWorld, type DrillJson } from './support/drill-world.js';
import { diffLabInventory, takeLabInventory } from './support/lab-inventory.js';

/**
 * Issue 21's drill, headless, against the lab: every workload of the lost cloud rehearsed into drill
 * projects and torn down — then the lab's own inventory (Keystone, Neutron, Nova, Cinder, Trilio, every
 * node's fstab, mounts and config files, the shares), taken independently of the wizard, must be the
 * same as before.
 */
const world = useDrillWorld();

describe('trilio-dr drill --all (lab)', () => {
  it('drills every workload of the lost cloud and leaves both clouds and every node as they were', async () => {
    const before = await takeLabInventory(world.lab);
    const report = join(world.dataDir, 'drill.html');
    const result = await cli(world.dataDir, [
      'drill',
      '--profile',
      'lab',
      '--all',
      '--json',
      '--report',
      report,
    ]);
    expect(result.code, result.stderr.slice(-4000)).toBe(0);
    const drill = (JSON.parse(result.stdout) as DrillJson).value;
    expect(drill.status).toBe('passed');
    const sources = world.lab.workloads.filter((w) => !w.managed);
    expect(drill.workloads.map((w) => w.workloadId).sort()).toEqual(sources.map((w) => w.id).sort());
    for (const w of drill.workloads) {
      expect(w.status, `${w.name}: ${w.error?.message ?? ''}`).toBe('passed');
      expect(w.drillProject).toMatch(/^trilio-drill-/);
      expect(w.rtoSeconds).toBeGreaterThan(0);
      expect(w.rpoSeconds).toBeGreaterThan(0);
      const instances = w.resources.filter((r) => r.kind === 'instance');
      expect(instances.length, w.name).toBeGreaterThan(0);
      expect(instances.every((r) => r.listed && r.removed)).toBe(true);
    }
    expect(drill.inventory.differences).toEqual([]);
    // The wizard's word is not the proof: the lab's own inventory is.
    expect(diffLabInventory(before, await takeLabInventory(world.lab))).toEqual([]);
    // Every command was shown before it ran, drill projects were made and removed.
    expect(result.stderr).toContain('Create drill project trilio-drill-');
    expect(result.stderr).toContain('Delete drill project trilio-drill-');
    expect(await readFile(report, 'utf8')).toContain(drill.id);
  }, 900_000);
});
