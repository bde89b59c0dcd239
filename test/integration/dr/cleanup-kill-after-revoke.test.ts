import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mountPathFor } from '../../../shared/nfs/mount-path.js';
import { readLabJson } from '../../lab/lab.js';
import type { LabJson } from '../../lab/lab-json.js';
import { adminRoles } from './support/api-lab.js';
import { cli } from './support/dr-cli.js';
import { driveCli, duplicates, failureOf, FullWorld, runIdOf, summaryOf } from './support/full-crash.js';

/**
 * Issue 23, seed 541001647 of crash-full: the process was killed right after clean-up had taken the
 * admin role away on one target project. The resumed clean-up asked Keystone for a token scoped to
 * that project and was refused (401) for ever: the admin had to find out and grant the role by hand.
 * Here: a full-cloud DR of the lab, revert, then a clean-up killed right after its first role
 * revoke answered; a second clean-up must finish, and the cloud end clean — every workload purged,
 * no admin role left on any target project, B2 out of every config file, no change recorded twice.
 */
let lab: LabJson;
let world: FullWorld;
let dataDir = '';

/** `cleanup  -  DELETE /projects/<p>/users/<u>/roles/<r> → 204 (12 ms)`: a revoke Keystone answered. */
const revokeAnswered = /^cleanup +\S+ +DELETE \/projects\/[^ ]+\/users\/[^ ]+\/roles\/[^ ]+ → 20\d/;

beforeAll(async () => {
  lab = await readLabJson();
  world = new FullWorld(lab);
}, 60_000);

afterAll(async () => {
  await world.reset();
  if (dataDir) await world.dispose(dataDir);
}, 300_000);

describe('clean-up killed right after it took the admin role away on one project (lab)', () => {
  it('is resumed by running clean-up again, and the cloud ends clean', async () => {
    dataDir = await world.fresh();
    const before = await world.hostState();
    const ran = await cli(dataDir, ['run', 'full', '--profile', 'lab', '--yes', '--json']);
    expect(ran.code, failureOf(ran)).toBe(0);
    const runId = runIdOf(ran)!;
    const reverted = await cli(dataDir, ['revert', '--run', runId, '--yes', '--json']);
    expect(reverted.code, failureOf(reverted)).toBe(0);
    expect((await world.midState()).adminOn).toEqual(world.targets);

    const killed = await driveCli(lab, dataDir, ['cleanup', '--run', runId, '--yes', '--json'], 'cleanup', {
      anchor: revokeAnswered,
      lines: 1,
    });
    expect(killed.kill?.killed, `clean-up ended before its first revoke: ${failureOf(killed.run)}`).toBe(
      true,
    );
    // The kill landed where the seed's did: a project has lost the role (log lines arrive in batches,
    // so a second revoke may have been answered before the kill).
    const left = (await world.midState()).adminOn;
    expect(left.length).toBeLessThan(world.targets.length);

    const resumed = await cli(dataDir, ['cleanup', '--run', runId, '--yes', '--json']);
    expect(resumed.code, failureOf(resumed)).toBe(0);
    const end = await world.endState(summaryOf(resumed)!);
    expect(end.adminOn).toEqual([]);
    expect(end.trilio).toEqual(Object.fromEntries(world.sources.map((w) => [w.name, 404])));
    expect(end.db).toEqual(Object.fromEntries(world.sources.map((w) => [w.name, 'purged, 0 restore(s)'])));
    expect(duplicates(end.changes)).toEqual([]);
    for (const n of world.nodes()) {
      const host = end.hosts[n.name]!;
      expect(host.confSha, `${n.name}: config byte-identical after revert`).toBe(before[n.name]!.confSha);
      expect(
        host.mounts.filter((m) => m === mountPathFor(lab.nfs.B2)),
        n.name,
      ).toEqual([]);
    }
    const grants = summaryOf(resumed)!.changes.filter((c) => c.kind === 'role-grant');
    expect(grants.length).toBeGreaterThanOrEqual(world.targets.length);
    expect(grants.every((c) => c.undone)).toBe(true);
  }, 300_000);

  it('grants the role again for the deletes when the admin user lost it before clean-up, then revokes it', async () => {
    await world.reset();
    // A profile saved before the CleanWlmDatabase folder: its purge command still runs.
    const file = JSON.parse(await readFile(lab.profileFile, 'utf8')) as {
      profile: { name: string; trilio: Record<string, unknown> };
    };
    file.profile.name = 'lab-legacy';
    delete file.profile.trilio.dbCleanup;
    file.profile.trilio.purgeCommand = lab.trilio.purgeCommand;
    const legacy = join(dataDir, 'legacy-profile.json');
    await writeFile(legacy, JSON.stringify(file));
    expect((await cli(dataDir, ['profile', 'import', legacy])).code).toBe(0);
    const w = world.sources.find((x) => x.name === 'fin-web')!;
    const ran = await cli(dataDir, [
      'run',
      'single',
      '--profile',
      'lab-legacy',
      '--workload',
      w.id,
      '--target-project',
      w.targetProject,
      '--yes',
      '--json',
    ]);
    expect(ran.code, failureOf(ran)).toBe(0);
    const runId = runIdOf(ran)!;
    // Someone (or an earlier clean-up that was stopped) took the role away: no token of the project.
    const roles = await adminRoles(lab);
    try {
      await roles.revoke(w.targetProject);
      const cleaned = await cli(dataDir, ['cleanup', '--run', runId, '--yes', '--json']);
      expect(cleaned.code, failureOf(cleaned)).toBe(0);
      expect(cleaned.stderr).toMatch(/again for the deletes left there/);
      expect(cleaned.stderr).toContain('trilio-lab-purge-workloads');
      expect(await roles.has(w.targetProject)).toBe(false);
      const summary = summaryOf(cleaned)!;
      const grants = summary.changes.filter((c) => c.kind === 'role-grant');
      expect(grants.map((c) => c.step)).toEqual(['access', 'cleanup']);
      expect(grants.every((c) => c.undone)).toBe(true);
      const end = await world.endState(summary);
      expect(end.db[w.name]).toBe('purged, 0 restore(s)');
    } finally {
      roles.close();
    }
  }, 300_000);
});
