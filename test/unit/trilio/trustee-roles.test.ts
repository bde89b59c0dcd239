import { describe, expect, it } from 'vitest';
import {
  describeTrusteeRoles,
  isTrusteeRole,
  parseTrusteeRoles,
  rolesText,
  trusteeRolesFrom,
} from '../../../shared/trilio/trustee-roles.js';

// workloadmgr.conf as Kolla-Ansible writes it for 2023.1 (triliovault-cfg-scripts maint/5.2,
// kolla-ansible/ansible/triliovault_globals_2023.1.yml: trustee_role: "_member_, creator").
const conf = `[DEFAULT]
verbose = True
# trustee_role = admin
trustee_role = _member_, creator
vault_storage_type = nfs

[keystone_authtoken]
trustee_role = not-this-section
`;

describe('trustee roles', () => {
  it('reads a comma-separated list; any role of it qualifies', () => {
    expect(parseTrusteeRoles('_member_, creator')).toEqual(['_member_', 'creator']);
    expect(parseTrusteeRoles(' creator ,,creator, ')).toEqual(['creator']);
    expect(isTrusteeRole('_member_', ['_member_', 'creator'])).toBe(true);
    expect(isTrusteeRole('creator', ['_member_', 'creator'])).toBe(true);
    expect(isTrusteeRole('member', ['_member_', 'creator'])).toBe(false);
    expect(rolesText(['_member_', 'member', 'creator'])).toBe('_member_, member or creator');
  });

  it('prefers the appliance’s trustee_role and says where it came from and how the profile differs', () => {
    const t = trusteeRolesFrom('creator', {
      ok: true,
      host: 'tvm-b',
      file: '/etc/kolla/triliovault-wlm-api/triliovault-wlm.conf',
      text: conf,
    });
    expect(t).toEqual({
      roles: ['_member_', 'creator'],
      source: 'appliance',
      from: 'trustee_role in /etc/kolla/triliovault-wlm-api/triliovault-wlm.conf on tvm-b',
      note: 'the profile says creator',
    });
    expect(describeTrusteeRoles(t)).toBe(
      'a trustee role (_member_ or creator), from trustee_role in /etc/kolla/triliovault-wlm-api/triliovault-wlm.conf on tvm-b (the profile says creator)',
    );
  });

  it('falls back to the profile, saying why: unreadable, missing file, no option, no appliance', () => {
    const file = '/etc/workloadmgr/workloadmgr.conf';
    expect(
      trusteeRolesFrom('member,creator', { ok: false, host: 'tvm-b', file, message: 'connection refused' }),
    ).toEqual({
      roles: ['member', 'creator'],
      source: 'profile',
      from: "the profile's Trilio settings",
      note: `${file} on tvm-b could not be read: connection refused`,
    });
    expect(trusteeRolesFrom('creator', { ok: true, host: 'tvm-b', file, text: null }).note).toBe(
      `${file} on tvm-b does not exist`,
    );
    expect(
      trusteeRolesFrom('creator', { ok: true, host: 'tvm-b', file, text: '[DEFAULT]\nx = 1\n' }).note,
    ).toBe(`${file} on tvm-b sets no trustee_role`);
    expect(trusteeRolesFrom('', undefined).roles).toEqual(['creator']);
  });
});
