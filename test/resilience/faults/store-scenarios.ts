import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { ok } from '../../../shared/result.js';
import type { Core } from '../../../electron/core/core-types.js';
import { tryCreateCore } from './core-run.js';
import type { FaultScenario } from './scenario.js';

/**
 * The wizard's own store: a second instance on the same data folder (SQLite database plus its lock)
 * must stop with a clear error instead of interleaving writes; once the first one is closed the same
 * start works and finds the first one's data as it was.
 */
interface StoreState {
  dataDir: string;
  first?: Core;
  second?: Core;
}

async function profileNames(core: Core): Promise<string[]> {
  const listed = await core.handle('profiles.list', {});
  if (!listed.ok) throw new Error(JSON.stringify(listed.error));
  return (listed.value as { name: string }[]).map((p) => p.name).sort();
}

export const storeScenarios: FaultScenario<StoreState>[] = [
  {
    id: 'sqlite-locked-by-another-instance',
    title: 'SQLite store locked by another instance',
    cheap: true,
    async inject(world) {
      const dataDir = await mkdtemp(join(tmpdir(), 'trilio-dr-faults-store-'));
      const first = await tryCreateCore(dataDir);
      if (!first.ok) throw new Error(JSON.stringify(first.error));
      const imported = await first.value.handle('profiles.import', {
        text: await readFile(world.lab.profileFile, 'utf8'),
      });
      expect(imported.ok).toBe(true);
      return { dataDir, first: first.value };
    },
    async act(_world, state) {
      const second = await tryCreateCore(state.dataDir);
      if (second.ok) state.second = second.value;
      return second;
    },
    expected: () => ({
      code: 'store-locked',
      message: /in use by another Trilio DR Wizard \(pid \d+\)/,
      hint: /close it/,
      namesWhere: false,
    }),
    async clear(_world, state) {
      await state.first?.close();
      state.first = undefined;
    },
    async retry(_world, state) {
      const second = await tryCreateCore(state.dataDir);
      if (!second.ok) return second;
      state.second = second.value;
      return ok(second.value);
    },
    async touchedOnlyFailed(_world, state) {
      try {
        // The first instance's data is there once, unchanged by the refused start.
        expect(await profileNames(state.second!)).toEqual(['lab']);
      } finally {
        await state.second?.close();
        await rm(state.dataDir, { recursive: true, force: true });
      }
    },
  },
];
