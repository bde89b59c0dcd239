import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  connectionOf,
  expandHostPattern,
  installerHint,
  inventoryFromYaml,
  parseIniInventory,
  roleOfGroups,
} from '../../../shared/onboarding/ansible-inventory.js';

/** Ansible inventories: INI (our parser) and YAML (parsed by `yaml`), groups, children, precedence. */
const kollaMultinode = `
# Kolla-Ansible multinode, with Trilio's groups appended (triliovault_inventory.txt)
[control]
ctl[01:02] ansible_user=kolla ansible_become=true

[compute]
compute-1 ansible_host=10.0.1.1
compute-2 ansible_host=10.0.1.2 ansible_user=root ansible_password='pw with spaces'
compute-3 ansible_host=10.0.1.3 ansible_user=drops ansible_become=true  ; comment
compute-4 ansible_ssh_common_args='-o ProxyJump=ops@bastion:2222'

[compute:vars]
ansible_ssh_private_key_file=/home/op/.ssh/kolla
ansible_user=root

[all:vars]
ansible_port=22
ansible_user=fallback

[triliovault-datamover:children]
compute

[triliovault-wlm-workloads:children]
control

[nova-compute:children]
compute
`;

describe('INI inventory', () => {
  const inv = parseIniInventory(kollaMultinode);
  const host = (n: string) => inv.hosts.find((h) => h.name === n)!;

  it('expands ranges, follows children and applies vars by precedence', () => {
    expect(inv.hosts.map((h) => h.name)).toEqual([
      'ctl01',
      'ctl02',
      'compute-1',
      'compute-2',
      'compute-3',
      'compute-4',
    ]);
    expect(host('compute-1').groups).toEqual(
      expect.arrayContaining(['all', 'compute', 'triliovault-datamover', 'nova-compute']),
    );
    expect(host('ctl01').groups).toContain('triliovault-wlm-workloads');
    // host vars > compute:vars > all:vars
    expect(host('compute-1').vars.ansible_user).toBe('root');
    expect(host('compute-3').vars.ansible_user).toBe('drops');
    expect(host('ctl02').vars.ansible_user).toBe('kolla');
    expect(host('compute-1').vars.ansible_port).toBe('22');
  });

  it('maps groups to roles and guesses the installer', () => {
    expect(roleOfGroups(host('ctl01').groups)).toEqual({ role: 'tvm', group: 'triliovault-wlm-workloads' });
    expect(roleOfGroups(host('compute-2').groups)?.role).toBe('compute');
    expect(roleOfGroups(['all', 'monitoring'])).toBeUndefined();
    expect(installerHint(inv)).toBe('kolla');
  });

  it('reads the connection variables: password, become, key, ProxyJump in the SSH arguments', () => {
    expect(connectionOf(host('compute-2'))).toMatchObject({
      address: '10.0.1.2',
      user: 'root',
      password: 'pw with spaces',
      keyFile: '/home/op/.ssh/kolla',
      become: false,
    });
    expect(connectionOf(host('compute-3'))).toMatchObject({ user: 'drops', become: true });
    expect(connectionOf(host('compute-4')).proxyJump).toBe('ops@bastion:2222');
  });

  it('notes what it cannot read: vault values, templates, odd lines', () => {
    const odd = parseIniInventory(
      "[g]\nh1 ansible_host=\"{{ lookup('env','X') }}\"\n[g:vars]\nansible_password=$ANSIBLE_VAULT;1.1;AES256\n[weird:stuff]\n",
    );
    expect(odd.notes.join(' ')).toMatch(/Jinja/);
    expect(odd.notes.join(' ')).toMatch(/ansible-vault/);
    expect(odd.notes.join(' ')).toMatch(/section header/);
  });

  it('expands host patterns like Ansible', () => {
    expect(expandHostPattern('web[08:10].x')).toEqual(['web08.x', 'web09.x', 'web10.x']);
    expect(expandHostPattern('db-[a:c]')).toEqual(['db-a', 'db-b', 'db-c']);
    expect(expandHostPattern('n[1:9:4]')).toEqual(['n1', 'n5', 'n9']);
    expect(expandHostPattern('r[1:2]-[a:b]')).toEqual(['r1-a', 'r1-b', 'r2-a', 'r2-b']);
  });
});

describe('YAML inventory', () => {
  it('reads all/children/hosts/vars the same way (director and OpenStack-Ansible style groups)', () => {
    const inv = inventoryFromYaml(
      parse(`
all:
  vars:
    ansible_ssh_user: tripleo-admin
  children:
    Compute:
      hosts:
        overcloud-novacompute-0: {ansible_host: 192.168.24.10}
        overcloud-novacompute-1: {ansible_host: 192.168.24.11, ansible_port: 2222}
    Controller:
      hosts:
        overcloud-controller-0: {ansible_host: 192.168.24.5}
      vars:
        ansible_become: true
    triliovault_wlm_api:
      children:
        Controller: {}
    triliovault_datamover:
      children:
        Compute: {}
`),
    );
    const c1 = inv.hosts.find((h) => h.name === 'overcloud-novacompute-1')!;
    expect(connectionOf(c1)).toMatchObject({ address: '192.168.24.11', port: 2222, user: 'tripleo-admin' });
    const ctl = inv.hosts.find((h) => h.name === 'overcloud-controller-0')!;
    expect(roleOfGroups(ctl.groups)?.role).toBe('tvm');
    expect(connectionOf(ctl).become).toBe(true);
    expect(roleOfGroups(c1.groups)?.role).toBe('compute');
    expect(installerHint(inv)).toBe('rhosp');
  });
});
