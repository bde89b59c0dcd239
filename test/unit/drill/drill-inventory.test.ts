import { describe, expect, it } from 'vitest';
import { bindMountLine } from '../../../shared/fstab/fstab.js';
import {
  compareInventories,
  drillProjectName,
  isDrillProject,
  type DrillInventory,
} from '../../../shared/drill/drill-inventory.js';
import { mountPathFor } from '../../../shared/nfs/mount-path.js';

const B1 = mountPathFor('10.20.3.22:/upstream_target');
const A1 = mountPathFor('10.10.2.20:/upstream_source');
const cloud = () => ({
  projects: ['p-finance-dr'],
  roleAssignments: ['p-finance-dr:u-alice:r-member'],
  networks: ['n1'],
  subnets: ['s1'],
  workloads: ['w-managed:p-ops:available'],
  restores: [],
});
const inventory = (): DrillInventory => ({
  takenAt: '2026-12-07T10:00:00Z',
  clouds: { source: cloud(), target: cloud() },
  nodes: [
    {
      host: 'compute-1',
      fstab: `# fstab\n10.20.3.22:/upstream_target ${B1} nfs defaults 0 0\n`,
      mounts: [`${B1} 10.20.3.22:/upstream_target`],
      configHashes: { '/etc/tvault-contego/tvault-contego.conf': 'aa' },
    },
  ],
  shares: { '10.20.3.22:/upstream_target': ['workload_w-managed'] },
});

describe('drill inventory', () => {
  it('finds nothing when the drill left no trace', () => {
    expect(compareInventories(inventory(), inventory())).toEqual([]);
  });

  it('names every trace a drill could leave, where it is', () => {
    const after = inventory();
    after.clouds.target.projects.push('p-drill');
    after.clouds.target.roleAssignments.push('p-finance-dr:u-admin:r-admin');
    after.clouds.target.restores.push('r1:available');
    after.nodes[0]!.fstab += `${bindMountLine(B1, A1)}\n`;
    after.nodes[0]!.mounts.push(`${A1} 10.20.3.22:/upstream_target`);
    after.nodes[0]!.configHashes['/etc/tvault-contego/tvault-contego.conf'] = 'bb';
    after.shares['10.20.3.22:/upstream_target']!.push('workload_w-copied');
    expect(compareInventories(inventory(), after).map((d) => [d.where, d.added, d.removed])).toEqual([
      ['target cloud projects', ['p-drill'], []],
      ['target cloud roleAssignments', ['p-finance-dr:u-admin:r-admin'], []],
      ['target cloud restores', ['r1:available'], []],
      ['compute-1 /etc/fstab', [bindMountLine(B1, A1)], []],
      ['compute-1 mounts', [`${A1} 10.20.3.22:/upstream_target`], []],
      ['compute-1 /etc/tvault-contego/tvault-contego.conf', ['sha256 bb'], ['sha256 aa']],
      ['share 10.20.3.22:/upstream_target', ['workload_w-copied'], []],
    ]);
  });

  it('counts an fstab that differs only in order or bytes, and a removed project', () => {
    const after = inventory();
    after.nodes[0]!.fstab = after.nodes[0]!.fstab.split('\n').reverse().join('\n');
    after.clouds.source.projects = [];
    const diff = compareInventories(inventory(), after);
    expect(diff.map((d) => d.where)).toEqual(['source cloud projects', 'compute-1 /etc/fstab']);
    expect(diff[0]!.removed).toEqual(['p-finance-dr']);
  });

  it('names drill projects so nobody mistakes them, within Keystone’s 64 characters', () => {
    const name = drillProjectName('d0c1f2', 'finance-dr');
    expect(name).toBe('trilio-drill-d0c1f2-finance-dr');
    expect(isDrillProject(name)).toBe(true);
    expect(isDrillProject('finance-dr')).toBe(false);
    expect(drillProjectName('d0c1f2', 'x'.repeat(80))).toHaveLength(64);
  });
});
