import { afterAll, describe, expect, it } from 'vitest';
import type { LabFlavorInput } from '../lab/flavor/flavor.js';
import { runOnHost } from '../lab/hosts/index.js';
import { drSession, expectChainsResolve, ownerOn, summaryOf, why } from './support/dr-runs.js';
import {
  backToDefault,
  backupsMountPath,
  labWith,
  liveMountPath,
  trilioNodes,
} from './support/flavor-lab.js';

/**
 * Issue 17's acceptance, single-workload DR end to end through the CLI on the lab in each flavor: the
 * product plans from the profile's release and installer (nothing else is set), the lab's hosts were
 * built on their own. Checked on the hosts: A1's old path (as the backups' Trilio named it) bound on
 * every node with one fstab line, every backing chain of the workload open on every node, the copy
 * owned by the installer's nova, clean-up leaving no grant. Ends in the default flavor.
 */

const flavors: { name: string; flavor: LabFlavorInput }[] = [
  { name: '4.1 from packages', flavor: {} },
  { name: '5.2 on Kolla-Ansible', flavor: { release: '5.2', installer: 'kolla' } },
  { name: '5.2 on Red Hat director', flavor: { release: '5.2', installer: 'rhosp' } },
  { name: '5.2 on OpenStack-Ansible', flavor: { release: '5.2', installer: 'openstack-ansible' } },
];

afterAll(async () => {
  await backToDefault();
}, 300_000);

describe('single-workload DR per Trilio flavor (CLI)', () => {
  for (const { name, flavor } of flavors)
    it(name, async () => {
      const lab = await labWith(flavor);
      const w = lab.workloads.find((x) => x.name === 'fin-erp')!;
      const dr = await drSession(lab, ['finance-dr']);
      try {
        const result = await dr.cli([
          'run',
          'single',
          '--profile',
          'lab',
          '--workload',
          w.id,
          '--target-project',
          'finance-dr',
          '--yes',
          '--json',
        ]);
        expect(result.code, why(result)).toBe(0);
        const summary = summaryOf(result);
        expect(
          summary.steps.filter((s) => s.key !== 'cleanup' && s.status !== 'succeeded').map((s) => s.key),
        ).toEqual([]);

        const old = backupsMountPath(lab);
        const live = liveMountPath(lab, lab.nfs.B1);
        for (const node of trilioNodes(lab)) {
          const bound = await runOnHost(node, ['findmnt', '-n', '-o', 'TARGET', old]);
          expect(bound.stdout.trim(), `${node}: ${old} bound`).toBe(old);
          const fstab = (await runOnHost(node, ['cat', '/etc/fstab'])).stdout;
          expect(
            fstab.split('\n').filter((l) => l.startsWith(`${live} ${old} `)),
            `${node}: /etc/fstab`,
          ).toHaveLength(1);
        }
        expect(await expectChainsResolve(lab, [w.id], lab.nfs.B1)).toBeGreaterThan(0);
        expect(await ownerOn(lab.sharesDir.B1, w.id), 'copy owned by nova').toBe(
          `${lab.trilio.nova.uid}:${lab.trilio.nova.gid}`,
        );

        const cleaned = await dr.cli(['cleanup', '--run', summary.runId, '--yes', '--json']);
        expect(cleaned.code, why(cleaned)).toBe(0);
      } finally {
        await dr.close();
      }
    });
});
