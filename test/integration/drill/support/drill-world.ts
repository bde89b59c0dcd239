import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { readLabJson } from '../../../lab/lab.js';
import type { LabJson } from '../../../lab/lab-json.js';
import { cli, resetDrWorld } from '../../dr/support/dr-cli.js';

/** What `trilio-dr drill --json` prints, as far as the drill tests read it. */
export interface DrillJson {
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

/**
 * The drill tests' world: the lab back to its first boot and a data folder with the lab profile
 * imported, for the file's tests; removed after them. Read `world.lab` and `world.dataDir` in tests.
 */
export function useDrillWorld(): { lab: LabJson; dataDir: string } {
  const world = { lab: undefined as unknown as LabJson, dataDir: '' };
  beforeAll(async () => {
    world.lab = await readLabJson();
    await resetDrWorld(world.lab);
    world.dataDir = await mkdtemp(join(tmpdir(), 'trilio-dr-drill-'));
    const imported = await cli(world.dataDir, ['profile', 'import', world.lab.profileFile]);
    expect(imported.stderr).toBe('');
  }, 300_000);
  afterAll(async () => {
    if (world.dataDir) await rm(world.dataDir, { recursive: true, force: true });
  });
  return world;
}
