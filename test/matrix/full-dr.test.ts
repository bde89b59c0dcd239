import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { LabFlavorInput } from '../lab/flavor/flavor.js';
import type { LabJson } from '../lab/lab-json.js';
import { drSession, everyNode, expectChainsResolve, mountedOn, summaryOf, why } from './support/dr-runs.js';
import {
  backToDefault,
  backupsMountPath,
  configTexts,
  labWith,
  liveMountPath,
} from './support/flavor-lab.js';

/**
 * Issue 17's acceptance, full-cloud DR with a byte-identical revert through the CLI: on Kolla 5.2
 * (per-service WLM files, docker restarts, path-only folders under /var/trilio/triliovault-mounts) and
 * on 6.1 from packages (`enabled_backends` sections). During the run B2 is a target in every config
 * file the flavor's Trilio reads and mounted where that Trilio mounts it, the services were restarted
 * with the installer's command, every workload is restored with its chains open on every node; the
 * revert gives back every file byte for byte and unmounts B2. Ends in the default flavor.
 */

const targetProjects = ['finance-dr', 'engineering-dr', 'research-dr'];
const flavors: { name: string; flavor: LabFlavorInput }[] = [
  { name: '5.2 on Kolla-Ansible', flavor: { release: '5.2', installer: 'kolla' } },
  { name: '6.1 from packages (enabled_backends)', flavor: { release: '6.1', installer: 'packages' } },
];

/** The command that last started a service on a node (recorded by the lab's service helpers). */
async function startedBy(lab: LabJson, node: string, service: string): Promise<string> {
  const root = lab.hosts.find((h) => h.name === node)!.rootDir;
  const text = await readFile(path.join(root, 'var/lib/tdrlab', `${service}.state`), 'utf8');
  return (JSON.parse(text) as { startedBy?: string }).startedBy ?? '';
}

afterAll(async () => {
  await backToDefault();
}, 300_000);

describe('full-cloud DR per Trilio flavor (CLI)', () => {
  for (const { name, flavor } of flavors)
    it(name, async () => {
      const lab = await labWith(flavor);
      const sources = lab.workloads.filter((w) => !w.managed);
      const dr = await drSession(lab, targetProjects);
      try {
        const before = await configTexts(lab);
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

        // B2 in every file the flavor's Trilio reads, in the release's model, and mounted its way.
        const during = await configTexts(lab);
        for (const [key, text] of during) {
          if (lab.trilio.configModel === 'backends') {
            const section = /^enabled_backends\s*=\s*(.+)$/m.exec(text)?.[1] ?? '';
            const names = section.split(/[\s,]+/).filter(Boolean);
            const withB2 = names.filter((n) => {
              const start = text.indexOf(`[${n}]`);
              const body = start < 0 ? '' : text.slice(start).split(/\n\[/)[0]!;
              return new RegExp(`^vault_storage_filesystem_export\\s*=\\s*${lab.nfs.B2}\\s*$`, 'm').test(
                body,
              );
            });
            expect(withB2, `${key}: a backend section for B2 named in enabled_backends`).toHaveLength(1);
          } else expect(text, key).toMatch(new RegExp(`^vault_storage_nfs_export = .*${lab.nfs.B2}`, 'm'));
        }
        expect(await mountedOn(lab, liveMountPath(lab, lab.nfs.B2))).toEqual(everyNode(lab, true));
        expect(await mountedOn(lab, backupsMountPath(lab))).toEqual(everyNode(lab, true));
        if (lab.trilio.restartDatamover.length > 0)
          expect(await startedBy(lab, 'compute-1', 'tvault-contego')).toBe(
            lab.trilio.restartDatamover.join(' '),
          );
        if (lab.trilio.restartAppliance.length > 0)
          expect(await startedBy(lab, 'tvm-1', 'wlm-workloads')).toBe(lab.trilio.restartAppliance.join(' '));
        expect(
          await expectChainsResolve(
            lab,
            sources.map((w) => w.id),
            lab.nfs.B2,
          ),
        ).toBeGreaterThan(0);

        const reverted = await dr.cli(['revert', '--run', summary.runId, '--yes', '--json']);
        expect.soft(reverted.code, why(reverted)).toBe(0);
        const after = await configTexts(lab);
        for (const [key, text] of before)
          expect(after.get(key), `${key} byte-identical after revert`).toBe(text);
        expect(await mountedOn(lab, liveMountPath(lab, lab.nfs.B2))).toEqual(everyNode(lab, false));

        const cleaned = await dr.cli(['cleanup', '--run', summary.runId, '--yes', '--json']);
        expect.soft(cleaned.code, why(cleaned)).toBe(0);
      } finally {
        await dr.close();
      }
    });
});
