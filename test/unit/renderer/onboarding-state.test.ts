import { describe, expect, it } from 'vitest';
import type { Api, CallArgs, CallName, CallResult } from '../../../shared/contract.js';
import { parseCallArgs } from '../../../shared/contract.js';
import type { CheckMatrix } from '../../../shared/onboarding/check-matrix.js';
import type { Discovery } from '../../../shared/onboarding/discovery-types.js';
import { profileSchema } from '../../../shared/profile/profile.js';
import type { Result } from '../../../shared/result.js';
import { CheckState } from '../../../renderer/src/lib/onboarding/check-state.svelte.js';
import { OnboardingState } from '../../../renderer/src/lib/onboarding/onboarding-state.svelte.js';

/** The onboarding page's and the check's state against a scripted core (the contract validates every call). */
class ScriptedApi implements Pick<Api, 'call'> {
  readonly calls: { name: string; args: unknown }[] = [];
  constructor(private readonly answers: Partial<Record<CallName, (args: unknown) => unknown>>) {}
  async call<N extends CallName>(name: N, args: CallArgs<N>): Promise<Result<CallResult<N>>> {
    const parsed = parseCallArgs(name, args);
    if (!parsed.ok) return parsed as Result<CallResult<N>>;
    this.calls.push({ name, args: parsed.value });
    const answer = this.answers[name];
    if (!answer) return { ok: false, error: { code: 'internal', message: `${name} not scripted` } };
    return answer(parsed.value) as Result<CallResult<N>>;
  }
}

const profile = profileSchema.parse({
  name: 'env',
  clouds: {
    source: { authUrl: '', region: '' },
    target: { authUrl: 'http://k/v3', region: 'B', username: 'admin', password: 'not set' },
  },
  hosts: [{ id: 'tvm-1', name: 'tvm-1', role: 'tvm', address: '10.0.0.1', keyFile: '~/.ssh/id' }],
  nfs: { target: '1.1.1.1:/b1', syncedCopy: '1.1.1.2:/b2' },
});
const discovery: Discovery = {
  id: 'd-1',
  profile,
  existing: null,
  diff: [],
  hostKeys: [{ hostId: 'tvm-1', host: '10.0.0.1', status: 'pinned', fingerprints: ['SHA256:x'] }],
  nova: null,
  sources: [],
  secretsFound: [],
  problems: [],
};

describe('OnboardingState', () => {
  it('prefills from what the core found, discovers, asks for a missing password and saves once', async () => {
    const api = new ScriptedApi({
      'onboarding.sources': () => ({
        ok: true,
        value: {
          home: '/home/op',
          cloudsFile: '/home/op/.config/openstack/clouds.yaml',
          secureFile: null,
          clouds: ['a', 'b'],
          sshConfig: '/home/op/.ssh/config',
          sshAliases: [],
          knownHosts: ['/home/op/.ssh/known_hosts'],
          openrcFiles: [],
          inventories: ['/etc/kolla/multinode'],
        },
      }),
      'onboarding.discover': () => ({ ok: true, value: discovery }),
      'onboarding.apply': () => ({ ok: true, value: { ...profile, id: 'env-1' } }),
    });
    const s = new OnboardingState(api);
    await s.load();
    expect(s.source).toEqual({ kind: 'clouds-yaml', value: 'a' });
    expect(s.target).toEqual({ kind: 'clouds-yaml', value: 'b' });
    expect(s.inventory).toBe('/etc/kolla/multinode');
    s.nfs.syncedCopy = '1.1.1.2:/b2';
    await s.discover();
    expect(api.calls[1]?.args).toMatchObject({
      clouds: { target: { kind: 'clouds-yaml', cloud: 'b' }, source: { kind: 'clouds-yaml', cloud: 'a' } },
      inventory: '/etc/kolla/multinode',
      knownHosts: ['/home/op/.ssh/known_hosts'],
      nfs: { syncedCopy: '1.1.1.2:/b2' },
    });
    expect(s.needsPassword('target')).toBe(true);
    expect(s.canSave).toBe(false);
    s.passwords.target = 'typed-pw';
    expect(s.canSave).toBe(true);
    const saved = await s.save();
    expect(saved?.id).toBe('env-1');
    expect(api.calls[2]).toEqual({
      name: 'onboarding.apply',
      args: { id: 'd-1', replace: false, secrets: { 'clouds.target.password': 'typed-pw' } },
    });
    expect(s.passwords.target).toBe('');
  });

  it('does not save a profile with problems', async () => {
    const api = new ScriptedApi({
      'onboarding.discover': () => ({
        ok: true,
        value: { ...discovery, problems: [{ path: 'nfs.syncedCopy', message: 'required' }] },
      }),
    });
    const s = new OnboardingState(api);
    s.name = 'env';
    s.target = { kind: 'openrc', value: '/home/op/b-openrc.sh' };
    await s.discover();
    expect(api.calls[0]?.args).toMatchObject({
      clouds: { target: { kind: 'openrc', file: '/home/op/b-openrc.sh' } },
    });
    expect(s.canSave).toBe(false);
    expect(await s.save()).toBeNull();
  });
});

describe('CheckState', () => {
  it('runs the check and trusts an unknown key, then checks again', async () => {
    const failed: CheckMatrix = {
      profileId: 'p',
      ok: false,
      failed: 1,
      durationMs: 10,
      checkedAt: '',
      rows: [
        {
          kind: 'host',
          id: 'c1',
          name: 'c1',
          detail: '',
          cells: [
            {
              key: 'hostKey',
              label: 'host key pinned',
              state: 'failed',
              error: {
                code: 'ssh-host-key-unknown',
                message: 'unknown',
                hostKey: {
                  host: '10.0.0.9',
                  keyType: 'ssh-ed25519',
                  keyBase64: 'AAAA',
                  fingerprint: 'SHA256:f',
                },
              },
            },
          ],
        },
      ],
    };
    let runs = 0;
    const api = new ScriptedApi({
      'profiles.check': () => ({
        ok: true,
        value: runs++ === 0 ? failed : { ...failed, ok: true, failed: 0, rows: [] },
      }),
      'hosts.trustKey': () => ({ ok: true, value: { trusted: true } }),
    });
    const c = new CheckState(api, 'p');
    await c.run();
    expect(c.matrix?.ok).toBe(false);
    await c.trust(c.matrix!.rows[0]!.cells[0]!);
    expect(api.calls.map((x) => x.name)).toEqual(['profiles.check', 'hosts.trustKey', 'profiles.check']);
    expect(api.calls[1]?.args).toMatchObject({ host: '10.0.0.9', keyType: 'ssh-ed25519', replace: false });
    expect(c.matrix?.ok).toBe(true);
  });
});
