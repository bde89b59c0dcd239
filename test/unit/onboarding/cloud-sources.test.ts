import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  cloudFromEntry,
  cloudFromOpenrc,
  mergeCloudFiles,
  withV3,
} from '../../../shared/onboarding/cloud-sources.js';
import { parseOpenrc } from '../../../shared/onboarding/openrc.js';

/** clouds.yaml + secure.yaml (openstacksdk's format) and openrc files (parsed, never run). */
const cloudsYaml = `
clouds:
  prod-a:
    auth:
      auth_url: https://keystone.a.example:5000
      username: admin
      project_name: admin
      user_domain_name: Default
      project_domain_name: Default
    region_name: RegionA
    interface: internal
    cacert: /etc/ssl/a-ca.pem
    identity_api_version: 3
  prod-b:
    auth_type: v3applicationcredential
    auth:
      auth_url: https://keystone.b.example:5000/v3/
      application_credential_id: 0123abcd
    region_name: [RegionB, RegionB2]
    verify: false
  by-id:
    auth:
      auth_url: http://k/v3
      user_id: u1
      project_id: p1
      domain_name: corp
`;
const secureYaml = `
clouds:
  prod-a:
    auth:
      password: "p@ss: with colon"
  prod-b:
    auth:
      application_credential_secret: s3cr3t
`;

describe('clouds.yaml with secure.yaml', () => {
  const merged = mergeCloudFiles(parse(cloudsYaml), parse(secureYaml));

  it('merges secure.yaml into each cloud and maps a password cloud', () => {
    expect(Object.keys(merged)).toEqual(['prod-a', 'prod-b', 'by-id']);
    const a = cloudFromEntry('prod-a', merged['prod-a']!);
    expect(a.cloud).toEqual({
      authUrl: 'https://keystone.a.example:5000/v3',
      region: 'RegionA',
      interface: 'internal',
      userDomain: 'Default',
      projectDomain: 'Default',
      authKind: 'password',
      username: 'admin',
      project: 'admin',
      caBundlePath: '/etc/ssl/a-ca.pem',
    });
    expect(a.secrets).toEqual({ password: 'p@ss: with colon' });
    expect(a.notes.join(' ')).toContain('has no version');
  });

  it('maps an application credential, the first of several regions, verify: false', () => {
    const b = cloudFromEntry('prod-b', merged['prod-b']!);
    expect(b.cloud).toMatchObject({
      authUrl: 'https://keystone.b.example:5000/v3',
      authKind: 'application-credential',
      applicationCredentialId: '0123abcd',
      region: 'RegionB',
      insecure: true,
    });
    expect(b.secrets).toEqual({ applicationCredentialSecret: 's3cr3t' });
    expect(b.notes.join(' ')).toMatch(/Several regions/);
  });

  it('says what it cannot use: ids where names are needed, a missing password', () => {
    const c = cloudFromEntry('by-id', merged['by-id']!);
    expect(c.cloud).toMatchObject({ userDomain: 'corp', projectDomain: 'corp' });
    expect(c.notes.join(' ')).toMatch(/user_id/);
    expect(c.notes.join(' ')).toMatch(/project_id/);
    expect(c.notes.join(' ')).toMatch(/No password/);
  });

  it('keeps /v3 URLs as they are', () => {
    expect(withV3('http://k:5000/v3')).toBe('http://k:5000/v3');
    expect(withV3('http://k:5000/identity/')).toBe('http://k:5000/identity/v3');
  });
});

describe('openrc files', () => {
  const horizon = `#!/usr/bin/env bash
# To use an OpenStack cloud you need to authenticate against the Identity
export OS_AUTH_URL=http://10.0.0.5:5000/v3
export OS_PROJECT_ID=5e2f
export OS_PROJECT_NAME="admin"
export OS_USER_DOMAIN_NAME="Default"
if [ -z "$OS_USER_DOMAIN_NAME" ]; then unset OS_USER_DOMAIN_NAME; fi
export OS_PROJECT_DOMAIN_ID="default"
unset OS_TENANT_ID
unset OS_TENANT_NAME
export OS_USERNAME="admin"
echo "Please enter your OpenStack Password for project $OS_PROJECT_NAME as user $OS_USERNAME: "
read -sr OS_PASSWORD_INPUT
export OS_PASSWORD=$OS_PASSWORD_INPUT
export OS_REGION_NAME="RegionOne"
if [ -z "$OS_REGION_NAME" ]; then unset OS_REGION_NAME; fi
export OS_INTERFACE=public
export OS_IDENTITY_API_VERSION=3
`;

  it("reads Horizon's openrc without running it: the password it would prompt for is unresolved", () => {
    const parsed = parseOpenrc(horizon);
    expect(parsed.vars).toMatchObject({
      OS_AUTH_URL: 'http://10.0.0.5:5000/v3',
      OS_PROJECT_NAME: 'admin',
      OS_USERNAME: 'admin',
      OS_PROJECT_DOMAIN_ID: 'default',
      OS_REGION_NAME: 'RegionOne',
    });
    expect(parsed.vars.OS_PASSWORD).toBeUndefined();
    expect(parsed.unresolved).toEqual(['OS_PASSWORD']);
    expect(parsed.skipped.join('\n')).toMatch(/read -sr OS_PASSWORD_INPUT/);
    const found = cloudFromOpenrc(parsed.vars, '/home/op/admin-openrc.sh');
    expect(found.cloud).toMatchObject({
      authUrl: 'http://10.0.0.5:5000/v3',
      username: 'admin',
      project: 'admin',
      userDomain: 'Default',
      projectDomain: 'default',
      region: 'RegionOne',
      interface: 'public',
    });
    expect(found.secrets).toEqual({});
  });

  it('handles quotes, escapes, ${VAR:-default}, comments and command substitution', () => {
    const parsed = parseOpenrc(
      [
        "export OS_PASSWORD='it''s \"quoted\" $NOT'",
        'OS_USERNAME="ad\\"min" # trailing comment',
        'export OS_REGION_NAME=${REGION:-RegionX}',
        'BASE=http://k:5000',
        'export OS_AUTH_URL="$BASE/v3"',
        'export OS_PROJECT_NAME=$(cat /etc/project)',
        'export OS_CACERT=`echo /x`',
      ].join('\n'),
    );
    expect(parsed.vars.OS_PASSWORD).toBe('its "quoted" $NOT');
    expect(parsed.vars.OS_USERNAME).toBe('ad"min');
    expect(parsed.vars.OS_REGION_NAME).toBe('RegionX');
    expect(parsed.vars.OS_AUTH_URL).toBe('http://k:5000/v3');
    expect(parsed.unresolved.sort()).toEqual(['OS_CACERT', 'OS_PROJECT_NAME']);
  });

  it('takes OS_TENANT_NAME and OS_ENDPOINT_TYPE of older files', () => {
    const found = cloudFromOpenrc(
      {
        OS_AUTH_URL: 'http://k:5000/v3',
        OS_TENANT_NAME: 'ops',
        OS_ENDPOINT_TYPE: 'internalURL',
        OS_USERNAME: 'u',
        OS_PASSWORD: 'pw12',
      },
      'old-openrc',
    );
    expect(found.cloud).toMatchObject({ project: 'ops', interface: 'internal' });
    expect(found.secrets.password).toBe('pw12');
  });
});
