import { describe, expect, it } from 'vitest';
import { parseIniInventory } from '../../../shared/onboarding/ansible-inventory.js';
import { assembleProfile, slugId, type SshView } from '../../../shared/onboarding/assemble-profile.js';
import { cloudFromEntry } from '../../../shared/onboarding/cloud-sources.js';
import { compareWithNova } from '../../../shared/onboarding/nova-compare.js';
import { describeChanges, diffProfiles } from '../../../shared/onboarding/profile-diff.js';
import { validateProfile } from '../../../shared/profile/validate-profile.js';

/** Assembling a profile from the admin's sources (the lab's shape: a jump-only compute, a password host, a sudo host). */
const inventory = parseIniInventory(`
[triliovault-wlm-workloads]
tvm-1

[compute]
compute-1
compute-2 ansible_password=lab-root-pw ansible_user=root
compute-3 ansible_user=drops ansible_become=true
compute-4

[triliovault-datamover:children]
compute
`);

const view = (hostName: string, extra: Partial<SshView> = {}): SshView => ({
  hostName,
  user: 'root',
  port: 22,
  keyFile: '/home/op/.ssh/lab_ed25519',
  chain: [],
  notes: [],
  ...extra,
});
const ssh: Record<string, SshView> = {
  'tvm-1': view('127.0.0.11'),
  'compute-1': view('127.0.1.1'),
  'compute-2': view('127.0.1.2', { keyFile: undefined }),
  'compute-3': view('127.0.1.3', { user: 'drops' }),
  'compute-4': view('10.213.1.2', {
    chain: [
      {
        alias: 'jump-1',
        hostName: '10.213.0.2',
        user: 'root',
        port: 22,
        keyFile: '/home/op/.ssh/lab_ed25519',
        via: '',
      },
      {
        alias: 'jump-2',
        hostName: '127.0.0.22',
        user: 'root',
        port: 22,
        keyFile: '/home/op/.ssh/lab_ed25519',
        via: 'jump-1',
      },
    ],
  }),
};
const target = cloudFromEntry('lab-b', {
  auth: {
    auth_url: 'http://127.0.0.1:5000/v3',
    username: 'admin',
    password: 'adm1n-pw',
    project_name: 'admin',
    user_domain_name: 'Default',
    project_domain_name: 'Default',
  },
  region_name: 'RegionB',
});

function assemble(extra: Partial<Parameters<typeof assembleProfile>[0]> = {}) {
  return assembleProfile({
    name: 'from-env',
    existing: null,
    clouds: { target },
    inventory,
    ssh,
    sshAliases: Object.keys(ssh),
    nfs: { syncedCopy: '10.20.3.23:/upstream_synced_a1', source: '10.10.2.20:/upstream_source' },
    appliance: {
      hostId: 'tvm-1',
      installer: 'packages',
      evidence: '/etc/workloadmgr/workloadmgr.conf',
      mountRoot: '/var/triliovault-mounts',
      nfsExports: ['10.20.3.22:/upstream_target'],
      folderForm: 'export',
      domainName: 'cloud_b',
      trusteeRole: 'creator',
      notes: [],
    },
    hypervisors: [
      { hostname: 'compute-1', hostIp: '127.0.1.1' },
      { hostname: 'compute-2', hostIp: '127.0.1.2' },
      { hostname: 'compute-3.lab', hostIp: '127.0.1.3' },
      { hostname: 'compute-4', hostIp: '10.213.1.2' },
      { hostname: 'compute-9', hostIp: '127.0.1.9' },
    ],
    ...extra,
  });
}

describe('assembleProfile', () => {
  it('builds a valid profile: roles from groups, connection from inventory over SSH config, jump chain', () => {
    const { profile, secrets } = assemble();
    expect(validateProfile(profile)).toEqual([]);
    expect(profile.hosts.map((h) => [h.id, h.role, h.address, h.user, h.auth, h.via, h.sudo])).toEqual([
      ['tvm-1', 'tvm', '127.0.0.11', 'root', 'key', '', false],
      ['compute-1', 'compute', '127.0.1.1', 'root', 'key', '', false],
      ['compute-2', 'compute', '127.0.1.2', 'root', 'password', '', false],
      ['compute-3', 'compute', '127.0.1.3', 'drops', 'key', '', true],
      ['jump-1', 'jump', '10.213.0.2', 'root', 'key', '', false],
      ['jump-2', 'jump', '127.0.0.22', 'root', 'key', 'jump-1', false],
      ['compute-4', 'compute', '10.213.1.2', 'root', 'key', 'jump-2', false],
    ]);
    expect(secrets).toEqual({
      'clouds.target.password': 'adm1n-pw',
      'hosts.compute-2.password': 'lab-root-pw',
    });
    expect(profile.clouds.target).toMatchObject({ region: 'RegionB', domain: 'cloud_b', password: 'set' });
    expect(profile.hosts.find((h) => h.id === 'compute-2')?.password).toBe('set');
    expect(profile.nfs).toEqual({
      source: '10.10.2.20:/upstream_source',
      target: '10.20.3.22:/upstream_target',
      syncedCopy: '10.20.3.23:/upstream_synced_a1',
    });
    expect(profile.trilio.target).toMatchObject({ installer: 'packages', mountRoot: '', folderForm: 'auto' });
  });

  it('flags the hypervisor missing from the profile and the profile node Nova does not know', () => {
    const { nova, notes } = assemble({
      hypervisors: [
        { hostname: 'compute-1', hostIp: '127.0.1.1' },
        { hostname: 'compute-3.lab', hostIp: '127.0.1.3' },
        { hostname: 'compute-4', hostIp: '10.213.1.2' },
        { hostname: 'compute-9', hostIp: '127.0.1.9' },
      ],
    });
    expect(nova?.matched.map((r) => [r.hypervisor, r.hostId])).toEqual([
      ['compute-1', 'compute-1'],
      ['compute-3.lab', 'compute-3'],
      ['compute-4', 'compute-4'],
    ]);
    expect(nova?.missingFromProfile).toEqual([
      { hypervisor: 'compute-9', hostIp: '127.0.1.9', suggestedAddress: '127.0.1.9' },
    ]);
    expect(nova?.notInNova).toEqual([{ hostId: 'compute-2', name: 'compute-2', address: '127.0.1.2' }]);
    expect(notes.map((n) => n.note).join('\n')).toMatch(/compute-9 is in Nova but not in the profile/);
  });

  it('prefers what the appliance shows over the inventory’s installer hint, and says so', () => {
    const { profile, notes } = assemble({
      inventory: parseIniInventory(
        '[triliovault-wlm-workloads]\ntvm-1\n[compute]\ncompute-1\n[triliovault-datamover:children]\ncompute\n',
      ),
    });
    expect(profile.trilio.target.installer).toBe('packages');
    expect(notes.map((n) => n.note).join('\n')).toMatch(/looks like kolla, but the appliance shows/);
    const noProbe = assemble({ appliance: undefined });
    expect(noProbe.profile.trilio.target.installer).toBe('kolla');
  });

  it('keeps an existing profile’s settings and ids, and the diff shows only what changes', () => {
    const first = assemble().profile;
    const stored = {
      ...first,
      id: 'from-env-abc123',
      smtp: { ...first.smtp, host: 'mail.example', from: 'dr@example' },
    };
    const again = assemble({ existing: stored, hypervisors: undefined });
    expect(again.profile.id).toBe('from-env-abc123');
    expect(again.profile.smtp.host).toBe('mail.example');
    expect(diffProfiles(stored, again.profile)).toEqual([]);
    const moved = assemble({ existing: stored, ssh: { ...ssh, 'compute-1': view('127.0.1.101') } });
    expect(describeChanges(diffProfiles(stored, moved.profile))).toEqual([
      '~ hosts[compute-1].address: 127.0.1.1 → 127.0.1.101',
    ]);
  });

  it('without an inventory takes the appliance from SSH aliases and the computes from Nova', () => {
    const { profile } = assemble({ inventory: undefined });
    expect(profile.hosts.filter((h) => h.role === 'tvm').map((h) => h.id)).toEqual(['tvm-1']);
    expect(profile.hosts.filter((h) => h.role === 'compute').map((h) => [h.id, h.address])).toEqual([
      ['compute-1', '127.0.1.1'],
      ['compute-2', '127.0.1.2'],
      ['compute-3-lab', '127.0.1.3'],
      ['compute-4', '10.213.1.2'],
      ['compute-9', '127.0.1.9'],
    ]);
  });

  it('makes ids from names', () => {
    expect(slugId('Overcloud-NovaCompute-0.localdomain')).toBe('overcloud-novacompute-0-localdomain');
    expect(slugId('_x')).toBe('x');
    expect(slugId('***')).toBe('h-host');
  });
});

describe('compareWithNova', () => {
  it('matches by SSH alias address when names differ', () => {
    const r = compareWithNova(
      [{ id: 'c1', name: 'node-a', address: '10.0.0.1', role: 'compute' }],
      [{ hostname: 'hv-17.example' }],
      (n) => (n === 'hv-17.example' ? '10.0.0.1' : undefined),
    );
    expect(r.matched).toEqual([{ hypervisor: 'hv-17.example', hostId: 'c1' }]);
  });
});
