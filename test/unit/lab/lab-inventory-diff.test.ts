import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { diffLabInventory, type LabInventory } from '../../integration/drill/support/lab-inventory.js';
import { hashLimitBytes, shareEntries } from '../../integration/drill/support/share-inventory.js';

/** The drill tests' inventory: how differences read, and what a share's entries are (no lab needed). */

function inventory(): LabInventory {
  return {
    keystone: {
      domains: { 'cloud_b 1b': 'enabled' },
      projects: { 'cloud_b/finance-dr p1': { enabled: true, description: '', parent: '1b' } },
      users: {},
      roles: ['admin r1'],
      roleAssignments: ['admin for user Default/admin u1 on domain cloud_b 1b'],
    },
    neutron: { networks: {}, subnets: {}, ports: {}, routers: {}, securityGroups: {} },
    nova: { servers: {} },
    cinder: { volumes: {} },
    trilio: {
      workloads: { 'fin-web w1': { status: 'available', deleted: false } },
      snapshots: {},
      restores: {},
      trusts: {},
      settings: {},
      globalJobScheduler: true,
    },
    hosts: {
      'compute-1': {
        fstab: '# fstab\nproc /proc proc defaults 0 0\n',
        mounts: ['/ <- /dev/vda (ext4)', '/run <- tmpfs (tmpfs)'],
        configs: { '/etc/tvault-contego/tvault-contego.conf': 'aa' },
        services: {},
      },
    },
    shares: { A1: {}, B1: { './': 'dir 0755 162:162' }, B2: {} },
  };
}

describe('diffLabInventory', () => {
  it('is empty for identical inventories', () => {
    expect(diffLabInventory(inventory(), inventory())).toEqual([]);
  });

  it('says what was added, removed or changed, where', () => {
    const before = inventory();
    const after = inventory();
    after.keystone.projects['cloud_b/trilio-drill-d1-finance-dr p9'] = {
      enabled: true,
      description: 'drill',
      parent: '1b',
    };
    after.keystone.roleAssignments.push('admin for user Default/admin u1 on project cloud_b/finance-dr p1');
    after.trilio.workloads['fin-web w1']!.deleted = true;
    after.hosts['compute-1']!.fstab += '10.20.3.23:/upstream_synced_a1 /mnt nfs defaults 0 0\n';
    after.hosts['compute-1']!.mounts.push('/ <- /dev/vda (ext4)');
    after.hosts['compute-1']!.configs['/etc/tvault-contego/tvault-contego.conf'] = 'bb';
    after.shares.B1['workload_w1/'] = 'dir 0755 162:162';
    delete after.keystone.domains['cloud_b 1b'];
    expect(diffLabInventory(before, after)).toEqual([
      'keystone › domains: cloud_b 1b removed (was "enabled")',
      'keystone › projects: cloud_b/trilio-drill-d1-finance-dr p9 added: {"enabled":true,"description":"drill","parent":"1b"}',
      'keystone › roleAssignments: added "admin for user Default/admin u1 on project cloud_b/finance-dr p1"',
      'trilio › workloads › fin-web w1 › deleted: false → true',
      'hosts › compute-1 › configs › /etc/tvault-contego/tvault-contego.conf: "aa" → "bb"',
      'hosts › compute-1 › fstab: line added: "10.20.3.23:/upstream_synced_a1 /mnt nfs defaults 0 0"',
      'hosts › compute-1 › mounts: added "/ <- /dev/vda (ext4)"',
      'shares › B1: workload_w1/ added: "dir 0755 162:162"',
    ]);
  });

  it('sees a file whose lines are all there but whose bytes differ', () => {
    const before = inventory();
    const after = inventory();
    after.hosts['compute-1']!.fstab = 'proc /proc proc defaults 0 0\n# fstab\n';
    const lines = diffLabInventory(before, after);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^hosts › compute-1 › fstab: same lines, different bytes/);
  });
});

describe('shareEntries', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'share-entries-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('lists the root, directories, files (hashed under 1 MiB) and symlinks, without times', () => {
    chmodSync(root, 0o755);
    mkdirSync(path.join(root, 'workload_1'));
    writeFileSync(path.join(root, 'workload_1', 'workload_db'), 'abc');
    writeFileSync(path.join(root, 'big'), Buffer.alloc(hashLimitBytes));
    symlinkSync('workload_1', path.join(root, 'link'));
    chmodSync(path.join(root, 'workload_1', 'workload_db'), 0o640);
    chmodSync(path.join(root, 'workload_1'), 0o755);
    chmodSync(path.join(root, 'big'), 0o644);
    const entries = shareEntries(root);
    const uid = process.getuid?.() ?? 0;
    const gid = process.getgid?.() ?? 0;
    return expect(entries).resolves.toEqual({
      './': `dir 0755 ${uid}:${gid}`,
      big: `file 0644 ${uid}:${gid} ${hashLimitBytes}`,
      link: 'symlink -> workload_1',
      'workload_1/': `dir 0755 ${uid}:${gid}`,
      // sha256("abc")
      'workload_1/workload_db': `file 0640 ${uid}:${gid} 3 sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad`,
    });
  });
});
