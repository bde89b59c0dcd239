import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLabJson } from '../../lab/lab.js';
import type { LabJson } from '../../lab/lab-json.js';
import { cli, resetDrWorld } from '../dr/support/dr-cli.js';
import { diffLabInventory, takeLabInventory } from './support/lab-inventory.js';

/**
 * Issue 21's drill, headless, against the lab: every workload of the lost cloud rehearsed into drill
 * projects and torn down — then the lab's own inventory (Keystone, Neutron, Nova, Cinder, Trilio, every
 * node's fstab, mounts and config files, the shares), taken independently of the wizard, must be the
 * same as before.
 */
interface DrillJson {
  ok: boolean;
  exitCode: number;
  value: {
    id: string;
    status: string;
    workloads: {
      workloadId: string;
      name: string;
      status: string;
      drillProject: string;
      rtoSeconds?: number;
      rpoSeconds?: number;
      failedStep?: string;
      error?: { message: string; hint?: string };
      resources: { kind: string; listed: boolean; removed: boolean }[];
    }[];
    inventory: { differences: unknown[] };
  };
}

let lab: LabJson;
let dataDir: string;

beforeAll(async () => {
  lab = await readLabJson();
  await resetDrWorld(lab);
  dataDir = await mkdtemp(join(tmpdir(), 'trilio-dr-drill-'));
  const imported = await cli(dataDir, ['profile', 'import', lab.profileFile]);
  expect(imported.stderr).toBe('');
}, 300_000);

afterAll(async () => {
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('trilio-dr drill --all (lab)', () => {
  it('drills every workload of the lost cloud and leaves both clouds and every node as they were', async () => {
    const before = await takeLabInventory(lab);
    const report = join(dataDir, 'drill.html');
    const result = await cli(dataDir, ['drill', '--profile', 'lab', '--all', '--json', '--report', report]);
    expect(result.code, result.stderr.slice(-4000)).toBe(0);
    const drill = (JSON.parse(result.stdout) as DrillJson).value;
    expect(drill.status).toBe('passed');
    const sources = lab.workloads.filter((w) => !w.managed);
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
    expect(diffLabInventory(before, await takeLabInventory(lab))).toEqual([]);
    // Every command was shown before it ran, drill projects were made and removed.
    expect(result.stderr).toContain('Create drill project trilio-drill-');
    expect(result.stderr).toContain('Delete drill project trilio-drill-');
    expect(await readFile(report, 'utf8')).toContain(drill.id);
  }, 900_000);
});
