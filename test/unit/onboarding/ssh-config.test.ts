import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SshConfigSource, jumpChain, parseProxyJump } from '../../../electron/core/onboarding/ssh-config.js';
import { nodeSshConfigFiles } from '../../../electron/core/onboarding/ssh-config-files.js';

/**
 * The SSH config evaluator against OpenSSH itself: for every alias of one config (Include with globs,
 * an Include inside a Host block and one inside an inactive block, Match host / originalhost / user,
 * negated patterns, `Key=Value`, quoted values, tokens), `ssh -G -F FILE alias` and our resolver agree
 * on hostname, user, port, identity files and ProxyJump.
 */
let dir: string;
let config: string;
const aliases = [
  'web1',
  'WEB2',
  'db.internal',
  'bastion',
  'inner',
  'compute-7',
  'compute-9',
  'tvm',
  'unknown.example',
  '10.0.0.5',
  'quoted',
  'kolla-c1',
];

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ssh-config-'));
  mkdirSync(path.join(dir, 'conf.d'));
  config = path.join(dir, 'config');
  writeFileSync(
    path.join(dir, 'conf.d', '10-kolla.conf'),
    ['Host kolla-*', '  User kolla', '  IdentityFile ~/.ssh/kolla_%r', '  Port 2201', ''].join('\n'),
  );
  writeFileSync(
    path.join(dir, 'conf.d', '20-other.conf'),
    ['Host compute-9', '  HostName 10.9.9.9', ''].join('\n'),
  );
  writeFileSync(path.join(dir, 'inner.conf'), ['User inner-from-include', 'Port 2022', ''].join('\n'));
  writeFileSync(
    path.join(dir, 'never.conf'),
    ['Host *', '  User never-applies', '  Port 9999', ''].join('\n'),
  );
  writeFileSync(
    config,
    [
      '# onboarding test config',
      `Include ${dir}/conf.d/*.conf`,
      'Host web? !web3',
      '  HostName %h.dc1.example.org',
      '  User=deploy',
      '  IdentityFile ~/.ssh/id_%h',
      '  IdentityFile ~/.ssh/shared_key',
      'Host bastion',
      '  HostName 192.0.2.10',
      '  User jumper',
      '  Port 2222',
      'Host inner',
      '  HostName 10.20.0.2',
      `  Include ${dir}/inner.conf`,
      '  ProxyJump bastion',
      'Host compute-*',
      '  ProxyJump ops@bastion:2222,inner',
      '  IdentityFile "~/.ssh/dr key"',
      'Host nothing-matches-this',
      `  Include ${dir}/never.conf`,
      'Match host 10.9.9.9',
      '  User matched-by-hostname',
      'Match originalhost tvm',
      '  HostName 10.0.0.11',
      '  User tvm-admin',
      'Match user deploy host *.dc1.example.org',
      '  Port 2200',
      'Host quoted',
      '  HostName "10.3.3.3"',
      '  User "spaced user"',
      'Host *',
      '  User fallback',
      '  Port 2323',
      '',
    ].join('\n'),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What `ssh -G` prints for the options we read. */
function sshG(alias: string): Record<string, string[]> {
  const out = execFileSync('ssh', ['-G', '-F', config, alias], { encoding: 'utf8' });
  const options: Record<string, string[]> = {};
  for (const line of out.split('\n')) {
    const space = line.indexOf(' ');
    if (space < 0) continue;
    const key = line.slice(0, space);
    (options[key] ??= []).push(line.slice(space + 1));
  }
  return options;
}

describe('SSH config resolution agrees with ssh -G', () => {
  const files = () => nodeSshConfigFiles(os.userInfo().homedir, os.userInfo().username);
  it.each(aliases)('%s', (alias) => {
    const ours = new SshConfigSource(config, files()).resolve(alias);
    const theirs = sshG(alias);
    expect(ours.hostName).toBe(theirs.hostname?.[0]);
    expect(ours.user).toBe(theirs.user?.[0]);
    expect(String(ours.port)).toBe(theirs.port?.[0]);
    expect(ours.proxyJump).toBe(theirs.proxyjump?.[0]);
    if (ours.identityConfigured) expect(ours.identityFiles).toEqual(theirs.identityfile);
    else for (const f of ours.identityFiles) expect(theirs.identityfile).toContain(f);
  });
});

describe('SSH config details', () => {
  const source = () => new SshConfigSource(config, nodeSshConfigFiles('/home/op', 'op'));

  it('expands identity files the way ssh uses them', () => {
    const web1 = source().resolve('web1');
    expect(web1.identityFilesExpanded).toEqual([
      '/home/op/.ssh/id_web1.dc1.example.org',
      '/home/op/.ssh/shared_key',
    ]);
    expect(source().resolve('kolla-c1').identityFilesExpanded).toEqual(['/home/op/.ssh/kolla_kolla']);
    expect(source().resolve('compute-7').identityFilesExpanded).toEqual(['/home/op/.ssh/dr key']);
  });

  it('lists the Host aliases without wildcards, including those of included files', () => {
    expect(source().aliases()).toEqual(['compute-9', 'bastion', 'inner', 'nothing-matches-this', 'quoted']);
  });

  it('follows a ProxyJump chain: the first hop with its own config, later hops through the earlier', () => {
    const s = source();
    const chain = jumpChain(s, s.resolve('compute-7'));
    expect(chain.problem).toBeUndefined();
    expect(chain.hops.map((h) => [h.alias, h.hostName, h.user, h.port, h.via])).toEqual([
      ['bastion', '192.0.2.10', 'ops', 2222, ''],
      ['inner', '10.20.0.2', 'inner-from-include', 2022, 'bastion'],
    ]);
    const viaInner = jumpChain(s, s.resolve('inner'));
    expect(viaInner.hops.map((h) => h.alias)).toEqual(['bastion']);
  });

  it('parses ProxyJump hops with users, ports, brackets and none', () => {
    expect(parseProxyJump('a,root@b:2222,ssh://u@[fe80::1]:22,[::1]')).toEqual([
      { host: 'a' },
      { host: 'b', user: 'root', port: 2222 },
      { host: 'fe80::1', user: 'u', port: 22 },
      { host: '::1' },
    ]);
    expect(parseProxyJump('none')).toEqual([]);
  });

  it('says what it does not follow: Match exec and ProxyCommand', () => {
    const f = path.join(dir, 'exec.conf');
    writeFileSync(
      f,
      ['Match exec "true"', '  User from-exec', 'Host pc', '  ProxyCommand nc %h %p', ''].join('\n'),
    );
    const s = new SshConfigSource(f, nodeSshConfigFiles('/home/op', 'op'));
    const r = s.resolve('pc');
    expect(r.user).toBe('op');
    expect(r.notes.join(' ')).toMatch(/Match exec/);
    expect(r.notes.join(' ')).toMatch(/ProxyCommand/);
  });
});
