import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { formatKnownHosts, importKnownHosts } from '../../../electron/core/ssh/known-hosts-file.js';
import { fingerprintOf, hostKeyAlgorithmsFor, keyTypeOf } from '../../../electron/core/ssh/host-key.js';

// A real ed25519 public key blob (any valid blob works; its fingerprint is checked against ssh-keygen in the integration tests).
const ed = 'AAAAC3NzaC1lZDI1NTE5AAAAIJDd0e07lLY/tgJyoP3xzOfeZEj05UYYedK+fRpOMIQH';
const ed2 = 'AAAAC3NzaC1lZDI1NTE5AAAAIOvc0E0gQ0pVmw5Sf0m1Xh0Zl1cP7r8Y3n0jBvFqgkqP';

function hashed(name: string, salt = Buffer.from('0123456789abcdefghij')): string {
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}

describe('importKnownHosts', () => {
  it('matches plain names, [host]:port, hashed names, wildcards and negations', () => {
    const text = [
      `10.0.0.1,compute-1 ssh-ed25519 ${ed}`,
      `[10.0.0.2]:2222 ssh-ed25519 ${ed}`,
      `${hashed('10.0.0.3')} ssh-ed25519 ${ed2}`,
      `10.0.1.* ssh-ed25519 ${ed}`,
      `10.0.2.*,!10.0.2.9 ssh-ed25519 ${ed2}`,
    ].join('\n');
    const hosts = ['10.0.0.1', '[10.0.0.2]:2222', '10.0.0.2', '10.0.0.3', '10.0.1.7', '10.0.2.8', '10.0.2.9'];
    const { entries } = importKnownHosts(text, hosts);
    expect(entries.map((e) => [e.host, e.keyBase64 === ed ? 'ed' : 'ed2'])).toEqual([
      ['10.0.0.1', 'ed'],
      ['[10.0.0.2]:2222', 'ed'],
      ['10.0.0.3', 'ed2'],
      ['10.0.1.7', 'ed'],
      ['10.0.2.8', 'ed2'],
    ]);
    expect(entries[0]?.fingerprint).toBe(fingerprintOf(Buffer.from(ed, 'base64')));
  });

  it('skips markers, malformed keys and comments with notes', () => {
    const text = [
      '# comment',
      '',
      `@cert-authority *.example ssh-ed25519 ${ed}`,
      `@revoked 10.0.0.1 ssh-ed25519 ${ed}`,
      `10.0.0.1 ssh-rsa ${ed}`, // type does not match the blob
      '10.0.0.1 ssh-ed25519 not-base64!',
      'justonefield',
    ].join('\n');
    const { entries, notes } = importKnownHosts(text, ['10.0.0.1']);
    expect(entries).toEqual([]);
    expect(notes).toHaveLength(5);
    expect(notes[0]).toMatch(/line 3: skipped @cert-authority/);
    expect(notes[1]).toMatch(/@revoked/);
    expect(notes[2]).toMatch(/malformed/);
  });

  it('without a host list, imports plainly named hosts and explains hashed ones', () => {
    const { entries, notes } = importKnownHosts(`a,b ssh-ed25519 ${ed}\n${hashed('c')} ssh-ed25519 ${ed}\n`);
    expect(entries.map((e) => e.host)).toEqual(['a', 'b']);
    expect(notes.join()).toMatch(/hashed or wildcard/);
    expect(formatKnownHosts(entries)).toBe(`a ssh-ed25519 ${ed}\nb ssh-ed25519 ${ed}\n`);
  });
});

describe('host key helpers', () => {
  it('reads the key type from the blob and refuses garbage', () => {
    expect(keyTypeOf(Buffer.from(ed, 'base64'))).toBe('ssh-ed25519');
    expect(keyTypeOf(Buffer.from([0, 0, 0, 200, 1]))).toBe('');
    expect(keyTypeOf(Buffer.alloc(2))).toBe('');
  });

  it('asks for the stored key types first (RSA as its SHA-2 signatures too)', () => {
    expect(hostKeyAlgorithmsFor(['ssh-ed25519'])).toEqual(['ssh-ed25519']);
    expect(hostKeyAlgorithmsFor(['ssh-rsa', 'ssh-ed25519'])).toEqual([
      'rsa-sha2-512',
      'rsa-sha2-256',
      'ssh-rsa',
      'ssh-ed25519',
    ]);
  });
});
