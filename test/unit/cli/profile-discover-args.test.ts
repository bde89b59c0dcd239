import { describe, expect, it } from 'vitest';
import { parseDiscoverArgv } from '../../../electron/cli/profile-discover.js';
import { describeMatrix } from '../../../electron/cli/profile-check.js';

/** `profile discover` through the command table's strict parse: repeatable --cloud/--nfs/--known-hosts, clear usage errors. */
const isFile = (p: string) => p === 'admin-openrc';

describe('profile discover arguments', () => {
  it('reads repeated --cloud and --nfs, and tells clouds.yaml names from openrc files', () => {
    const r = parseDiscoverArgv(
      [
        'profile',
        'discover',
        '--name',
        'prod',
        '--cloud',
        'source=cloud-a',
        '--cloud',
        'target=./b-openrc.sh',
        '--nfs',
        'source=10.0.0.1:/a',
        '--nfs',
        'syncedCopy=10.0.0.2:/b2',
        '--known-hosts',
        'k1',
        '--known-hosts',
        'k2',
        '--inventory',
        '/etc/kolla/multinode',
        '--replace',
        '--json',
        '--data-dir',
        '/tmp/d',
      ],
      isFile,
    );
    if (typeof r === 'string') throw new Error(r);
    expect(r.request).toEqual({
      name: 'prod',
      clouds: {
        target: { kind: 'openrc', file: './b-openrc.sh' },
        source: { kind: 'clouds-yaml', cloud: 'cloud-a' },
      },
      knownHosts: ['k1', 'k2'],
      inventory: '/etc/kolla/multinode',
      nfs: { source: '10.0.0.1:/a', syncedCopy: '10.0.0.2:/b2' },
      probe: true,
    });
    expect(r.replace).toBe(true);
    const bare = parseDiscoverArgv(
      ['profile', 'discover', '--name', 'x', '--cloud', 'target=admin-openrc', '--no-probe'],
      isFile,
    );
    if (typeof bare === 'string') throw new Error(bare);
    expect(bare.request.clouds.target).toEqual({ kind: 'openrc', file: 'admin-openrc' });
    expect(bare.request.probe).toBe(false);
  });

  it('refuses what it does not know, with a message naming it', () => {
    expect(parseDiscoverArgv(['profile', 'discover', '--cloud', 'target=b'], isFile)).toBe('missing --name');
    expect(parseDiscoverArgv(['profile', 'discover', '--name', 'x'], isFile)).toMatch(
      /missing --cloud target/,
    );
    expect(parseDiscoverArgv(['profile', 'discover', '--name', 'x', '--cloud', 'b'], isFile)).toMatch(
      /source=… or target=…/,
    );
    expect(
      parseDiscoverArgv(
        ['profile', 'discover', '--name', 'x', '--cloud', 'target=b', '--nfs', 'b3=1:/x'],
        isFile,
      ),
    ).toMatch(/--nfs takes/);
    expect(
      parseDiscoverArgv(
        ['profile', 'discover', '--name', 'x', '--cloud', 'target=b', '--password', 'p'],
        isFile,
      ),
    ).toMatch(/unknown option --password/);
  });
});

describe('profile check output', () => {
  it('prints every row, each failure with its reason and fix, and the verdict', () => {
    const text = describeMatrix({
      profileId: 'p',
      ok: false,
      failed: 1,
      durationMs: 1234,
      checkedAt: '',
      rows: [
        {
          kind: 'host',
          id: 'compute-3',
          name: 'compute-3',
          detail: 'compute drops@10.0.0.3:22',
          cells: [
            { key: 'ssh', label: 'SSH (through its jump chain)', state: 'ok' },
            {
              key: 'sudo',
              label: 'sudo without a prompt',
              state: 'failed',
              detail: 'drops cannot run sudo',
              hint: 'Give drops NOPASSWD',
            },
            { key: 'config', label: 'config file readable', state: 'skipped', detail: 'needs sudo to read' },
          ],
        },
      ],
    });
    expect(text).toContain('✗ sudo without a prompt: drops cannot run sudo');
    expect(text).toContain('what to do: Give drops NOPASSWD');
    expect(text).toContain('– config file readable');
    expect(text).toContain('1 check(s) failed (1.2 s)');
  });
});
