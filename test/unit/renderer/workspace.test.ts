import { describe, expect, it } from 'vitest';
import { Workspace } from '../../../renderer/src/lib/app/workspace.svelte.js';
import { MemoryApi } from './support/memory-api.js';

function workspace(answer = true) {
  const api = new MemoryApi();
  const asked: string[] = [];
  const ws = new Workspace(api, async ({ message }) => {
    asked.push(message);
    return answer;
  });
  return { api, ws, asked };
}

async function createSaved(ws: Workspace, name: string) {
  await ws.create();
  const p = ws.draft!.profile;
  p.name = name;
  p.clouds.target.authUrl = 'https://keystone.b:5000/v3';
  p.clouds.target.region = 'RegionOne';
  p.clouds.target.username = 'admin';
  p.nfs.target = '10.0.0.1:/b1';
  p.nfs.syncedCopy = '10.0.0.1:/b2';
  expect(await ws.save()).toBe(true);
  return ws.draft!.profile.id;
}

describe('Workspace', () => {
  it('creates, lists and reopens a profile', async () => {
    const { ws } = workspace();
    await ws.start();
    expect(ws.draft).toBeNull();
    const id = await createSaved(ws, 'Lab');
    expect(ws.selectedId).toBe(id);
    expect(ws.list.items.map((i) => i.name)).toEqual(['Lab']);

    await ws.create();
    expect(ws.selectedId).toBeNull();
    expect(await ws.select(id)).toBe(true);
    expect(ws.draft!.profile.name).toBe('Lab');
  });

  it('asks before discarding unsaved changes, and stays when told no', async () => {
    const { ws, asked } = workspace(false);
    const first = await createSaved(ws, 'First');
    await createSaved(ws, 'Second');
    ws.draft!.profile.description = 'edited';
    expect(await ws.select(first)).toBe(false);
    expect(asked).toHaveLength(1);
    expect(ws.draft!.profile.name).toBe('Second');
  });

  it('duplicates under a free name and opens the copy', async () => {
    const { ws } = workspace();
    const id = await createSaved(ws, 'Lab');
    expect(await ws.duplicate()).toBe(true);
    expect(ws.selectedId).not.toBe(id);
    expect(ws.draft!.profile.name).toBe('Lab (copy)');
    await ws.select(id);
    await ws.duplicate();
    expect(ws.draft!.profile.name).toBe('Lab (copy 2)');
  });

  it('deletes only after confirmation and opens the next profile', async () => {
    const refused = workspace(false);
    const keep = await createSaved(refused.ws, 'Keep');
    expect(await refused.ws.remove(keep)).toBe(false);
    expect(refused.ws.list.items).toHaveLength(1);

    const { ws, asked } = workspace(true);
    const a = await createSaved(ws, 'A');
    const b = await createSaved(ws, 'B');
    expect(await ws.remove(b)).toBe(true);
    expect(asked[0]).toContain('"B"');
    expect(ws.list.items.map((i) => i.id)).toEqual([a]);
    expect(ws.selectedId).toBe(a);
  });
});
