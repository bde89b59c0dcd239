import { describe, expect, it } from 'vitest';
import { KnownHostsRepo } from '../../../electron/core/store/known-hosts-repo.js';
import { ProfileRepo } from '../../../electron/core/store/profile-repo.js';
import type { KnownHostEntry } from '../../../electron/core/ssh/known-hosts-store.js';
import { useTempStores } from './temp-store.js';

const stores = useTempStores();

const entry = (host: string, keyBase64: string): KnownHostEntry => ({
  host,
  keyType: 'ssh-ed25519',
  keyBase64,
  fingerprint: `SHA256:${keyBase64}`,
  addedAt: '2025-01-01T00:00:00.000Z',
});

function profileIds(count: number) {
  const store = stores.open(stores.newFile());
  const repo = new ProfileRepo(store);
  const ids = Array.from({ length: count }, (_, i) => {
    const saved = repo.save(
      {
        name: `p${i}`,
        clouds: { source: { authUrl: '', region: '' }, target: { authUrl: '', region: '' } },
        nfs: { target: 'a:/b', syncedCopy: 'c:/d' },
      },
      {},
      undefined,
    );
    if (!saved.ok) throw new Error(saved.error.message);
    return saved.value.id;
  });
  return { store, ids };
}

describe('KnownHostsRepo', () => {
  it('looks up, adds (once per key), removes, per profile', () => {
    const { store, ids } = profileIds(2);
    const a = new KnownHostsRepo(store, ids[0]!);
    const b = new KnownHostsRepo(store, ids[1]!);
    a.add(entry('10.0.0.1', 'K1'));
    a.add(entry('10.0.0.1', 'K1'));
    a.add(entry('10.0.0.1', 'K2'));
    a.add(entry('[10.0.0.1]:2222', 'K3'));
    b.add(entry('10.0.0.1', 'K9'));
    expect(a.lookup('10.0.0.1')).toEqual([entry('10.0.0.1', 'K1'), entry('10.0.0.1', 'K2')]);
    expect(a.lookup('[10.0.0.1]:2222')).toEqual([entry('[10.0.0.1]:2222', 'K3')]);
    expect(a.lookup('10.0.0.9')).toEqual([]);
    expect(b.lookup('10.0.0.1').map((e) => e.keyBase64)).toEqual(['K9']);
    a.remove('10.0.0.1');
    expect(a.all()).toEqual([entry('[10.0.0.1]:2222', 'K3')]);
    expect(b.all()).toHaveLength(1);
  });

  it('refuses entries for a profile that does not exist', () => {
    const { store } = profileIds(0);
    expect(() => new KnownHostsRepo(store, 'missing').add(entry('h', 'K'))).toThrow(/FOREIGN KEY/);
  });
});
