import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SshConfigSource, parseProxyJump } from '../../../electron/core/onboarding/ssh-config.js';
import {
  expandHostPattern,
  inventoryFromYaml,
  parseIniInventory,
} from '../../../shared/onboarding/ansible-inventory.js';
import {
  cloudFromEntry,
  cloudFromOpenrc,
  mergeCloudFiles,
} from '../../../shared/onboarding/cloud-sources.js';
import { parseOpenrc } from '../../../shared/onboarding/openrc.js';
import { parseApplianceProbe, parseHostCheck } from '../../../shared/plans/onboarding-probes.js';
import { hostileString } from '../../support/hostile-strings.js';

/**
 * Hostile input for onboarding's readers of the admin's files (openrc, Ansible INI and YAML
 * inventories, SSH config, clouds.yaml values, probe outputs): 2,000 generated cases each. None may
 * throw, and an openrc is never executed — a command substitution or a prompt leaves its variable unset.
 */
const runs = { numRuns: 2_000 };
const text = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  hostileString,
  fc.string({ maxLength: 200 }),
);
const lines = fc
  .array(
    fc.oneof(
      text,
      hostileString,
      fc.constantFrom(
        'export OS_PASSWORD=$(cat /etc/shadow)',
        '[compute:children]',
        'Host *',
        'ProxyJump a,b',
        'Include ~/.ssh/*',
      ),
    ),
    { maxLength: 14 },
  )
  .map((l) => l.join('\n'));
const json = fc.jsonValue({ maxDepth: 4 });

describe('onboarding parsers (hostile input)', () => {
  it('openrc: never throws, never runs a command', () => {
    fc.assert(
      fc.property(lines, (s) => {
        const r = parseOpenrc(s);
        for (const v of Object.values(r.vars)) expect(v).not.toMatch(/^root:/);
        expect(() => cloudFromOpenrc(r.vars, 'x')).not.toThrow();
      }),
      runs,
    );
    expect(parseOpenrc('export OS_PASSWORD=$(id -un)\nexport OS_USERNAME=`whoami`').vars).toEqual({});
  });

  it('Ansible inventories: INI text and any YAML value never throw; ranges stay bounded', () => {
    fc.assert(
      fc.property(lines, (s) => void parseIniInventory(s)),
      runs,
    );
    fc.assert(
      fc.property(json, (v) => void inventoryFromYaml(v)),
      runs,
    );
    expect(expandHostPattern('n[0:999999]').length).toBeLessThanOrEqual(10_000);
  });

  it('clouds.yaml values of any shape never throw', () => {
    fc.assert(
      fc.property(json, json, (a, b) => {
        const merged = mergeCloudFiles({ clouds: { x: a } }, { clouds: { x: b } });
        for (const [name, entry] of Object.entries(merged)) cloudFromEntry(name, entry);
      }),
      runs,
    );
  });

  it('SSH config: any text resolves without throwing; ProxyJump parses', () => {
    fc.assert(
      fc.property(lines, text, (config, alias) => {
        const source = new SshConfigSource('/c', {
          home: '/home/op',
          localUser: 'op',
          read: (f) => (f === '/c' ? config : undefined),
          glob: () => [],
        });
        const r = source.resolve(alias || 'h');
        expect(Number.isInteger(r.port)).toBe(true);
        parseProxyJump(alias);
      }),
      runs,
    );
  });

  it('probe outputs never throw', () => {
    fc.assert(
      fc.property(lines, (s) => {
        parseApplianceProbe(s);
        parseHostCheck(s);
      }),
      runs,
    );
  });
});
