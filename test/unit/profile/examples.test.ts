import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseProfileFile } from '../../../shared/profile/profile-file.js';
import { validateProfile } from '../../../shared/profile/validate-profile.js';
import { installerFacts, trilioInstallers } from '../../../shared/trilio/installer-facts.js';
import { trilioFactsOf } from '../../../shared/trilio/trilio-facts.js';

/** Every example profile under examples/ loads, validates, and plans with its installer's facts. */
const dir = path.join(import.meta.dirname, '../../../examples');
const files = readdirSync(dir).filter((f) => f.endsWith('.trilio-dr.json'));
const installerOfFile: Record<string, string> = {
  'packages.trilio-dr.json': 'packages',
  'kolla-ansible.trilio-dr.json': 'kolla',
  'red-hat-director.trilio-dr.json': 'rhosp',
  'openstack-ansible.trilio-dr.json': 'openstack-ansible',
  'juju.trilio-dr.json': 'juju',
};

describe('examples/', () => {
  it('has one example per installer', () => {
    expect(files.map((f) => installerOfFile[f]).sort()).toEqual([...trilioInstallers].sort());
  });

  it.each(files)('%s loads and validates', (file) => {
    const parsed = parseProfileFile(readFileSync(path.join(dir, file), 'utf8'));
    if (!parsed.ok) throw new Error(`${parsed.error.message} ${JSON.stringify(parsed.error.fields)}`);
    const profile = parsed.value.profile;
    expect(validateProfile(profile)).toEqual([]);
    expect(parsed.value.secrets).toEqual({});
    const installer = installerOfFile[file] as (typeof trilioInstallers)[number];
    expect(profile.trilio.target.installer).toBe(installer);
    const facts = trilioFactsOf(profile.trilio, 'target');
    expect(facts.mountRoot).toBe(profile.trilio.target.mountRoot || installerFacts(installer).mountRoot);
    expect(facts.release).toBe(profile.trilio.target.release);
    expect(profile.hosts.some((h) => h.role === 'tvm')).toBe(true);
  });

  it('the Kolla example plans podman restarts and keeps cloud A’s 4.1 mount root for the backing files', () => {
    const parsed = parseProfileFile(readFileSync(path.join(dir, 'kolla-ansible.trilio-dr.json'), 'utf8'));
    if (!parsed.ok) throw new Error(parsed.error.message);
    const target = trilioFactsOf(parsed.value.profile.trilio, 'target');
    expect(target.restartDatamover).toEqual(['podman', 'restart', 'triliovault_datamover']);
    expect(target.folderForm).toBe('path');
    const source = trilioFactsOf(parsed.value.profile.trilio, 'source');
    expect(source).toMatchObject({ mountRoot: '/var/triliovault-mounts', folderForm: 'export' });
  });
});
