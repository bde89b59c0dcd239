import { describe, expect, it } from 'vitest';
import { bindMountLine } from '../../../shared/fstab/fstab.js';
import { compareInventories } from '../../../shared/drill/drill-inventory.js';
import { mountPathFor } from '../../../shared/nfs/mount-path.js';
import { placeOf, readDifference } from '../../../shared/report/drill-differences.js';
import { drillReportModel } from '../../../shared/report/drill-report-model.js';
import { validateDrillReport } from '../../../shared/report/drill-report-schema.js';
import {
  at,
  DRILL_PROJECT_IDS,
  inventory,
  leftoverInventory,
  NFS,
  passedDrill,
  PROJECTS,
  WORKLOAD_IDS,
} from './support/sample-drill.js';

const A1 = mountPathFor(NFS.A1);
const B1 = mountPathFor(NFS.B1);

describe('tear-down differences in the user’s words', () => {
  const report = drillReportModel(leftoverInventory(passedDrill()), undefined, {
    'u-admin': { name: 'admin', kind: 'user', cloud: 'target' },
  });
  const finding = (where: string) => report.teardown.differences.find((d) => d.where === where)!;

  it('fails the drill and lists each difference with what undoes it', () => {
    expect(validateDrillReport(report).ok).toBe(true);
    expect(report.verdict.result).toBe('FAILED');
    expect(report.verdict.reasons).toEqual([
      'The tear-down left 9 differences between the inventories before and after the drill (each is listed with what undoes it).',
    ]);
    expect(report.teardown.state).toBe('differences');
    expect(report.teardown.differences.map((d) => [d.area, d.place])).toEqual([
      ['projects', 'Keystone projects on the target cloud'],
      ['role-assignments', 'Keystone role assignments on the target cloud'],
      ['networks', 'Neutron networks on the target cloud'],
      ['trilio-workloads', 'Trilio workloads on the target cloud'],
      ['trilio-restores', 'Trilio restores on the target cloud'],
      ['fstab', '/etc/fstab on compute-2'],
      ['mounts', 'mounts on compute-2'],
      ['config-file', '/etc/workloadmgr/workloadmgr.conf on tvm-1'],
      ['share', `share ${NFS.B1}`],
    ]);
    expect(report.teardown.differences.every((d) => d.findings.length > 0 && d.area !== 'other')).toBe(true);
  });

  it('names a left drill project and says to delete it', () => {
    expect(finding('target cloud projects').findings).toEqual([
      {
        text: `Project ${DRILL_PROJECT_IDS.research} (trilio-drill-d20250314-research) is on the target cloud now and was not before the drill: a drill project the tear-down did not remove.`,
        fix: `Delete the project with its role assignments on the target cloud (openstack project delete ${DRILL_PROJECT_IDS.research}).`,
      },
    ]);
  });

  it('names a left grant and how to revoke it', () => {
    expect(finding('target cloud roleAssignments').findings).toEqual([
      {
        text: `User u-admin (admin) holds role r-admin on project ${DRILL_PROJECT_IDS.research} (trilio-drill-d20250314-research) on the target cloud; it did not before the drill.`,
        fix: `Revoke the grant (openstack role remove --user u-admin --project ${DRILL_PROJECT_IDS.research} r-admin).`,
      },
    ]);
  });

  it('reads a workload that moved project as one move, with the reassign back', () => {
    const moved = finding('target cloud workloads');
    expect(moved.added).toEqual([`${WORKLOAD_IDS['fin-erp']}:${DRILL_PROJECT_IDS.finance}:available`]);
    expect(moved.removed).toEqual([`${WORKLOAD_IDS['fin-erp']}:${PROJECTS.finance}:available`]);
    expect(moved.findings).toEqual([
      {
        text: `Trilio workload ${WORKLOAD_IDS['fin-erp']} on the target cloud belongs to project ${DRILL_PROJECT_IDS.finance} (trilio-drill-d20250314-finance) now; it belonged to ${PROJECTS.finance} (finance) before the drill.`,
        fix: `Reassign it back to project ${PROJECTS.finance} (workloadmgr workload-reassign-workloads --workload_ids ${WORKLOAD_IDS['fin-erp']} --new_tenant_id ${PROJECTS.finance} --user_id <owner> --migrate_cloud True).`,
      },
    ]);
  });

  it('reads node traces: the fstab line, the mount, the edited config', () => {
    expect(finding('compute-2 /etc/fstab').findings).toEqual([
      {
        text: `/etc/fstab on compute-2 has a line it did not have before the drill: “${bindMountLine(B1, A1)}”.`,
        fix: 'Unmount its mount point (umount), then delete the line: the drill’s bind mounts go with their fstab lines.',
      },
    ]);
    expect(finding('compute-2 mounts').findings).toEqual([
      {
        text: `${A1} is mounted on compute-2 (from ${NFS.B1}) and was not before the drill.`,
        fix: `Unmount it (umount ${A1}) and remove its /etc/fstab line if it has one.`,
      },
    ]);
    expect(finding('tvm-1 /etc/workloadmgr/workloadmgr.conf').findings).toEqual([
      {
        text: '/etc/workloadmgr/workloadmgr.conf on tvm-1 differs from before the drill (sha256 aaaaaaaaaaaa… then, bbbbbbbbbbbb… now).',
        fix: expect.stringMatching(
          /^Put the file back byte for byte .* restart the Trilio service that reads it/,
        ),
      },
    ]);
  });

  it('reads a left restore, network and copied folder', () => {
    expect(finding('target cloud restores').findings[0]).toEqual({
      text: 'Trilio restore 7c1d0e2f-aaaa-4bbb-8ccc-000000000001 (available) is still recorded on the target cloud.',
      fix: 'Delete its restored instances and volumes, then the restore (workloadmgr restore-delete 7c1d0e2f-aaaa-4bbb-8ccc-000000000001).',
    });
    expect(finding('target cloud networks').findings[0]!.fix).toBe(
      'Delete its ports and subnets, then the network (openstack network delete net-drill-research).',
    );
    expect(finding(`share ${NFS.B1}`).findings).toEqual([
      {
        text: `Folder workload_${WORKLOAD_IDS['res-hpc']} is on share ${NFS.B1} and was not before the drill.`,
        fix: 'Delete the folder from the share: the drill copies workload folders there and removes them in its tear-down.',
      },
    ]);
  });
});

describe('every place compareInventories names', () => {
  it('is read as a known area, never as “other”', () => {
    const before = inventory(at(0));
    const after = inventory(at(100));
    for (const side of ['source', 'target'] as const) {
      const c = after.clouds[side];
      c.projects.pop();
      c.roleAssignments.push(`${PROJECTS.research}:u-carol:r-member`);
      c.networks.pop();
      c.subnets.push('sub-new');
      c.securityGroups = ['default:sg-1:p-drill'];
      c.workloads = [`${WORKLOAD_IDS['fin-erp']}:${PROJECTS.finance}:error`];
      c.restores.push('r-1:error');
    }
    const c1 = after.nodes.find((n) => n.host === 'compute-1')!;
    c1.fstab = c1.fstab.split('\n').reverse().join('\n');
    c1.mounts = [];
    delete c1.configHashes['/etc/tvault-contego/tvault-contego.conf'];
    c1.configHashes['/etc/tvault-contego/extra.conf'] = 'e'.repeat(64);
    after.nodes = after.nodes.filter((n) => n.host !== 'compute-3');
    after.nodes.push({ host: 'compute-4', fstab: '', mounts: [], configHashes: {} });
    after.shares[NFS.B1] = [];
    const differences = compareInventories(before, after);
    const read = differences.map((d) => readDifference(d));
    expect(read.filter((d) => d.area === 'other')).toEqual([]);
    expect(new Set(read.map((d) => d.area))).toEqual(
      new Set([
        'projects',
        'role-assignments',
        'networks',
        'subnets',
        'security-groups',
        'trilio-workloads',
        'trilio-restores',
        'fstab',
        'mounts',
        'config-file',
        'node',
        'share',
      ]),
    );
    const texts = read.flatMap((d) => d.findings.map((f) => f.text));
    expect(texts).toContain(
      '/etc/fstab on compute-1 has the same lines as before the drill but other bytes (order, blank lines or the final newline).',
    );
    expect(texts).toContain(
      `Trilio workload ${WORKLOAD_IDS['fin-erp']} on the source cloud is error now; it was available before the drill.`,
    );
    expect(texts).toContain(
      'compute-3 could not be read after the drill: nothing proves the tear-down left it as it was.',
    );
    expect(texts).toContain(
      'compute-4 was read only after the drill: the inventory before it has no record of this host.',
    );
    expect(texts).toContain(
      '/etc/tvault-contego/extra.conf on compute-1 is a new file (sha256 eeeeeeeeeeee…).',
    );
    expect(texts).toContain(
      `Folder workload_managed-b was on share ${NFS.B1} before the drill and is gone now.`,
    );
    // Every finding says what undoes it.
    expect(read.flatMap((d) => d.findings).every((f) => f.fix.length > 20)).toBe(true);
  });

  it('keeps an unknown place readable', () => {
    expect(placeOf('something else entirely')).toEqual({ area: 'other', place: 'something else entirely' });
    expect(readDifference({ where: 'something else entirely', added: ['x'], removed: [] }).findings).toEqual([
      {
        text: 'something else entirely: x was added.',
        fix: 'Compare with the inventory before the drill and undo it by hand.',
      },
    ]);
  });
});
