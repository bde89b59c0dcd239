import { describe, expect, it } from 'vitest';
import { ProfileDraft } from '../../../renderer/src/lib/profiles/profile-draft.svelte.js';
import { blankProfile } from '../../../renderer/src/lib/profiles/blank-profile.js';
import type { Profile } from '../../../shared/profile/profile.js';
import { MemoryApi } from './support/memory-api.js';

/** A profile that passes the shared validator once the TVM's password is set. */
function filledDraft(): ProfileDraft {
  const draft = new ProfileDraft();
  const p = draft.profile;
  p.name = 'Lab A to B';
  p.clouds.target.authUrl = 'http://127.0.0.1:5000/v3';
  p.clouds.target.region = 'RegionOne';
  p.clouds.target.username = 'admin';
  p.nfs.target = '10.20.3.22:/upstream_target';
  p.nfs.syncedCopy = '10.20.3.22:/upstream_source';
  draft.addHost();
  const tvm = draft.profile.hosts[0]!;
  Object.assign(tvm, { name: 'tvm-1', address: '127.0.0.11', auth: 'password' });
  return draft;
}

describe('ProfileDraft validation', () => {
  it('starts invalid and hides errors of untouched fields', () => {
    const draft = new ProfileDraft();
    expect(draft.isValid).toBe(false);
    expect(draft.clientErrors.map((e) => e.path)).toContain('nfs.target');
    expect(draft.errorFor('nfs.target')).toBeUndefined();
    draft.touch('nfs.target');
    expect(draft.errorFor('nfs.target')).toMatch(/NFS B1/);
  });

  it('re-validates as the user types', () => {
    const draft = filledDraft();
    draft.touch('nfs.syncedCopy');
    draft.profile.nfs.syncedCopy = '10.20.3.22/upstream';
    expect(draft.errorFor('nfs.syncedCopy')).toMatch(/HOST:\/path/);
    draft.profile.nfs.syncedCopy = '10.20.3.22:/upstream_source';
    expect(draft.errorFor('nfs.syncedCopy')).toBeUndefined();
  });

  it('counts a typed secret as set, so the password error goes while typing', () => {
    const draft = filledDraft();
    expect(draft.clientErrors).toEqual([{ path: 'hosts.0.password', message: 'Set the password.' }]);
    draft.setSecret('hosts.host-1.password', 'hunter2');
    expect(draft.isValid).toBe(true);
    draft.setSecret('hosts.host-1.password', '');
    expect(draft.isValid).toBe(false);
  });

  it('reports half-typed numbers instead of saving something else', () => {
    const draft = filledDraft();
    draft.profile.ssh.keepaliveSec = Number.NaN;
    draft.showAll = true;
    expect(draft.errorFor('ssh.keepaliveSec')).toBe('Enter a whole number.');
  });

  it('shows the server’s field errors until the field is edited', () => {
    const draft = filledDraft();
    draft.serverErrors = [{ path: 'nfs.target', message: 'Not reachable from the TVM.' }];
    expect(draft.errorFor('nfs.target')).toBe('Not reachable from the TVM.');
    draft.touch('nfs.target');
    expect(draft.errorFor('nfs.target')).toBeUndefined();
  });
});

describe('ProfileDraft hosts', () => {
  it('moves pending secrets with a new host’s id and forgets them when the host goes', () => {
    const draft = filledDraft();
    draft.addHost('compute');
    draft.profile.hosts[1]!.via = 'host-1';
    draft.setSecret('hosts.host-1.password', 'pw');
    draft.renameHost(0, 'tvm');
    expect(draft.secrets).toEqual({ 'hosts.tvm.password': 'pw' });
    expect(draft.profile.hosts[1]!.via).toBe('tvm');
    draft.removeHost(0);
    expect(draft.secrets).toEqual({});
    expect(draft.profile.hosts[0]!.via).toBe('');
  });

  it('keeps the ids of saved hosts fixed', () => {
    const saved: Profile = { ...blankProfile(), id: 'p1' };
    saved.hosts = [{ ...filledDraft().profile.hosts[0]!, id: 'tvm' }];
    const draft = new ProfileDraft(saved);
    expect(draft.isHostIdLocked('tvm')).toBe(true);
    draft.renameHost(0, 'other');
    expect(draft.profile.hosts[0]!.id).toBe('tvm');
  });
});

describe('ProfileDraft.save', () => {
  it('sends secrets once, then holds only their state', async () => {
    const api = new MemoryApi();
    const draft = filledDraft();
    draft.setSecret('hosts.host-1.password', 'hunter2');
    draft.setSecret('clouds.target.password', 'cloud-pw');
    expect(draft.dirty).toBe(true);

    const saved = await draft.save(api);

    expect(saved?.id).not.toBe('');
    expect(api.calls.at(-1)?.args).toMatchObject({
      secrets: { 'hosts.host-1.password': 'hunter2', 'clouds.target.password': 'cloud-pw' },
    });
    expect(draft.secrets).toEqual({});
    expect(draft.dirty).toBe(false);
    expect(draft.profile.hosts[0]!.password).toBe('set');
    expect(draft.profile.clouds.target.password).toBe('set');
    expect(JSON.stringify(draft.profile)).not.toContain('hunter2');
  });

  it('clears a stored secret with null', async () => {
    const api = new MemoryApi();
    const draft = filledDraft();
    draft.profile.hosts[0]!.auth = 'agent';
    draft.setSecret('hosts.host-1.password', 'pw');
    await draft.save(api);
    draft.setSecret('hosts.host-1.password', null);
    expect(draft.secrets).toEqual({ 'hosts.host-1.password': null });
    await draft.save(api);
    expect(draft.profile.hosts[0]!.password).toBe('not set');
  });

  it('maps the server’s validation errors onto fields', async () => {
    const api = new MemoryApi();
    const draft = filledDraft();
    draft.setSecret('hosts.host-1.password', 'pw');
    // The server's own check (e.g. after a concurrent change) refuses; here: a bad export sent anyway.
    api.call = async () => ({
      ok: false,
      error: {
        code: 'invalid-argument',
        message: 'Invalid arguments for profiles.save.',
        fields: [{ path: 'profile.hosts.0.port', message: 'Too big' }],
      },
    });
    expect(await draft.save(api)).toBeNull();
    expect(draft.errorFor('hosts.0.port')).toBe('Too big');
    expect(draft.saveError?.code).toBe('invalid-argument');
    expect(draft.secrets).toEqual({ 'hosts.host-1.password': 'pw' });
  });

  it('does not send an invalid profile', async () => {
    const api = new MemoryApi();
    const draft = new ProfileDraft();
    expect(draft.canSave).toBe(false);
    expect(await draft.save(api)).toBeNull();
    expect(api.calls).toEqual([]);
    expect(draft.showAll).toBe(true);
  });
});
