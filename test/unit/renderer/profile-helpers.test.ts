import { describe, expect, it } from 'vitest';
import { blankProfile, copyName, newHost } from '../../../renderer/src/lib/profiles/blank-profile.js';
import { errorId, fieldId, toEditorPath } from '../../../renderer/src/lib/profiles/field-paths.js';
import { withPendingSecrets } from '../../../renderer/src/lib/profiles/pending-secrets.js';
import { profileSchema } from '../../../shared/profile/profile.js';

describe('blankProfile / newHost', () => {
  it('is a schema-valid profile with empty required fields', () => {
    const p = blankProfile();
    expect(profileSchema.parse(p)).toEqual(p);
    expect(p.id).toBe('');
    expect(p.trilio.target).toMatchObject({ release: '4.1', installer: 'packages', mountRoot: '' });
  });

  it('makes the first host the TVM and picks free ids', () => {
    const first = newHost([]);
    expect(first).toMatchObject({ id: 'host-1', role: 'tvm', port: 22, user: 'root' });
    const second = newHost([first, { ...first, id: 'host-2' }]);
    expect(second).toMatchObject({ id: 'host-3', role: 'compute' });
  });
});

describe('copyName', () => {
  it('finds a free copy name', () => {
    expect(copyName('Lab', ['Lab'])).toBe('Lab (copy)');
    expect(copyName('Lab', ['Lab', 'Lab (copy)', 'Lab (copy 2)'])).toBe('Lab (copy 3)');
  });
});

describe('field paths', () => {
  it('gives every path a valid, distinct element id', () => {
    expect(fieldId('hosts.2.address')).toBe('f-hosts-2-address');
    expect(errorId('nfs.target')).toBe('f-nfs-target-error');
    expect(toEditorPath('profile.hosts.0.port')).toBe('hosts.0.port');
    expect(toEditorPath('nfs.target')).toBe('nfs.target');
  });
});

describe('withPendingSecrets', () => {
  it('applies typed and cleared secrets as states without copying values', () => {
    const p = blankProfile();
    p.hosts = [{ ...newHost([]), id: 'tvm', password: 'set' }];
    const result = withPendingSecrets(p, {
      'hosts.tvm.password': null,
      'hosts.tvm.privateKey': 'KEY',
      'smtp.password': 'x',
    });
    expect(result.hosts[0]).toMatchObject({
      password: 'not set',
      privateKey: 'set',
      keyPassphrase: 'not set',
    });
    expect(result.smtp.password).toBe('set');
    expect(result.clouds.target.password).toBe('not set');
    expect(JSON.stringify(result)).not.toContain('KEY');
  });
});
