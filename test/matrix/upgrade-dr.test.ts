import { afterAll, describe, expect, it } from 'vitest';
import { drSession, everyNode, expectChainsResolve, mountedOn, summaryOf, why } from './support/dr-runs.js';
import { backToDefault, backupsMountPath, labWith, liveMountPath } from './support/flavor-lab.js';

/**
 * Issue 17's upgrade acceptance: cloud B runs Trilio 5.2 (path-only folders) while cloud A's backups
 * were written by 4.1 (`--backups-release 4.1`: every incremental is backed by
 * `/var/triliovault-mounts/<base64 of the whole A1 export>/…`). A full-cloud DR through the CLI must
 * make every backing chain of every workload resolve on every node, then revert. Ends in the default
 * flavor.
 */

const targetProjects = ['finance-dr', 'engineering-dr', 'research-dr'];

afterAll(async () => {
  await backToDefault();
}, 300_000);

describe('upgrade DR: backups of 4.1 restored on 5.2 (CLI)', () => {
  it('every backing chain resolves on every node, every workload restored', async () => {
    const lab = await labWith({ release: '5.2', installer: 'packages', backupsRelease: '4.1' });
    expect(lab.trilio).toMatchObject({ folderForm: 'path', backups: { folderForm: 'export' } });
    const sources = lab.workloads.filter((w) => !w.managed);
    const dr = await drSession(lab, targetProjects);
    try {
      const result = await dr.cli([
        'run',
        'full',
        '--profile',
        'lab',
        '--concurrency',
        '2',
        '--yes',
        '--json',
      ]);
      // Soft: a restore failing for a reason of its own must not hide what the hosts show, nor skip the revert.
      expect.soft(result.code, why(result)).toBe(0);
      const summary = summaryOf(result);
      const rows = summary.steps.find((s) => s.key === 'restore')?.workloads ?? [];
      expect
        .soft(rows.map((r) => [r.workloadId, r.status]).sort())
        .toEqual(sources.map((w) => [w.id, 'available']).sort());
      // A1's whole-export path (4.1) is what the chains name; B2 is mounted path-only (5.2).
      expect(await mountedOn(lab, backupsMountPath(lab))).toEqual(everyNode(lab, true));
      expect(await mountedOn(lab, liveMountPath(lab, lab.nfs.B2))).toEqual(everyNode(lab, true));
      expect(
        await expectChainsResolve(
          lab,
          sources.map((w) => w.id),
          lab.nfs.B2,
        ),
      ).toBeGreaterThan(0);

      const reverted = await dr.cli(['revert', '--run', summary.runId, '--yes', '--json']);
      expect.soft(reverted.code, why(reverted)).toBe(0);
      const cleaned = await dr.cli(['cleanup', '--run', summary.runId, '--yes', '--json']);
      expect.soft(cleaned.code, why(cleaned)).toBe(0);
    } finally {
      await dr.close();
    }
  });
});
